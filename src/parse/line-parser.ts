/**
 * The stateful line parser: lines in (any carrier, mixed freely), records, unparsable lines and
 * loss notices out, with counters. It keeps just enough state for records that span lines:
 * a USER_AVC whose `msg='...'` was broken by a newline, and audit.log events whose SYSCALL and
 * PROCTITLE records follow the AppArmor record under the same audit id.
 */
import type { AppArmorRecord, Carrier, EventContext, LossNotice, SourceRef, Unparsable } from '../model/record.js';
import { byKernel, messageStart, type ClockContext } from './prefix.js';
import { auditLogMsgAt, newFacts, readContext, type ContextFacts } from './event-context.js';
import type { LineSink } from './line-sink.js';
import { parseFastRecord } from './fast-record.js';
import { parseJsonEntry, type JsonEntry } from './journal-json.js';
import { BINARY_FIELD_RE, binaryLength, ENTRY_FIELDS_MAX, FIELD_RE, FIELD_TEXT_MAX, keptField, VERBOSE_HEAD_RE, type FieldsEntry } from './journal-fields.js';
import { isLegacyType, parseAuditText, type Overrides } from './record.js';
import { TemplateCache } from './template.js';

export interface ParserSink {
  record(r: AppArmorRecord): void;
  unparsable?(u: Unparsable): void;
  loss?(n: LossNotice): void;
}

export interface ParserStats {
  lines: number;
  records: number;
  unparsable: number;
  /** Lines that were not AppArmor records (ordinary kernel and system chatter). */
  other: number;
  /** Lines longer than 64 KiB (parsed, evidence kept shortened). */
  longLines: number;
  /** journald entries whose message was left out as too large (null). */
  nullMessages: number;
}

export interface LineParserOptions {
  /** No shortcuts (slow; the reference for the equivalence tests, not for production use). */
  plain?: boolean;
}

const LONG_LINE = 65536;
/** Longest text kept of an export field written as bytes. */
const BINARY_TEXT_MAX = 1 << 20;
/** A context line of another type says nothing (its records still get a context). */
const NO_FACTS: ContextFacts = newFacts();
/** What readContext reads into (one line at a time). */
const FACTS: ContextFacts = newFacts();

/**
 * A record's context, made by a constructor that keeps Object's prototype (as record.ts makes
 * fields): V8 gives its objects room for their properties inside them, where an empty literal
 * filled key by key moves them to an array copied as it grows. No code or test can tell the two
 * apart.
 */
const Context = function Context() {} as unknown as { new (): EventContext };
Context.prototype = Object.prototype;
const NO_OVERRIDES: Overrides = {};
const EXCERPT = 160;

/** Finds where an AppArmor body starts on a line, or -1. The hot path: most lines are not AppArmor. */
export function findBody(line: string): number {
  const a = line.indexOf('apparmor=');
  if (a >= 0) return a;
  // legacy forms: `type=1503 audit(...)`, `type=APPARMOR_DENIED msg=...`
  let t = line.indexOf('type=');
  while (t >= 0) {
    // every legacy type starts 150, APPARMOR or UNKNOWN[150: look before slicing (most lines are not)
    const c = line.charCodeAt(t + 5);
    if ((c === 0x31 && line.startsWith('150', t + 5)) || (c === 0x41 && line.startsWith('APPARMOR', t + 5)) || (c === 0x55 && line.startsWith('UNKNOWN[150', t + 5))) {
      const end = line.indexOf(' ', t);
      if (isLegacyType(line.slice(t + 5, end < 0 ? undefined : end))) return t;
    }
    t = line.indexOf('type=', t + 5);
  }
  return -1;
}

const PRETTY_JSON_RE = /^"(pri|time|msg|caller|fac)":\s*(.*?),?$/;
// loss notices, each read at the start of its writer's message (see lossNotice)
const SUPPRESSED_RE = /^kauditd_printk_skb: (\d+) callbacks suppressed/;
const AUDIT_LOST_RE = /^audit: audit_lost=(\d+)/;
const BACKLOG_RE = /^audit: (?:backlog limit exceeded|audit_backlog=\d+ > audit_backlog_limit)/;
const JOURNAL_SUPPRESSED_RE = /^Suppressed (\d+) messages/;
const JOURNAL_MISSED_RE = /^Missed (\d+) kernel messages/;

