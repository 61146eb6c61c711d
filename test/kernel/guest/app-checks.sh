#!/bin/bash
# Phase 2: the built aa-triage (IN/app) against the live kernel, after the scenarios ran.
# Appends TAP lines to OUT/results.tap. Every assertion is written against the documented
# contract (aa-triage --help, issue 8); one that cannot run says why (SKIP), none is faked.
set -u
. "$G/lib.sh"
A=$R/app
mkdir -p "$A"

if [ ! -f "$IN/app/bin/aa-triage" ]; then
  tap_skip "aa-triage assertions" "no built aa-triage in the IN share"
  exit 0
fi
rm -rf /opt/aa-triage
cp -a "$IN/app" /opt/aa-triage
AAT=/opt/aa-triage/bin/aa-triage
aat() { node "$AAT" "$@"; }
PROFILES="usr.local.bin.demo-svc usr.local.bin.demo-mnt usr.local.bin.demo-spaced"
log "aa-triage $(cat /opt/aa-triage/REVISION 2>/dev/null)"

# the comparisons run on the host (host_check): paths relative to OUT
compare() { local a args=(); for a in "$@"; do args+=("${a//$OUT\//}"); done; host_check app-compare.mjs "${args[@]}"; }

# ---------------------------------------------------------------------------------------------
# 1. reading the live sources (this boot, --no-follow): the whole run of both phases
truth() { # the carriers as the suite's own reader sees them
  journalctl -b -q --no-pager -o json _TRANSPORT=audit > "$A/truth-audit.json"
  journalctl -b -q --no-pager -o json -k > "$A/truth-kernel.json"
  dmesg > "$A/truth-dmesg.txt"
  cp /var/log/audit/audit.log "$A/truth-auditlog.txt"
}
systemctl is-active -q auditd || systemctl start auditd
journalctl --sync
truth
live_start() { # live_start NAME [aa-triage options]: run --json --no-follow in the background
  local name=$1; shift
  echo "$*" > "$A/$name.args"
  ( t0=$SECONDS
    timeout 400 node "$AAT" --json --no-follow "$@" > "$A/$name.ndjson" 2> "$A/$name.stderr"
    echo $? > "$A/$name.rc"
    echo "$name: $((SECONDS - t0))s (5 runs at once), exit $(cat "$A/$name.rc"): $(tail -1 "$A/$name.stderr")" >> "$A/timings.txt" ) &
}
live_check() { # live_check NAME: exit status and summary line
  local name=$1 args; args=$(cat "$A/$name.args")
  if [ "$(cat "$A/$name.rc" 2>/dev/null)" = 0 ]; then tap_ok "aa-triage --json --no-follow $args exits 0"
  else tap_fail "aa-triage --json --no-follow $args exits 0" "exit $(cat "$A/$name.rc" 2>/dev/null); $(tail -5 "$A/$name.stderr")"; fi
  if grep -q 'AppArmor records' "$A/$name.stderr"; then tap_ok "aa-triage --json --no-follow $args writes a summary line on stderr"
  else tap_fail "aa-triage --json --no-follow $args writes a summary line on stderr" "$(tail -3 "$A/$name.stderr")"; fi
}
t_live=$SECONDS
live_start all
live_start src-dmesg --source dmesg
live_start src-journal --source journal
live_start src-audit --source audit
live_start src-auditlog --source auditlog
wait
echo "live runs: $((SECONDS - t_live))s for the five" >> "$A/timings.txt"
for n in all src-dmesg src-journal src-audit src-auditlog; do live_check "$n"; done

compare "live, all sources" "$A/all.ndjson" \
  journal-json:"$A/truth-audit.json" journal-json:"$A/truth-kernel.json" text:"$A/truth-dmesg.txt" text:"$A/truth-auditlog.txt" \
  --must-include journal-json:"$A/truth-audit.json" --expect "$OUT/expect.tsv"
