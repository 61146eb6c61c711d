// `/` inside the detail, the help and the timeline searches that view (matches marked, n/N through
// them, "match 3 of 7" in the footer, Esc leaves the search); on the lists `/` still filters.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { findMatches, highlightLine, matchFrom, searchStatus } from '../../src/tui/view-search.js';
import { seg } from '../../src/tui/views/lines.js';
import { denial, modelOf, status, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function setup(size = { columns: 100, rows: 30 }) {
  const s = new DenialStore();
  s.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 12_000 }));
  s.add(status('/usr/sbin/nginx', 'profile_replace', NOW - 11_000));
  for (let i = 0; i < 3; i++) s.add(denial({ profile: 'backup-agent', name: `/var/lib/pg${'abc'[i]}` }, { verdict: 'missing-rule', time: NOW - 10_000 + i }));
  s.add(denial({ operation: 'exec', name: '/usr/bin/curl', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 5_000 }));
  const feed = new TestFeed(modelOf(s, size, NOW));
  const app = render(<App feed={feed} mode="demo" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  const press = async (keys: string, ok: (f: string) => boolean, what: string) => {
    app.stdin.write(keys);
    await until(() => ok(frame()), what);
  };
  return { app, frame, press };
}

async function ready(frame: () => string) {
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
}

const footer = (f: string) => f.split('\n').at(-1) ?? '';

test('/ in the detail searches it: match N of M, n/N move, Esc leaves the search and n goes back to attacks', async () => {
  const { frame, press } = setup();
  await ready(frame);
  await press('\r', (f) => f.includes('Decoded fields'), 'the detail');
  const opened =
    frame()
      .split('\n')
      .find((l) => l.includes('ATTACK')) ?? '';
  await press('/', (f) => footer(f).includes('/_'), 'the search prompt');
  // "exec" is in the title, the operation field and the evidence: several matches
  await press('exec', (f) => /match 1 of \d+/.test(footer(f)), 'the first match');
  const total = Number(/match 1 of (\d+)/.exec(footer(frame()))![1]);
  assert.ok(total >= 2, footer(frame()));
  await press('\r', (f) => footer(f).includes(`"exec": match 1 of ${total}`), 'the search kept');
  await press('n', (f) => footer(f).includes(`match 2 of ${total}`), 'n: the next match');
  await press('N', (f) => footer(f).includes(`match 1 of ${total}`), 'N: the previous');
  await press('N', (f) => footer(f).includes(`match ${total} of ${total}`), 'N wraps to the last');
  await press('\x1b', (f) => !footer(f).includes('match') && f.includes('Decoded fields'), 'Esc leaves the search, the detail stays');
  await press('n', (f) => (f.split('\n').find((l) => l.includes('ATTACK')) ?? '') !== opened, 'n is the next attack again');
});

test('a search with no match says so; a search scrolls the detail to its match', async () => {
  const { frame, press } = setup({ columns: 100, rows: 16 });
  await ready(frame);
  await press('\r', (f) => f.includes('Why:'), 'the detail');
  await press('/zzz-nothing', (f) => footer(f).includes('no match for "zzz-nothing"'), 'no match');
  await press('\x1b', (f) => !footer(f).includes('no match'), 'the search left');
  await press('/test.log', (f) => /match 1 of \d+/.test(footer(f)), 'a match far down');
  assert.ok(frame().includes('test.log:'), 'the evidence line is scrolled into view');
});

test('/ in the help searches the help', async () => {
  const { frame, press } = setup({ columns: 80, rows: 14 });
  await ready(frame);
  await press('?', (f) => f.includes('closes this help'), 'the help');
  assert.ok(!frame().includes('redraw the screen'), 'the line is below the fold');
  await press('/redraw', (f) => footer(f).includes('match 1 of 1') && f.includes('redraw the screen'), 'scrolled to the match');
});

test('/ on the timeline searches it (the selection moves to each match); on the denial list / filters', async () => {
  const { frame, press } = setup();
  await ready(frame);
  await press('3', (f) => f.includes('[3 Timeline]'), 'the timeline');
  await press('/pg', (f) => footer(f).includes('match 1 of 3'), 'three rows match');
  assert.match(frame(), /^>.*\/var\/lib\/pga/m);
  await press('\rn', (f) => /^>.*\/var\/lib\/pgb/m.test(f) && footer(f).includes('match 2 of 3'), 'n selects the next matching row');
  assert.ok(!frame().includes('filter:'), 'the timeline is searched, not filtered');
  await press('\x1b', (f) => !footer(f).includes('match'), 'the search left');
  await press('1', (f) => f.includes('[1 Denials]'), 'back to the list');
  await press('/curl\r', (f) => f.includes('filter: curl') && !f.includes('/usr/bin/dash'), 'the list is filtered');
});

test('matches: found case-insensitively in reading order; marked by inverting the line style, the current one bold', () => {
  const m = findMatches(['Exec here', 'none', 'exec and EXEC'], 'exec');
  assert.deepEqual(m, [
    { line: 0, col: 0 },
    { line: 2, col: 0 },
    { line: 2, col: 9 },
  ]);
  assert.equal(matchFrom(m, 1), 1);
  assert.equal(matchFrom(m, 5), 0, 'wraps to the first');
  assert.equal(matchFrom([], 0), -1);
  // a match across two segments: both parts marked, the text unchanged
  const line = highlightLine([seg('ab'), seg('cd', { inverse: true })], 'bc', 1);
  assert.equal(line.map((s) => s.text).join(''), 'abcd');
  assert.deepEqual(
    line.map((s) => [s.text, !!s.inverse, !!s.bold]),
    [
      ['a', false, false],
      ['b', true, true],
      ['c', false, true],
      ['d', true, false],
    ],
  );
  assert.equal(searchStatus({ view: 'detail', text: 'x', editing: false, at: 2 }, 7), '"x": match 3 of 7 · n/N next/previous · Esc leaves search');
});

test('a search belongs to the view it was made in: leaving the view ends it; Esc while typing cancels it', async () => {
  const { applyIntent, INITIAL_UI } = await import('../../src/tui/ui-state.js');
  const { editSearch } = await import('../../src/tui/ui-prompts.js');
  const ctx = { keys: ['a'], attack: [false], page: 10, detailLines: 40, groupKeys: ['a'], groupAttack: [false], find: (t: string) => (t ? [{ line: 30, col: 0 }] : []) };
  const noKey = { return: false, escape: false, backspace: false, delete: false, ctrl: false, meta: false };
  let s = applyIntent({ ...INITIAL_UI, detail: 'a' }, { type: 'filter' }, ctx).state;
  assert.equal(s.search?.view, 'detail');
  assert.equal(s.editing, false, 'the list filter is not opened');
  s = editSearch(s, 'x', noKey, ctx);
  assert.equal(s.detailScroll, 28, 'scrolled to two lines above the match');
  assert.equal(editSearch(s, '', { ...noKey, escape: true }, ctx).search, undefined);
  s = editSearch(s, '', { ...noKey, return: true }, ctx);
  assert.equal(s.search?.text, 'x');
  assert.equal(applyIntent(s, { type: 'help' }, ctx).state.search, undefined, 'the help is another view');
  assert.equal(applyIntent(s, { type: 'screen', screen: 'timeline' }, ctx).state.search, undefined);
});
