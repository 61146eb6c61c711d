/**
 * The one record model every stage shares: sources -> carrier decoding -> record parsing ->
 * enrichment -> classification -> denial store (interactive view), timeline or output writers.
 *
 * Field names are the kernel's own (`apparmor`, `operation`, `profile`, `name`, `requested_mask`,
 * `denied_mask`, `pid`, `comm`, ...), values decoded (hex strings turned into text). Every value is a
 * string, exactly as the kernel meant it; numbers are parsed where they are used.
 */

/** The `apparmor=` value. Unknown values are kept verbatim (upper-cased). */
export type RecordKind = 'DENIED' | 'ALLOWED' | 'AUDIT' | 'STATUS' | 'HINT' | 'ERROR' | 'KILLED' | (string & {});

/** The text form a record arrived in. */
export type Carrier =
  | 'dmesg' // raw `[ uptime] audit: ...`, -r, -x
  | 'dmesg-ctime' // dmesg -T
  | 'dmesg-iso' // dmesg --time-format iso
  | 'dmesg-json' // dmesg --json
  | 'journal-short' // journalctl -o short, short-precise, short-full, short-unix / syslog / kern.log (`Mon DD HH:MM:SS host ident: ...`)
  | 'journal-iso' // journalctl -o short-iso / short-iso-precise / RFC 3339 and RFC 5424 syslog
  | 'journal-monotonic' // journalctl -o short-monotonic
  | 'journal-json' // journalctl -o json
  | 'journal-fields' // journalctl -o verbose, -o export: an entry's fields, one per line
  | 'journal-cat' // journalctl -o cat: the message alone
  | 'auditlog' // /var/log/audit/audit.log
  | 'embedded'; // a record quoted inside some other text

/**
 * Which of the kernel's two outputs a record came through. The kernel log (dmesg, the journal's
 * kernel messages, kern.log) is rate-limited by the kernel; the audit channel (audit.log, the
 * journal's audit transport, `audit[PID]: AVC` lines) gets every record the audit subsystem sent.
 */
export type Channel = 'kernel' | 'audit';

/** Where the evidence is: the input's name and the 1-based line number (as `sed -n` counts). */
export interface SourceRef {
  name: string;
  line: number;
}

import type { Verdict } from './verdict.js';

export type { Verdict } from './verdict.js';

export interface Classification {
  verdict: Verdict;
  /** 0..1: how sure the classifier is. */
  confidence: number;
  /** Short human sentences, each naming one signal that fired. */
  reasons: string[];
  /** For denials: the rule to add (missing rule) or what to do instead (likely attack). */
  suggestion?: Suggestion;
}

export interface Suggestion {
  /** `rule`: add this rule; `respond`: do not loosen, respond to an attack; `none`: nothing to add. */
  kind: 'rule' | 'respond' | 'none';
  /** Human summary, one sentence. */
  text: string;
  /** Profile syntax lines, for kind === 'rule'. */
  rules?: string[];
  /** The file the rule belongs in (the profile's local/ include when it has one). */
  file?: string;
}

/** Context from the same audit event (audit.log SYSCALL / PROCTITLE records with the same id). */
export interface EventContext {
  syscall?: string;
  exe?: string;
  /** The parent's pid from SYSCALL: links a record to its process tree. */
  ppid?: string;
  /** The login uid (auid) of the session the process belongs to, as a number (unset: 4294967295). */
  auid?: string;
  /** PROCTITLE decoded; NUL separators shown as spaces. */
  proctitle?: string;
  success?: string;
  exit?: string;
}