# how many records the kernel log dropped (in the audit channel, not in dmesg): the comparison
# above proves they are in the output
host_check dropped.mjs raw/app/truth-dmesg.txt raw/app/truth-audit.json raw/app/dropped-by-kernel-log.txt

# 1b. the kernel's records as journalctl's other forms write them, saved and read back, and a
# record a program wrote (logger), which each form must tell apart from the kernel's
if command -v logger > /dev/null; then
  logger -t mallory 'audit: type=1400 audit(1795317102.480:424242): apparmor="DENIED" operation="exec" profile="forged" name="/bin/sh" pid=1 comm="forged" requested_mask="x" denied_mask="x"'
fi
journalctl --sync
sleep 1
forms_until=$(date '+%Y-%m-%d %H:%M:%S')
journalctl -k -b -q --no-pager -o json --until "$forms_until" > "$A/forms-truth.json"
for o in short-full short-unix verbose export; do
  journalctl -k -b -q --no-pager -o "$o" --until "$forms_until" > "$A/forms-k-$o.txt"
  aat --json --input "$A/forms-k-$o.txt" > "$A/forms-k-$o.ndjson" 2> "$A/forms-k-$o.stderr"
  compare "saved, journalctl -k -o $o" "$A/forms-k-$o.ndjson" journal-json:"$A/forms-truth.json"
  if ! command -v logger > /dev/null; then
    tap_skip "saved, journalctl -o $o: a program's record names its writer" "no logger in the guest"
    continue
  fi
  journalctl -b -q --no-pager -o "$o" SYSLOG_IDENTIFIER=mallory --until "$forms_until" > "$A/forms-mallory-$o.txt"
  aat --json --input "$A/forms-mallory-$o.txt" > "$A/forms-mallory-$o.ndjson" 2> /dev/null
  if grep -q '"written_by":"mallory\[' "$A/forms-mallory-$o.ndjson" && ! grep -q '"channel"' "$A/forms-mallory-$o.ndjson"; then
    tap_ok "saved, journalctl -o $o: a program's record names its writer, and no channel"
  else
    tap_fail "saved, journalctl -o $o: a program's record names its writer, and no channel" "$(head -c 400 "$A/forms-mallory-$o.ndjson"; head -3 "$A/forms-mallory-$o.txt")"
  fi
done

# 2. each source alone
compare "live, --source dmesg" "$A/src-dmesg.ndjson" text:"$A/truth-dmesg.txt"
compare "live, --source journal" "$A/src-journal.ndjson" journal-json:"$A/truth-kernel.json"
compare "live, --source audit" "$A/src-audit.ndjson" journal-json:"$A/truth-audit.json"
compare "live, --source auditlog" "$A/src-auditlog.ndjson" text:"$A/truth-auditlog.txt"
# the loss the kernel announced (kauditd_printk_skb: N callbacks suppressed) is reported
sup=$(grep -o 'kauditd_printk_skb: [0-9]* callbacks suppressed' "$A/truth-dmesg.txt" | awk '{s += $2} END {print s + 0}')
if grep -q "suppressed[^0-9]*$sup\b" "$A/src-dmesg.stderr"; then
  tap_ok "--source dmesg: the summary reports the $sup records the kernel said it suppressed"
else
  tap_fail "--source dmesg: the summary reports the $sup records the kernel said it suppressed" "$(tail -2 "$A/src-dmesg.stderr")"
fi
# reading every source, the same suppression notes arrive twice (dmesg and the journal's kernel
# messages): the reported loss should still be the kernel's count, not the sum of both carriers
all_sup=$(grep -o 'printk-suppressed [0-9]*' "$A/all.stderr" | awk '{print $2}')
if [ "${all_sup:-x}" = "$sup" ]; then tap_ok "all sources: the summary reports the kernel's $sup suppressed records once"
else tap_fail "all sources: the summary reports the kernel's $sup suppressed records once" "reported ${all_sup:-nothing} (dmesg and journal -k both carry the kauditd_printk_skb notes)"; fi

