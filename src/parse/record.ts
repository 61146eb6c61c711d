/**
 * Record parsing: from the text of one line (any carrier) to AppArmor records. Pure: no I/O.
 * `parseAuditText` finds every record on the line (several may share one), decodes the carrier
 * prefix, the audit id, and every key=value, hex included.
 */
import { isValidTime, type AppArmorRecord, type Carrier, type Channel, type SourceRef } from '../model/record.js';
import { decodePrefixOf, type ClockContext, type PrefixInfo } from './prefix.js';
import { maybeHex, parseAuditId, scanTokens, type AuditId, type Token } from './fields.js';
import { parseProseRecord } from './legacy-text.js';

/** Legacy record types (numeric and named) that carry AppArmor records without an `apparmor=` key. */
const LEGACY_TYPES = new Map<string, string>(
  Object.entries({
    '1500': 'UNKNOWN',
    '1501': 'AUDIT',
    '1502': 'ALLOWED',
    '1503': 'DENIED',
    '1504': 'HINT',
    '1505': 'STATUS',
    '1506': 'ERROR',
    '1507': 'KILLED',
    APPARMOR: 'UNKNOWN',
    APPARMOR_AUDIT: 'AUDIT',
    APPARMOR_ALLOWED: 'ALLOWED',
    APPARMOR_DENIED: 'DENIED',
    APPARMOR_HINT: 'HINT',
    APPARMOR_STATUS: 'STATUS',
    APPARMOR_ERROR: 'ERROR',
    APPARMOR_KILL: 'KILLED',
    // auditd without AppArmor's type names writes `type=UNKNOWN[1503]`
    'UNKNOWN[1500]': 'UNKNOWN',
    'UNKNOWN[1501]': 'AUDIT',
    'UNKNOWN[1502]': 'ALLOWED',
    'UNKNOWN[1503]': 'DENIED',
    'UNKNOWN[1504]': 'HINT',
    'UNKNOWN[1505]': 'STATUS',
    'UNKNOWN[1506]': 'ERROR',
    'UNKNOWN[1507]': 'KILLED',
  }),
);

export function isLegacyType(t: string): boolean {
  return LEGACY_TYPES.has(t);
}

const KIND_RE = /^[A-Z][A-Z_]*$/;

/** Carrier facts from outside the text (journal JSON fields). They win over what the text says. */
export interface Overrides {
  carrier?: Carrier;
  time?: number;
  host?: string;
  auditId?: AuditId;
  auditType?: string;
  channel?: Channel;
  /** The program that wrote the line, from the carrier's own fields (journald's): what the line's
   * text says of its channel (`audit: ...` reads as the kernel's) is then no channel at all. */
  writer?: string;
  /** The writer's executable, from the carrier's own fields (journald's `_EXE`). */
  writerExe?: string;
}

export interface ParsedLine {
  records: AppArmorRecord[];
  /** Why an AppArmor-looking line gave no record. */
  failure?: string;
  /** A single-quoted `msg='` (USER_AVC) opened and the line ended: the next line may continue it. */
  openQuote: boolean;
  /** The line is the kernel's command line (`apparmor=1`): no record, and nothing wrong with it. */
  notRecord?: boolean;
}

/**
 * Records one line may carry. A kernel line carries one (a few when a carrier quotes several); a
 * line repeating `apparmor=` thousands of times is forged, and its records past this many are not
 * made: the line is counted as unparsable.
 */
export const MAX_RECORDS_PER_LINE = 16;

/** Evidence lines longer than this are kept shortened (the record keeps every field). */
export const MAX_RAW = 4096;

/** Where the audit header starts before the body: `type=`, `audit(`; else the body itself. */
export function headerStart(line: string, at: number): number {
  const a = line.lastIndexOf('audit(', at);
  if (a < 0) return at;
  const t = line.lastIndexOf('type=', a);
  return t >= 0 && a - t < 40 ? t : a;
}

/** The kinds the kernel writes, as it writes them: each is its own kind (no case change, no pattern to test). */
const KERNEL_KINDS: ReadonlySet<string> = new Set(['DENIED', 'ALLOWED', 'AUDIT', 'STATUS', 'HINT', 'ERROR', 'KILLED']);

export function kindOf(v: string): string | undefined {
  if (KERNEL_KINDS.has(v)) return v;
  const k = v.toUpperCase();
  if (!KIND_RE.test(k)) return undefined;
  return k === 'KILL' ? 'KILLED' : k;
}

/**
 * Records and their fields are built key by key. An object literal extended that way keeps its
 * properties past the first few in a separate array, copied to a larger one every few keys (a
 * record's fields, the record itself once its time, id, type and digest are in): garbage on every
 * record. An object made by a constructor is given room for its properties inside itself, sized
 * from the first objects made. These constructors keep Object's prototype, as a literal has: an
 * object made by them has the same prototype, keys and order as the literal, and no code or test
 * can tell them apart.
 */
