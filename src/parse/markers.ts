/**
 * What a line must contain for the parser to make anything of it. A line with none of these byte
 * strings can hold no AppArmor record and no loss notice: the line scanner counts such lines and
 * never decodes them, which is most of a flooded kernel log (firewall drops, OOM kills, audit
 * records of other subsystems).
 *
 * The list is a superset of what LineParser tests for; test/ingest/line-scanner.test.ts checks that
 * filtering changes nothing on every fixture. Longer markers search faster (the multi-marker search
 * skips by up to the shortest one's length), so each is as long as its form allows.
 */
export const LINE_MARKERS: readonly string[] = [
  // records: `apparmor="DENIED"` (also in USER_AVC msg='...' and journal JSON MESSAGE)
  'apparmor=',
  // legacy record types (findBody): type=APPARMOR_*, _AUDIT_FIELD_APPARMOR, type=150x, type=UNKNOWN[150x]
  'APPARMOR',
  'type=150',
  'UNKNOWN[150',
  // loss notices (LineParser.lossNotice)
  'kauditd_printk_skb', // kauditd_printk_skb: N callbacks suppressed
  'audit_lost=', // audit: audit_lost=N
  'backlog limit exceeded', // audit: backlog limit exceeded
  '> audit_backlog_limit', // audit_backlog=N > audit_backlog_limit=M
  'Suppressed ', // systemd-journald[N]: Suppressed N messages
  ' kernel messages', // systemd-journald[N]: Missed N kernel messages
  // journal JSON whose MESSAGE is a byte array (not UTF-8) or was left out as too large
  '"MESSAGE":[',
  '"MESSAGE":null',
];
