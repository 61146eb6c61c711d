// The strips in the interactive view: under the header, per profile, per denial group; in monochrome
// the attacks are still named in words, the actions still marked with a glyph.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { actionTimes, headerStripLine, stripRange } from '../../src/tui/views/rate-strip.js';
import type { ActionJournalEntry } from '../../src/model/action.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const NOW = Date.UTC(2027, 0, 15, 8, 0, 0);
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function act(id: string, t: number, extra: Partial<ActionJournalEntry> = {}): ActionJournalEntry {
  return {
    v: 1,
    id,
    phase: 'intent',
    time: new Date(t).toISOString(),
    operator: 'oncall',
    host: 'web-01',
    action: 'complain',
    profile: 'backup-agent',
    argv: [['aa-complain', 'x']],
    ...extra,
  } as ActionJournalEntry;
}

/** A flood on backup-agent rising to a peak 5 minutes ago, an action, then a trickle; one attack on nginx. */
function floodStore(): DenialStore {
  const s = new DenialStore();
  const perMinute = [1, 3, 9, 20, 20];
  perMinute.forEach((n, m) => {
    for (let k = 0; k < n; k++) s.add(denial({ profile: 'backup-agent', name: `/var/lib/f${m}-${k}` }, { verdict: 'missing-rule', time: NOW - (10 - m) * 60_000 + k * 1000 }));
  });
  s.add(denial({ profile: 'backup-agent', name: '/var/lib/late' }, { verdict: 'missing-rule', time: NOW - 2 * 60_000 }));
  s.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 30_000 }));
  s.replaceActions([act('a1', NOW - 4 * 60_000), { ...act('a1', NOW - 4 * 60_000 + 500), phase: 'result', exitCodes: [0] } as ActionJournalEntry, act('d1', NOW - 3 * 60_000, { dryRun: true })]);
  return s;
}

test('header strip: the shape, the action between bars, attacks named in words; nothing dated yet says so', () => {
  const snap = floodStore().snapshot();
  const line = headerStripLine({ series: snap.rates, actions: snap.actions, now: NOW, live: false, width: 160, theme: MONO_THEME, utc: true });
  const text = line.map((s) => s.text).join('');
  const m = /^ (\d\d:\d\d:\d\d) (.*) (\d\d:\d\d:\d\d)  (\S+)\/bar, peak (\d+)\/min · !! attacks 07:59:30-07:59:45 · │ action$/.exec(text);
  assert.ok(m, text);
  assert.equal(m[1], '07:50:00');
  const cells = m[2];
  assert.equal((cells.match(/│/g) ?? []).length, 1, 'one action: the dry run changed nothing and is not marked');
  const [pre, post] = cells.split('│');
  assert.match(pre, /█/, 'the peak before the action');
  assert.doesNotMatch(post, /[▅▆▇█]/, 'low after it');
  assert.equal(m[4], '15s');
  assert.equal(m[5], '60', '15 records in one 15 s bar: 60 a minute');
  const narrow = headerStripLine({ series: snap.rates, actions: snap.actions, now: NOW, live: false, width: 80, theme: MONO_THEME, utc: true })
    .map((x) => x.text)
    .join('');
  assert.ok(narrow.length <= 80, narrow);
  assert.match(narrow, /!! attacks 07:59-08:00$/, 'at 80 columns the attacks stay, the legend of the mark goes');
  const empty = headerStripLine({ series: new DenialStore().snapshot().rates, actions: [], now: NOW, live: true, width: 80, theme: MONO_THEME, utc: true });
  assert.equal(empty.map((s) => s.text).join(''), ' denials over time: none dated yet');
});

test('live: the header strip covers the last hour, not the whole boot', () => {
  const s = new DenialStore();
  s.add(denial({}, { verdict: 'missing-rule', time: NOW - 5 * 3_600_000 }));
  s.add(denial({}, { verdict: 'missing-rule', time: NOW - 60_000 }));
  assert.deepEqual(stripRange(s.snapshot().rates, NOW, true), { from: NOW - 3_600_000, to: NOW });
  assert.deepEqual(stripRange(s.snapshot().rates, NOW, false), { from: NOW - 5 * 3_600_000, to: NOW });
  assert.deepEqual(actionTimes([act('x', NOW), act('x', NOW + 5), act('y', NOW + 9, { dryRun: true })]), [NOW]);
});

test('in the app: the strip under the header, a shape column per profile, a shape line in the detail', async () => {
  const store = floodStore();
  const feed = new TestFeed(modelOf(store, { columns: 100, rows: 30 }, NOW));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  await until(() => frame().includes('VERDICT'), 'the list');
  const lines = frame().split('\n');
  assert.match(lines[4], /^ 07:50:00 .*│.* 08:00:00 /, 'the strip is the line under the header');
  assert.ok(lines.length <= 29, 'still at most rows - 1 lines');
  app.stdin.write('2');
  await until(() => frame().includes('shape'), 'the shape column');
  const row = frame()
    .split('\n')
    .find((l) => l.includes('backup-agent'))!;
  assert.match(row, /│ [ ▁-█]*│[ ▁-█]* │/, `backup-agent's strip with the action: ${row}`);
  app.stdin.write('1');
  await until(() => frame().includes('[1 Denials]'), 'back');
  app.stdin.write('\r');
  await until(() => frame().includes('shape '), 'the detail');
  assert.match(frame(), /shape █ +07:59:30-08:00:00, 1s\/bar, 1 record/);
});
