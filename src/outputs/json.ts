/**
 * The NDJSON view: one object per record with the kernel's key names at the top level (decoded),
 * then time (ISO 8601), serial, host, source and the classification. JSON.stringify escapes control
 * characters and jsonInert the invisible, direction and separator ones, so the output is
 * terminal-safe by construction.
 */
import { cutRendering, sharedClassification, type CutRendering } from '../classify/index.js';
import type { AppArmorRecord, Classification } from '../model/record.js';
import { own } from '../model/own-copy.js';
import { RecurringRenderings } from './recurring.js';

const META_KEYS = new Set([
  'time',
  'time_approx',
  'time_invalid',
  'uptime',
  'serial',
  'audit_id',
  'host',
  'source',
  'carrier',
  'channel',
  'written_by',
  'audit_type',
  'context',
  'verdict',
  'confidence',
  'reasons',
  'suggestion',
  'raw',
  'undecoded_hex',
]);

export function recordToJson(r: AppArmorRecord, opts: { raw?: boolean } = {}): Record<string, unknown> {
  const o = recordBase(r);
  const c = r.classification;
  if (c) Object.assign(o, members(c));
  if (opts.raw) o.raw = r.raw;
  return o;
}

/** Everything before the classification. */
function recordBase(r: AppArmorRecord): Record<string, unknown> {
  const o = renamedFields(r);
  o.time = r.time !== undefined ? new Date(r.time).toISOString() : null;
  if (r.timeApprox) o.time_approx = true;
  if (r.timeInvalid) o.time_invalid = true;
  if (r.uptime !== undefined) o.uptime = r.uptime;
  o.serial = r.serial ?? null;
  if (r.auditId !== undefined) o.audit_id = r.auditId;
  o.host = r.host ?? null;
  o.source = { name: r.source.name, line: r.source.line };
  o.carrier = r.carrier;
  if (r.channel !== undefined) o.channel = r.channel;
  if (r.writer !== undefined) o.written_by = r.writer;
  if (r.auditType !== undefined) o.audit_type = r.auditType;
  if (r.context) o.context = r.context;
  if (r.undecoded) o.undecoded_hex = r.undecoded;
  return o;
}

