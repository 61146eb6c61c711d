// A long replay in the view says how far it is: the input's share read and its lines so far, on
// the source line and in the help's source details, and nothing of it once the input is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DenialStore } from '../../src/tui/denial-store.js';
import { TimelineBuilder } from '../../src/timeline/builder.js';
import { replayInto } from '../../src/tui/record-intake.js';
import { headerLines, sourceLines } from '../../src/tui/views/header.js';
import { COLOR_THEME } from '../../src/tui/theme.js';
import type { SourceHealth } from '../../src/sources/types.js';
import { NO_VERDICT } from '../../src/model/verdict.js';

function sourceLine(health: SourceHealth[]): string {
  const lines = headerLines({
    mode: 'replay',
    paused: false,
    newSincePause: 0,
    records: 0,
    verdicts: { 'likely-attack': 0, 'missing-rule': 0, unclear: 0, info: 0, [NO_VERDICT]: 0 },
    loss: { suppressed: 0, recovered: 0, lost: 0, dropped: 0, evicted: 0 },
    health,
    screen: 'denials',
    sortTitle: '',
    filter: '',
    width: 120,
    theme: COLOR_THEME,
  });
  return lines[2].map((s) => s.text).join('');
}

const reading = (over: Partial<SourceHealth>): SourceHealth => ({ name: 'kern.log', state: 'reading', lines: 0, records: 0, restarts: 0, stderrTail: [], ...over });

test('the source line of an input being read: its share read and its lines, once its first chunk is in', () => {
  assert.equal(sourceLine([reading({})]), ' source: … kern.log reading lines');
  assert.equal(sourceLine([reading({ lines: 412_000, fractionRead: 0.4159 })]), ' source: … kern.log 41 %, 412000 lines');
  // a pipe: no size known before reading, the lines alone
  assert.equal(sourceLine([reading({ lines: 412_000 })]), ' source: … kern.log 412000 lines');
  // never 100 % while it is still read
  assert.equal(sourceLine([reading({ lines: 9, fractionRead: 1 })]), ' source: … kern.log 99 %, 9 lines');
  assert.equal(sourceLines(reading({ lines: 412_000, records: 80_000, fractionRead: 0.4159 }))[0], 'kern.log: reading, 41 % read, 412000 lines, 80000 records');
});

test('a replay in the view reads a quarter of a megabyte at a time, updates its input health after each, and drops the share once read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-replay-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  for (let i = 1; i <= 20_000; i++)
    lines.push(
      i % 5 === 0
        ? `[${i}.000000] audit: type=1400 audit(1795316400.${String(i % 1000).padStart(3, '0')}:${i}): apparmor="DENIED" operation="open" profile="p" name="/n${i}" pid=${i} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`
        : `[${i}.000000] eth0: link up ${'.'.repeat(100)}`,
    );
  const path = join(dir, 'kern.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const store = new DenialStore();
  const seen: SourceHealth[] = [];
  const setHealth = store.setHealth.bind(store);
  store.setHealth = (h) => {
    seen.push({ ...h[0] });
    setHealth(h);
  };
  await replayInto(store, new TimelineBuilder(), [{ path, name: 'kern.log' }], { clock: {}, onHost: () => undefined });
  const during = seen.filter((h) => h.state === 'reading' && h.lines > 0);
  // the view reads a quarter of a megabyte at a time (a key waits for one chunk at most): ten of this file's 2.5 MB
  assert.ok(during.length >= 9, `${during.length} updates while reading`);
  assert.ok(
    during.every((h, i) => h.fractionRead! > 0 && h.fractionRead! <= 1 && (i === 0 || h.lines > during[i - 1].lines)),
    during.map((h) => `${h.lines} ${h.fractionRead}`).join(', '),
  );
  assert.ok(during[0].records > 0 && during[0].records < 4_000);
  const last = store.snapshot().health[0];
  assert.equal(last.state, 'done');
  assert.deepEqual([last.lines, last.records, last.fractionRead], [20_000, 4_000, undefined]);
});