# ---------------------------------------------------------------------------------------------
# 3. act: each verb and its undo change the kernel's profile list, write the journal; refusals refuse
ACTJ=/tmp/aa-triage-actions.jsonl
rm -f "$ACTJ"
for p in $PROFILES; do install -m 0644 "$G/profiles/$p" "$PROFILE_DIR/$p"; apparmor_parser -r "$PROFILE_DIR/$p"; done
SVCF=$PROFILE_DIR/usr.local.bin.demo-svc
mode_of() { sed -n "s/^$1 (\(.*\))\$/\1/p" "$SECFS/profiles"; }
jlines() { [ -f "$ACTJ" ] && grep -c . "$ACTJ" || echo 0; }
act() { # act EXPECTED-EXIT DESCRIPTION -- aa-triage act arguments
  local want=$1 desc=$2; shift 3
  local before_j after_j rc
  before_j=$(jlines)
  timeout 120 node "$AAT" act "$@" --actions "$ACTJ" </dev/null > "$A/act.out" 2>&1; rc=$?
  after_j=$(jlines)
  { echo "== act $* -> $rc"; cat "$A/act.out"; } >> "$A/act.log"
  ACT_RC=$rc; ACT_NEWJ=$((after_j - before_j))
  if [ "$rc" = "$want" ]; then tap_ok "act $desc: exit $want"; else tap_fail "act $desc: exit $want" "exit $rc: $(tail -4 "$A/act.out")"; fi
}
last_result() { tail -1 "$ACTJ" 2>/dev/null | grep -o '"\(action\|outcome\)":"[^"]*"' | tr '\n' ' '; }
state_check() { # state_check DESC WANT-MODE (complain|enforce|absent) [journal entries expected]
  local m; m=$(mode_of demo-svc)
  local got=${m:-absent}
  if [ "$got" = "$2" ]; then tap_ok "act $1: the kernel lists demo-svc as $2"; else tap_fail "act $1: the kernel lists demo-svc as $2" "got: $got; $(grep demo-svc "$SECFS/profiles" | tr '\n' ' ')"; fi
  if [ -n "${3:-}" ]; then
    if [ "$ACT_NEWJ" = "$3" ]; then tap_ok "act $1: $3 journal lines written ($(last_result))"
    else tap_fail "act $1: $3 journal lines written" "got $ACT_NEWJ new lines; $(tail -2 "$ACTJ" 2>/dev/null)"; fi
  fi
}
cp "$SVCF" "$A/svc-profile.orig"

# refusals first, all at once (none may change anything): exit 3, nothing journaled, the kernel's
# profile list unchanged
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile demo-pair-a /usr/local/bin/demo-pair-a {\n  include <abstractions/base>\n}\nprofile demo-pair-b /usr/local/bin/demo-pair-b {\n  include <abstractions/base>\n}\n' > "$PROFILE_DIR/usr.local.bin.demo-pair"
apparmor_parser -r "$PROFILE_DIR/usr.local.bin.demo-pair"
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile docker-default flags=(attach_disconnected,mediate_deleted) {\n  include <abstractions/base>\n}\n' > "$PROFILE_DIR/docker-default"
cat "$SECFS/profiles" | sort > "$A/profiles-before-refusals.txt"
refusal() { # refusal NAME DESCRIPTION [runner] -- act arguments
  local name=$1 desc=$2; shift 2
  echo "$desc" > "$A/ref-$name.desc"
  local pre=()
  while [ "$1" != -- ]; do pre+=("$1"); shift; done; shift
  ( "${pre[@]}" node "$AAT" act "$@" --actions "$ACTJ" </dev/null > "$A/ref-$name.out" 2>&1; echo $? > "$A/ref-$name.rc" ) &
}
t_ref=$SECONDS
refusal no-reason "complain without --reason and no terminal" -- complain demo-svc --yes
refusal no-yes "enforce without --yes and no terminal" -- enforce demo-svc
refusal unknown "complain of an unknown profile" -- complain no-such-profile --yes --reason "kernel suite"
refusal multi "disable of a profile whose file declares another top-level profile (the disable/ link is the whole file's)" -- disable demo-pair-a --yes --reason "kernel suite"
refusal generated "complain of a generated profile (docker-default)" -- complain docker-default --yes --reason "kernel suite"
refusal read-only "unload with --read-only" -- unload demo-svc --yes --reason "kernel suite" --read-only
refusal non-root "unload as a non-root user" setpriv --reuid=65534 --regid=65534 --clear-groups -- unload demo-svc --yes --reason "kernel suite"
wait
echo "refusals: $((SECONDS - t_ref))s for the seven" >> "$A/timings.txt"
for n in no-reason no-yes unknown multi generated read-only non-root; do
  { echo "== refusal $n -> $(cat "$A/ref-$n.rc")"; cat "$A/ref-$n.out"; } >> "$A/act.log"
  if [ "$(cat "$A/ref-$n.rc")" = 3 ] && grep -q 'refused' "$A/ref-$n.out"; then tap_ok "act refuses: $(cat "$A/ref-$n.desc") (exit 3)"
  else tap_fail "act refuses: $(cat "$A/ref-$n.desc") (exit 3)" "exit $(cat "$A/ref-$n.rc"): $(tail -3 "$A/ref-$n.out")"; fi