export interface AppArmorRecord {
  kind: RecordKind;
  /** Every key=value of the record under the kernel's key names, decoded. Unknown keys kept. */
  fields: Record<string, string>;
  /** Wall-clock time in epoch milliseconds, from the audit id when there is one, else the carrier's clock. */
  time?: number;
  /** True when `time` is an estimate (uptime converted with an assumed boot time, a syslog date without year). */
  timeApprox?: boolean;
  /** True when the line gave a time no clock can show (beyond ±8.64e15 ms): the record is kept undated. */
  timeInvalid?: boolean;
  /** Seconds since boot, when the carrier gave one (raw dmesg, short-monotonic). */
  uptime?: number;
  /** The audit event serial from `audit(SEC.MS:SERIAL)`. */
  serial?: number;
  /** The full audit id `SEC.MS:SERIAL`, verbatim. */
  auditId?: string;
  /** Host name from the journal, syslog, or audit.log's `node=`. */
  host?: string;
  carrier: Carrier;
  /** The channel the carrier belongs to, when its form says (a record quoted in other text: unknown). */
  channel?: Channel;
  /**
   * The program whose log line carried the record, when the carrier names one that is neither the
   * kernel nor the audit subsystem (`mallory[4242]` of `host mallory[4242]: audit: ...`, journald's
   * fields for a journal entry). Any program can write such a line (`logger`): it is text about a
   * denial, not the kernel's record of one.
   */
  writer?: string;
  /** The audit record type: AVC, USER_AVC, APPARMOR_DENIED, 1400, ... */
  auditType?: string;
  source: SourceRef;
  /** The evidence line as read (possibly shortened for very long lines; see rawTruncated). */
  raw: string;
  rawTruncated?: boolean;
  /**
   * Fields whose kernel hex was not UTF-8, with the hex as logged: the decoded text shows those
   * bytes as \xNN, which a real name could hold too.
   */
  undecoded?: Record<string, string>;
  context?: EventContext;
  /** Filled by the classifier. */
  classification?: Classification;
  /**
   * Hashes of the content, computed once from `fields` (model/digest.ts digestOf) for the deduper
   * and the classifier's cache; a record's fields are not changed after parsing. In no view.
   */
  digest?: RecordDigest;
}

export interface RecordDigest {
  /** The fields object hashed: a copy of the record with other fields is hashed again. */
  of: Record<string, string>;
  /** Identity (30 + 30 bits): what two carriers of one record have in common. */
  id1: number;
  id2: number;
  /** Everything but the pid (30 + 30 bits): what a verdict depends on (the classifier's cache key). */
  cls1: number;
  cls2: number;
}

/** A line that looked like an AppArmor record but could not be parsed. */
export interface Unparsable {
  source: SourceRef;
  reason: string;
  /** The start of the line, made safe for display by the views. */
  excerpt: string;
}

/** Loss the kernel or audit subsystem reported in the log itself. */
export interface LossNotice {
  kind: 'printk-suppressed' | 'audit-backlog' | 'audit-lost' | 'journal-suppressed' | 'journal-missed';
  /** How many records were lost, when the notice says. */
  count: number;
  source: SourceRef;
  time?: number;
  /** Seconds since boot of the notice, when the carrier gave it: the same notice in dmesg and the journal. */
  uptime?: number;
  /**
   * For a loss of the kernel log alone (the records went to the audit channel too): whether an
   * audit-channel input read here holds them. Asked when shown, since the answer can change while
   * more is read; absent for losses no other channel can make good.
   */
  recovery?: LossRecovery;
}

export interface LossRecovery {
  /** The audit-channel input that was read over the whole time of the lost records, or undefined. */
  coveredBy(): string | undefined;
}

/** Loss the kernel log alone suffered: the kernel printed fewer records than the audit channel got. */
export function kernelLogLoss(kind: LossNotice['kind']): boolean {
  return kind === 'printk-suppressed';
}

export const DENIAL_KINDS: ReadonlySet<string> = new Set(['DENIED', 'ALLOWED', 'KILLED']);

/** A record that reports an access the policy did not grant (denied, or allowed only by complain mode). */
export function isDenial(r: AppArmorRecord): boolean {
  return DENIAL_KINDS.has(r.kind);
}

/** The profile (label) a record is about: `profile=`, or `label=` on newer kernels. */
export function recordProfile(r: AppArmorRecord): string | undefined {
  return r.fields.profile ?? r.fields.label;
}

