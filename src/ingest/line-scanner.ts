/**
 * Bytes in, lines out, for saved inputs and live streams alike. Survives any line length (a line
 * over `max` bytes is cut there, counted, and the rest of it dropped) and decodes lines as UTF-8
 * (invalid bytes become U+FFFD; NUL bytes pass through).
 *
 * With `filter`, a line that holds none of the parser's markers (LINE_MARKERS) is only counted: it
 * never becomes a string. All markers are searched in the raw buffer in one pass (MarkerSearch),
 * instead of one decode and several searches per line. Lines the parser needs without a marker of
 * their own are still delivered, and what the parser would make of the others is passed on:
 * - the lines after an audit.log record that carry its audit id (SYSCALL, PROCTITLE: its context),
 *   through the sink's eventLine when it has one (such a line has no marker: no record in it),
 *   and, when a line of another event ends it unread, that end (endEvent);
 * - the line after one with a single-quoted value, USER_AVC's `msg='` (it may close on the next line);
 * - everything of util-linux's pretty-printed `dmesg --json`, whose message and uptime are on
 *   different lines (recognised by its first line, a lone `{`).
 */
import type { LineSink } from '../parse/line-sink.js';
import { textAt } from '../parse/fields.js';
import { LINE_MARKERS } from '../parse/markers.js';
import { AUDIT_ID_WINDOW, auditLogMsgAt } from '../parse/event-context.js';
import { MarkerSearch } from './marker-search.js';
import { opensFieldsEntry } from '../parse/journal-fields.js';

export type { LineSink };

export interface ScanOptions {
  /** Deliver only the lines that can matter (default: every line). */
  filter?: boolean;
  /** Longest line delivered, in bytes. */
  max?: number;
  /** More byte strings that make a line worth delivering when filtering (the timeline's boot banner). */
  markers?: readonly string[];
}

export const MAX_LINE = 4 * 1024 * 1024;

const PARSER_MARKERS = new MarkerSearch(LINE_MARKERS);
const AUDIT_MSG = Buffer.from('msg=audit(');
const NL = 0x0a;
/** Lines of no audit event at all that may stand between the records of one event. */
const EVENT_PATIENCE = 64;

/** Why follows wants a line: not at all, as the line after an open quote, or as a line of the held event. */
type Need = 0 | 1 | 2;
const NOT_NEEDED = 0;
const TEXT = 1;
const EVENT_LINE = 2;

export class LineScanner {
  /** Lines cut at `max` bytes. */
  cut = 0;
  bytes = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Inside an over-long line, dropping bytes until its newline. */
  private dropping = false;
  /** undefined until the first line says what the stream is. */
  private filtering: boolean | undefined;
  /** Lines of no event passed over since the last line of the current event. */
  private foreign = 0;
  /** The buffer auditAt is about, and where `msg=audit(` is next in it. */
  private auditIn: Buffer | undefined;
  private auditAt = -1;
  /** The audit id (`audit(SEC.MS:SERIAL)`) of the last audit.log line delivered: its event follows. */
  private event: Buffer | undefined;
  private eventText = '';
  /** event's bytes are its first eventLength (the buffer is reused). */
  private eventLength = 0;
  private eventBytes = Buffer.alloc(64);
  /** The last line delivered has a single-quoted value (USER_AVC `msg='`): deliver the next one too. */
  private nextToo = false;
  private readonly markers: MarkerSearch;
  private readonly max: number;

  constructor(
    private readonly sink: LineSink,
    opts: ScanOptions = {},
  ) {
    this.max = opts.max ?? MAX_LINE;
    this.filtering = opts.filter ? undefined : false;
    this.markers = opts.markers?.length ? new MarkerSearch([...LINE_MARKERS, ...opts.markers]) : PARSER_MARKERS;
  }

