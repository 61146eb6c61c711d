#!/bin/bash
# Fetches the AppArmor policy Debian's packages ship (without installing them) into DIR:
#   bash scripts/eval/shipped-profiles.sh DIR
# then score against it: npm run eval:classify -- --shipped DIR/etc/apparmor.d
# Needs apt-get and dpkg-deb (a Debian or Ubuntu host) and the distribution's package index.
set -euo pipefail
dir=${1:?usage: shipped-profiles.sh DIR}
# the packages that install profiles under /etc/apparmor.d (apparmor brings the abstractions and tunables)
packages=(
  apparmor apparmor-profiles apparmor-profiles-extra avahi-daemon bind9 chrony cups-daemon dnsmasq-base
  evince firejail haveged isc-dhcp-client libreoffice-common libvirt-daemon-system lxc man-db nscd ntp
  ntpsec passt rsyslog swtpm tcpdump thunderbird
)
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download "${packages[@]}")
mkdir -p "$dir"
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
echo "shipped policy in $dir/etc/apparmor.d: $(find "$dir/etc/apparmor.d" -maxdepth 1 -type f | wc -l) profile files"
