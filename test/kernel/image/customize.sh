#!/bin/bash
# mmdebstrap customize hook: $1 is the guest root. Keep boot short and quiet, make the test unit
# the only thing that runs, and leave auditd off (the suite starts it for the auditd phase).
set -euo pipefail
root=$1
echo aa-guest > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 aa-guest\n' > "$root/etc/hosts"
printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$root/etc/fstab"
ln -sf /etc/systemd/system/aa-kernel-test.service "$root/etc/systemd/system/multi-user.target.wants/aa-kernel-test.service"
# auditd: installed, not started at boot
rm -f "$root/etc/systemd/system/multi-user.target.wants/auditd.service"
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
         fstrim.timer systemd-timesyncd.service getty@tty1.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
mkdir -p "$root/var/log/journal"
sed -i "s|^root:[^:]*:|root::|" "$root/etc/shadow"
