#!/bin/bash
# Build the guest for the kernel suite: a minimal Debian bookworm with a stock kernel, AppArmor
# userspace, auditd and busybox, as an ext4 image plus the kernel and initrd to boot it directly.
# Usage: build-image.sh OUTDIR   (writes OUTDIR/{image.ext4,vmlinuz,initrd.img,versions.txt})
# Every file in this directory is an input of the image cache key (see ../run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
suite=${AA_KERNEL_SUITE:-bookworm}
work=$(mktemp -d "${TMPDIR:-/tmp}/aa-triage-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Use the host's own Debian apt sources (hard-code no mirror host name): keep the stanzas and
# lines that name the suite, skip third-party repositories.
mirrors=()
n=0
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  if grep -Eq "^[[:space:]]*deb[[:space:]].*[[:space:]]${suite}(-[a-z]+)?[[:space:]]" "$f"; then
    n=$((n+1))
    grep -E "^[[:space:]]*deb[[:space:]].*[[:space:]]${suite}(-[a-z]+)?[[:space:]]" "$f" > "$work/src$n.list"
    mirrors+=("$work/src$n.list")
  fi
done
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  # split into stanzas, keep those whose Suites: mentions the suite
  awk -v suite="$suite" -v dir="$work" '
    BEGIN { RS=""; ORS="\n\n"; k=0 }
    $0 ~ ("(^|\n)Suites:[^\n]*" suite) && $0 !~ /(^|\n)Enabled:[[:space:]]*no/ { k++; print > (dir "/stanza-" FILENAME_ID "-" k ".sources") }
  ' FILENAME_ID="$(basename "$f" .sources)" "$f"
done
for s in "$work"/stanza-*.sources; do [ -f "$s" ] && mirrors+=("$s"); done
if [ ${#mirrors[@]} -eq 0 ]; then
  echo "build-image: no Debian '$suite' apt source on this host" >&2
  exit 3
fi

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
