/**
 * node --import tsx scripts/eval/import-corpus.ts SRC_DIR
 *
 * Copies collected corpus files (SRC_DIR/*.jsonl: attacks.jsonl is the attack set, every other file
 * public lines) into test/fixtures/realworld/, dropping exact repeats of a line from the same
 * thread, and applies the label corrections kept in corrections.json (each with its reason).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REALWORLD_DIR } from './corpus.js';

interface Correction {
  line: string;
  url: string;
  label: string;
  note: string;
}

const src = process.argv[2];
if (!src) {
  console.error('usage: import-corpus.ts SRC_DIR');
  process.exit(2);
}
const corrPath = join(REALWORLD_DIR, 'corrections.json');
const corrections: Correction[] = existsSync(corrPath) ? JSON.parse(readFileSync(corrPath, 'utf8')) : [];

function load(files: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let fixed = 0;
  for (const f of files) {
    for (const text of readFileSync(join(src, f), 'utf8').split('\n')) {
      if (!text.trim()) continue;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(text);
      } catch {
        console.error(`${f}: skipped a line that is not JSON (still being written?)`);
        continue;
      }
      const key = `${o.url}\u0000${o.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const c = corrections.find((x) => x.line === o.line && x.url === o.url);
      if (c && c.label !== o.label) {
        o = { ...o, label: c.label, relabelled: c.note };
        fixed++;
      }
      out.push(JSON.stringify(o));
    }
  }
  console.log(`${files.join(' + ')}: ${out.length} lines${fixed ? `, ${fixed} relabelled` : ''}`);
  return out;
}

const names = readdirSync(src)
  .filter((n) => n.endsWith('.jsonl'))
  .sort();
const pub = load(names.filter((n) => n !== 'attacks.jsonl'));
const att = names.includes('attacks.jsonl') ? load(['attacks.jsonl']) : [];
writeFileSync(join(REALWORLD_DIR, 'public.jsonl'), pub.join('\n') + '\n');
writeFileSync(join(REALWORLD_DIR, 'attacks.jsonl'), att.length ? att.join('\n') + '\n' : '');
