#!/bin/bash
# Kernel suite for aa-triage: boot a real AppArmor kernel under QEMU, run the scenarios and the
# assertions inside it, report TAP on the host. One guest image per Debian suite:
#   bookworm  Debian 12, Linux 6.1, AppArmor 3.0
#   trixie    Debian 13, Linux 6.12, AppArmor 4.1
#
#   bash test/kernel/run.sh [--suite bookworm|trixie] [--update-fixtures] [--keep]
#
# --suite S          run one suite (default: both, one after the other, each as a TAP subtest)
# --update-fixtures  copy the guest's captures into the suite's fixture directory
#                    (bookworm: test/fixtures/kernel/, trixie: test/fixtures/kernel-6.12/)
# --keep             keep the run directory (IN/OUT shares, serial log) and print its path
# Environment:
#   AA_KERNEL_CACHE         image cache root (default ${TMPDIR:-/tmp}/aa-triage-kernel-cache);
#                           each suite's image is cached under CACHE/SUITE/
#   AA_KERNEL_BOOT_TIMEOUT  hard limit for one guest run in seconds (default 720)
#   AA_KERNEL_ACCEL         QEMU accelerator (default tcg; KVM hangs on our nested hosts)
#   AA_KERNEL_NO_APP=1      do not build/share aa-triage (kernel scenarios and fixtures only)
#   AA_KERNEL_QUICK=1       development: skip the complain-mode runs
#
# Exit status: 0 all passed (or SKIP: qemu or the package mirror is unavailable, said clearly),
# 1 a test failed or the guest did not finish, 2 usage or host setup error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SUITES=(bookworm trixie)
update_fixtures=0
keep=0
suite=""
opts=()
while [ $# -gt 0 ]; do
  case $1 in
    --update-fixtures) update_fixtures=1; opts+=("$1") ;;
    --keep) keep=1; opts+=("$1") ;;
    --suite) [ $# -ge 2 ] || { echo "run.sh: --suite needs a value (${SUITES[*]})" >&2; exit 2; }; suite=$2; shift ;;
    --suite=*) suite=${1#--suite=} ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# No suite named: run each one in turn, as TAP subtests (indented), and sum up.
if [ -z "$suite" ]; then
  echo "TAP version 13"
  t_all=$(date +%s)
  i=0; worst=0; summary=()
  for s in "${SUITES[@]}"; do
    i=$((i+1))
    echo "# Subtest: $s"
    ts=$(date +%s)
    log=$(mktemp "${TMPDIR:-/tmp}/aa-triage-kernel-tap.XXXXXX")
    set +e
    bash "$0" --suite "$s" ${opts[@]+"${opts[@]}"} | tee "$log" | sed -u 's/^/    /'
    src=${PIPESTATUS[0]}
    set -e
    took=$(( $(date +%s) - ts ))
    why=$(sed -n 's/^1\.\.0 # SKIP //p' "$log")
    rm -f "$log"
    if [ "$src" = 0 ] && [ -n "$why" ]; then
      echo "ok $i - suite $s # SKIP $why"; summary+=("$s: skipped ($why)")
    elif [ "$src" = 0 ]; then
      echo "ok $i - suite $s (${took}s)"; summary+=("$s: passed (${took}s)")
    else
      echo "not ok $i - suite $s (exit $src, ${took}s)"; summary+=("$s: FAILED, exit $src (${took}s)")
      [ "$src" -gt "$worst" ] && worst=$src
    fi
  done
  echo "1..$i"
  echo "# all suites: $(( $(date +%s) - t_all ))s in total"
  for l in "${summary[@]}"; do echo "kernel suite $l" >&2; done
  exit "$worst"
fi
case " ${SUITES[*]} " in
  *" $suite "*) ;;
  *) echo "run.sh: unknown suite '$suite' (known: ${SUITES[*]})" >&2; exit 2 ;;
esac
case $suite in
  bookworm) fixture_dir=$repo/test/fixtures/kernel ;;
  trixie) fixture_dir=$repo/test/fixtures/kernel-6.12 ;;
esac

t0=$(date +%s)
echo "TAP version 13"
say() { echo "# $*"; }
say "suite $suite"
skip() {
  echo "1..0 # SKIP $*"
  echo "kernel suite ($suite) SKIPPED: $*" >&2
  exit 0
}
die() { echo "kernel suite ($suite) FAILED: $*" >&2; exit "${2:-1}"; }

[ "$(uname -m)" = x86_64 ] || skip "the kernel suite needs an x86_64 host (this is $(uname -m))"

# --- host packages -------------------------------------------------------------------------------
need_cmds=(qemu-system-x86_64 mmdebstrap mkfs.ext4 zstd bc)
need_pkgs=(qemu-system-x86 mmdebstrap e2fsprogs zstd bc)
missing=()
for i in "${!need_cmds[@]}"; do
  command -v "${need_cmds[$i]}" >/dev/null 2>&1 || missing+=("${need_pkgs[$i]}")