/** Who wrote a message, as far as its carrier tells: a loss notice counts only from its own writer. */
type Writer = 'kernel' | 'journald' | 'other';

/** LineParser.eventOf: what a line is to the audit.log event held. */
const NO_EVENT = 0;
const HELD_EVENT = 1;
const OTHER_EVENT = 2;

export class LineParser {
  readonly stats: ParserStats = { lines: 0, records: 0, unparsable: 0, other: 0, longLines: 0, nullMessages: 0 };
  private pendingText: { line: string; lineNo: number } | undefined;
  /** The held audit.log event: the text between its lines' `msg=audit(` and `)` (eventOf). */
  private heldId: string | undefined;
  /** eventOf's answer for another event: its text. */
  private eventText = '';
  private held: AppArmorRecord[] = [];
  /** The array held records were last released from, emptied: the next event's (an array per event was garbage on every record). */
  private spare: AppArmorRecord[] | undefined;
  private prettyUptime: number | undefined;
  /** The journal entry being read field by field (journalctl -o verbose, -o export). */
  private entry: FieldsEntry | undefined;

  constructor(
    private readonly sourceName: string,
    private readonly sink: ParserSink,
    private readonly clock: ClockContext = {},
    opts: LineParserOptions = {},
  ) {
    this.plain = opts.plain === true;
    if (!this.plain) this.templates = new TemplateCache();
  }
  /** The records of lines met before, by their template (the usual lines of a flood). */
  private readonly templates: TemplateCache | undefined;
  /** Every line through the general path: the reference the shortcuts are tested against. */
  private readonly plain: boolean;

  /** Feeds the next line (without its newline). Line numbers are counted here, from 1. */
  push(line: string): void {
    const lineNo = ++this.stats.lines;
    try {
      this.read(line, lineNo);
    } catch (e) {
      this.failed(line, lineNo, e);
    }
  }

  /** A line no reader foresaw costs that line, counted and named, never the rest of the input. */
  private failed(line: string, lineNo: number, e: unknown): void {
    this.fail({ name: this.sourceName, line: lineNo }, `not read: aa-triage failed on this line (${e instanceof Error ? e.message : String(e)})`, line);
  }

