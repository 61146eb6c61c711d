#!/bin/bash
# mmdebstrap customize hook: $1 is the guest root. Keep boot short and quiet, make the test unit
# the only thing that runs, and leave auditd off (the suite starts it for the auditd phase).
set -euo pipefail
root=$1
echo aa-guest > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 aa-guest\n' > "$root/etc/hosts"
# no fstab entry: the kernel mounts / (root=/dev/vda rw); nothing waits for a device unit
printf '# root is mounted by the kernel (root=/dev/vda rw)\n' > "$root/etc/fstab"
ln -sf /etc/systemd/system/aa-kernel-test.service "$root/etc/systemd/system/multi-user.target.wants/aa-kernel-test.service"
# auditd: installed, not started at boot
rm -f "$root/etc/systemd/system/multi-user.target.wants/auditd.service"
# Boot time under TCG matters (the whole suite has a budget): mask what the tests do not need,
# udev included (no device hotplug here; the 9p modules are loaded by the test entry).
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
         fstrim.timer systemd-timesyncd.service getty@tty1.service serial-getty@ttyS0.service \
         systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
         systemd-udev-trigger.service systemd-udev-settle.service \
         sys-fs-fuse-connections.mount sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
         modprobe@drm.service modprobe@fuse.service modprobe@efi_pstore.service modprobe@configfs.service \
         modprobe@dm_mod.service modprobe@loop.service systemd-logind.service \
         systemd-update-utmp.service systemd-update-utmp-runlevel.service systemd-fsck-root.service \
         systemd-remount-fs.service systemd-hwdb-update.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
mkdir -p "$root/var/log/journal"
sed -i "s|^root:[^:]*:|root::|" "$root/etc/shadow"
