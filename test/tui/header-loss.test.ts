// The header's loss line: evicted groups named apart from lost records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenialStore } from '../../src/tui/denial-store.js';
import { denial, replayHeader } from './fixtures.js';

test('the header names evicted groups apart from loss: nothing is dropped unless records were lost', async () => {
  const { COLOR_THEME } = await import('../../src/tui/theme.js');
  const s = new DenialStore({ maxGroups: 50 });
  for (let i = 0; i < 500; i++) s.add(denial({ name: `/f${i}` }));
  const snap = s.snapshot();
  const n = snap.loss.evicted;
  assert.ok(n > 0);
  const lines = await replayHeader(snap, 100);
  const text = lines.map((l) => l.map((x) => x.text).join('')).join('\n');
  assert.match(text, /0 dropped/);
  assert.match(text, new RegExp(`${n} groups evicted`));
  const loss = lines.flat().find((x) => x.text.includes('loss:'))!;
  assert.equal(loss.color, undefined, 'no loss: not shown as one');
  assert.ok(lines.every((l) => l.map((x) => x.text).join('').length <= 100));
});