done
if sort "$SECFS/profiles" | diff - "$A/profiles-before-refusals.txt" > "$A/refusals.diff"; then tap_ok "act refusals: the kernel's profile list is unchanged"
else tap_fail "act refusals: the kernel's profile list is unchanged" "$(cat "$A/refusals.diff")"; fi
if [ ! -s "$ACTJ" ]; then tap_ok "act refusals: nothing journaled"; else tap_fail "act refusals: nothing journaled" "$(head -3 "$ACTJ")"; fi
rm -f "$PROFILE_DIR/docker-default"
# one profile of a file that declares two: loaded and removed alone (its part of the file on
# apparmor_parser's standard input), the other's state the same after every step
PAIRJ=$ACTJ; ACTJ=/tmp/aa-triage-pair.jsonl; rm -f "$ACTJ"
pair_check() { # pair_check DESC WANT-A WANT-B
  local a b; a=$(mode_of demo-pair-a); b=$(mode_of demo-pair-b)
  if [ "${a:-absent} ${b:-absent}" = "$2 $3" ]; then tap_ok "act $1: the kernel lists demo-pair-a as $2, demo-pair-b as $3"
  else tap_fail "act $1: the kernel lists demo-pair-a as $2, demo-pair-b as $3" "got: ${a:-absent} ${b:-absent}"; fi
}
act 0 "complain --runtime of one profile of two" -- complain demo-pair-a --runtime --yes --reason "kernel suite"
pair_check "complain --runtime of one profile of two" complain enforce
if grep -q 'verified: demo-pair-a now complain (demo-pair-b untouched)' "$A/act.out"; then tap_ok "act complain --runtime of one profile of two: verified, the other untouched"
else tap_fail "act complain --runtime of one profile of two: verified, the other untouched" "$(tail -3 "$A/act.out")"; fi
act 0 "enforce --runtime of one profile of two" -- enforce demo-pair-a --runtime --yes
pair_check "enforce --runtime of one profile of two" enforce enforce
act 0 "unload of one profile of two" -- unload demo-pair-b --yes --reason "kernel suite"
pair_check "unload of one profile of two" enforce absent
act 0 "undo of that unload" -- undo --yes
pair_check "undo of that unload" enforce enforce
# a persistent complain of one of the two: complain written into its own header alone (aa-complain
# would write every header of the file), the profile loaded alone; a reload of the whole file keeps
# it; the undo puts the line back
PAIRF=$PROFILE_DIR/usr.local.bin.demo-pair
cp "$PAIRF" "$A/pair.orig"
act 0 "persistent complain of one profile of two (its own flags)" -- complain demo-pair-a --yes --reason "kernel suite"
pair_check "persistent complain of one profile of two" complain enforce
if grep -qx 'profile demo-pair-a /usr/local/bin/demo-pair-a flags=(complain) {' "$PAIRF" && grep -qx 'profile demo-pair-b /usr/local/bin/demo-pair-b {' "$PAIRF"; then tap_ok "act persistent complain of one profile of two: only its header says complain"
else tap_fail "act persistent complain of one profile of two: only its header says complain" "$(grep -n '^profile' "$PAIRF")"; fi
if grep -q 'verified: demo-pair-a now complain (demo-pair-b untouched)' "$A/act.out"; then tap_ok "act persistent complain of one profile of two: verified, the other untouched"
else tap_fail "act persistent complain of one profile of two: verified, the other untouched" "$(tail -3 "$A/act.out")"; fi
apparmor_parser -r "$PAIRF"
pair_check "a reload of the whole file after that complain" complain enforce
act 0 "undo of that complain" -- undo --yes
pair_check "undo of that complain" enforce enforce
if cmp -s "$PAIRF" "$A/pair.orig"; then tap_ok "act undo of that complain: the file is as it was"; else tap_fail "act undo of that complain: the file is as it was" "$(diff "$A/pair.orig" "$PAIRF")"; fi
# without apparmor-utils (no aa-complain, aa-enforce on PATH) a one-profile file gets the same: its flags written
mkdir -p /tmp/parser-only && ln -sf "$(command -v apparmor_parser)" /tmp/parser-only/apparmor_parser
cp "$SVCF" "$A/svc-before-flags"
PATH="/tmp/parser-only:$(dirname "$(command -v node)"):/usr/bin:/bin" act 0 "complain without apparmor-utils (flags written)" -- complain demo-svc --yes --reason "kernel suite"
state_check "complain without apparmor-utils" complain 2
if grep -q 'aa-complain is not installed' "$A/act.out" && grep -q '^profile demo-svc [^{]*flags=(complain' "$SVCF"; then tap_ok "act complain without apparmor-utils: the profile's header says complain"
else tap_fail "act complain without apparmor-utils: the profile's header says complain" "$(grep -n 'profile demo-svc' "$SVCF"; tail -3 "$A/act.out")"; fi
PATH="/tmp/parser-only:$(dirname "$(command -v node)"):/usr/bin:/bin" act 0 "undo of that complain without apparmor-utils" -- undo --yes
state_check "undo of the complain without apparmor-utils" enforce 2
if cmp -s "$SVCF" "$A/svc-before-flags"; then tap_ok "act undo without apparmor-utils: the file is as it was"; else tap_fail "act undo without apparmor-utils: the file is as it was" "$(diff "$A/svc-before-flags" "$SVCF")"; fi
ACTJ=$PAIRJ
apparmor_parser -R "$PROFILE_DIR/usr.local.bin.demo-pair"; rm -f "$PROFILE_DIR/usr.local.bin.demo-pair"
act 0 "--dry-run" -- unload demo-svc --dry-run --yes --reason "kernel suite"
state_check "--dry-run" enforce
if grep -q 'apparmor_parser' "$A/act.out"; then tap_ok "act --dry-run prints the command it would run"; else tap_fail "act --dry-run prints the command it would run" "$(cat "$A/act.out")"; fi
rm -f "$ACTJ"