  private read(line: string, lineNo: number): void {
    if (line.length > LONG_LINE) this.stats.longLines++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.pendingText) {
      const p = this.pendingText;
      this.pendingText = undefined;
      if (line.includes("'") && !line.includes('msg=audit(') && findBody(line) < 0) {
        // USER_AVC continued after a newline: `... msg='apparmor="DENIED" ...\n exe="/usr/bin/dbus-daemon" ...'`
        this.parseText(`${p.line} ${line}`, p.lineNo, {}, false);
        return;
      }
      this.parseText(p.line, p.lineNo, {}, false);
    }
    this.handle(line, lineNo);
  }

  /**
   * `count` lines went by that hold nothing for the parser (the line scanner did not decode them):
   * they are numbered and counted as other lines.
   */
  skip(count: number): void {
    this.stats.lines += count;
    this.stats.other += count;
  }

  /** This parser as a line scanner's sink: lines, lines passed over, lines of a held event, and ends of audit events. */
  asSink(): LineSink {
    return { line: (l) => this.push(l), skip: (n) => this.skip(n), eventLine: (l) => this.eventLine(l), endEvent: () => this.flushHeld() };
  }

  /**
   * A line with none of the parser's markers (LINE_MARKERS) that continues the audit.log event
   * last read (the line scanner's eventLine): what push does, less the searches for a record and a
   * loss notice, which such a line cannot hold (each needs a marker: test/ingest/line-scanner.test.ts).
   */
  eventLine(line: string): void {
    const c = line.charCodeAt(0);
    // JSON, pretty-printed dmesg, the end of a USER_AVC: push's own ways
    if (this.plain || this.pendingText !== undefined || c === 0x7b /* { */ || c === 0x20 || c === 0x09) {
      this.push(line);
      return;
    }
    const lineNo = ++this.stats.lines;
    if (line.length > LONG_LINE) this.stats.longLines++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.heldId !== undefined) {
      const at = line.indexOf('msg=audit(');
      try {
        if (at >= 0 && this.attachContext(line, at)) return;
      } catch (e) {
        this.failed(line, lineNo, e);
        return;
      }
    }
    this.stats.other++;
  }

  /** Whether records are held for lines still to come (an open USER_AVC, an audit.log event
   * waiting for its SYSCALL line, a journal entry read field by field): end() gives them out. */
  holdsRecords(): boolean {
    return this.held.length > 0 || this.pendingText !== undefined || this.entry !== undefined;
  }

  /** Flushes what is held (an open USER_AVC, an audit.log event waiting for its SYSCALL line). */
  end(): void {
    this.endEntry();
    if (this.pendingText) {
      const p = this.pendingText;
      this.pendingText = undefined;
      this.parseText(p.line, p.lineNo, {}, false);
    }
    this.release();
  }

  /** Releases an audit.log event held for its SYSCALL/PROCTITLE lines (a live source calls this when idle). */
  flushHeld(): void {
    this.release();
  }

  private handle(line: string, lineNo: number): void {
    const c = line.charCodeAt(0);
    if ((this.entry !== undefined || (c >= 0x41 && c <= 0x5a) || c === 0x5f) /* A-Z _ */ && this.entryLine(line, lineNo)) return;
    // a line of another audit event, whatever else it holds, ends the one held: the rule the line
    // scanner applies to the lines it passes over (a line opening with `{` is no audit.log line)
    if (this.heldId !== undefined && c !== 0x7b /* { */) {
      const at = line.indexOf('msg=audit(');
      if (at >= 0 && !this.isHeld(line, at)) this.release();
    }
    if (c === 0x7b /* { */ || ((c === 0x20 || c === 0x09) && line.trimStart().startsWith('{'))) {
      if (this.handleJson(line, lineNo)) return;
    }
    if ((c === 0x20 || c === 0x09) && this.prettyJsonField(line, lineNo)) return;
    const body = findBody(line);
    if (body >= 0) {
      if (this.templates !== undefined) {
        const src: SourceRef = { name: this.sourceName, line: lineNo };
        const tryTemplates = this.templates.worthTrying();
        if (tryTemplates) {
          const known = this.templates.match(line, body, src, this.clock);
          if (known !== undefined) {
            this.emit(known);
            return;
          }
        }
        const fast = parseFastRecord(line, body, src, this.clock, NO_OVERRIDES);
        if (fast !== undefined) {
          if (tryTemplates) this.templates.learn(line, body, fast);
          this.emit(fast);
          return;
        }
      }
      this.parseText(line, lineNo, {}, true, body, undefined, this.templates !== undefined);
      return;
    }
    // a line opening with `{` is no audit.log line, whatever it quotes (the line scanner's rule too)
    if (this.heldId !== undefined && c !== 0x7b /* { */) {
      const at = line.indexOf('msg=audit(');
      if (at >= 0 && this.attachContext(line, at)) return;
    }
    if (line.includes('audit') || line.includes('Suppressed') || line.includes('Missed')) {
      // a message alone (journalctl -o cat) is taken as the kernel's, as its records are
      const m = messageStart(line);
      const writer: Writer = m.ident === undefined || byKernel(m) ? 'kernel' : m.ident === 'systemd-journald' ? 'journald' : 'other';
      this.lossNotice(m.at === 0 ? line : line.slice(m.at), writer, lineNo, undefined, m.uptime);
    }
    this.stats.other++;
  }

  /**
   * A line of a journal entry written field by field (FieldsEntry): its head, a field, the blank
   * line after an exported one. False for any other line, which ends the entry being read.
   */
  private entryLine(line: string, lineNo: number): boolean {
    const e = this.entry;
    let m: RegExpExecArray | null;
    if (e !== undefined) {
      if (e.binary !== undefined && this.binaryLine(e, e.binary, line)) return true;
      const field = e.form === 'verbose' ? (line.startsWith('    ') ? line.slice(4) : undefined) : line;
      if (e.form === 'export' && BINARY_FIELD_RE.test(line)) {
        e.binary = { key: line, left: -1, text: '', line: lineNo, length: undefined };
        this.stats.other++;
        return true;
      }
      if (e.form === 'export' && line === '') {
        this.endEntry();
        this.stats.other++;
        return true;
      }
      if (field !== undefined && (m = FIELD_RE.exec(field))) {
        const key = m[1];
        // a repeated field: its first value, as journal JSON's is read; only what that reading
        // reads, and short, but the message: an entry is held until it ends
        const value = field.length - m[0].length;
        if (e.fields[key] === undefined && e.count < ENTRY_FIELDS_MAX && keptField(key) && (key === 'MESSAGE' || value <= FIELD_TEXT_MAX)) {
          e.fields[key] = field.slice(m[0].length);
          e.count++;
          if (key === 'MESSAGE') {
            e.messageLine = line;
            e.messageLineNo = lineNo;
          }
        }
        this.stats.other++;
        return true;
      }
      this.endEntry();
    }
    if ((m = VERBOSE_HEAD_RE.exec(line))) {
      // the realtime clock in decimal, as journal JSON writes it
      this.entry = { form: 'verbose', fields: { __REALTIME_TIMESTAMP: String(parseInt(m[2], 16)) }, count: 1 };
      this.stats.other++;
      return true;
    }
    if (line.startsWith('__CURSOR=')) {
      this.entry = { form: 'export', fields: {}, count: 0 };
      this.stats.other++;
      return true;
    }
    return false;
  }

  /**
   * A line of an export field written as bytes (FieldsEntry.binary): its length and first bytes,
   * or more of its bytes; false when the field ended before this line. A length with a byte above
   * 0x7f is lost in the line's text (it was no UTF-8): the field then goes on to the next line
   * that is a field of its own, or the next entry.
   */
  private binaryLine(e: FieldsEntry, b: NonNullable<FieldsEntry['binary']>, line: string): boolean {
    let part = line;
    if (b.left === -1) {
      b.length = b.length === undefined ? line : `${b.length}\n${line}`;
      if (b.length.length < 8) {
        this.stats.other++;
        return true;
      }
      const n = binaryLength(b.length);
      b.left = n === undefined ? Infinity : n + 1;
      part = b.length.slice(8);
    } else if (b.left === Infinity && (FIELD_RE.test(line) || BINARY_FIELD_RE.test(line) || line.startsWith('__CURSOR='))) {
      // by its text: the newline written after the bytes (a blank line when they ended in one) is not theirs
      this.keepBinary(e, b, b.text.endsWith('\n') ? b.text.slice(0, -1) : b.text);
      return false;
    } else if (b.text.length < BINARY_TEXT_MAX) b.text += '\n';
    b.left -= Buffer.byteLength(part) + 1;
    // its text kept up to a bound (a length can say anything): the bytes are still counted
    if (b.text.length < BINARY_TEXT_MAX) b.text += part;
    this.stats.other++;
    if (b.left <= 0) this.keepBinary(e, b, b.left === 0 ? b.text : b.text.slice(0, b.text.length + b.left));
    return true;
  }

  /** An export field read as bytes, its text now whole. */
  private keepBinary(e: FieldsEntry, b: NonNullable<FieldsEntry['binary']>, text: string): void {
    e.binary = undefined;
    if (e.fields[b.key] !== undefined || e.count >= ENTRY_FIELDS_MAX || !keptField(b.key) || (b.key !== 'MESSAGE' && text.length > FIELD_TEXT_MAX)) return;
    e.fields[b.key] = text;
    e.count++;
    if (b.key === 'MESSAGE') {
      // the evidence: the field's name and the first line of its text
      e.messageLine = `MESSAGE=${text.split('\n', 1)[0]}`;
      e.messageLineNo = b.line;
    }
  }

  /** The entry read field by field, read as journal JSON's entry with the same fields would be. */
  private endEntry(): void {
    const e = this.entry;
    if (e === undefined) return;
    this.entry = undefined;
    const json = parseJsonEntry(JSON.stringify(e.fields));
    if (json === undefined || json.kind !== 'journal') return;
    const lineNo = e.messageLineNo;
    if (lineNo === undefined) {
      // no MESSAGE: a record only if journald parsed its fields (handleEntry), counted with no line of its own
      if (json.auditFields?.apparmor === undefined) return;
    }
    // the evidence: the MESSAGE line counted as `other` when read, now the record's
    if (lineNo !== undefined) this.stats.other--;
    this.handleEntry(json, lineNo ?? this.stats.lines, e.messageLine?.trimStart() ?? '', 'journal-fields');
  }

  /**
   * `dmesg --json` (util-linux 2.38) pretty-prints each entry over several lines:
   * `"pri": 5,` / `"time": 76.548354,` / `"msg": "audit: ..."`. The time line is remembered for the
   * message line that follows it.
   */
  private prettyJsonField(line: string, lineNo: number): boolean {
    const t = line.trimStart();
    if (t.charCodeAt(0) !== 0x22) return false;
    const m = PRETTY_JSON_RE.exec(t);
    if (!m) return false;
    if (m[1] === 'time') {
      this.prettyUptime = Number(m[2]);
      this.stats.other++;
      return true;
    }
    if (m[1] !== 'msg') {
      this.stats.other++;
      return true;
    }
    let value: unknown;
    try {
      value = JSON.parse(m[2].replace(/,\s*$/, ''));
    } catch {
      return false;
    }
    // a message is text: anything else (a number, a list, an object) is no dmesg entry's
    if (typeof value !== 'string') return false;
    const msg = value;
    const uptime = this.prettyUptime;
    this.prettyUptime = undefined;
    const body = findBody(msg);
    if (body < 0) {
      this.lossNotice(msg, 'kernel', lineNo, undefined, uptime);
      this.stats.other++;
      return true;
    }
    const text = uptime !== undefined ? `[${uptime.toFixed(6)}] ${msg}` : msg;
    this.parseText(text, lineNo, { carrier: 'dmesg-json', channel: 'kernel' }, true, body + text.length - msg.length, line);
    return true;
  }

  private handleJson(line: string, lineNo: number): boolean {
    // cheap test first: only JSON that can hold an AppArmor record is decoded
    const maybe =
      line.includes('pparmor') ||
      line.includes('PPARMOR') ||
      line.includes('"MESSAGE":[') ||
      line.includes('"MESSAGE":null') ||
      line.includes('uppressed') ||
      line.includes('Missed ') ||
      line.includes('audit_lost=') ||
      line.includes('audit_backlog') ||
      line.includes('backlog limit');
    if (!maybe) {
      if (line.includes('"MESSAGE"') || line.includes('"msg"')) {
        this.stats.other++;
        return true;
      }
      return false;
    }
    const e = parseJsonEntry(line);
    if (!e) return false;
    this.handleEntry(e, lineNo, line, e.kind === 'dmesg' ? 'dmesg-json' : 'journal-json');
    return true;
  }

  /** A journal or dmesg entry (`line`: the evidence) as its fields say. */
  private handleEntry(e: JsonEntry, lineNo: number, line: string, carrier: Carrier): void {
    const ov: Overrides = { carrier };
    if (e.host) ov.host = e.host;
    if (e.time !== undefined) ov.time = e.time;
    if (e.auditId) ov.auditId = e.auditId;
    if (e.auditType) ov.auditType = e.auditType;
    // journald's own field, which no log line can set
    if (e.kind === 'dmesg' || e.transport === 'kernel') ov.channel = 'kernel';
    else if (e.transport === 'audit') ov.channel = 'audit';
    else if (e.writer !== undefined) {
      ov.writer = e.writer;
      if (e.writerExe !== undefined) ov.writerExe = e.writerExe;
    }
    if (e.message === undefined) {
      if (e.messageWasNull) {
        this.stats.nullMessages++;
        this.stats.other++;
        return;
      }
      if (e.auditFields && e.auditFields.apparmor !== undefined) {
        // no MESSAGE, but journald parsed the audit fields: rebuild the body from them
        const text = Object.entries(e.auditFields)
          .map(([k, v]) => `${k}="${v}"`)
          .join(' ');
        this.parseText(text, lineNo, ov, true, 0, line);
        return;
      }
      this.stats.other++;
      return;
    }
    const msg = e.message;
    const body = findBody(msg);
    if (body < 0) {
      // journald's own fields, which no program can set, say who wrote it
      const writer: Writer = e.kind === 'dmesg' || e.transport === 'kernel' ? 'kernel' : e.transport === 'driver' ? 'journald' : 'other';
      this.lossNotice(msg, writer, lineNo, e.time, e.uptime);
      this.stats.other++;
      return;
    }
    if (e.uptime !== undefined && e.kind === 'dmesg') {
      // dmesg --json has uptimes only; the audit id in the message gives the wall clock
      const text = `[${e.uptime.toFixed(6)}] ${msg}`;
      this.parseText(text, lineNo, ov, true, body + text.length - msg.length, line);
      return;
    }
    this.parseText(msg, lineNo, ov, true, body, line);
  }

  /** `fastTried`: the one-pass parser already left this line to the full one. */
  private parseText(text: string, lineNo: number, ov: Overrides, mayContinue: boolean, body = findBody(text), rawLine?: string, fastTried = false): void {
    const src: SourceRef = { name: this.sourceName, line: lineNo };
    if (body < 0) {
      this.fail(src, 'no AppArmor record found', rawLine ?? text);
      return;
    }
    const fast = this.plain || fastTried ? undefined : parseFastRecord(text, body, src, this.clock, ov);
    if (fast) {
      if (rawLine !== undefined) fast.raw = rawLine.length > 4096 ? rawLine.slice(0, 4096) : rawLine;
      this.emit(fast);
      return;
    }
    const parsed = parseAuditText(text, body, src, this.clock, ov);
    if (parsed.openQuote && mayContinue) {
      this.pendingText = { line: text, lineNo };
      return;
    }
    if (parsed.notRecord) return;
    if (parsed.records.length === 0) {
      this.fail(src, parsed.failure ?? 'no AppArmor record found', rawLine ?? text);
      return;
    }
    if (parsed.failure !== undefined) this.fail(src, parsed.failure, rawLine ?? text);
    for (const r of parsed.records) {
      if (rawLine !== undefined) r.raw = rawLine.length > 4096 ? rawLine.slice(0, 4096) : rawLine;
      this.emit(r);
    }
  }

  /**
   * Which audit.log event a line is of, as the line scanner tells them apart (by the text between
   * `msg=audit(` and `)`, auditLogMsgAt): the held one, another one (its text in `eventText`), or
   * none (the line is not audit.log's).
   */
  private eventOf(text: string): number {
    const m = auditLogMsgAt(text);
    const close = m >= 0 ? text.indexOf(')', m) : -1;
    if (close < 0) return NO_EVENT;
    const held = this.heldId;
    if (held !== undefined && close - m - 10 === held.length && text.startsWith(held, m + 10)) return HELD_EVENT;
    this.eventText = text.slice(m + 10, close);
    return OTHER_EVENT;
  }

  private emit(r: AppArmorRecord): void {
    this.stats.records++;
    if (r.carrier === 'auditlog' && r.auditId !== undefined) {
      // hold it until the event's other records (SYSCALL, PROCTITLE) have passed
      const event = this.eventOf(r.raw);
      if (event !== NO_EVENT) {
        if (event === OTHER_EVENT) {
          this.release();
          this.heldId = this.eventText;
        }
        this.held.push(r);
        return;
      }
    }
    this.release();
    this.sink.record(r);
  }

  private release(): void {
    if (this.held.length === 0) {
      this.heldId = undefined;
      return;
    }
    const out = this.held;
    this.held = this.spare ?? [];
    this.spare = undefined;
    this.heldId = undefined;
    for (let i = 0; i < out.length; i++) this.sink.record(out[i]);
    out.length = 0;
    this.spare = out;
  }

  /** Whether the `msg=audit(` at `at` names the held event (a slice compared whole: quicker than startsWith at a position). */
  private isHeld(line: string, at: number): boolean {
    const held = this.heldId!;
    return line.charCodeAt(at + 10 + held.length) === 0x29 /* ) */ && line.slice(at + 10, at + 10 + held.length) === held;
  }

  /** audit.log SYSCALL / PROCTITLE records of the held event: their facts go into the records' context. */
  private attachContext(line: string, at: number): boolean {
    // the same event: `msg=audit(<held id>)`
    if (!this.isHeld(line, at)) {
      this.release();
      return false;
    }
    const t0 = line.indexOf('type=');
    const t1 = line.indexOf(' ', t0);
    const type = t0 >= 0 && t0 < at ? line.slice(t0 + 5, t1 < 0 ? undefined : t1) : undefined;
    this.attachFacts(type === 'SYSCALL' || type === 'PROCTITLE' ? readContext(line, at, type, FACTS) : NO_FACTS);
    this.stats.other++;
    if (type === 'PROCTITLE' || type === 'EOE') this.release();
    return true;
  }

  /** One context line's facts into every held record's context (made empty by a line of another type). */
  private attachFacts(ctx: ContextFacts): void {
    for (const r of this.held) {
      const c = (r.context ??= new Context());
      if (ctx.SYSCALL) c.syscall = ctx.SYSCALL;
      else if (ctx.syscall) c.syscall = ctx.syscall;
      if (ctx.exe) c.exe = ctx.exe;
      if (ctx.success) c.success = ctx.success;
      if (ctx.exit) c.exit = ctx.exit;
      if (ctx.ppid) c.ppid = ctx.ppid;
      if (ctx.auid) c.auid = ctx.auid;
      if (ctx.proctitle) c.proctitle = ctx.proctitle;
    }
  }

  /**
   * A loss notice: the kernel's (printk suppressed, audit lost, audit backlog) or journald's
   * (suppressed, missed kernel messages), read at the start of `msg`, the message of `writer`. The
   * same words from anyone else are a program's text (`logger 'kauditd_printk_skb: 999 callbacks
   * suppressed'`), and no loss.
   */
  private lossNotice(msg: string, writer: Writer, lineNo: number, time?: number, uptime?: number): void {
    const source = { name: this.sourceName, line: lineNo };
    let m: RegExpExecArray | null;
    let n: LossNotice | undefined;
    if (writer === 'kernel') {
      if ((m = SUPPRESSED_RE.exec(msg))) n = { kind: 'printk-suppressed', count: Number(m[1]), source };
      else if ((m = AUDIT_LOST_RE.exec(msg))) n = { kind: 'audit-lost', count: Number(m[1]), source };
      else if (BACKLOG_RE.test(msg)) n = { kind: 'audit-backlog', count: 1, source };
    } else if (writer === 'journald') {
      if ((m = JOURNAL_SUPPRESSED_RE.exec(msg))) n = { kind: 'journal-suppressed', count: Number(m[1]), source };
      else if ((m = JOURNAL_MISSED_RE.exec(msg))) n = { kind: 'journal-missed', count: Number(m[1]), source };
    }
    if (!n) return;
    if (time !== undefined) n.time = time;
    if (uptime !== undefined) n.uptime = uptime;
    this.sink.loss?.(n);
  }

  private fail(source: SourceRef, reason: string, text: string): void {
    this.stats.unparsable++;
    this.sink.unparsable?.({ source, reason, excerpt: text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text });
  }
}
