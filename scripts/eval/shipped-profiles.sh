#!/bin/bash
# Fetches the AppArmor policy Debian's packages ship (without installing them) into DIR:
#   bash scripts/eval/shipped-profiles.sh DIR [SUITE]
# then score against it: npm run eval:classify -- --shipped DIR/etc/apparmor.d
# Without SUITE the host's own package index is used; with one (trixie, ...), a private index of
# that suite is fetched from the host's Debian mirror. Needs apt-get and dpkg-deb.
set -euo pipefail
dir=${1:?usage: shipped-profiles.sh DIR [SUITE]}
suite=${2:-}
# the packages that install profiles under /etc/apparmor.d (apparmor brings the abstractions and tunables)
packages=(
  apparmor apparmor-profiles apparmor-profiles-extra avahi-daemon bind9 chrony cups-daemon dnsmasq-base
  evince firejail haveged isc-dhcp-client libreoffice-common libvirt-daemon-system lxc man-db nscd
  ntpsec passt rsyslog swtpm tcpdump thunderbird
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
apt=()
if [ -n "$suite" ]; then
  # the host's mirror (no host name written here): the first deb822 URIs, else the first deb line
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 ~ /^https?:/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { echo "shipped-profiles: no Debian mirror in the host's apt sources" >&2; exit 3; }
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb $uri $suite main" > "$work/sources.list"
  apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Dir::State::status=/dev/null)
  apt-get "${apt[@]}" -q update
fi
mkdir -p "$work/debs"
# a package this suite does not have (ntp became ntpsec) is left out, and said so
for p in "${packages[@]}"; do
  (cd "$work/debs" && apt-get "${apt[@]}" -q download "$p" > /dev/null 2>&1) || echo "shipped-profiles: no package $p${suite:+ in $suite}" >&2
done
mkdir -p "$dir"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dir"; done
# what the packages' install scripts do (dh_apparmor): an empty local/ file for every profile that
# includes its own without `if exists`
policy="$dir/etc/apparmor.d"
grep -rhoE '^[[:space:]]*#?include[[:space:]]+<local/[^>]+>' "$policy" --include='*' 2>/dev/null \
  | sed -E 's/.*<(local\/[^>]+)>.*/\1/' | sort -u | while read -r ref; do
  [ -e "$policy/$ref" ] || { mkdir -p "$(dirname "$policy/$ref")"; : > "$policy/$ref"; }
done
echo "shipped policy in $dir/etc/apparmor.d: $(find "$dir/etc/apparmor.d" -maxdepth 1 -type f | wc -l) profile files"