  push(buf: Buffer): void {
    this.bytes += buf.length;
    let start = 0;
    if (this.carryLen || this.dropping) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.hold(buf, 0);
        return;
      }
      if (this.dropping) this.dropping = false;
      else {
        this.hold(buf.subarray(0, nl), 0);
        if (this.carryLen || !this.dropping) this.deliverCarried();
        this.dropping = false;
      }
      start = nl + 1;
    }
    const last = buf.lastIndexOf(NL);
    if (last >= start) {
      this.lines(buf, start, last + 1);
      start = last + 1;
    }
    if (start < buf.length) this.hold(buf, start);
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.carryLen && !this.dropping) this.deliverCarried();
    this.carry = [];
    this.carryLen = 0;
    this.dropping = false;
  }

  /** Keeps the start of a line that continues in the next chunk (copied: streams reuse buffers). */
  private hold(buf: Buffer, from: number): void {
    if (this.dropping) return;
    const rest = buf.subarray(from);
    if (this.carryLen + rest.length > this.max) {
      const room = this.max - this.carryLen;
      if (room > 0) this.carry.push(Buffer.from(rest.subarray(0, room)));
      this.carryLen += Math.max(0, room);
      this.deliverCarried();
      this.cut++;
      this.dropping = true;
      return;
    }
    this.carry.push(Buffer.from(rest));
    this.carryLen += rest.length;
  }

  private deliverCarried(): void {
    const line = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, this.carryLen);
    this.carry = [];
    this.carryLen = 0;
    if (this.filtering === undefined) {
      const every = everyLineNeeded(line, 0, line.length);
      if (every === undefined) {
        this.sink.skip?.(1);
        return;
      }
      this.filtering = !every;
    }
    if (!this.filtering || this.markers.find(line, 0, line.length) >= 0) this.deliver(line, 0, line.length, false);
    else {
      const need = this.follows(line, 0, line.length);
      if (need === NOT_NEEDED) this.skipped(1);
      else this.deliver(line, 0, line.length, need === EVENT_LINE);
    }
  }

  /** Complete lines in buf[a, b), b just past a newline. */
  private lines(buf: Buffer, a: number, b: number): void {
    let pos = a;
    while (this.filtering === undefined && pos < b) {
      // the first line that is not blank says what the stream is; blank lines say nothing
      const nl = buf.indexOf(NL, pos);
      const every = everyLineNeeded(buf, pos, nl);
      if (every !== undefined) this.filtering = !every;
      else {
        this.sink.skip?.(1);
        pos = nl + 1;
      }
    }
    if (!this.filtering) {
      while (pos < b) {
        const nl = buf.indexOf(NL, pos);
        this.deliver(buf, pos, nl, false);
        pos = nl + 1;
      }
      return;
    }
    this.auditIn = undefined;
    while (pos < b) {
      if (this.event || this.nextToo) {
        // line by line while an event may go on or a quote may close
        const nl = buf.indexOf(NL, pos);
        // a line with a marker goes to the parser, which decides what it ends
        if (this.markers.find(buf, pos, nl) >= 0) this.deliver(buf, pos, nl, false);
        else {
          const need = this.follows(buf, pos, nl);
          if (need === NOT_NEEDED) this.skipped(1);
          else this.deliver(buf, pos, nl, need === EVENT_LINE);
        }
        pos = nl + 1;
        continue;
      }
      const hit = this.markers.find(buf, pos, b);
      const ls = hit < 0 ? b : buf.lastIndexOf(NL, hit) + 1;
      if (ls > pos) this.skipped(countLines(buf, pos, ls));
      if (hit < 0) return;
      const nl = buf.indexOf(NL, hit);
      this.deliver(buf, ls, nl, false);
      pos = nl + 1;
    }
  }

  /**
   * A line the parser needs although it has no marker: the next line after a USER_AVC's open
   * quote, or a line of the held audit.log event. A line of another event ends the event: the
   * parser, had it read that line, would release what it holds there (endEvent), so records and
   * notices keep their order. A line of no event at all (not audit.log's) does not end it: the
   * parser would go on waiting, and so does this, for up to EVENT_PATIENCE such lines.
   */
  private follows(buf: Buffer, s: number, e: number): Need {
    if (this.nextToo) return TEXT;
    const ev = this.event;
    if (!ev) return NOT_NEEDED;
    const m = this.auditMsgFrom(buf, s, e);
    // JSON lines (journal entries) are not the parser's audit.log lines, whatever they quote
    if (m >= 0 && m < e && buf[s] !== 0x7b /* { */) {
      const n = this.eventLength;
      if (m + 4 + n <= e && sameBytes(buf, m + 4, ev, n)) return EVENT_LINE;
      this.endEvent();
      this.sink.endEvent?.();
      return NOT_NEEDED;
    }
    if (++this.foreign > EVENT_PATIENCE) this.endEvent();
    return NOT_NEEDED;
  }

  /**
   * Where `msg=audit(` is next at or after s in this buffer (remembered: lines are asked in order).
   * Looked for first in the start of the line [s, e), where audit.log writes it: a search of the
   * buffer costs more than the few bytes before it.
   */
  private auditMsgFrom(buf: Buffer, s: number, e: number): number {
    const near = msgAuditNear(buf, s, Math.min(e, s + AUDIT_ID_WINDOW));
    if (near >= 0) return near;
    if (this.auditIn !== buf || (this.auditAt >= 0 && this.auditAt < s)) {
      this.auditIn = buf;
      this.auditAt = buf.indexOf(AUDIT_MSG, s);
    }
    return this.auditAt;
  }

  private endEvent(): void {
    this.event = undefined;
    this.eventText = '';
  }

  private skipped(n: number): void {
    this.nextToo = false;
    this.sink.skip?.(n);
  }

  /** `event`: the line is delivered only as a line of the held event (follows), with no marker. */
  private deliver(buf: Buffer, s: number, e: number, event: boolean): void {
    if (e - s > this.max) {
      e = s + this.max;
      this.cut++;
    }
    const text = buf.toString('utf8', s, e);
    if (this.filtering) this.remember(text);
    if (event && this.sink.eventLine !== undefined) this.sink.eventLine(text);
    else this.sink.line(text);
  }

  /** What the next lines must be delivered for (read from the text: no buffer views to make). */
  private remember(text: string): void {
    // a single-quoted value (USER_AVC's msg='...', in any carrier) may close on the next line
    this.nextToo = hasSingleQuotedValue(text);
    // audit.log lines start with `type=` or `node=`; their event's other records follow
    const m = auditLogMsgAt(text);
    const close = m >= 0 ? text.indexOf(')', m) : -1;
    // a line of no audit event (a record in another carrier, a notice) leaves the event as it is
    if (close < 0) return;
    this.foreign = 0;
    // the event's other lines carry the same id: compared where it stands, cut out only when new
    const known = this.eventText;
    if (this.event !== undefined && known.length === close + 1 - (m + 4) && textAt(text, m + 4, known)) return;
    const id = text.slice(m + 4, close + 1);
    this.eventText = id;
    // its bytes in a buffer kept from event to event (ids have the same few dozen characters)
    if (id.length > this.eventBytes.length) this.eventBytes = Buffer.alloc(Math.max(id.length, 2 * this.eventBytes.length));
    this.eventLength = this.eventBytes.write(id, 0, 'latin1');
    this.event = this.eventBytes;
  }
}

