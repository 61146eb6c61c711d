#!/bin/bash
# Guest side of the kernel suite. Runs as root inside the QEMU guest, started by the
# aa-kernel-test unit. Usage: main.sh IN OUT
#   IN  (read-only): guest/ (this directory), node, app/ (the built aa-triage, when present)
#   OUT (writable):  results.tap, expect.tsv, fixtures/, raw/, logs
set -u
IN=$1
OUT=$2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
G=$IN/guest
F=$OUT/fixtures
R=$OUT/raw
export IN OUT G F R
# IN/options (written by run.sh): CAPTURE_FIXTURES=1 runs the fixture-only captures (the python
# admin tools cost ~10-20 s each under TCG); QUICK=1 skips the complain-mode runs (development)
CAPTURE_FIXTURES=0
QUICK=0
SUITE=bookworm
[ -f "$IN/options" ] && . "$IN/options"
export CAPTURE_FIXTURES QUICK SUITE
. "$G/lib.sh"
. "$G/scenarios.sh"
: > "$OUT/results.tap"
: > "$OUT/expect.tsv"
mkdir -p "$F" "$R"

install -m 0755 "$IN/node" /usr/local/bin/node
install -m 0755 /bin/busybox "$SVC"
install -m 0755 /bin/busybox "$MNT"
install -m 0755 /bin/busybox "$HELPER"
install -m 0755 /bin/busybox "$SPACED"
install -m 0755 /bin/busybox "$CHG"
install -m 0755 /bin/busybox "$NS"
install -m 0755 /bin/busybox "$URING"
PROFILES="usr.local.bin.demo-svc usr.local.bin.demo-mnt usr.local.bin.demo-spaced usr.local.bin.demo-chg"
# demo-ns is pinned to the 4.0 ABI: only a 4.x parser has abi/4.0 (Debian 13; not Debian 12's 3.0)
ABI4=0
if [ -f "$PROFILE_DIR/abi/4.0" ]; then ABI4=1; PROFILES="$PROFILES usr.local.bin.demo-ns"; fi
# demo-uring is pinned to the feature set Debian pins its parser to, when that lists io_uring
URING_ABI=0
if [ "$ABI4" = 1 ] && grep -q 'io_uring {mask {[^}]*sqpoll' /usr/share/apparmor-features/features 2>/dev/null; then URING_ABI=1; PROFILES="$PROFILES usr.local.bin.demo-uring"; fi
export PROFILES ABI4 URING_ABI
for p in $PROFILES; do install -m 0644 "$G/profiles/$p" "$PROFILE_DIR/$p"; done

{
  uname -r
  cat /proc/cmdline
  echo "apparmor enabled: $(cat /sys/module/apparmor/parameters/enabled)"
  echo "lsm: $(cat /sys/kernel/security/lsm)"
  dpkg-query -W apparmor apparmor-utils auditd systemd util-linux busybox linux-image-amd64
  node --version
  echo "abi files: $(cd "$PROFILE_DIR/abi" 2>/dev/null && ls | tr '\n' ' ')"
  echo "kernel features: $(cd "$SECFS/features" && ls | tr '\n' ' ')"
  for d in namespaces io_uring ipc domain; do
    [ -d "$SECFS/features/$d" ] && echo "features/$d: $(cd "$SECFS/features/$d" && ls | tr '\n' ' ')"
    [ -f "$SECFS/features/$d/mask" ] && echo "features/$d/mask: $(cat "$SECFS/features/$d/mask")"
  done
  for f in /proc/sys/kernel/apparmor_restrict_unprivileged_userns /proc/sys/kernel/unprivileged_userns_clone /proc/sys/kernel/io_uring_disabled; do
    [ -e "$f" ] && echo "$f: $(cat "$f")"
  done
} > "$OUT/guest-info.txt" 2>&1

