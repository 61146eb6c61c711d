/**
 * Record templates: a record line differs from the same denial a moment earlier only in its clock
 * (the carrier prefix), its audit id and its pid. The rest of the line, from the audit header to
 * the end, is the template: it is hashed with those spans left out, looked up, and a hit is
 * verified byte for byte; the record is then the template's fields (the same object while the pid
 * stays the same) with this line's prefix, id, pid and line number. Nothing is tokenized again.
 * The hash is made from a sample of the characters (model/digest.ts sampleSpan): hashing every one
 * was a quarter of the templates' time on a flood's lines (the comparison decides anyway).
 *
 * A template is learnt only from a line met again (the hash of every character outside the spans
 * missed before), and only from a record the one-pass parser (fast-record.ts) made from a plain
 * line: printable ASCII (tabs and auditd's 0x1D allowed), no backslash, no single quote, one
 * `pid=` and that the record's pid, a well-formed audit id. Two lines that agree on every byte outside the spans tokenize the same way
 * (digits hold no separator or quote), so the record read from a template is the one the parser
 * would make; test/parse/equivalence.test.ts holds the two paths to that, record for record.
 * Anything else is left to the parser, unchanged.
 *
 * Memory is bounded: two generations of at most TEMPLATES_MAX / 2 templates; when the young one is
 * full it becomes the old one and the previous old one is dropped whole. Templates whose samples
 * hash alike (names that differ in a digit the sample skips) are chained, at most CHAIN_MAX.
 */
import type { AppArmorRecord, SourceRef } from '../model/record.js';
import { decodePrefixOf, type ClockContext } from './prefix.js';
import { digestWithChanged, hashSpan, sampleSpan } from '../model/digest.js';
import { auditIdAt, type AuditId } from './fields.js';
import { headerStart, MAX_RAW, newRecord } from './record.js';
import { dropWhenIdle, type IdleCache } from '../model/idle-caches.js';

/** A template holds its line's text and up to five records (2-3 KB): 4096 of them were 8 MB of an
 * interactive session after a flood of one-off records, and an outage's flood is a few hundred
 * distinct denials. Measured against 4096 on the generated 1M-line logs (3 runs each, CPU time):
 * dmesg flood 0.96-0.97 s both, one-offs 2.04-2.08 against 2.01-2.04, audit.log flood 1.53-1.55
 * against 1.55-1.69. */
const TEMPLATES_MAX = 2048;
const NO_OVERRIDES = {};

interface Template {
  /** The line's bytes outside the spans: [header start, id), [id end, pid), [pid end, line end). */
  a: string;
  b: string;
  c: string;
  /** Which spans the template has (an empty span is not a missing one). */
  shape: number;
  kind: string;
  /** The header's `type=`, when it has one. */
  type: string | undefined;
  fields: Record<string, string>;
  /** The hex of the fields that were not UTF-8 (AppArmorRecord.undecoded), as the line gave it. */
  undecoded: Record<string, string> | undefined;
  /** The last records made from it with different pids, newest first (a service's few pids take
   * turns): their fields, and digest, serve the next record with the same pid. */
  recent: AppArmorRecord[];
  /** Hits whose pid was among the recent ones, and hits with another pid. */
  again: number;
  fresh: number;
  /** The next template with the same hash, in this generation. */
  next: Template | undefined;
}

/** Templates kept per hash. */
const CHAIN_MAX = 8;

/** Pids remembered per template. */
const RECENT_PIDS = 4;

const HAS_ID = 1;
const HAS_PID = 2;

/** Where the spans are on one line (reused: one line at a time). */
const at = { start: 0, i0: 0, i1: 0, dot: 0, colon: 0, p0: 0, p1: 0, shape: 0, hash: 0 };

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Finds the spans of `line` (its body at `bodyAt`) and hashes what lies outside them. False when
 * the line is no candidate (too long, a header of another form).
 */