/**
 * The access's permission mask: what was denied, else what was asked, else the class's own mask
 * (D-Bus). Newer kernels write `denied=` and `requested=` for the classes mediated since 6.x
 * (user namespaces, fine-grained unix sockets): the same two masks under shorter names.
 */
export function recordMask(r: AppArmorRecord): string | undefined {
  const f = r.fields;
  return f.denied_mask ?? f.requested_mask ?? f.denied ?? f.requested ?? f.mask;
}

/** A D-Bus record's member: `member=`, or `method=` as dbus-broker writes it. */
export function dbusMember(f: Record<string, string>): string | undefined {
  return f.member ?? f.method;
}

/** Carriers whose line names its writer in text alone (a syslog header's `ident[pid]:`): the ones
 * whose prefix parse/prefix.ts reads a writer from (test/tui/denial-store.test.ts holds the two
 * to each form). */
const NAMED_IN_TEXT: ReadonlySet<Carrier> = new Set<Carrier>(['journal-short', 'journal-iso', 'journal-monotonic']);

/**
 * Whether the record is a D-Bus denial a bus daemon's own line told in a text log: taken as the
 * daemon's (parse/record.ts) on the name the line gives, which any program can give itself
 * (`logger -t dbus-daemon`); journal JSON's `_EXE` would show the program, text does not. The
 * kernel's and the audit subsystem's records have a channel, a program's other lines a writer.
 */
export function busNameOnly(r: AppArmorRecord): boolean {
  return r.writer === undefined && r.channel === undefined && NAMED_IN_TEXT.has(r.carrier) && (r.fields.operation?.startsWith('dbus_') ?? false);
}

/** Where a record busNameOnly holds for came from, as every view says it ("came from ...", "from ..."). */
export const BUS_NAME_ONLY_TEXT =
  "the D-Bus daemon's line in a text log, taken at the name the line gives: any program can give itself that name (logger -t dbus-daemon); journalctl -o json shows the program that wrote it (_EXE)";

/**
 * Whether the record's `pid` and `comm` are the other process's, not one running under its
 * profile. The kernel checks a signal's receipt and a trace's or read's target (`receive`,
 * `tracedby`, `readby`) against the target's profile, in the task that sent the signal or started
 * the trace: `profile` is the target's, `peer`, `pid` and `comm` the other side's
 * (`profile="report-exporter" pid=1 comm="systemd" requested_mask="receive"`: systemd's signal).
 */
export function pidIsPeer(r: AppArmorRecord): boolean {
  const op = r.fields.operation;
  if (op !== 'signal' && op !== 'ptrace') return false;
  const mask = recordMask(r);
  return op === 'signal' ? mask === 'receive' : mask === 'tracedby' || mask === 'readby';
}

/**
 * The capability a record names: `capname` (the kernel writes its number as `capability`); the
 * records of AppArmor 2.x (`type=1503 ... operation="capable" name="setuid"`) name it in `name`.
 */
export function recordCapability(r: AppArmorRecord): string | undefined {
  const f = r.fields;
  return f.capname ?? (f.operation === 'capable' ? f.name : undefined);
}

/** The object of the access: path, peer, capability, address ... whatever the class has. */
export function recordTarget(r: AppArmorRecord): string | undefined {
  const f = r.fields;
  return (
    f.name ??
    f.capname ??
    (f.peer !== undefined ? `peer ${f.peer}` : undefined) ??
    f.peer_label ??
    f.addr ??
    f.path ??
    f.interface ??
    // a socket is its family and its type: `inet raw` is not `inet stream`
    (f.family !== undefined && f.sock_type !== undefined ? `${f.family} ${f.sock_type}` : f.family) ??
    f.target
  );
}

/** The widest range of epoch milliseconds a Date can hold (ECMAScript's time value limit). */
export const MAX_TIME_MS = 8.64e15;

/** Whether `t` is a time a Date can hold: anything else is an invalid time, never a crash later. */
export function isValidTime(t: number): boolean {
  return Number.isFinite(t) && Math.abs(t) <= MAX_TIME_MS;
}
