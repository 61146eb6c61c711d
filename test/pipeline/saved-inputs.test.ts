import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SavedInputReader, type InputProgress } from '../../src/pipeline/saved-inputs.js';

const DENIAL = (i: number) =>
  `[${i}.000000] audit: type=1400 audit(1795316400.${String(i % 1000).padStart(3, '0')}:${i}): apparmor="DENIED" operation="open" profile="p" name="/n${i}" pid=${i} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;

/** A log of `n` lines from serial `from` on, one in five a denial; 2.5 MB or more for n = 20,000 (three chunks). */
function log(n: number, from = 1): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) lines.push(i % 5 === 0 ? DENIAL(i) : `[${i}.000000] eth0: link up ${'.'.repeat(100)}`);
  return `${lines.join('\n')}\n`;
}

test("a saved input's progress while it is read: its lines, its records, its share read (a plain file's, a gzip's); none between inputs", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-saved-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = log(20_000);
  const plain = join(dir, 'kern.log');
  writeFileSync(plain, text);
  const gz = join(dir, 'kern.log.gz');
  // other records than the plain file's: copies of a record already read would be merged, not counted
  const gzText = log(20_000, 100_001);
  writeFileSync(gz, gzipSync(gzText));
  const seen: (InputProgress | undefined)[] = [];
  let records = 0;
  const reader: SavedInputReader = new SavedInputReader(
    { record: () => void records++ },
    {
      pace: () => {
        seen.push(reader.progress());
        return undefined;
      },
    },
  );
  const between: (InputProgress | undefined)[] = [];
  await reader.read(
    [
      { path: plain, name: 'plain' },
      { path: gz, name: 'gzip' },
    ],
    { done: () => void between.push(reader.progress()) },
  );
  assert.equal(records, 8_000);
  assert.deepEqual(between, [undefined, undefined], 'no input is being read once one is done');
  const plainSeen = seen.filter((p) => p?.input.name === 'plain') as InputProgress[];
  const gzSeen = seen.filter((p) => p?.input.name === 'gzip') as InputProgress[];
  assert.ok(plainSeen.length >= 3 && gzSeen.length >= 1, `${plainSeen.length} and ${gzSeen.length} chunks`);
  // the plain file: its share grows with each chunk and reaches the whole at its last
  const shares = plainSeen.map((p) => p.fraction!);
  assert.ok(
    shares.every((f, i) => f > 0 && f <= 1 && (i === 0 || f > shares[i - 1])),
    shares.join(' '),
  );
  assert.equal(shares[shares.length - 1], 1);
  assert.equal(plainSeen[0].bytes, 1 << 20);
  assert.ok(plainSeen[0].lines > 0 && plainSeen[0].lines < 20_000 && plainSeen[0].records > 0 && plainSeen[0].records < 4_000);
  assert.equal(plainSeen[plainSeen.length - 1].lines, 20_000);
  // the gzip: lines and records counted from its own start, bytes as read out of it, its share
  // by the bytes of the file read (what it holds is more)
  const gzShares = gzSeen.map((p) => p.fraction!);
  assert.ok(
    gzShares.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= gzShares[i - 1])),
    gzShares.join(' '),
  );
  assert.equal(gzShares[gzShares.length - 1], 1);
  const lastGz = gzSeen[gzSeen.length - 1];
  assert.ok(gzSeen[0].lines > 0 && gzSeen[0].records > 0 && gzSeen[0].records <= 4_000);
  assert.deepEqual([lastGz.lines, lastGz.records, lastGz.bytes], [20_000, 4_000, gzText.length]);
});