/** buf[at, at + n) is want[0, n). A few dozen bytes: compared here, more quickly than by Buffer#compare. */
function sameBytes(buf: Buffer, at: number, want: Buffer, n: number): boolean {
  for (let k = 0; k < n; k++) if (buf[at + k] !== want[k]) return false;
  return true;
}

/** The first `msg=audit(` in buf[s, e), whole within it; -1 when none starts there. */
function msgAuditNear(buf: Buffer, s: number, e: number): number {
  for (let i = s; i + AUDIT_MSG.length <= e; i++) {
    if (buf[i] === 0x6d /* m */ && sameBytes(buf, i, AUDIT_MSG, AUDIT_MSG.length)) return i;
  }
  return -1;
}

/** `='` in text: found by its quote, a rare character (a search for the pair is slowed by every `=`). */
function hasSingleQuotedValue(text: string): boolean {
  for (let q = text.indexOf("'", 1); q >= 0; q = text.indexOf("'", q + 1)) if (text.charCodeAt(q - 1) === 0x3d /* = */) return true;
  return false;
}

function countLines(buf: Buffer, a: number, b: number): number {
  let n = 0;
  for (let p = buf.indexOf(NL, a); p >= 0 && p < b; p = buf.indexOf(NL, p + 1)) n++;
  return n;
}

/**
 * util-linux's `dmesg --json` starts with a lone `{` (then `"dmesg": [`). undefined: a blank line
 * says nothing, decide on the next one.
 */
/**
 * Whether a stream whose first line (not blank) is buf[s, e) needs every line read: the stream
 * interleaves what the parser needs with lines that hold no marker. Pretty-printed `dmesg --json`
 * (a lone `{` or `[` first) and journalctl's entries written field by field (-o verbose, -o export:
 * the fields that say who wrote a message hold no marker). undefined: the line says nothing (blank,
 * or a note journalctl writes before the entries, `-- ... --`).
 */
function everyLineNeeded(buf: Buffer, s: number, e: number): boolean | undefined {
  const pretty = prettyJsonStart(buf, s, e);
  if (pretty !== false) return pretty;
  if (e < 0) e = buf.length;
  const head = buf.toString('utf8', s, Math.min(e, s + 160)).replace(/\r$/, '');
  if (head.startsWith('-- ')) return undefined;
  return opensFieldsEntry(head);
}

function prettyJsonStart(buf: Buffer, s: number, e: number): boolean | undefined {
  if (e < 0) e = buf.length;
  let i = s;
  while (i < e && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d)) i++;
  if (i >= e) return undefined;
  if (buf[i] !== 0x7b /* { */ && buf[i] !== 0x5b /* [ */) return false;
  i++;
  while (i < e && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d)) i++;
  return i === e;
}