interface FieldsConstructor {
  new (): Record<string, string>;
}
interface RecordConstructor {
  new (kind: string, fields: Record<string, string>, carrier: Carrier, source: SourceRef, raw: string): AppArmorRecord;
}
const Fields = function Fields() {} as unknown as FieldsConstructor;
Fields.prototype = Object.prototype;
const ParsedRecord = function ParsedRecord(this: AppArmorRecord, kind: string, fields: Record<string, string>, carrier: Carrier, source: SourceRef, raw: string) {
  this.kind = kind;
  this.fields = fields;
  this.carrier = carrier;
  this.source = source;
  this.raw = raw;
} as unknown as RecordConstructor;
ParsedRecord.prototype = Object.prototype;

/** An empty fields object for a record (see Fields). */
export function newFields(): Record<string, string> {
  return new Fields();
}

/**
 * A D-Bus denial in the bus daemon's own log line (`dbus-daemon[4332]: apparmor="DENIED"
 * operation="dbus_signal" ...`): the daemon mediates D-Bus for AppArmor and, where it cannot reach
 * the audit subsystem (a session bus), tells its denials this way. Its line is where such a
 * denial is told, not a program's word about one (AppArmorRecord.writer).
 *
 * The name before `[pid]` is the program's own say (`logger -t dbus-daemon` writes it too). Where
 * the carrier says which executable wrote the line (journald's `_EXE`, read from the process), that
 * decides instead: a bus daemon installed in a system directory, which no user can write to. A
 * journal entry without it is a program's word. A text line has nothing better than the name.
 */
function mediatorsOwn(writer: string, exe: string | undefined, fromFields: boolean, fields: Record<string, string>): boolean {
  const op = fields.operation;
  if (op === undefined || !op.startsWith('dbus_')) return false;
  if (fromFields) return exe !== undefined && busDaemonExe(exe);
  const bracket = writer.indexOf('[');
  const name = bracket < 0 ? writer : writer.slice(0, bracket);
  return BUS_DAEMONS.has(name);
}

const BUS_DAEMONS = new Set(['dbus-daemon', 'dbus-broker', 'dbus-broker-launch']);

