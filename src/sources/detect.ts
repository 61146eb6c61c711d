/**
 * Which live sources this host has, decided from facts gathered up front (probe.ts): for each one
 * that cannot be read, the exact reason and what would fix it. Pure: facts in, plans out, so every
 * combination (not root, dmesg_restrict, no auditd, no journalctl) is testable without that host.
 */
import type { SourceName } from './types.js';

export interface HostFacts {
  uid: number;
  /** Names of the groups this process is in. */
  groups: string[];
  /** kernel.dmesg_restrict: true = 1, false = 0, undefined = unknown. */
  dmesgRestrict?: boolean;
  /** Absolute paths of the binaries, undefined when not on PATH. */
  journalctl?: string;
  dmesg?: string;
  /** Whether journald keeps any journal files (/var/log/journal, /run/log/journal). */
  journalFiles: boolean;
  auditLog: { path: string; exists: boolean; readable: boolean };
  auditdRunning: boolean;
  /** AppArmor enabled in this kernel (/sys/module/apparmor/parameters/enabled = Y); undefined = unknown. */
  apparmorEnabled?: boolean;
  /**
   * journald reads the kernel's audit channel (systemd-journald-audit.socket active: a reader of the
   * audit multicast group); undefined = unknown. systemd 254 and later no longer start that socket
   * with journald: on Debian 13 it is off unless enabled, so the audit channel stays empty.
   */
  journaldAudit?: boolean;
}

export interface SourcePlan {
  name: SourceName;
  available: boolean;
  /** Why not (unavailable), one sentence. */
  reason?: string;
  fix?: string;
  /** A fact worth knowing while it works. */
  note?: string;
  /** Named with --source (an explicit choice that cannot be honoured is an error worth showing loudly). */
  explicit: boolean;
}

const JOURNAL_GROUPS = ['systemd-journal', 'adm', 'wheel'];

function canReadSystemJournal(f: HostFacts): boolean {
  return f.uid === 0 || f.groups.some((g) => JOURNAL_GROUPS.includes(g));
}

function journalPlan(name: 'journal' | 'audit', f: HostFacts, explicit: boolean): SourcePlan {
  const what = name === 'journal' ? "the journal's kernel messages" : "the journal's audit channel (_TRANSPORT=audit)";
  if (!f.journalctl)
    return { name, explicit, available: false, reason: 'journalctl is not installed (no systemd journal tools on PATH)', fix: 'install systemd (journalctl), or read saved logs with --input' };
  if (!canReadSystemJournal(f))
    return {
      name,
      explicit,
      available: false,
      reason: `not root and not in the systemd-journal or adm group: journalctl cannot read ${what}`,
      fix: 'run with sudo, or: sudo usermod -aG systemd-journal $USER (then log in again)',
    };
  if (!f.journalFiles)
    return {
      name,
      explicit,
      available: false,
      reason: 'no journal files on this host (systemd-journald is not running or keeps no journal)',
      fix: 'start systemd-journald, or read saved logs with --input / --journal-dir',
    };
  const plan: SourcePlan = { name, explicit, available: true };
  const channelOff = f.journaldAudit === false;
  if (name === 'journal' && f.auditdRunning) plan.note = `auditd runs: AppArmor records go to audit.log${channelOff ? '' : ' and the audit channel'}, not the kernel log`;
  if (name === 'journal' && !f.auditdRunning)
    plan.note = channelOff
      ? 'the kernel rate-limits this log (kauditd_printk_skb) and journald does not read the audit channel here: records the kernel drops are lost (auditd, or systemd-journald-audit.socket, would keep them)'
      : 'the kernel rate-limits this log (kauditd_printk_skb): the audit channel keeps every record';
  if (name === 'audit' && channelOff) {
    // older entries may still be there (the socket was on once): the source stays, the note says why it is quiet
    plan.note = 'journald does not read the audit channel (systemd-journald-audit.socket is not active, the default from systemd 254 on): no new records arrive here';
    plan.fix = 'sudo systemctl enable --now systemd-journald-audit.socket, or install auditd';
  }
  return plan;
}

