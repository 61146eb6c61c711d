/**
 * "Did you mean ...": the declared profile names closest to a name nobody declares. A name is
 * close when it is the typed one's program (`nginx` for `/usr/sbin/nginx`), contains it, or is a
 * few edits away (a typo). Pure.
 */
import { basenameOf } from '../model/path.js';
import { safeText } from '../model/safe-text.js';

/** Edits (insert, delete, substitute, swap two neighbours) from a to b, or `cap + 1` once beyond cap. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The last path part of a name (`nginx` of `/usr/sbin/nginx`), children's last part too. */
function lastPart(name: string): string {
  const child = name.split('//').pop() ?? name;
  return basenameOf(child);
}

/** Up to `max` declared names nearest to `typed`, best first. */
export function nearestNames(typed: string, declared: Iterable<string>, max = 3): string[] {
  const t = typed.toLowerCase();
  // a typo is a few edits: fewer for a short name, and for the program part than for a whole path
  const cap = Math.max(1, Math.floor(t.length / 4));
  const partCap = Math.max(1, Math.floor(lastPart(t).length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of declared) {
    const n = name.toLowerCase();
    if (n === t) continue;
    let score: number;
    if (lastPart(n) === lastPart(t)) score = 0;
    else if (n.includes(t) || (t.length >= 3 && lastPart(n).includes(lastPart(t)))) score = 1;
    else {
      const whole = editDistance(t, n, cap);
      const part = editDistance(lastPart(t), lastPart(n), partCap);
      if (whole > cap && part > partCap) continue;
      score = 1 + Math.min(whole, part);
    }
    scored.push({ name, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : 1))
    .slice(0, max)
    .map((s) => s.name);
}

/** ` (did you mean /usr/sbin/nginx?)`, `(did you mean a, b or c?)`, or nothing. */
export function didYouMean(typed: string, declared: Iterable<string>): string {
  const near = nearestNames(typed, declared).map(safeText);
  if (!near.length) return '';
  const list = near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
