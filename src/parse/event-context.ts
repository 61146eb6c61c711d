/**
 * The context of an audit.log AppArmor record: the few facts of its event's SYSCALL and PROCTITLE
 * lines (the system call, the executable, its parent, the login uid, the command line). Pure, with
 * a bounded memory of hex values decoded (a service's executable and command line come back with
 * every record it makes, and decoding them is most of what reading a PROCTITLE line costs).
 */
import { own } from '../model/own-copy.js';
import { decodeHex, scanTokens } from './fields.js';

/** What the context lines say: every key set, '' where the line has none (or an empty value). */
export interface ContextFacts {
  syscall: string;
  success: string;
  exit: string;
  ppid: string;
  auid: string;
  exe: string;
  SYSCALL: string;
  proctitle: string;
}

/** Facts to read into (every key there from the start: one shape for every object). */
export function newFacts(): ContextFacts {
  return { syscall: '', success: '', exit: '', ppid: '', auid: '', exe: '', SYSCALL: '', proctitle: '' };
}

/** The keys readContext reads, in audit_log_exit's order (SYSCALL's), then PROCTITLE's one. */
const KEYS = ['syscall', 'success', 'exit', 'ppid', 'auid', 'exe', 'SYSCALL', 'proctitle'] as const;
type Key = (typeof KEYS)[number];
const SYSCALL_KEYS: ReadonlySet<string> = new Set(KEYS.slice(0, 7));
/** Each key with the ways it can start: after a space or a tab, or first after auditd's 0x1D. */
const NEEDLES = KEYS.map((k) => [` ${k}=`, `\t${k}=`, `\x1d${k}=`]);
const PROCTITLE = 7;
const HEX_TEXT_RE = /^(?:[0-9A-F]{2})+$/;

function set(out: ContextFacts, k: number, v: string): void {
  switch (k) {
    case 0:
      out.syscall = v;
      break;
    case 1:
      out.success = v;
      break;
    case 2:
      out.exit = v;
      break;
    case 3:
      out.ppid = v;
      break;
    case 4:
      out.auid = v;
      break;
    case 5:
      out.exe = v;
      break;
    case 6:
      out.SYSCALL = v;
      break;
    default:
      out.proctitle = v;
  }
}

/**
 * The few facts of a SYSCALL or PROCTITLE record that go into an AppArmor record's context, read
 * into `out`. Every AppArmor record of an audit.log flood comes with both lines, so this reads only
 * the keys it needs: values of other keys are stepped over, never copied. `full`: always through the
 * full tokenizer (the reference the quick path is tested against).
 */
export function readContext(line: string, from: number, type: 'SYSCALL' | 'PROCTITLE', out: ContextFacts = newFacts(), full = false): ContextFacts {
  out.syscall = out.success = out.exit = out.ppid = out.auid = out.exe = out.SYSCALL = out.proctitle = '';
  if (full || line.includes('\\"') || line.indexOf("'", from) >= 0) {
    // escapes or nested quotes: the full tokenizer
    scanTokens(line, from, line.length, (t) => {
      if (t.key !== undefined && (type === 'SYSCALL' ? SYSCALL_KEYS.has(t.key) : t.key === 'proctitle')) set(out, KEYS.indexOf(t.key as Key), contextValue(t.key, t.value, t.quoted));
    });
    return out;
  }
  // The kernel writes these records itself and hex-encodes any string with a space or a quote, so
  // ` key=` can only be the start of a field: each wanted key is found with one search.
  // The kernel writes the keys in this order: each search starts where the last key was found,
  // so a line is read about once; a key out of order is looked for again from the start, in
  // every form
  let after = from;
  const [first, last] = type === 'SYSCALL' ? [0, PROCTITLE] : [PROCTITLE, KEYS.length];
  for (let i = first; i < last; i++) {
    const needles = NEEDLES[i];
    let k = line.indexOf(needles[0], after);
    if (k < 0) {
      for (const needle of needles) {
        const at = line.indexOf(needle, from);
        if (at >= 0 && (k < 0 || at < k)) k = at;
      }
    }
    if (k < 0) continue;
    after = k + 1;
    const key = KEYS[i];
    const v = k + key.length + 2;
    const quoted = line.charCodeAt(v) === 0x22;
    let e: number;
    if (quoted) {
      e = line.indexOf('"', v + 1);
      if (e < 0) e = line.length;
    } else e = bareEnd(line, v);
    set(out, i, contextValue(key, line.slice(quoted ? v + 1 : v, e), quoted));
  }
  return out;
}