/** A flood's records share seconds: the text of the last second is kept, the milliseconds written per record. */
let lastSecond = Number.NaN;
let lastSecondIso = '';
function isoTime(t: number): string {
  const ms = t % 1000;
  // whole milliseconds of a time after 1970 only: anything else is written the plain way
  if (!(ms >= 0) || !Number.isInteger(ms)) return new Date(t).toISOString();
  const second = t - ms;
  if (second !== lastSecond) {
    lastSecondIso = new Date(second).toISOString().slice(0, -4);
    lastSecond = second;
  }
  return `${lastSecondIso}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/**
 * One NDJSON line: the same text as JSON.stringify(recordToJson(r)), faster (test/outputs/json.test.ts
 * holds them equal over the fixtures and hostile records). A record's fields are never changed
 * after parsing and a flood's records share their fields objects, so the fields' JSON is made once
 * per object that recurs; a flood repeats a few verdicts whose reasons are most of each line, so a
 * classification's JSON is made once per shared classification that recurs (with the pid and the
 * load's age filled in per record). jsonInert works character by character, so each piece is made
 * inert on its own.
 */
export function recordToNdjson(r: AppArmorRecord, opts?: { raw?: boolean }): string {
  const c = r.classification;
  let line = `${fieldsHead(r)}${metaJson(r)}`;
  if (c) line += `,${classificationJson(c, r.digest?.cls1)}`;
  if (opts?.raw) line += `,"raw":${jsonInert(JSON.stringify(r.raw))}`;
  return `${line}}\n`;
}

/** Where NDJSON is written as bytes: text to encode, or bytes to copy (never changed afterwards). */
export interface NdjsonOut {
  text(s: string): void;
  bytes(b: Uint8Array): void;
}

/**
 * One record's NDJSON line (recordToNdjson's text) written into `out`. A flood's record differs
 * from the last of its denial and pid only in its clock, serial, audit id and line number: the
 * fields' members before them and the result's members after them are the same text each time, so
 * each is kept as bytes from its object's second use on and copied, and only the members between
 * are encoded. Encoding the whole line each time (the text joined, flattened and encoded) took a
 * third more of the writer's time on a flood's records (bench/findings.md).
 *
 * Knowing an object's second use means holding the object met first, and a one-off record's
 * objects held past the young generation of the heap cost more than the bytes save (a one-off
 * result holds its whole examination): when few records of a window were written from kept bytes,
 * the bytes step aside for a while, holding nothing. test/outputs/json.test.ts holds the two ways
 * to the same bytes.
 */
export function writeNdjson(r: AppArmorRecord, out: NdjsonOut): void {
  const f = r.fields;
  const d = r.digest;
  const c = r.classification;
  if (paused > 0) {
    paused--;
    out.text(recordToNdjson(r));
    return;
  }
  if (++looked === WINDOW) {
    if (copied * 4 < WINDOW) {
      paused = PAUSE;
      headSeen.fill(undefined);
      tailSeen.fill(undefined);
    }
    looked = 0;
    copied = 0;
  }
  // the keys recordToNdjson's caches use: a fields object's identity half, for its own object only
  const n = d !== undefined && d.of === f && f.apparmor !== undefined && c !== undefined ? d.id1 : undefined;
  if (n === undefined) {
    out.text(recordToNdjson(r));
    return;
  }
  let head = headBytes.get(n, f);
  if (head === undefined) {
    if (!secondUse(headSeen, n, f)) {
      out.text(recordToNdjson(r));
      return;
    }
    head = Buffer.from(fieldsHead(r));
    headBytes.keep(n, f, head);
  }
  out.bytes(head);
  out.text(metaJson(r));
  // a result is one object per denial, pid and sequence context in a row (classify/result-cache.ts),
  // two kept per slot: a pid's results in turn keep their places
  let tail = tailBytes.get(n, c!);
  if (tail === undefined) {
    const text = `,${classificationJson(c!, d!.cls1)}}\n`;
    if (!secondUse(tailSeen, n, c!)) {
      out.text(text);
      return;
    }
    tail = Buffer.from(text);
    tailBytes.keep(n, c!, tail);
  }
  out.bytes(tail);
  copied++;
}
/** Records in a window, and how many are then written without kept bytes when under a quarter of a
 * window was written from them. A flood's window meets each denial and pid a few times (a flood
 * of 1,200 of them was judged a log of one-offs by windows of 1,024). */
const WINDOW = 4096;
const PAUSE = 16 * WINDOW;
let looked = 0;
let copied = 0;
let paused = 0;
const SLOTS = 4096;
const headBytes = new RecurringRenderings<Record<string, string>, Buffer>(SLOTS);
const tailBytes = new RecurringRenderings<Classification, Buffer>(SLOTS);
/** Per slot, the last object written without its bytes kept. */
const headSeen = new Array<object | undefined>(SLOTS).fill(undefined);
const tailSeen = new Array<object | undefined>(SLOTS).fill(undefined);
/** Whether `o` is the object last met at its slot of `seen` without its bytes kept. */
function secondUse(seen: (object | undefined)[], n: number, o: object): boolean {
  const slot = n & (SLOTS - 1);
  if (seen[slot] === o) return true;
  seen[slot] = o;
  return false;
}

/**
 * `{` and the fields' members as recordBase writes them, made inert; kept from a fields object's
 * second sighting on (a flood's records share a few, held by the parser's templates), found by
 * its digest's identity half. A fields object of its own that differs from one met before only in
 * its pid (a log of one-off records: the same denial from a process of its own each time) is
 * written from that one's rendering cut at the pid (pidHead).
 */
const heads = new RecurringRenderings<Record<string, string>, string>(2048);
function fieldsHead(r: AppArmorRecord): string {
  const f = r.fields;
  // without an `apparmor` field the record's kind stands in for it: not a property of the fields alone
  const plain = f.apparmor !== undefined;
  const d = plain && r.digest?.of === f ? r.digest : undefined;
  const n = d?.id1;
  if (n !== undefined) {
    const kept = heads.get(n, f);
    if (kept !== undefined) return kept;
  }
  const pid = f.pid;
  if (d !== undefined && pid !== undefined) {
    const cut = pidHeadFor(d.cls1, f);
    if (cut !== undefined) return `${cut.before}${pidText(pid)}${cut.after}`;
  }
  const whole = plain && !hasMetaKey(f);
  const head = jsonInert(JSON.stringify(whole ? f : renamedFields(r)).slice(0, -1));
  if (n !== undefined && heads.recurs(n)) heads.keep(n, f, head);
  else if (d !== undefined && pid !== undefined && whole && pidHeadRecurs(d.cls1)) keepPidHead(d.cls1, f);
  return head;
}

/**
 * A fields object's head cut at its pid's value: the text before it and after it, made inert, and
 * the keys and values it was made from (a later object is written from it only when it has the
 * same keys in the same order and the same values but the pid's: the digest half only finds it).
 * The values are copies (a field cut from its line keeps the whole line alive), and only short
 * heads are kept.
 */
interface PidHead {
  keys: string[];
  values: string[];
  before: string;
  after: string;
}
/** Longest head kept, in characters. */
const PID_HEAD_MAX = 4096;
const PID_HEADS = 2048;
const pidHeads: (PidHead | undefined)[] = new Array<PidHead | undefined>(PID_HEADS).fill(undefined);
/** Per slot, the digest half last met without a head: a head is made at its second sighting. */
const pidHeadSeen = new Int32Array(PID_HEADS).fill(-1);

function pidHeadFor(cls1: number, f: Record<string, string>): PidHead | undefined {
  const h = pidHeads[cls1 & (PID_HEADS - 1)];
  if (h === undefined) return undefined;
  const keys = h.keys;
  const values = h.values;
  let i = 0;
  for (const k in f) {
    if (k !== keys[i] || (k !== 'pid' && f[k] !== values[i])) return undefined;
    i++;
  }
  return i === keys.length ? h : undefined;
}

function pidHeadRecurs(cls1: number): boolean {
  const slot = cls1 & (PID_HEADS - 1);
  if (pidHeadSeen[slot] === cls1) return true;
  pidHeadSeen[slot] = cls1;
  return false;
}

/** Keeps the head of `f` (written whole: an apparmor field, no meta name) cut at its pid. */
function keepPidHead(cls1: number, f: Record<string, string>): void {
  const keys: string[] = [];
  const values: string[] = [];
  let before = '{';
  let after = '"';
  let past = false;
  for (const k in f) {
    keys.push(own(k));
    values.push(k === 'pid' ? '' : own(f[k]));
    if (k === 'pid') {
      before += `${keys.length > 1 ? ',' : ''}"pid":"`;
      past = true;
    } else if (past) after += `,${JSON.stringify(k)}:${JSON.stringify(f[k])}`;
    else before += `${keys.length > 1 ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(f[k])}`;
  }
  if (before.length + after.length > PID_HEAD_MAX) return;
  pidHeads[cls1 & (PID_HEADS - 1)] = { keys, values, before: jsonInert(before), after: jsonInert(after) };
}