# conditional blocks (if/else): which profiles and file rules this suite's apparmor_parser
# compiles from each policy (-N, -Q -d), compared on the host with aa-triage's profile index
mkdir -p "$R/conditional"
for f in "$IN"/conditional/*; do
  n=$(basename "$f")
  apparmor_parser -N "$f" > "$R/conditional/$n.names" 2> "$R/conditional/$n.err"
  echo $? > "$R/conditional/$n.rc"
  apparmor_parser -Q -d "$f" > "$R/conditional/$n.dump" 2>> "$R/conditional/$n.err"
  host_check conditional-index.mjs "raw/conditional/$n" "$n"
done

# journald reads the kernel's audit channel only while systemd-journald-audit.socket is active:
# systemd 252 (Debian 12) starts it with journald, systemd 257 (Debian 13) does not by default. The
# suite checks that channel on both, so it turns it on where it is off, and says so. (systemd
# refuses to start a socket whose service runs: journald is stopped, the socket started, journald
# started again with it; its other sockets keep what arrives meanwhile.) Who reads the audit
# multicast group shows in /proc/net/netlink (protocol 9, group bit 1): aa-triage's probe reads that.
netlink_audit() { awk 'NR > 1 && $2 == 9 { print "portid=" $3 " groups=" $4 }' /proc/net/netlink | tr '\n' ' '; }
jas=$(systemctl is-active systemd-journald-audit.socket 2>/dev/null)
{
  echo "journald audit socket at boot: ${jas:-unknown}"
  echo "netlink audit sockets at boot: $(netlink_audit)"
} >> "$OUT/guest-info.txt"
if [ "$jas" = active ]; then
  tap_ok "journald reads the audit channel by default (systemd-journald-audit.socket active at boot)"
else
  tap_ok "journald does not read the audit channel by default (systemd-journald-audit.socket ${jas:-unknown} at boot): started for the suite"
  echo "systemd-journald-audit.socket was ${jas:-unknown} at boot: the journal's audit channel (_TRANSPORT=audit) is empty on this release until it is enabled" >> "$OUT/observations.txt"
  systemctl stop systemd-journald.service
  systemctl start systemd-journald-audit.socket
  systemctl start systemd-journald.service
  tap_check "journald reads the audit channel after starting systemd-journald-audit.socket" systemctl is-active -q systemd-journald-audit.socket
  echo "netlink audit sockets after starting the socket: $(netlink_audit)" >> "$OUT/guest-info.txt"
fi
if awk 'NR > 1 && $2 == 9 && $4 ~ /[13579bdfBDF]$/ { f = 1 } END { exit !f }' /proc/net/netlink; then
  tap_ok "/proc/net/netlink shows a reader of the audit multicast group"
else
  tap_fail "/proc/net/netlink shows a reader of the audit multicast group" "$(cat /proc/net/netlink)"
fi

if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
  tap_ok "guest kernel has AppArmor enabled"
else
  tap_fail "guest kernel has AppArmor enabled" "$(cat /proc/cmdline)"
  exit 1
fi

load_profiles() { for p in $PROFILES; do apparmor_parser -a "$PROFILE_DIR/$p" || tap_fail "load $p"; done; }
remove_profiles() { for p in $PROFILES; do apparmor_parser -R "$PROFILE_DIR/$p" || true; done; }

profiles_have() { grep -qxF "$1" "$SECFS/profiles"; }

# ---------------------------------------------------------------------------------------------
# Phase A: no auditd. Records go to the kernel log (rate-limited) and journald's audit channel.
PHASE=noauditd
systemctl stop auditd 2>/dev/null
tap_check "auditd is not running in phase noauditd" bash -c '! systemctl is-active -q auditd'
sleep 2
A_CURSOR=$(journal_cursor)
A_START=$(date +%s)
echo "$A_CURSOR" > "$R/noauditd.cursor"
kmsg_mark "phase noauditd begin"
log "phase $PHASE"

load_profiles
tap_check "profiles loaded in enforce mode" bash -c "grep -qxF 'demo-svc (enforce)' $SECFS/profiles && grep -qxF 'demo spaced (enforce)' $SECFS/profiles && grep -qxF 'demo-chg (enforce)' $SECFS/profiles"
if [ "$ABI4" = 1 ]; then
  tap_check "a profile pinned to abi <abi/4.0> loads (demo-ns)" profiles_have "demo-ns (enforce)"
else
  tap_skip "a profile pinned to abi <abi/4.0> loads" "AppArmor $(dpkg-query -W -f='${Version}' apparmor) has no abi/4.0"
  # what an older parser says about it, for the record
  apparmor_parser -Q "$G/profiles/usr.local.bin.demo-ns" > "$R/abi4-on-old-parser.txt" 2>&1
  echo "abi 4.0 profile on this parser: exit $?: $(head -c 300 "$R/abi4-on-old-parser.txt" | tr '\n' ' ')" >> "$OUT/observations.txt"
fi
cat "$SECFS/profiles" > "$F/sys-apparmor-profiles.txt"
if [ "$CAPTURE_FIXTURES" = 1 ]; then
  aa-status --json > "$F/aa-status.json" 2>"$R/aa-status.stderr"; echo "$?" > "$R/aa-status.rc"
  aa-status > "$F/aa-status.txt" 2>&1
fi

# the newer kernels' scenarios this kernel cannot run (their expectations prove the others)
for f in "namespaces/userns_create|user namespace denial (unshare -U)" "io_uring/sqpoll|io_uring denial (SQPOLL)" "ipc/posix_mqueue|POSIX message queue denial"; do
  if ! aa_feature "${f%%|*}"; then tap_skip "scenario: ${f#*|}" "Linux $(uname -r) does not mediate it (no features/${f%%|*} in securityfs)"
  elif [ "$ABI4" != 1 ]; then tap_skip "scenario: ${f#*|}" "the kernel mediates it, but this AppArmor parser has no 4.0 ABI to compile a profile for it"
  fi
done

MODE=enforce
IOURING_RESULT=""
run_scenarios
case $IOURING_RESULT in
  fd*) tap_skip "scenario: io_uring denial (SQPOLL) under a profile pinned to abi/4.0" "the kernel lists io_uring/sqpoll, but io_uring_setup with SQPOLL under demo-ns (4.0 ABI, no io_uring rule) succeeded: abi/4.0 does not list io_uring, so the profile does not mediate it" ;;
esac
if [ "$URING_ABI" = 1 ]; then
  case $IOURING_KERNEL_ABI in
    error*) tap_ok "scenario: io_uring denial (SQPOLL) under a profile pinned to the kernel's feature set (demo-uring): $IOURING_KERNEL_ABI" ;;
    *) tap_fail "scenario: io_uring denial (SQPOLL) under a profile pinned to the kernel's feature set (demo-uring)" "io_uring_setup with SQPOLL gave: $IOURING_KERNEL_ABI" ;;
  esac
fi

# replace with a changed profile (profile_replace)
sed -i 's|^  /etc/demo-svc/\*\* r,|  /etc/demo-svc/** r,\n  /etc/demo-svc/ r,|' "$PROFILE_DIR/usr.local.bin.demo-svc"
apparmor_parser -r "$PROFILE_DIR/usr.local.bin.demo-svc"
# complain mode: ALLOWED records. The python admin tools (aa-complain, aa-enforce) take ~10-20 s
# each under TCG: they run when capturing fixtures (and in the act checks), apparmor_parser otherwise.
if [ "$CAPTURE_FIXTURES" = 1 ]; then
  capture_cmd "$F/cmd-aa-complain-file.json" aa-complain "$PROFILE_DIR/usr.local.bin.demo-svc"
  tap_check "aa-complain FILE puts demo-svc in complain mode" profiles_have "demo-svc (complain)"
else
  apparmor_parser -r -C "$PROFILE_DIR/usr.local.bin.demo-svc"
  tap_check "apparmor_parser -r -C FILE puts demo-svc in complain mode" profiles_have "demo-svc (complain)"
fi
# the other profiles: complain mode without editing their files
others() { for p in $PROFILES; do [ "$p" = usr.local.bin.demo-svc ] || echo "$PROFILE_DIR/$p"; done; }
apparmor_parser -r -C $(others)
cat "$SECFS/profiles" > "$F/sys-apparmor-profiles-complain.txt"
[ "$CAPTURE_FIXTURES" = 1 ] && aa-status --json > "$F/aa-status-complain.json" 2>/dev/null
MODE=complain
[ "$QUICK" = 1 ] || run_scenarios
if [ "$CAPTURE_FIXTURES" = 1 ]; then
  capture_cmd "$F/cmd-aa-enforce-file.json" aa-enforce "$PROFILE_DIR/usr.local.bin.demo-svc"
  tap_check "aa-enforce FILE puts demo-svc back in enforce mode" profiles_have "demo-svc (enforce)"
else
  apparmor_parser -r "$PROFILE_DIR/usr.local.bin.demo-svc"
  tap_check "apparmor_parser -r FILE puts demo-svc back in enforce mode" profiles_have "demo-svc (enforce)"
fi
apparmor_parser -r $(others)

# the other admin commands
capture_cmd "$F/cmd-apparmor_parser-R-1.json" apparmor_parser -R "$PROFILE_DIR/usr.local.bin.demo-svc"
tap_check "apparmor_parser -R FILE unloads demo-svc" bash -c "! grep -q '^demo-svc ' $SECFS/profiles"
capture_cmd "$F/cmd-apparmor_parser-R-2.json" apparmor_parser -R "$PROFILE_DIR/usr.local.bin.demo-svc"
capture_cmd "$F/cmd-apparmor_parser-r-C.json" apparmor_parser -r -C "$PROFILE_DIR/usr.local.bin.demo-svc"
tap_check "apparmor_parser -r -C FILE loads demo-svc in complain mode" profiles_have "demo-svc (complain)"
if [ "$CAPTURE_FIXTURES" = 1 ]; then
  capture_cmd "$F/cmd-aa-complain-missing.json" aa-complain "$PROFILE_DIR/usr.local.bin.does-not-exist"
  capture_cmd "$F/cmd-aa-complain-name.json" aa-complain demo-svc
fi
capture_cmd "$F/cmd-apparmor_parser-r-missing.json" apparmor_parser -r "$PROFILE_DIR/usr.local.bin.does-not-exist"
capture_cmd "$F/cmd-apparmor_parser-r-same.json" apparmor_parser -r "$PROFILE_DIR/usr.local.bin.demo-mnt"
remove_profiles
sleep 3
A_END=$(date +%s)
kmsg_mark "phase noauditd end"

# carriers of phase A
journalctl --sync 2>/dev/null
dmesg > "$R/dmesg.txt"
dmesg -T > "$R/dmesg-T.txt"
dmesg --time-format iso > "$R/dmesg-iso.txt"
dmesg -r > "$R/dmesg-r.txt"
dmesg -x > "$R/dmesg-x.txt"
dmesg --json > "$R/dmesg.json"
for o in short short-iso short-precise short-monotonic cat json; do
  journalctl -k -q --no-pager --cursor="$A_CURSOR" -o "$o" > "$R/journal-k-$o.txt"
done
journalctl _TRANSPORT=audit -q --no-pager --cursor="$A_CURSOR" -o short > "$R/journal-audit-short.txt"
journalctl _TRANSPORT=audit -q --no-pager --cursor="$A_CURSOR" -o json > "$R/journal-audit-json.txt"
# systemd < 255 (systemd#30288): --after-cursor with a match skips the first matching entry
journalctl _TRANSPORT=audit -q --no-pager --after-cursor="$A_CURSOR" -o short > "$R/journal-audit-short-after-cursor.txt"
echo "noauditd: journalctl _TRANSPORT=audit --cursor: $(grep -c . "$R/journal-audit-short.txt") lines, --after-cursor: $(grep -c . "$R/journal-audit-short-after-cursor.txt") lines (the cursor entry is a kernel entry)" >> "$OUT/observations.txt"
cp "$OUT/expect.tsv" "$R/expect-noauditd.tsv"
bash "$G/phase-checks.sh" noauditd

# ---------------------------------------------------------------------------------------------
# Phase B: auditd running. Records go to /var/log/audit/audit.log (not the kernel log).
PHASE=auditd
systemctl start auditd
for _ in $(seq 30); do [ -s /var/log/audit/audit.log ] && break; sleep 1; done
tap_check "auditd is running in phase auditd" systemctl is-active -q auditd
auditctl -s > "$R/auditctl-s.txt" 2>&1
B_CURSOR=$(journal_cursor)
echo "$B_CURSOR" > "$R/auditd.cursor"
kmsg_mark "phase auditd begin"
AUDIT_LOG_START=$(wc -c < /var/log/audit/audit.log)
echo "$AUDIT_LOG_START" > "$R/auditd.auditlog-offset"
log "phase $PHASE"
git_restore_profiles() { for p in $PROFILES; do install -m 0644 "$G/profiles/$p" "$PROFILE_DIR/$p"; done; }
git_restore_profiles
load_profiles
MODE=enforce
run_scenarios
# complain mode again with auditd only when capturing fixtures (ALLOWED records in audit.log): the
# noauditd phase already covers complain mode, and the suite has a time budget
if [ "$CAPTURE_FIXTURES" = 1 ]; then
  for p in $PROFILES; do apparmor_parser -r -C "$PROFILE_DIR/$p"; done
  MODE=complain
  run_scenarios
fi
for p in $PROFILES; do apparmor_parser -r "$PROFILE_DIR/$p"; done
remove_profiles
sleep 3
kmsg_mark "phase auditd end"
journalctl --sync 2>/dev/null
cp /var/log/audit/audit.log "$R/audit.log"
journalctl -b -o json --no-pager > "$R/journal-all.json"
tail -c +"$((AUDIT_LOG_START + 1))" /var/log/audit/audit.log > "$R/audit-phase.log"
dmesg > "$R/dmesg-auditd.txt"
journalctl -k -q --no-pager --cursor="$B_CURSOR" -o short-iso > "$R/journal-k-auditd-short-iso.txt"
journalctl _TRANSPORT=audit -q --no-pager --cursor="$B_CURSOR" -o short > "$R/journal-audit-auditd-short.txt"
journalctl _TRANSPORT=audit -q --no-pager --cursor="$B_CURSOR" -o json > "$R/journal-audit-auditd-json.txt"
bash "$G/phase-checks.sh" auditd

# fixtures: trimmed copies of the raw captures
[ "$CAPTURE_FIXTURES" = 1 ] && node "$G/make-fixtures.mjs" "$R" "$F" "$OUT/expect.tsv"

# ---------------------------------------------------------------------------------------------
# Phase 2: the built aa-triage against the live kernel (when present in IN/app)
if [ -f "$G/app-checks.sh" ]; then
  bash "$G/app-checks.sh"
fi
log "done"
exit 0