# the verbs and their undos
act 0 "complain (aa-complain FILE)" -- complain demo-svc --yes --reason "kernel suite"
state_check "complain" complain 2
if grep -q 'flags=(complain)' "$SVCF"; then tap_ok "act complain: the profile file now says flags=(complain)"; else tap_fail "act complain: the profile file now says flags=(complain)" "$(grep -n 'profile demo-svc' "$SVCF")"; fi
act 0 "enforce (undo of complain)" -- enforce demo-svc --yes
state_check "enforce" enforce 2
act 0 "complain --runtime (apparmor_parser -r -C)" -- complain demo-svc --runtime --yes --reason "kernel suite"
state_check "complain --runtime" complain 2
cp "$SVCF" "$A/svc-profile.after-runtime"
if ! grep -q 'flags=(complain)' "$SVCF"; then tap_ok "act complain --runtime: the profile file is not edited"; else tap_fail "act complain --runtime: the profile file is not edited"; fi
act 0 "unload" -- unload demo-svc --yes --reason "kernel suite"
state_check "unload" absent 2
if ! grep -q '^demo-svc//helper ' "$SECFS/profiles"; then tap_ok "act unload: the child demo-svc//helper is gone too"; else tap_fail "act unload: the child demo-svc//helper is gone too"; fi
act 0 "enforce --runtime after unload (reload: the mode the file declares)" -- enforce demo-svc --runtime --yes
state_check "reload after unload" enforce 2
act 0 "disable" -- disable demo-svc --yes --reason "kernel suite"
state_check "disable" absent 2
if [ -L "$PROFILE_DIR/disable/usr.local.bin.demo-svc" ]; then tap_ok "act disable: the disable/ link exists"; else tap_fail "act disable: the disable/ link exists" "$(ls -la "$PROFILE_DIR/disable/")"; fi
act 0 "enable (undo of disable)" -- enable demo-svc --yes
state_check "enable" enforce 2
if [ ! -e "$PROFILE_DIR/disable/usr.local.bin.demo-svc" ]; then tap_ok "act enable: the disable/ link is gone"; else tap_fail "act enable: the disable/ link is gone"; fi
# the journal: one intent and one result per action, results verified, loosening ones with the reason
cp "$ACTJ" "$A/actions.jsonl" 2>/dev/null
host_check act-journal.mjs raw/app/actions.jsonl 7
# the kernel's STATUS records of those changes are in the audit log
n_status=$(grep -c 'apparmor="STATUS" operation="profile_\(replace\|remove\|load\)" .*name="demo-svc"' /var/log/audit/audit.log)
echo "act: audit.log has $n_status STATUS records for demo-svc in total" >> "$OUT/observations.txt"

