/**
 * The nearest declared profile names to an unknown one, for "did you mean". Pure. Typed names are
 * usually a path's last part (`nginx` for `/usr/sbin/nginx`) or a typo: both count.
 */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

const lastPart = (n: string) => n.slice(n.lastIndexOf('/') + 1);

export function nearestNames(asked: string, names: Iterable<string>, max = 3): string[] {
  const a = asked.toLowerCase();
  const scored: [number, string][] = [];
  for (const n of names) {
    const l = n.toLowerCase();
    const d = lastPart(l) === lastPart(a) || l.endsWith(`/${a}`) ? 0 : Math.min(distance(a, l), distance(lastPart(a), lastPart(l)) + 1);
    if (d <= Math.max(2, Math.floor(a.length / 4))) scored.push([d, n]);
  }
  return scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1])).slice(0, max).map((s) => s[1]);
}

/** " (did you mean /usr/sbin/nginx?)" or "". */
export function didYouMean(asked: string, names: Iterable<string>): string {
  const near = nearestNames(asked, names);
  return near.length ? ` (did you mean ${near.join(', ')}?)` : '';
}