/**
 * Where a bare value starting at v ends: a space, a tab, 0x1D or the line's end. No character past
 * the end is read (a read there costs the compiled loop its speed for good).
 */
function bareEnd(line: string, v: number): number {
  const n = line.length;
  let e = v;
  while (e < n) {
    const c = line.charCodeAt(e);
    if (c === 0x20 || c === 0x09 || c === 0x1d) break;
    e++;
  }
  return e;
}

/**
 * Hex values decoded lately (the executable's and the command line's), by their hex: bounded,
 * forgotten all at once when full. The keys are copies (a slice would keep its log line alive).
 * A value is kept from its second sighting on (SEEN: a table of numbers, a newer value taking an
 * older one's place): on a log whose every record has a command line of its own, a copy and an
 * entry per value outlived the young generation of the heap for nothing (two fifths of what a
 * replay of an all-distinct audit.log promoted to the old one).
 */
const DECODED_MAX = 2048;
const SEEN = 4096;
const decodedExe = new Map<string, string>();
const decodedTitle = new Map<string, string>();
const seenExe = new Int32Array(SEEN);
const seenTitle = new Int32Array(SEEN);

/** The text of `v` if it is the kernel's hex (a value remembered is: only hex is kept), else undefined. */
function remembered(memo: Map<string, string>, seen: Int32Array, v: string, decode: (hex: string) => string): string | undefined {
  const known = memo.get(v);
  if (known !== undefined) return known;
  if (!HEX_TEXT_RE.test(v)) return undefined;
  const text = decode(v);
  const h = sampleHash(v);
  const slot = h & (SEEN - 1);
  if (seen[slot] !== h) {
    seen[slot] = h;
    return text;
  }
  if (memo.size >= DECODED_MAX) memo.clear();
  memo.set(own(v), text);
  return text;
}

/** A hash of a value's length and its first and last characters (it only says whether a value was
 * probably met before: one that was not is decoded all the same). */
function sampleHash(v: string): number {
  const n = v.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  for (let i = 0; i < 16 && i < n; i++) h = Math.imul(h ^ v.charCodeAt(i) ^ (v.charCodeAt(n - 1 - i) << 8), 0x01000193);
  return h;
}

const exeText = (hex: string): string => decodeHex(hex);
const titleText = (hex: string): string =>
  decodeHex(hex)
    .replace(/\\x00|\u0000/g, ' ')
    .trim();

/** A context value as the record keeps it: the kernel's hex decoded (NULs between arguments shown as spaces). */
export function contextValue(key: string, v: string, quoted: boolean): string {
  if (quoted) return v;
  if (key === 'exe') return remembered(decodedExe, seenExe, v, exeText) ?? v;
  if (key === 'proctitle') return remembered(decodedTitle, seenTitle, v, titleText) ?? v;
  return v;
}

/** How far into a line audit.log's `msg=audit(` may stand (past `node=HOST type=TYPE `). */
export const AUDIT_ID_WINDOW = 256;

/**
 * Where `msg=audit(` is on an audit.log line (one opening with `type=` or `node=`, the id near its
 * start), or -1: the line belongs to the event of that id, and a line of another event ends the
 * one held. One rule for the line scanner, which passes over the event's lines without markers, and
 * the parser, which holds the event's records for them.
 */
export function auditLogMsgAt(text: string): number {
  const c = text.charCodeAt(0);
  if (c !== 0x74 /* t */ && c !== 0x6e /* n */) return -1;
  const m = text.indexOf('msg=audit(');
  return m < AUDIT_ID_WINDOW ? m : -1;
}