function locate(line: string, bodyAt: number): boolean {
  const end = line.length;
  if (end > MAX_RAW) return false;
  const start = headerStart(line, bodyAt);
  at.start = start;
  let shape = 0;
  // the audit id: `audit(SEC.MS:SERIAL)` in the header, digits only between the marks
  let i0 = start;
  let i1 = start;
  const a = line.indexOf('audit(', start);
  if (a >= 0 && a < bodyAt) {
    let i = a + 6;
    const d0 = i;
    while (isDigit(line.charCodeAt(i))) i++;
    if (i > d0 && line.charCodeAt(i) === 0x2e /* . */) {
      const f0 = ++i;
      while (isDigit(line.charCodeAt(i))) i++;
      if (i > f0 && line.charCodeAt(i) === 0x3a /* : */) {
        const s0 = ++i;
        while (isDigit(line.charCodeAt(i))) i++;
        if (i > s0 && line.charCodeAt(i) === 0x29 /* ) */) {
          i0 = d0;
          i1 = i;
          at.dot = f0 - 1;
          at.colon = s0 - 1;
          shape |= HAS_ID;
        }
      }
    }
  }
  // the pid: ` pid=DIGITS` followed by a separator or the end
  let p0 = end;
  let p1 = end;
  const p = line.indexOf(' pid=', bodyAt);
  if (p >= 0) {
    let i = p + 5;
    while (isDigit(line.charCodeAt(i))) i++;
    const c = line.charCodeAt(i);
    if (i > p + 5 && (i === end || c === 0x20)) {
      p0 = p + 5;
      p1 = i;
      shape |= HAS_PID;
    }
  }
  at.i0 = i0;
  at.i1 = i1;
  at.p0 = p0;
  at.p1 = p1;
  at.shape = shape;
  let h = Math.imul(0x811c9dc5 ^ shape, 0x01000193);
  h = sampleSpan(line, start, i0, h);
  h = sampleSpan(line, i1, p0, h);
  h = sampleSpan(line, p1, end, h);
  at.hash = (h ^ (h >>> 15)) | 0;
  return true;
}

/** The hash of every character of the line outside its spans (found by locate, in `at`). */
function wholeHash(line: string): number {
  const { start, i0, i1, p0, p1, shape } = at;
  let h = Math.imul(0x811c9dc5 ^ shape, 0x01000193);
  h = hashSpan(line, start, i0, h);
  h = hashSpan(line, i1, p0, Math.imul(h ^ 0xff, 0x01000193));
  h = hashSpan(line, p1, line.length, Math.imul(h ^ 0xff, 0x01000193));
  return (h ^ (h >>> 15)) | 0;
}

/** Only plain lines become templates: printable ASCII, tab, 0x1D; no backslash, no single quote. */
function plainBytes(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c > 0x7e || c === 0x5c /* \ */ || c === 0x27 /* ' */ || (c < 0x20 && c !== 0x09 && c !== 0x1d)) return false;
  }
  return true;
}

/**
 * Records in a window of lookups, and how many records are then parsed without looking, when most
 * of a window came from templates with a pid new to them (a log of one-off records, each from a
 * process of its own): such a hit copies the template's fields for its pid and costs more than the
 * one-pass parse it stands in for; or when few of a window were hits at all (every record new):
 * then each lookup and each template learnt is work for nothing. The templates step aside for a
 * while and are tried again.
 */
const WINDOW = 1024;
const PAUSE = 16 * WINDOW;

/**
 * Hashes of lines missed lately (a table of numbers, a newer hash taking an older one's place): a
 * template is learnt from a line whose hash was missed before, so a line met once (a one-off
 * record: a name or a command of its own) leaves no template behind. A template learnt at once
 * outlived the young generation of the heap for nothing, and pushed out the ones that recur.
 * Measured on the 1M-line generated dmesg logs (in-process, three runs each): all distinct 1.90-1.97
 * s -> 1.75-1.80, one-offs 1.44-1.57 -> 1.40-1.52, the flood 0.74-0.79 -> 0.71-0.75.
 */
