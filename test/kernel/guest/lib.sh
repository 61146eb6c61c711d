# Helpers for the guest side of the kernel suite (sourced by main.sh; bash).

SVC=/usr/local/bin/demo-svc
MNT=/usr/local/bin/demo-mnt
HELPER=/usr/local/bin/demo-helper
SPACED="/usr/local/bin/demo spaced"
CHG=/usr/local/bin/demo-chg
NS=/usr/local/bin/demo-ns
URING=/usr/local/bin/demo-uring
PROFILE_DIR=/etc/apparmor.d
SECFS=/sys/kernel/security/apparmor

TAP_N=0
# tap_ok NAME / tap_fail NAME DETAIL / tap_skip NAME REASON: append one result line to OUT/results.tap
tap_ok()   { echo "ok - $1" >> "$OUT/results.tap"; }
tap_fail() { echo "not ok - $1" >> "$OUT/results.tap"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/  # /' >> "$OUT/results.tap"; return 0; }
tap_skip() { echo "ok - $1 # SKIP ${2:-}" >> "$OUT/results.tap"; }
tap_check() { # tap_check NAME COMMAND...: pass when the command exits 0
  local name=$1; shift
  local o
  if o=$("$@" 2>&1); then tap_ok "$name"; else tap_fail "$name" "$o"; fi
}

log() { echo "[$(date +%T)] $*"; }

# host_check SCRIPT ARGS...: a check that only reads files in OUT runs on the host after the guest
# powers off (node under TCG costs seconds per start). Paths are relative to OUT. One JSON array
# per line in OUT/host-checks.ndjson; the host (../host-checks.mjs) runs them in order.
host_check() {
  local a j=""
  for a in "$@"; do
    a=${a//\\/\\\\}; a=${a//\"/\\\"}
    j+="${j:+,}\"$a\""
  done
  echo "[$j]" >> "$OUT/host-checks.ndjson"
}

# svc SNIPPET: run an ash snippet as the confined "service" (busybox copy, comm=demo-svc).
# Inside the snippet, "$B" is the service binary, so "(exec -a nc "$B" ...)" runs a busybox
# applet in the same process image (and profile) without an exec of another file.
svc() { B=$SVC bash -c 'exec -a sh "$B" -c "$1"' _ "$1"; }
# svc_for SECONDS SNIPPET: like svc, killed after SECONDS (for programs that wait for an answer)
svc_for() {
  svc "$2" & local p=$!
  local i
  for ((i = 0; i < $1 * 10; i += 1)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
  return 0
}
svc_spaced() { B=$SPACED bash -c 'exec -a sh "$B" -c "$1"' _ "$1"; }
chg() { B=$CHG bash -c 'exec -a sh "$B" -c "$1"' _ "$1"; }
ns() { B=$NS bash -c 'exec -a sh "$B" -c "$1"' _ "$1"; }
uring() { B=$URING bash -c 'exec -a sh "$B" -c "$1"' _ "$1"; }
# io_uring_setup(4, params) with IORING_SETUP_SQPOLL (flags at offset 8): a polling kernel thread.
# Prints `fd N` or `error TEXT`.
SQPOLL_PERL='exec /usr/bin/perl -e "my \$p = pack(q(L3x108), 0, 0, 2); my \$r = syscall(425, 4, \$p); print \$r < 0 ? qq(error \$!) : qq(fd \$r);"'

# aa_feature PATH: the running kernel's AppArmor has this feature: features/PATH in securityfs, or
# for DIR/WORD a WORD listed in features/DIR/mask (Linux 6.12: namespaces/mask says userns_create)
aa_feature() {
  [ -e "$SECFS/features/$1" ] && return 0
  [ -f "$SECFS/features/$(dirname "$1")/mask" ] && grep -qw "$(basename "$1")" "$SECFS/features/$(dirname "$1")/mask"
}

# expect MODE-INDEPENDENT record fields for the current phase/mode: one TSV line per expectation
# (phase, mode, scenario, then key=value fields the record must have, values decoded).
expect() {
  local scenario=$1; shift
  local verdict=DENIED
  [ "$MODE" = complain ] && verdict=ALLOWED
  local IFS=$'\t'
  echo "$PHASE"$'\t'"$MODE"$'\t'"$scenario"$'\t'"apparmor=$verdict"$'\t'"$*" >> "$OUT/expect.tsv"
}

# Record a command's stdout, stderr and exit code plus the kernel's profile list before and
# after, as JSON, for the fixtures.
capture_cmd() {
  local out=$1; shift
  if [ "${CAPTURE_FIXTURES:-0}" != 1 ]; then "$@" >/dev/null 2>&1; return 0; fi
  local before after so se rc
  before=$(cat "$SECFS/profiles" 2>&1)
  so=$(mktemp); se=$(mktemp)
  "$@" >"$so" 2>"$se"; rc=$?
  after=$(cat "$SECFS/profiles" 2>&1)
  node -e '
    const fs = require("fs");
    const [out, so, se, rc, before, after, ...argv] = process.argv.slice(1);
    fs.writeFileSync(out, JSON.stringify({
      argv, exitCode: Number(rc),
      stdout: fs.readFileSync(so, "utf8"), stderr: fs.readFileSync(se, "utf8"),
      profilesBefore: before, profilesAfter: after,
    }, null, 2) + "\n");
  ' "$out" "$so" "$se" "$rc" "$before" "$after" "$@"
  rm -f "$so" "$se"
  return 0
}

kmsg_mark() { echo "aa-kernel-test: $*" > /dev/kmsg; }

journal_cursor() { journalctl --show-cursor -n 0 -q 2>/dev/null | sed -n 's/^-- cursor: //p'; }