/** A pid as it stands inside its quotes: digits as they are, anything else escaped and made inert. */
function pidText(pid: string): string {
  return DIGITS.test(pid) ? pid : inertJsonText(pid);
}
const DIGITS = /^[0-9]{1,10}$/;

/**
 * Whether a field has a name of the members written after the fields. Without one, and with its
 * `apparmor` field, the fields object is written as it is: the object recordBase would copy it
 * into has the same keys in the same order (a one-off record's head is made once, for itself).
 */
function hasMetaKey(f: Record<string, string>): boolean {
  for (const k in f) if (META_KEYS.has(k)) return true;
  return false;
}

/** The fields as recordBase writes them: meta names prefixed with `field_`, the kind standing in for `apparmor`. */
function renamedFields(r: AppArmorRecord): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k in r.fields) o[META_KEYS.has(k) ? `field_${k}` : k] = r.fields[k];
  if (o.apparmor === undefined) o.apparmor = r.kind;
  return o;
}

/** The members recordBase writes after the fields, in its order, each as JSON.stringify writes it. */
function metaJson(r: AppArmorRecord): string {
  let s = `,"time":${r.time !== undefined ? `"${isoTime(r.time)}"` : 'null'}`;
  if (r.timeApprox) s += ',"time_approx":true';
  if (r.timeInvalid) s += ',"time_invalid":true';
  if (r.uptime !== undefined) s += `,"uptime":${JSON.stringify(r.uptime)}`;
  s += `,"serial":${r.serial === undefined ? 'null' : JSON.stringify(r.serial)}`;
  // an audit id is digits, a dot and a colon (each record its own: not worth a cache entry)
  if (r.auditId !== undefined) s += `,"audit_id":${AUDIT_ID_TEXT.test(r.auditId) ? `"${r.auditId}"` : inertString(r.auditId)}`;
  s += `${hostAndSource(r)}${JSON.stringify(r.source.line)}${afterLine(r)}`;
  if (r.context) s += `,"context":${jsonInert(JSON.stringify(r.context))}`;
  if (r.undecoded) s += `,"undecoded_hex":${jsonInert(JSON.stringify(r.undecoded))}`;
  return s;
}

