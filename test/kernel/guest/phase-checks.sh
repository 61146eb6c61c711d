#!/bin/bash
# Checks of what the real kernel did in one phase (no aa-triage involved): the scenarios' records
# are in the lossless carrier, the kernel log lost some, etc. Usage: phase-checks.sh noauditd|auditd
set -u
. "$G/lib.sh"
phase=$1
ck() { host_check check-expect.mjs expect.tsv "$phase" "$1" "${2#$OUT/}" "$3"; }
window() { # print the lines of FILE between the two kmsg markers of a phase
  awk -v b="aa-kernel-test: phase $2 begin" -v e="aa-kernel-test: phase $2 end" \
    'index($0, b) { on = 1 } on { print } index($0, e) { on = 0 }' "$1"
}

if [ "$phase" = noauditd ]; then
  ck journal-json "$R/journal-audit-json.txt" "journald audit channel"
  n_k=$(window "$R/dmesg.txt" noauditd | grep -c 'apparmor=')
  n_j=$(grep -c 'apparmor=' "$R/journal-audit-short.txt")
  n_jk=$(grep -c 'apparmor=' "$R/journal-k-short.txt")
  n_sup=$(window "$R/dmesg.txt" noauditd | grep -c 'kauditd_printk_skb: [0-9]* callbacks suppressed')
  echo "noauditd: kernel log $n_k AppArmor lines, journalctl -k $n_jk, journald audit channel $n_j, suppression notes $n_sup" >> "$OUT/observations.txt"
  if [ "$n_sup" -gt 0 ]; then tap_ok "noauditd: the burst tripped the kernel's printk rate limit (kauditd_printk_skb ... suppressed)"
  else tap_fail "noauditd: the burst tripped the kernel's printk rate limit (kauditd_printk_skb ... suppressed)" "no suppression line in dmesg"; fi
  if [ "$n_j" -gt "$n_k" ]; then tap_ok "noauditd: journald's audit channel holds records the kernel log dropped ($n_j > $n_k)"
  else tap_fail "noauditd: journald's audit channel holds records the kernel log dropped" "journal $n_j, dmesg $n_k"; fi
  # Linux 6.6 and later write class= on mediation records; 6.1 does not (counted in the kernel log,
  # which both kernels fill without auditd)
  n_rec=$(window "$R/dmesg.txt" noauditd | grep -cE 'apparmor="(DENIED|ALLOWED)"')
  n_cls=$(window "$R/dmesg.txt" noauditd | grep -E 'apparmor="(DENIED|ALLOWED)"' | grep -c ' class="')
  echo "noauditd: $n_cls of $n_rec DENIED/ALLOWED records in the kernel log carry class=" >> "$OUT/observations.txt"
  if [ "$SUITE" = bookworm ]; then
    [ "$n_rec" -gt 0 ] && [ "$n_cls" = 0 ] && tap_ok "noauditd: Linux 6.1 writes no class= field ($n_rec records)" || tap_fail "noauditd: Linux 6.1 writes no class= field" "$n_cls of $n_rec have one"
  else
    [ "$n_rec" -gt 0 ] && [ "$n_cls" = "$n_rec" ] && tap_ok "noauditd: every DENIED/ALLOWED record carries class= ($n_rec records)" || tap_fail "noauditd: every DENIED/ALLOWED record carries class=" "$n_cls of $n_rec have one"
  fi
  n_hat=$(window "$R/dmesg.txt" noauditd | grep -c 'operation="change_hat"')
  echo "noauditd: $n_hat change_hat records in the kernel log (a missing hat is logged in complain mode only)" >> "$OUT/observations.txt"
  grep -q 'apparmor="STATUS" operation="profile_load"' "$R/journal-audit-short.txt" && tap_ok "noauditd: STATUS profile_load recorded" || tap_fail "noauditd: STATUS profile_load recorded"
  grep -q 'apparmor="STATUS" operation="profile_replace"' "$R/journal-audit-short.txt" && tap_ok "noauditd: STATUS profile_replace recorded" || tap_fail "noauditd: STATUS profile_replace recorded"
  grep -q 'apparmor="STATUS" operation="profile_remove"' "$R/journal-audit-short.txt" && tap_ok "noauditd: STATUS profile_remove recorded" || tap_fail "noauditd: STATUS profile_remove recorded"
else
  ck text "$R/audit-phase.log" "audit.log"
  ck journal-json "$R/journal-audit-auditd-json.txt" "journald audit channel (auditd running)"
  n_k=$(window "$R/dmesg-auditd.txt" auditd | grep -c 'apparmor=')
  n_a=$(grep -c 'apparmor=' "$R/audit-phase.log")
  n_j=$(grep -c 'apparmor=' "$R/journal-audit-auditd-short.txt")
  echo "auditd: kernel log $n_k AppArmor lines, audit.log $n_a, journald audit channel $n_j" >> "$OUT/observations.txt"
  if [ "$n_k" -eq 0 ]; then tap_ok "auditd: AppArmor records no longer reach the kernel log"
  else tap_fail "auditd: AppArmor records no longer reach the kernel log" "$n_k lines in dmesg"; fi
  if grep -q $'\x1d''FSUID=' "$R/audit-phase.log"; then tap_ok "auditd: audit.log uses the enriched format (0x1D FSUID=...)"
  else tap_fail "auditd: audit.log uses the enriched format (0x1D FSUID=...)"; fi
fi