const MISSED = 4096;

export class TemplateCache implements IdleCache {
  hits = 0;
  /** Lookups in the current window, hits among them, and those with a pid new to their template. */
  private looked = 0;
  private windowHits = 0;
  private freshHits = 0;
  /** Records still to be parsed without a lookup. */
  private paused = 0;
  /** By hash: the newest template with it, the others chained. */
  private young = new Map<number, Template>();
  private old = new Map<number, Template>();
  /** Templates in the young generation. */
  private youngCount = 0;
  private readonly missed = new Int32Array(MISSED);

  constructor() {
    dropWhenIdle(this);
  }

  /** Forgets every template and every line missed (the hit count stays: it counts, it decides nothing). */
  drop(): void {
    this.looked = 0;
    this.windowHits = 0;
    this.freshHits = 0;
    this.paused = 0;
    this.young = new Map();
    this.old = new Map();
    this.youngCount = 0;
    this.missed.fill(0);
  }

  /** False while the templates step aside (most recent hits brought a pid of their own). */
  worthTrying(): boolean {
    if (this.paused === 0) return true;
    this.paused--;
    return false;
  }

  /** The record of this line from a known template, or undefined (then `learn` may take the parser's). */
  match(line: string, bodyAt: number, src: SourceRef, clock: ClockContext): AppArmorRecord | undefined {
    if (++this.looked === WINDOW) {
      if (this.freshHits * 4 > WINDOW * 3 || this.windowHits * 4 < WINDOW) this.paused = PAUSE;
      this.looked = 0;
      this.windowHits = 0;
      this.freshHits = 0;
    }
    if (!locate(line, bodyAt)) return undefined;
    const key = at.hash;
    let t = this.young.get(key);
    while (t !== undefined && !fits(t, line)) t = t.next;
    if (t === undefined) {
      t = this.old.get(key);
      while (t !== undefined && !fits(t, line)) t = t.next;
      if (t === undefined) return undefined;
      // into the young generation as a copy: the old one's chain stays as it was
      t = { ...t, next: undefined };
      this.keep(key, t);
    }
    const { start, i0, i1, p0, p1 } = at;
    let id: AuditId | undefined;
    if (t.shape & HAS_ID) id = auditIdAt(line, i0, at.dot, at.colon, i1);
    const recent = t.recent;
    let fields = t.fields;
    let seen: AppArmorRecord | undefined = recent[0];
    if (t.shape & HAS_PID) {
      // a pid met lately: its record's fields serve again (nothing changes a record's fields)
      const n = p1 - p0;
      let k = 0;
      for (; k < recent.length; k++) {
        const pid = recent[k].fields.pid;
        if (pid.length === n && line.startsWith(pid, p0)) break;
      }
      if (k < recent.length) {
        seen = recent[k];
        fields = seen.fields;
        t.again++;
        if (k > 0) {
          // moved to the front in place (splice would make an array of what it took out, per record)
          for (let j = k; j > 0; j--) recent[j] = recent[j - 1];
          recent[0] = seen;
        }
      } else {
        seen = undefined;
        fields = { ...t.fields };
        fields.pid = line.slice(p0, p1);
        t.fresh++;
        this.freshHits++;
      }
    }
    const info = decodePrefixOf(line, start, clock);
    const r = newRecord(t.kind, fields, line, line, src, info, NO_OVERRIDES, id, t.type ?? info.auditType);
    if (t.undecoded !== undefined) r.undecoded = t.undecoded;
    if (seen !== undefined) {
      // the record kept stays (a newer one would live on only to be replaced): unless its digest
      // is still to be made, then this one, whose digest the next stage makes, serves instead
      if (seen.digest !== undefined && seen.digest.of === fields) r.digest = seen.digest;
      else recent[0] = r;
    } else {
      // another pid: the digest of a recent record with this one's pid put in
      const d = recent[0]?.digest;
      if (d !== undefined && d.of === recent[0].fields) r.digest = digestWithChanged(d, fields, 'pid');
      // Kept only while pids come back: a record kept lives on past the young generation, and on
      // a log where every record has a pid of its own that survival cost more than the parse the
      // template saves. Now and then one is kept anyway, so pids that start to come back are seen.
      if (t.fresh <= RECENT_PIDS || t.again * 4 >= t.fresh || (t.fresh & 15) === 0) {
        if (recent.length >= RECENT_PIDS) recent.pop();
        recent.unshift(r);
      }
    }
    this.hits++;
    this.windowHits++;
    return r;
  }