done
mirror_checked=0
check_mirror() {
  [ "$mirror_checked" = 1 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    skip "no apt-get on this host: cannot install ${missing[*]:-the guest packages}"
  fi
  if [ "$(id -u)" != 0 ]; then
    skip "not root: installing host packages and building the guest image need root"
  fi
  say "apt-get update"
  if ! apt-get update -qq >/tmp/aa-triage-kernel-apt.log 2>&1 || grep -qE '^(W|E): (Failed to fetch|Some index files failed)' /tmp/aa-triage-kernel-apt.log; then
    cat /tmp/aa-triage-kernel-apt.log >&2
    skip "the Debian package mirror is unavailable (apt-get update failed)"
  fi
  mirror_checked=1
}
if [ ${#missing[@]} -gt 0 ]; then
  check_mirror
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/aa-triage-kernel-apt.log 2>&1; then
    cat /tmp/aa-triage-kernel-apt.log >&2
    if grep -qE 'Unable to locate package|Failed to fetch|Temporary failure resolving|Could not connect' /tmp/aa-triage-kernel-apt.log; then
      skip "cannot install ${missing[*]} (package mirror unavailable or packages not found)"
    fi
    die "apt-get install ${missing[*]} failed" 2
  fi
fi

command -v node >/dev/null 2>&1 || die "no node binary on the host (the guest runs the host's node)" 2
node_bin=$(readlink -f "$(command -v node)")

# --- guest image (cached by the hash of its inputs) ------------------------------------------------
cache_root=${AA_KERNEL_CACHE:-${TMPDIR:-/tmp}/aa-triage-kernel-cache}/$suite
key=$( (cd "$here/image" && for f in $(ls | sort); do echo "== $f"; cat "$f"; done; echo "== suite $suite"; uname -m) | sha256sum | cut -c1-16)
img=$cache_root/$key
build_s=0
if [ -f "$img/image.ext4" ] && [ -f "$img/vmlinuz" ] && [ -f "$img/initrd.img" ] && [ -f "$img/ok" ]; then
  say "guest image: cached at $img"
else
  check_mirror
  say "guest image: building $suite into $img (inputs changed or no cache)"
  mkdir -p "$cache_root"
  # drop this suite's images built from other inputs (about 1.6 GB each)
  for old in "$cache_root"/*; do [ -d "$old" ] && [ "$old" != "$img" ] && [ "$old" != "$img.tmp" ] && rm -rf "$old"; done
  rm -rf "$img" "$img.tmp"
  mkdir -p "$img.tmp"
  b0=$(date +%s)
  if ! bash "$here/image/build-image.sh" "$img.tmp" "$suite" > "$cache_root/build-$key.log" 2>&1; then
    tail -40 "$cache_root/build-$key.log" >&2
    rm -rf "$img.tmp"
    if grep -qE 'Failed to fetch|Temporary failure resolving|Could not connect|Unable to connect|no Debian .* apt source|codename is unknown' "$cache_root/build-$key.log"; then
      skip "the Debian package mirror is unavailable (guest image build could not download packages)"
    fi
    die "guest image build failed (log: $cache_root/build-$key.log)"
  fi
  touch "$img.tmp/ok"
  mv "$img.tmp" "$img"
  build_s=$(( $(date +%s) - b0 ))
  say "guest image: built in ${build_s}s"
fi
sed 's/^/# guest /' "$img/versions.txt"

# --- the shares ------------------------------------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/aa-triage-kernel-run.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "# run directory kept: $run"; else rm -rf "$run"; fi; }
trap cleanup EXIT
mkdir -p "$run/in" "$run/out"
cp -a "$here/guest" "$run/in/guest"
# policies with conditional blocks: the suite's apparmor_parser says which branches it compiles
cp -a "$here/../fixtures/conditional" "$run/in/conditional"
# AppArmor's own log events: the rules aa-triage suggests for them are compiled in the guest
cp -a "$here/../fixtures/apparmor-utils" "$run/in/apparmor-utils"
{
  echo "CAPTURE_FIXTURES=$update_fixtures"
  echo "QUICK=${AA_KERNEL_QUICK:-0}"
  echo "SUITE=$suite"
} > "$run/in/options"
cp "$node_bin" "$run/in/node"

app_note=""
if [ "${AA_KERNEL_NO_APP:-0}" != 1 ]; then
  if [ -f "$repo/package.json" ] && node -e 'process.exit(require(process.argv[1]).scripts?.build ? 0 : 1)' "$repo/package.json" \
     && [ -d "$repo/src" ] && [ -n "$(ls -A "$repo/src" 2>/dev/null)" ]; then
    if [ ! -d "$repo/node_modules" ] && [ -f "$repo/package-lock.json" ]; then
      say "installing the build's dependencies (npm ci)"
      if ! (cd "$repo" && npm ci --no-audit --no-fund) > "$run/npm-ci.log" 2>&1; then
        cat "$run/npm-ci.log" >&2
        die "npm ci failed"
      fi
    fi
    say "building aa-triage (npm run build)"
    if ! (cd "$repo" && npm run build --silent) > "$run/build.log" 2>&1; then
      cat "$run/build.log" >&2
      die "npm run build failed"
    fi
  fi
  if [ -x "$repo/bin/aa-triage" ] || [ -f "$repo/bin/aa-triage" ]; then
    mkdir -p "$run/in/app"
    for d in bin dist demo package.json; do
      [ -e "$repo/$d" ] && cp -a "$repo/$d" "$run/in/app/"
    done
    # runtime dependencies, when the build is not a self-contained bundle
    if [ -d "$repo/node_modules" ] && node -e 'const p=require(process.argv[1]); process.exit(Object.keys(p.dependencies||{}).length ? 0 : 1)' "$repo/package.json"; then
      cp -a "$repo/node_modules" "$run/in/app/node_modules"
    fi
    (cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo unknown) > "$run/in/app/REVISION"
  else
    app_note="aa-triage is not built (no bin/aa-triage): the aa-triage assertions cannot run"
  fi
fi

# --- boot --------------------------------------------------------------------------------------
timeout_s=${AA_KERNEL_BOOT_TIMEOUT:-720}
accel=${AA_KERNEL_ACCEL:-tcg}
[ "$accel" = tcg ] && accel_opt="tcg,thread=multi" || accel_opt=$accel
say "booting the guest (accel=$accel, limit ${timeout_s}s)"
q0=$(date +%s)
qrc=0
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
  -accel "$accel_opt" -cpu max -M q35 -smp 2 -m 1024 \
  -kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0,115200 quiet apparmor=1 security=apparmor aatriage.test=1 aatriage.timeout=$((timeout_s - 45)) systemd.show_status=false" \
  -drive "file=$img/image.ext4,format=raw,if=virtio,snapshot=on" \
  -virtfs "local,path=$run/in,mount_tag=in,security_model=none,readonly=on" \
  -virtfs "local,path=$run/out,mount_tag=out,security_model=none" \
  -nic none -no-reboot -display none -monitor none \
  -serial "file:$run/serial.log" </dev/null || qrc=$?
guest_s=$(( $(date +%s) - q0 ))
say "guest ran ${guest_s}s (qemu exit $qrc)"

fail=0
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
  echo "kernel suite: the guest did not power off within ${timeout_s}s" >&2
  fail=1
fi
if [ ! -f "$run/out/guest.rc" ]; then
  echo "kernel suite: the guest script did not finish; last serial console lines:" >&2
  tail -40 "$run/serial.log" >&2 || true
  [ -f "$run/out/guest.log" ] && { echo "--- guest.log (tail)" >&2; tail -40 "$run/out/guest.log" >&2; }
  fail=1
elif [ "$(cat "$run/out/guest.rc")" != 0 ]; then
  echo "kernel suite: the guest script exited $(cat "$run/out/guest.rc"); guest.log tail:" >&2
  tail -40 "$run/out/guest.log" >&2
  fail=1
fi

# --- report (TAP) ------------------------------------------------------------------------------
tap=$run/out/results.tap
[ -f "$tap" ] || : > "$tap"
# the checks that only read the captures run here, not under TCG
if ! node "$here/host-checks.mjs" "$run/out" 2>> "$run/out/host-checks.log"; then
  echo "not ok - the host-side checks ran" >> "$tap"
fi
if [ -n "$app_note" ]; then echo "ok - aa-triage assertions # SKIP $app_note" >> "$tap"; fi
n=0; nfail=0
while IFS= read -r line; do
  case $line in
    "ok "*|"not ok "*)
      n=$((n+1))
      # a TAP TODO is a known gap reported to the project, not a failure
      case $line in *"# TODO"*) ;; "not ok "*) nfail=$((nfail+1)) ;; esac
      echo "$line" | sed -E "s/^(ok|not ok) (- )?/\1 $n - /"
      ;;
    *) echo "$line" ;;
  esac
done < "$tap"
if [ "$fail" = 1 ]; then
  n=$((n+1)); nfail=$((nfail+1))
  echo "not ok $n - the guest booted, ran the suite and powered off"
fi
echo "1..$n"
[ -f "$run/out/observations.txt" ] && sed 's/^/# observed: /' "$run/out/observations.txt"
say "timings ($suite): image build ${build_s}s (0 = cached), guest ${guest_s}s, total $(( $(date +%s) - t0 ))s"

if [ "$update_fixtures" = 1 ]; then
  if [ -d "$run/out/fixtures" ] && [ -n "$(ls -A "$run/out/fixtures")" ]; then
    mkdir -p "$fixture_dir"
    cp "$run/out/fixtures"/* "$fixture_dir/"
    cp "$run/out/guest-info.txt" "$fixture_dir/guest-info.txt"
    say "fixtures copied to ${fixture_dir#$repo/}/"
  else
    echo "kernel suite: no fixtures captured" >&2
    fail=1
  fi
fi

if [ "$nfail" -gt 0 ] || [ "$fail" = 1 ]; then
  echo "kernel suite ($suite): $nfail of $n failed" >&2
  exit 1
fi
echo "kernel suite ($suite): $n passed" >&2
