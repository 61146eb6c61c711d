/**
 * The real-world corpus: AppArmor lines people posted in public threads (test/fixtures/realworld/),
 * one JSON object a line: the line verbatim, the thread's URL, the label the thread supports and
 * why, the profile family, the record class and, when the thread shows it, the profile's text.
 * `public.jsonl` holds what real hosts produce (mostly benign); `attacks.jsonl` the attack set.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Label = 'likely-attack' | 'missing-rule' | 'unclear';

export interface CorpusLine {
  line: string;
  url: string;
  label: Label;
  why: string;
  family: string;
  class: string;
  /** Posted together with the thread's other lines (one log excerpt). */
  joined?: boolean;
  /** Written from a real technique, not posted verbatim. */
  synthetic?: boolean;
  /** The profile the thread shows, when it shows one. */
  profile_text?: string;
  /** Which file it came from. */
  set: 'public' | 'attack';
}

export const REALWORLD_DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'realworld');

export function readJsonl(path: string, set: CorpusLine['set']): CorpusLine[] {
  const out: CorpusLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const o = JSON.parse(text) as Omit<CorpusLine, 'set'>;
    out.push({ ...o, set });
  }
  return out;
}

export function loadCorpus(dir = REALWORLD_DIR): CorpusLine[] {
  return [...readJsonl(join(dir, 'public.jsonl'), 'public'), ...readJsonl(join(dir, 'attacks.jsonl'), 'attack')];
}

/**
 * The held-out half: about a fifth of the threads, chosen by a hash of the thread's URL, so a
 * thread is never split between the halves and the choice does not depend on the lines.
 */
export function heldOut(url: string): boolean {
  return createHash('sha256').update(url).digest().readUInt32BE(0) % 5 === 0;
}