# 3b. act allow: a rule added where it belongs (here the profile has no local/ include and no
# local/ file: both are created), checked by apparmor_parser first, verified in the same mode; the
# access it allows then works on the real kernel. Its undo (z in the view) is in section 4.
ALLOWF=/srv/aa-allow/probe.txt
mkdir -p /srv/aa-allow && echo probe > "$ALLOWF"
SVCLOCAL=$PROFILE_DIR/local/usr.local.bin.demo-svc
rm -f "$SVCLOCAL"
cp "$SVCF" "$A/svc-before-allow"
if svc "read -r x < $ALLOWF" 2>/dev/null; then tap_fail "act allow: demo-svc is denied $ALLOWF before the rule"; else tap_ok "act allow: demo-svc is denied $ALLOWF before the rule"; fi
act 0 "allow --dry-run" -- allow demo-svc --rule "$ALLOWF r," --dry-run
if cmp -s "$SVCF" "$A/svc-before-allow" && [ ! -e "$SVCLOCAL" ]; then tap_ok "act allow --dry-run: nothing written"; else tap_fail "act allow --dry-run: nothing written" "$(diff "$A/svc-before-allow" "$SVCF")"; fi
if grep -q 'checked: *apparmor_parser compiles' "$A/act.out"; then tap_ok "act allow --dry-run: the real apparmor_parser accepts the rule (-Q -K on a copy)"; else tap_fail "act allow --dry-run: the real apparmor_parser accepts the rule" "$(tail -5 "$A/act.out")"; fi
act 3 "allow refuses a rule apparmor_parser rejects" -- allow demo-svc --rule "network bogusfamily," --yes --reason "kernel suite"
if cmp -s "$SVCF" "$A/svc-before-allow" && [ ! -e "$SVCLOCAL" ]; then tap_ok "act allow: a rejected rule is never written"; else tap_fail "act allow: a rejected rule is never written" "$(diff "$A/svc-before-allow" "$SVCF")"; fi
act 0 "allow $ALLOWF r" -- allow demo-svc --rule "$ALLOWF r," --yes --reason "kernel suite"
state_check "allow" enforce 2
if grep -qxF "$ALLOWF r," "$SVCLOCAL" && grep -q 'include if exists <local/usr.local.bin.demo-svc>' "$SVCF"; then tap_ok "act allow: the rule is in local/, the include line in the profile"
else tap_fail "act allow: the rule is in local/, the include line in the profile" "$(cat "$SVCLOCAL" 2>&1; grep -n include "$SVCF")"; fi
if svc "read -r x < $ALLOWF" 2>/dev/null; then tap_ok "act allow: demo-svc now reads $ALLOWF"; else tap_fail "act allow: demo-svc now reads $ALLOWF" "still denied"; fi

