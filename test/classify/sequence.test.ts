/**
 * The sequence memory in typed arrays (src/classify/sequence.ts) answers as the plain one with Maps
 * and arrays of marks (sequence-reference.ts) does: the same operations in the same order, from
 * random streams that go past every bound (keys, marks per key, windows), give the same answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequenceSignature, SequenceMemory } from '../../src/classify/sequence.js';
import { ReferenceSequenceMemory } from './sequence-reference.js';
import { prng } from '../../bench/generate.mjs';

const TAGS = ['exec-shell', 'sensitive-read', 'ptrace', 'raw-socket', 'tmp-exec', 'cap-sys-admin', 'mount', 'dbus', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];

function run(seed: number, keys: number, steps: number, tags: number): void {
  const r = prng(seed);
  const fast = new SequenceMemory();
  const ref = new ReferenceSequenceMemory();
  const pick = (n: number): number => Math.floor(r() * n);
  // pids written plainly, with leading zeros, as words, empty: they must stay distinct keys
  const pidOf = (): string | undefined => {
    const n = pick(keys);
    const form = pick(20);
    return form === 0 ? undefined : form === 1 ? `0${n}` : form === 2 ? `x${n}` : form === 3 ? '' : String(n);
  };
  let t = 1_000_000;
  const seen = new Map<number, string>();
  for (let i = 0; i < steps; i++) {
    t += pick(5) === 0 ? pick(200_000) : pick(3000);
    const when = pick(10) === 0 ? t - pick(400_000) : t;
    const pid = pidOf();
    const profile = `profile-${pick(Math.max(1, keys >> 2))}`;
    const op = pick(6);
    if (op === 0) {
      const tag = TAGS[pick(tags)];
      fast.noteAttack(pid, profile, tag, when);
      ref.noteAttack(pid, profile, tag, when);
    } else if (op === 1) {
      const load = pick(2) === 0 ? 'profile_load' : 'profile_replace';
      fast.noteLoad(profile, load, when);
      ref.noteLoad(profile, load, when);
    } else if (op === 2) {
      const k1 = pick(keys);
      const k2 = pick(3);
      assert.equal(fast.noteRepeat(k1, k2, when), ref.noteRepeat(k1, k2, when), `step ${i}: repeat`);
    } else if (op === 3) {
      const parent = pick(3) === 0 ? `profile-${pick(4)}` : undefined;
      const a = fast.recentLoad(profile, parent, when);
      const b = ref.recentLoad(profile, parent, when);
      assert.deepEqual(a === undefined ? undefined : { profile: a.profile, op: a.op, ageMs: a.ageMs }, b, `step ${i}: load`);
    } else {
      const a = fast.priorAttacks(pid, profile, when);
      const b = ref.priorAttacks(pid, profile, when);
      assert.deepEqual(a === undefined ? undefined : { scope: a.scope, tags: [...a.tags] }, b, `step ${i}: prior attacks of ${pid} ${profile}`);
      // the signature names the answer: the same answer, the same number, and no two answers one number
      if (a !== undefined) {
        const sig = sequenceSignature(a, undefined, false);
        const text = `${a.scope}:${a.tags.join(',')}`;
        const before = seen.get(sig);
        assert.ok(before === undefined || before === text, `step ${i}: signature ${sig} for ${text} and ${before}`);
        seen.set(sig, text);
      }
    }
    const clockAt = pick(8) === 0 ? undefined : when;
    assert.equal(fast.clock(clockAt), ref.clock(clockAt), `step ${i}: clock`);
  }
}

test('few keys, many tags per key (past the marks a key keeps): the same answers', () => {
  run(1, 12, 40_000, TAGS.length);
});

test('keys past the bound (both generations turn over): the same answers', () => {
  run(2, 30_000, 60_000, 4);
});

test('a mixed stream: the same answers', () => {
  for (const seed of [3, 4, 5]) run(seed, 3000, 30_000, 10);
});
