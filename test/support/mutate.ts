/**
 * Hostile variants of log lines for the property tests: characters cut out, a quote, separator,
 * marker or control sequence put in, the line cut short, a character from anywhere in the BMP, the
 * line run into a copy of its start; and lines of random characters. `r` is a seeded generator
 * (bench/generate.mjs prng), so every failure names a seed that reproduces it.
 */
export const NASTY = ['"', "'", '=', ' ', '\x1d', '\0', '\\', '\x1b[2J', 'audit(', 'apparmor=', 'msg=', 'type=', '{', '}', '\ufffd', '\ud800', '//', '\t', '\r'];

export function mutate(line: string, r: () => number): string {
  let s = line;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8));
    else if (op < 0.6) s = s.slice(0, at) + NASTY[Math.floor(r() * NASTY.length)] + s.slice(at);
    else if (op < 0.75) s = s.slice(0, at);
    else if (op < 0.9) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2fff)) + s.slice(at);
    else s = s + s.slice(0, at);
  }
  return s;
}

export function randomLine(r: () => number): string {
  const len = Math.floor(r() * 300);
  let s = '';
  for (let i = 0; i < len; i++) s += r() < 0.1 ? NASTY[Math.floor(r() * NASTY.length)] : String.fromCharCode(Math.floor(r() * 0x7f));
  return s;
}
