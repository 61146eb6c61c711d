#!/bin/bash
# Build the guest for the kernel suite: a minimal Debian (bookworm or trixie) with a stock kernel,
# AppArmor userspace, auditd and busybox, as an ext4 image plus the kernel and initrd to boot it
# directly. Usage: build-image.sh OUTDIR SUITE  (writes OUTDIR/{image.ext4,vmlinuz,initrd.img,versions.txt})
# Every file in this directory is an input of the image cache key (see ../run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
suite=${2:?usage: build-image.sh OUTDIR SUITE}
work=$(mktemp -d "${TMPDIR:-/tmp}/aa-triage-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Use the host's own Debian apt sources (hard-code no mirror host name): keep the lines and stanzas
# that name the host's release, with its codename swapped for the suite asked for (bookworm-updates
# becomes trixie-updates, and so on); skip third-party repositories (they name other suites).
host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
if [ -z "$host_suite" ]; then
  echo "build-image: the host's release codename is unknown (no VERSION_CODENAME in /etc/os-release): no Debian apt source to derive '$suite' from" >&2
  exit 3
fi
mirrors=()
n=0
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  if grep -Eq "^[[:space:]]*deb[[:space:]].*[[:space:]]${host_suite}(-[a-z]+)?[[:space:]]" "$f"; then
    n=$((n+1))
    grep -E "^[[:space:]]*deb[[:space:]].*[[:space:]]${host_suite}(-[a-z]+)?[[:space:]]" "$f" \
      | sed -E "s/([[:space:]])${host_suite}(-[a-z]+)?([[:space:]])/\1${suite}\2\3/" > "$work/src$n.list"
    mirrors+=("$work/src$n.list")
  fi
done
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  # split into stanzas, keep those whose Suites: names the host's release, swap the codename there
  awk -v host="$host_suite" -v suite="$suite" -v dir="$work" -v id="$(basename "$f" .sources)" '
    BEGIN { RS=""; ORS="\n\n"; k=0 }
    $0 ~ ("(^|\n)Suites:[^\n]*" host) && $0 !~ /(^|\n)Enabled:[[:space:]]*no/ {
      n = split($0, lines, "\n"); out = ""
      for (i = 1; i <= n; i++) {
        l = lines[i]
        if (l ~ /^Suites:/) gsub("(^|[[:space:]])" host, " " suite, l)
        sub(/^Suites: +/, "Suites: ", l)
        out = out l "\n"
      }
      k++; printf "%s", out > (dir "/stanza-" id "-" k ".sources")
    }
  ' "$f"
done
for s in "$work"/stanza-*.sources; do [ -f "$s" ] && mirrors+=("$s"); done
if [ ${#mirrors[@]} -eq 0 ]; then
  echo "build-image: no Debian '$host_suite' apt source on this host to derive '$suite' from" >&2
  exit 3
fi
echo "build-image: suite $suite from the host's $host_suite sources:"
cat "${mirrors[@]}" | grep -Ev '^[[:space:]]*(#|$)' | sed 's/^/  /'

pkgs=$(grep -Ev '^[[:space:]]*(#|$)' "$here/packages.txt" | tr '\n' ',' | sed 's/,$//')

mkdir -p "$work/rootfs"
mmdebstrap --variant=minbase --mode=root --include="$pkgs" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
  --essential-hook='printf "MODULES=list\nCOMPRESS=zstd\n" > "$1/etc/initramfs-tools/conf.d/aa-kernel-test.conf"' \
  --essential-hook='printf "virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n" > "$1/usr/share/initramfs-tools/modules.d/aa-kernel-test.conf"' \
  --customize-hook="cp '$here/aa-kernel-test.service' \"\$1/etc/systemd/system/aa-kernel-test.service\"" \
  --customize-hook="install -m 0755 '$here/aa-kernel-test-entry' \"\$1/usr/local/sbin/aa-kernel-test-entry\"" \
  --customize-hook="'$here/customize.sh' \"\$1\"" \
  "$suite" "$work/rootfs" "${mirrors[@]}"

cp -L "$work/rootfs/vmlinuz" "$out/vmlinuz"
cp -L "$work/rootfs/initrd.img" "$out/initrd.img"
{
  echo "kernel: $(ls "$work/rootfs/lib/modules")"
  echo "kernel-package: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' linux-image-amd64)"
  echo "apparmor: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' apparmor)"
  echo "apparmor-utils: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' apparmor-utils)"
  echo "auditd: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' auditd)"
  echo "systemd: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' systemd)"
  echo "util-linux: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' util-linux)"
  echo "busybox: $(chroot "$work/rootfs" dpkg-query -W -f='${Version}' busybox)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out/versions.txt"
rm -rf "$work/rootfs/var/cache/apt/archives"/*.deb "$work/rootfs/var/lib/apt/lists"/* || true
mkfs.ext4 -q -F -L aaroot -d "$work/rootfs" "$out/image.ext4" 1536M