# 3c. the rules aa-triage suggests for AppArmor's own log events (the utilities tests' events:
# io_uring, message queues, unix, mount, pivot_root, D-Bus ...) compile with this suite's parser;
# the AppArmor 4 kinds where it has the 4.0 ABI
if [ -f "$IN/apparmor-utils/rules-from-events.jsonl" ]; then
  node "$G/utils-rules.mjs" "$AAT" "$IN/apparmor-utils/rules-from-events.jsonl" "$A/utils-rules" "$ABI4" >> "$OUT/results.tap" 2>> "$A/utils-rules.err" \
    || tap_fail "utilities events: the rule check ran" "$(tail -3 "$A/utils-rules.err")"
else
  tap_fail "utilities events: the rule check ran" "no IN/apparmor-utils"
fi

# 3d. io_uring on this kernel (demo-uring: a profile whose ABI lists it): aa-triage read the
# polling-thread denial as what it is, with the rule for exactly it; act allow adds that rule and
# the polling thread then starts; its undo takes the rule out and the kernel denies it again
if [ "${URING_ABI:-0}" = 1 ]; then
  got=$(node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const r = lines.find((o) => o.operation === "uring_sqpoll" && o.profile === "demo-uring");
    console.log(r ? `${r.verdict} ${JSON.stringify(r.suggestion?.rules ?? [])}` : "none");
  ' "$A/all.ndjson" 2>&1)
  if [ "$got" = 'missing-rule ["io_uring sqpoll,"]' ]; then tap_ok "io_uring: the SQPOLL denial is read as a missing rule with 'io_uring sqpoll,'"
  else tap_fail "io_uring: the SQPOLL denial is read as a missing rule with 'io_uring sqpoll,'" "got: $got"; fi
  act 0 "allow io_uring sqpoll (demo-uring)" -- allow demo-uring --rule 'io_uring sqpoll,' --yes --reason "kernel suite"
  r=$(uring "$SQPOLL_PERL" 2>&1)
  case $r in fd*) tap_ok "io_uring: with the rule act allow added, demo-uring starts its polling thread ($r)" ;; *) tap_fail "io_uring: with the rule act allow added, demo-uring starts its polling thread" "$r" ;; esac
  act 0 "undo of the io_uring allow" -- undo --yes --reason "kernel suite"
  r=$(uring "$SQPOLL_PERL" 2>&1)
  case $r in error*) tap_ok "io_uring: after the undo, the kernel denies the polling thread again ($r)" ;; *) tap_fail "io_uring: after the undo, the kernel denies the polling thread again" "$r" ;; esac
fi