/** `/usr/bin/dbus-daemon` and the like (also after an upgrade replaced it: ` (deleted)`). */
function busDaemonExe(exe: string): boolean {
  const path = exe.endsWith(' (deleted)') ? exe.slice(0, -10) : exe;
  if (!/^\/(?:usr|bin|sbin|lib|lib64)\//.test(path) || path.includes('/../') || path.includes('/./')) return false;
  return BUS_DAEMONS.has(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * A record with what the carrier and the header say: its time from the audit id, else from the
 * carrier's clock (journal JSON's first), its uptime, host and audit record type.
 */
export function newRecord(
  kind: string,
  fields: Record<string, string>,
  line: string,
  raw: string,
  src: SourceRef,
  info: PrefixInfo,
  ov: Overrides,
  id: AuditId | undefined,
  auditType: string | undefined,
): AppArmorRecord {
  const r = new ParsedRecord(kind, fields, ov.carrier ?? info.carrier, src, raw);
  if (raw !== line) r.rawTruncated = true;
  if (id) {
    r.auditId = id.id;
    r.serial = id.serial;
    r.time = id.time;
  } else if (ov.time !== undefined) {
    r.time = ov.time;
  } else if (info.time !== undefined) {
    r.time = info.time;
    if (info.timeApprox) r.timeApprox = true;
  }
  if (r.time !== undefined && !isValidTime(r.time)) {
    delete r.time;
    delete r.timeApprox;
    r.timeInvalid = true;
  }
  if (info.uptime !== undefined) r.uptime = info.uptime;
  const host = ov.host ?? info.host;
  if (host !== undefined) r.host = host;
  if (auditType !== undefined) r.auditType = auditType;
  const channel = ov.writer !== undefined ? ov.channel : (ov.channel ?? info.channel);
  if (channel !== undefined) r.channel = channel;
  const writer = ov.writer ?? info.writer;
  if (writer !== undefined && !mediatorsOwn(writer, ov.writerExe, ov.writer !== undefined, fields)) r.writer = writer;
  return r;
}

/**
 * Parses one line. `bodyAt` is where the AppArmor part starts (`apparmor=`, `type=APPARMOR`,
 * `type=150x`); the text before its audit header is the carrier prefix.
 */
export function parseAuditText(line: string, bodyAt: number, src: SourceRef, clock: ClockContext, ov: Overrides = {}): ParsedLine {
  const start = headerStart(line, bodyAt);
  const info = decodePrefixOf(line, start, clock);
  const raw = line.length > MAX_RAW ? line.slice(0, MAX_RAW) : line;
  const records: AppArmorRecord[] = [];
  let cur: AppArmorRecord | undefined;
  let pendingId: AuditId | undefined = ov.auditId;
  let pendingType: string | undefined = ov.auditType ?? info.auditType;
  let legacyKind: string | undefined;
  let outer: Record<string, string> | undefined;
  let sawNested = false;
  let openQuote = false;
  let failure: string | undefined;
  let cutRecord: AppArmorRecord | undefined;
  let hintOperation = false;
  let bootParameter = false;
  /** Records past MAX_RECORDS_PER_LINE: their markers are counted, their fields dropped. */
  let excess = 0;

  const begin = (kind: string): AppArmorRecord => {
    const r = newRecord(kind, newFields(), line, raw, src, info, ov, pendingId, pendingType);
    records.push(r);
    if (!ov.auditId) pendingId = undefined;
    legacyKind = undefined;
    return r;
  };

  const onToken = (t: Token): void => {
    const { key, value } = t;
    if (key === undefined) {
      // bare words: `audit(SEC.MS:SERIAL):` opens a new record header; anything else is text
      if (value.startsWith('audit(')) {
        const id = parseAuditId(value);
        if (id) {
          if (!ov.auditId) pendingId = id;
          cur = undefined;
        }
      } else if (value === 'LOGPROF-HINT' && legacyKind !== undefined && !cur) {
        // AppArmor 2.0's `type=APPARMOR ...: LOGPROF-HINT fork pid=.. child=..`: a hint whose operation follows
        cur = begin('HINT');
        hintOperation = true;
      } else if (hintOperation && cur) {
        cur.fields.operation = value;
        hintOperation = false;
      }
      return;
    }
    if (!t.quoted && key === 'type') {
      pendingType = value;
      legacyKind = LEGACY_TYPES.get(value);
      cur = undefined;
      return;
    }
    if (!t.quoted && key === 'msg' && value.startsWith('audit(')) {
      const id = parseAuditId(value);
      if (id && !ov.auditId) pendingId = id;
      cur = undefined;
      return;
    }
    if (t.nested) {
      sawNested = true;
      if (t.unterminated) openQuote = true;
      scanTokens(value, 0, value.length, onToken);
      return;
    }
    if (t.unterminated) {
      // the line was cut inside a quoted value: report it instead of trusting half a record
      failure = `line cut inside the quoted value of ${key}=`;
      cutRecord = cur;
      if (key === 'apparmor') return;
    }
    if (key === 'apparmor') {
      const kind = kindOf(value);
      // the kernel's command line (`... apparmor=1 security=apparmor`): a boot parameter, not a record
      if (!kind && !t.quoted && /^\d+$/.test(value) && /\bcommand line: /i.test(line)) {
        bootParameter = true;
        return;
      }
      if (!kind) {
        failure = `unknown apparmor=${value.slice(0, 40)}`;
        return;
      }
      if (cur && cur.fields.apparmor === undefined) {
        // legacy header that also carries apparmor=: the key names the kind
        cur.kind = kind;
      } else if (records.length >= MAX_RECORDS_PER_LINE) {
        excess++;
        cur = undefined;
        return;
      } else {
        cur = begin(kind);
      }
      cur.fields.apparmor = value;
      return;
    }
    if (!cur) {
      if (excess) return;
      if (legacyKind !== undefined) cur = begin(legacyKind);
      else {
        (outer ??= {})[key] = value;
        return;
      }
    }
    cur.fields[key] = t.quoted ? value : maybeHex(key, value, cur);
  };

  scanTokens(line, start, line.length, onToken);

  if (records.length === 0 && legacyKind !== undefined) {
    const colon = line.indexOf('): ', start);
    const prose = colon >= 0 ? parseProseRecord(line.slice(colon + 3)) : undefined;
    if (prose) {
      legacyKind = undefined;
      const r = begin(prose.kind);
      Object.assign(r.fields, prose.fields);
      outer = undefined;
    }
  }

  if (sawNested && outer) {
    // USER_AVC: the outer pid/uid/auid/ses are dbus-daemon's; they only fill what the inner record lacks
    for (const r of records) for (const k in outer) if (!(k in r.fields)) r.fields[k] = outer[k];
  }
  // the writer was taken before the fields were read (newRecord): the bus daemon's own is none
  for (const r of records) if (r.writer !== undefined && mediatorsOwn(r.writer, ov.writerExe, ov.writer !== undefined, r.fields)) delete r.writer;
  if (cutRecord) records.splice(records.indexOf(cutRecord), 1);
  if (excess) failure = `${excess} more records on one line than the ${MAX_RECORDS_PER_LINE} a line may carry: not read`;
  if (records.length === 0 && bootParameter && failure === undefined) return { records, openQuote, notRecord: true };
  if (records.length === 0) failure ??= openQuote ? 'unterminated msg= quote' : 'no AppArmor record found';
  return { records, failure: records.length === 0 || cutRecord || excess ? failure : undefined, openQuote };
}