  /** Learns the template of a line the one-pass parser read as `r` (call right after a miss on
   * it), when a line with its hash was missed before (MISSED). */
  learn(line: string, bodyAt: number, r: AppArmorRecord): void {
    if (!locate(line, bodyAt) || r.raw !== line) return;
    // met before: by every character outside the spans (by the sample, one-off lines that differ
    // in a character it skips were taken for one line met twice: nine times the templates learnt
    // on a log of one-off records, each kept for nothing)
    const seen = wholeHash(line);
    const slot = seen & (MISSED - 1);
    if (this.missed[slot] !== seen) {
      this.missed[slot] = seen;
      return;
    }
    const { start, i0, i1, p0, p1, shape } = at;
    if (!plainBytes(line, start)) return;
    const f = r.fields;
    if (shape & HAS_PID) {
      // the span must be the record's pid, and the only `pid=` of the body
      if (f.pid !== line.slice(p0, p1) || line.indexOf('pid=', p1) >= 0 || line.lastIndexOf('pid=', p0 - 5) >= bodyAt) return;
    }
    if (shape & HAS_ID && r.auditId !== line.slice(i0, i1)) return;
    // the header's type, as the parser read it (the prefix's, for the journal's audit transport, is the line's own)
    const tm = line.indexOf('type=', start);
    const type = tm >= 0 && tm < (shape & HAS_ID ? i0 : bodyAt) ? readType(line, tm + 5) : undefined;
    if (type !== undefined && type !== r.auditType) return;
    const t: Template = {
      a: own(line, start, i0),
      b: own(line, i1, p0),
      c: own(line, p1, line.length),
      shape,
      kind: r.kind,
      type,
      fields: f,
      undecoded: r.undecoded,
      recent: [r],
      again: 0,
      fresh: 0,
      next: undefined,
    };
    this.keep(at.hash, t);
  }

  /** Into the young generation, first of its chain (the chain cut at CHAIN_MAX). */
  private keep(key: number, t: Template): void {
    t.next = this.young.get(key);
    let last = t;
    for (let n = 1; n < CHAIN_MAX && last.next !== undefined; n++) last = last.next;
    last.next = undefined;
    this.young.set(key, t);
    if (++this.youngCount >= TEMPLATES_MAX / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngCount = 0;
    }
  }
}

/** The line (its spans in `at`) is the template's outside its spans (strings compared whole: far quicker than startsWith at a position). */
function fits(t: Template, line: string): boolean {
  const { start, i0, i1, p0, p1, shape } = at;
  return (
    t.shape === shape && i0 - start === t.a.length && p0 - i1 === t.b.length && line.length - p1 === t.c.length && line.slice(p1) === t.c && line.slice(i1, p0) === t.b && line.slice(start, i0) === t.a
  );
}

/** line[a, b) as a string of its own (a slice would keep the whole line it was cut from alive). */
function own(line: string, a: number, b: number): string {
  return Buffer.from(line.slice(a, b), 'latin1').toString('latin1');
}

/** The word after `type=` up to a separator. */
function readType(line: string, from: number): string {
  let i = from;
  for (let c = line.charCodeAt(i); i < line.length && c !== 0x20 && c !== 0x09 && c !== 0x1d; c = line.charCodeAt(++i));
  return line.slice(from, i);
}