# ---------------------------------------------------------------------------------------------
# 4. the interactive view in a terminal (tmux) shows a denial that arrives after start-up
if command -v tmux >/dev/null; then
  probe="/srv/aa-live-probe-$$-$RANDOM"
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  export TERM=xterm-256color
  tmux kill-server 2>/dev/null
  tmux new-session -d -s tui -x 132 -y 40 "node $AAT --since $since --actions $ACTJ; echo AA-TRIAGE-EXITED \$?; sleep 600"
  started=0
  for _ in $(seq 60); do
    sleep 1
    tmux capture-pane -p -t tui > "$A/tui-start.txt" 2>/dev/null
    if grep -q 'aa-triage' "$A/tui-start.txt" && ! grep -q AA-TRIAGE-EXITED "$A/tui-start.txt"; then started=1; break; fi
  done
  if [ "$started" = 1 ]; then
    tap_ok "TUI: starts in a tmux terminal (132x40)"
    sleep 3
    echo probe > "$probe"
    svc "read -r x < $probe" 2>/dev/null
    seen=0
    for _ in $(seq 60); do
      sleep 1
      tmux capture-pane -p -t tui > "$A/tui-live.txt"
      if grep -q "${probe}" "$A/tui-live.txt"; then seen=1; break; fi
    done
    if [ "$seen" = 1 ]; then tap_ok "TUI: shows the live denial ($probe) that arrived after start-up"
    else tap_fail "TUI: shows the live denial that arrived after start-up" "$(cat "$A/tui-live.txt")"; fi
    # z undoes the allow of section 3b: exactly the lines added go, the kernel state is read back
    waitpane() { local i; for i in $(seq 60); do sleep 1; tmux capture-pane -p -t tui > "$A/$2"; grep -q -- "$1" "$A/$2" && return 0; done; return 1; }
    tmux send-keys -t tui z
    if waitpane 'allow demo-svc  ->  remove-rule' tui-undo-list.txt; then
      tmux send-keys -t tui Enter
      if waitpane 'Removes exactly the 4 lines' tui-undo-dialog.txt; then tap_ok "TUI z: the undo of the allow says which lines it removes"
      else tap_fail "TUI z: the undo of the allow says which lines it removes" "$(cat "$A/tui-undo-dialog.txt")"; fi
      tmux send-keys -t tui Right Enter
      if waitpane 'OK verified: demo-svc now enforce' tui-undo-result.txt; then tap_ok "TUI z: the undo of the allow is verified (demo-svc enforce)"
      else tap_fail "TUI z: the undo of the allow is verified" "$(cat "$A/tui-undo-result.txt")"; fi
      if cmp -s "$SVCF" "$A/svc-before-allow" && [ ! -e "$SVCLOCAL" ]; then tap_ok "TUI z: the profile file is as before the allow, local/ file gone"
      else tap_fail "TUI z: the profile file is as before the allow, local/ file gone" "$(diff "$A/svc-before-allow" "$SVCF")"; fi
      if svc "read -r x < $ALLOWF" 2>/dev/null; then tap_fail "TUI z: demo-svc is denied $ALLOWF again" "the read succeeded"; else tap_ok "TUI z: demo-svc is denied $ALLOWF again"; fi
      tmux send-keys -t tui Escape
    else
      tap_fail "TUI z: the allow is in the undo list" "$(cat "$A/tui-undo-list.txt")"
      tmux send-keys -t tui Escape
    fi
    sleep 1
    tmux send-keys -t tui q
    # wait for the exit line (a busy host's TCG guest took more than 3 s)
    for _ in $(seq 60); do
      sleep 1
      tmux capture-pane -p -t tui > "$A/tui-quit.txt"
      grep -q 'AA-TRIAGE-EXITED' "$A/tui-quit.txt" && break
    done
    if grep -q 'AA-TRIAGE-EXITED 0' "$A/tui-quit.txt"; then tap_ok "TUI: q quits with exit 0"
    else tap_fail "TUI: q quits with exit 0" "$(cat "$A/tui-quit.txt")"; fi
  else
    tap_fail "TUI: starts in a tmux terminal (132x40)" "$(cat "$A/tui-start.txt")"
  fi
  tmux kill-server 2>/dev/null
else
  tap_skip "TUI checks" "tmux is not in the guest image"
fi
remove_profiles() { for p in $PROFILES; do apparmor_parser -R "$PROFILE_DIR/$p" 2>/dev/null; done; }
remove_profiles
exit 0