const AUDIT_ID_TEXT = /^[0-9.:]+$/;

/**
 * The members around the line number, which a run's records share (one input, one host, one
 * carrier and type at a time): `,"host":...,"source":{"name":...,"line":` and
 * `},"carrier":...[,"channel"][,"written_by"][,"audit_type"]`, each made again only when one of
 * its values is not the last record's.
 */
let lastHost: string | undefined;
let lastName = '';
let hostAndSourceText = '';
function hostAndSource(r: AppArmorRecord): string {
  const host = r.host;
  const name = r.source.name;
  if (host !== lastHost || name !== lastName || hostAndSourceText === '') {
    hostAndSourceText = `,"host":${host === undefined ? 'null' : inertString(host)},"source":{"name":${inertString(name)},"line":`;
    lastHost = host;
    lastName = name;
  }
  return hostAndSourceText;
}
let lastCarrier = '';
let lastChannel: string | undefined;
let lastWriter: string | undefined;
let lastType: string | undefined;
let afterLineText = '';
function afterLine(r: AppArmorRecord): string {
  const { carrier, channel, writer, auditType } = r;
  if (carrier !== lastCarrier || channel !== lastChannel || writer !== lastWriter || auditType !== lastType || afterLineText === '') {
    // the carrier and the channel are the parser's own words, never a log's
    let s = `},"carrier":"${carrier}"`;
    if (channel !== undefined) s += `,"channel":"${channel}"`;
    if (writer !== undefined) s += `,"written_by":${inertString(writer)}`;
    if (auditType !== undefined) s += `,"audit_type":${inertString(auditType)}`;
    afterLineText = s;
    lastCarrier = carrier;
    lastChannel = channel;
    lastWriter = writer;
    lastType = auditType;
  }
  return afterLineText;
}

/** A string's JSON, made inert; the last few asked are kept (a run has few inputs, hosts and types). */
const inertCache = new Map<string, string>();
function inertString(v: string): string {
  let j = inertCache.get(v);
  if (j === undefined) {
    j = jsonInert(JSON.stringify(v));
    if (v.length <= 256) {
      if (inertCache.size >= 64) inertCache.clear();
      inertCache.set(v, j);
    }
  }
  return j;
}

/** Characters JSON.stringify leaves as they are but a terminal would not show as written (see safeText). */
const INVISIBLE_RE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/**
 * JSON text with invisible, direction and separator characters written as \u escapes: the same
 * JSON value, and `aa-triage --json` read on a terminal shows them as what they are.
 */
export function jsonInert(json: string): string {
  INVISIBLE_RE.lastIndex = 0;
  return INVISIBLE_RE.test(json) ? json.replace(INVISIBLE_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * `"verdict":...,"confidence":...,"reasons":[...][,"suggestion":{...}]`. A shared result that
 * recurs (found by the record's digest half for its verdict, `n`) is rendered once with its
 * placeholders, cut there, and filled in per record; any other is written as it is.
 */
const fragments = new RecurringRenderings<Classification, string | CutRendering>(2048);
function classificationJson(c: Classification, n: number | undefined): string {
  const shared = sharedClassification(c);
  const template = shared ? shared.template : c;
  if (n !== undefined) {
    let f = fragments.get(n, template);
    if (f === undefined && fragments.recurs(n)) {
      const text = jsonInert(JSON.stringify(members(template)).slice(1, -1));
      f = shared ? cutRendering(text, jsonText) : text;
      fragments.keep(n, template, f);
    }
    if (f !== undefined) return typeof f === 'string' ? f : shared!.fill(f, inertJsonText);
  }
  return jsonInert(JSON.stringify(members(c)).slice(1, -1));
}

/** The classification's members as every record's JSON has them, in this order. */
function members(c: Classification): Record<string, unknown> {
  const o: Record<string, unknown> = { verdict: c.verdict, confidence: c.confidence, reasons: c.reasons };
  const suggestion = c.suggestion;
  if (suggestion) o.suggestion = suggestion;
  return o;
}

/** A string as JSON writes it inside quotes. */
const jsonText = (s: string): string => JSON.stringify(s).slice(1, -1);
/** The same, made inert (a value filled into an inert rendering). */
const inertJsonText = (s: string): string => jsonInert(jsonText(s));
