// Every list shows its rows and position ("12-28 of 214", an arrow when more is below): profiles,
// timeline, action log, and where the selection is inside an expanded flood.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { rangeText } from '../../src/tui/format.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function setup(s: DenialStore) {
  const feed = new TestFeed(modelOf(s, { columns: 100, rows: 24 }, NOW));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  const press = async (keys: string, ok: (f: string) => boolean, what: string) => {
    app.stdin.write(keys);
    await until(() => ok(frame()), what);
  };
  return { frame, press };
}

const letters = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));

test('rangeText: first-last of total, an arrow while more is below', () => {
  assert.equal(rangeText(0, 10, 214), '1-10 of 214 ↓');
  assert.equal(rangeText(204, 10, 214), '205-214 of 214');
  assert.equal(rangeText(0, 10, 3), '1-3 of 3');
  assert.equal(rangeText(0, 10, 0), undefined);
});

test('Profiles, Timeline and the action log show their position; G moves it to the end', async () => {
  const s = new DenialStore();
  for (let i = 0; i < 30; i++) s.add(denial({ profile: `profile-${letters(i)}`, name: `/srv/${letters(i)}` }, { verdict: 'missing-rule', time: NOW - 60_000 + i * 1000 }));
  const { frame, press } = setup(s);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await press('2', (f) => f.includes('[2 Profiles]') && /1-\d+ of 30 ↓/.test(f), 'the profiles position');
  await press('G', (f) => /\d+-30 of 30(?! ↓)/.test(f), 'at the end of the profiles');
  await press('3', (f) => f.includes('[3 Timeline]') && /1-\d+ of \d+ ↓/.test(f), 'the timeline position');
  await press('G', (f) => /(\d+)-(\d+) of \2(?! ↓)/.test(f), 'at the end of the timeline');
});

test('inside an expanded flood the list says which member is selected', async () => {
  const s = new DenialStore();
  for (let i = 0; i < 5; i++) s.add(denial({ name: `/proc/${1000 + i}/status`, pid: String(1000 + i) }, { verdict: 'missing-rule', time: NOW - i }));
  const { frame, press } = setup(s);
  await until(() => frame().includes('1-1 of 1'), 'one collapsed row');
  await new Promise((r) => setImmediate(r));
  await press('\r', (f) => f.includes('1-6 of 6'), 'the members listed under it');
  await press('jj', (f) => f.includes('member 2 of 5 · 1-6 of 6'), 'the second member selected');
});