function dmesgPlan(f: HostFacts, explicit: boolean): SourcePlan {
  if (!f.dmesg) return { name: 'dmesg', explicit, available: false, reason: 'dmesg is not installed (util-linux)', fix: 'install util-linux, or use the journal' };
  if (f.uid !== 0 && f.dmesgRestrict === true)
    return {
      name: 'dmesg',
      explicit,
      available: false,
      reason: 'kernel.dmesg_restrict=1 and not root: reading the kernel ring buffer needs CAP_SYSLOG',
      fix: 'run with sudo (or: sudo sysctl kernel.dmesg_restrict=0)',
    };
  const plan: SourcePlan = { name: 'dmesg', explicit, available: true };
  if (f.auditdRunning) plan.note = 'auditd runs: AppArmor records go to audit.log, not the kernel ring buffer';
  return plan;
}

function auditLogPlan(f: HostFacts, explicit: boolean): SourcePlan {
  const p = f.auditLog.path;
  if (f.auditLog.exists && f.auditLog.readable) {
    const plan: SourcePlan = { name: 'auditlog', explicit, available: true };
    if (!f.auditdRunning) plan.note = 'auditd is not running: audit.log gets no new records';
    return plan;
  }
  if (f.auditLog.exists)
    return {
      name: 'auditlog',
      explicit,
      available: false,
      reason: `not root: ${p} is readable by root only`,
      fix: 'run with sudo (or set log_group in /etc/audit/auditd.conf and join that group)',
    };
  if (f.auditdRunning)
    return { name: 'auditlog', explicit, available: false, reason: `auditd runs but ${p} does not exist (log_file in auditd.conf points elsewhere?)`, fix: 'check log_file in /etc/audit/auditd.conf' };
  return {
    name: 'auditlog',
    explicit,
    available: false,
    reason: `no auditd: ${p} does not exist`,
    fix: 'none needed: without auditd the records go to the kernel log and the journal (installing auditd keeps every record)',
  };
}

/**
 * One plan per source. `requested`: --source (explicit choice); undefined: all four are considered.
 * `saved`: saved evidence was given, so host sources are only used when named explicitly.
 */
export function detectSources(f: HostFacts, requested?: readonly SourceName[], saved = false): SourcePlan[] {
  const names: readonly SourceName[] = requested ?? (saved ? [] : ['journal', 'audit', 'dmesg', 'auditlog']);
  const explicit = requested !== undefined;
  return names.map((n) => (n === 'journal' || n === 'audit' ? journalPlan(n, f, explicit) : n === 'dmesg' ? dmesgPlan(f, explicit) : auditLogPlan(f, explicit)));
}

/** Facts about the host as a whole that change what an empty screen means. */
export function hostNotes(f: HostFacts): string[] {
  const notes: string[] = [];
  if (f.apparmorEnabled === false) notes.push('AppArmor is not enabled in this kernel: it logs no denials here (older records may still be read)');
  return notes;
}

/**
 * --boot for an earlier boot: the journal keeps it, but dmesg holds only the running boot, and
 * audit.log records carry no boot id, so neither can honour it.
 */
export function forBoot(plans: SourcePlan[], boot: string | undefined): SourcePlan[] {
  if (boot === undefined || boot === '0') return plans;
  return plans.map((p) => {
    if (!p.available) return p;
    if (p.name === 'dmesg')
      return { ...p, available: false, reason: `--boot ${boot}: the kernel ring buffer holds only the running boot`, fix: 'use the journal for earlier boots (this is what --boot reads)' };
    if (p.name === 'auditlog') return { ...p, available: false, reason: `--boot ${boot}: audit.log records carry no boot id`, fix: 'use --since/--until for a time window in audit.log' };
    return p;
  });
}
