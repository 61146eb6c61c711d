// Log fields are written by whoever controls the confined process: a path or a command name can be
// megabytes long. Every screen cuts what it shows to the terminal before Ink lays it out, so a key
// costs the same whatever the records hold.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { timelineItems, profileRows, commandRows } from '../../src/tui/view-model.js';
import { timelineLines } from '../../src/tui/views/timeline-view.js';
import { detailLines } from '../../src/tui/views/denial-detail.js';
import { denialListLines } from '../../src/tui/views/denial-list.js';
import { actionLogLines } from '../../src/tui/views/action-log.js';
import { headerLines, sourceLines } from '../../src/tui/views/header.js';
import { bannerLine, footerLine } from '../../src/tui/views/status-bars.js';
import { profileTableData } from '../../src/tui/views/profiles-table.js';
import { fitLine, type Line } from '../../src/tui/views/lines.js';
import type { ActionJournalEntry } from '../../src/model/action.js';
import { buildTimeline } from '../../src/timeline/builder.js';
import stringWidth from 'string-width';
import { denial, modelOf, status, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;
// a quarter of a megabyte per field: the size that took minutes to draw before lines were cut
const MB = 256 * 1024;
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function hugeStore(size: number): DenialStore {
  const s = new DenialStore();
  const big = (c: string) => c.repeat(size);
  for (let i = 0; i < 5; i++) {
    s.add(denial({ name: `/srv/${big('a')}${i}`, comm: big('\u200b'), profile: `p${i}${big('\x1b')}`, info: big('i') }, { verdict: i ? 'missing-rule' : 'likely-attack', time: NOW - i * 1000 }));
  }
  s.add(status(`/usr/bin/${big('s')}`, 'profile_replace', NOW - 10_000));
  const action: ActionJournalEntry = {
    id: 'a1',
    time: new Date(NOW - 5000).toISOString(),
    phase: 'intent',
    action: 'complain',
    profile: big('p'),
    operator: big('o'),
    argv: [['aa-complain', big('/f')]],
    reason: big('r'),
  } as unknown as ActionJournalEntry;
  s.replaceActions([action, { ...action, phase: 'result', outcome: 'verified', exitCodes: [0], error: big('e') } as ActionJournalEntry]);
  s.setHealth([{ name: big('n'), state: 'failed', reason: big('w'), fix: big('f'), lines: 0, records: 0, restarts: 0, stderrTail: [big('t')] }]);
  return s;
}

const width = (l: Line) => l.reduce((n, s) => n + s.text.length, 0);

test('every screen builds its lines from quarter-megabyte fields in work bounded by the width, and draws them fitted to it', () => {
  const store = hugeStore(MB);
  const snap = store.snapshot();
  const W = 80;
  const check = (what: string, lines: Line[]) => {
    // a few widths at most before the line is fitted (several values, each cut to the width)
    for (const l of lines) assert.ok(width(l) <= 10 * W, `${what}: a line of ${width(l)} characters`);
    for (const l of lines) assert.ok(width(fitLine(l, W)) <= W, `${what}: fitted to ${width(fitLine(l, W))}`);
  };
  check('timeline', timelineLines({ items: timelineItems(snap, undefined), start: 0, selected: 0, dropped: 0, utc: true, width: W, height: 20, theme: MONO_THEME }));
  for (const g of snap.groups) check('detail', detailLines({ group: g, now: NOW, utc: true, width: W, theme: MONO_THEME }));
  check(
    'denials',
    denialListLines({
      rows: snap.groups,
      selected: 0,
      total: snap.groups.length,
      now: NOW,
      width: W,
      height: 20,
      theme: MONO_THEME,
      emptyText: '',
      emptyDetail: snap.health.flatMap(sourceLines),
    }),
  );
  check('empty denials', denialListLines({ rows: [], selected: -1, total: 0, now: NOW, width: W, height: 20, theme: MONO_THEME, emptyText: 'none', emptyDetail: snap.health.flatMap(sourceLines) }));
  check('action log', actionLogLines({ rows: commandRows(snap.actions, undefined), start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: W, height: 20, theme: MONO_THEME }));
  check(
    'header',
    headerLines({
      mode: 'live',
      paused: false,
      newSincePause: 0,
      host: 'h'.repeat(MB),
      records: 1,
      verdicts: snap.verdicts,
      loss: snap.loss,
      health: snap.health,
      screen: 'denials',
      sortTitle: 's',
      filter: 'f'.repeat(MB),
      width: W,
      theme: MONO_THEME,
    }),
  );
  check('banner', [bannerLine('b'.repeat(MB), MONO_THEME)]);
  check('footer', [footerLine({ prompt: { mark: '/', text: 'f'.repeat(MB), help: '' }, hints: '', demo: false, theme: MONO_THEME })]);
  for (const row of profileTableData(profileRows(snap, new Map(), undefined), 0, W)) {
    for (const v of Object.values(row)) assert.ok(String(v).length <= W, `profiles cell of ${String(v).length}`);
  }
});

test('a line is fitted to the width before it is drawn, segments and styles kept', () => {
  const line: Line = [{ text: 'abc', bold: true }, { text: 'x'.repeat(100) }, { text: 'tail' }];
  const fit = fitLine(line, 10);
  assert.equal(width(fit), 10);
  assert.deepEqual(fit[0], { text: 'abc', bold: true });
  assert.ok(fit[fit.length - 1].text.endsWith('…'));
  assert.equal(fitLine([{ text: 'short' }], 10)[0].text, 'short');
});

test('keys stay responsive on every screen when records hold quarter-megabyte fields', async () => {
  const store = hugeStore(MB);
  // as the runner does: the timeline's incidents are built as records arrive, not on a key
  const story = buildTimeline(store.snapshot().window, store.snapshot().actions).incidents;
  const feed = new TestFeed({ ...modelOf(store, { columns: 100, rows: 30 }, NOW), incidents: () => story });
  let quits = 0;
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => quits++} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  await until(() => frame().includes('? help'), 'first frame', 60_000);
  await new Promise((r) => setImmediate(r));
  // the work a key costs, as CPU time of this process (not wall time, which a busy machine
  // stretches): the cut frame takes a few ms; the uncut one took seconds of CPU per key
  const slowest: [string, number][] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const press = async (k: string, ok: (f: string) => boolean, what: string) => {
    const c0 = cpuMs();
    app.stdin.write(k);
    await until(() => ok(frame()), what, 60_000);
    slowest.push([what, cpuMs() - c0]);
  };
  await press('\r', (f) => f.includes('Decoded fields'), 'detail');
  await press('G', (f) => f.includes('Evidence'), 'detail end');
  await press('\x1b', (f) => f.includes('VERDICT'), 'list');
  await press('2', (f) => f.includes('profile'), 'profiles');
  await press('3', (f) => f.includes('STATUS'), 'timeline');
  const before = frame();
  await press('j', (f) => f !== before, 'timeline move');
  await press('4', (f) => f.includes('COMMAND'), 'action log');
  await press('?', (f) => f.includes('Keys'), 'help');
  for (const l of frame().split('\n')) assert.ok([...l].length <= 100, `line fits: ${l.length}`);
  assert.ok(
    !frame()
      .replace(/\x1b\[[0-9;]*m/g, '')
      .includes('\x1b'),
    'no escape reaches the terminal',
  );
  for (const [what, ms] of slowest) assert.ok(ms < 2000, `${what} took ${Math.round(ms)} ms of CPU (${slowest.map(([w, t]) => `${w} ${Math.round(t)}`).join(', ')})`);
  app.stdin.write('\x03');
  await until(() => quits === 1, 'Ctrl-C quits');
});

test('every screen stays within the terminal when fields hold wide characters: no line is left for Ink to cut', async () => {
  // The view's boxes clip only vertically (app.tsx): Ink cut every line again at the width on
  // every frame, which cost each frame a tokenizing of every line. So each line must be cut to the
  // width by its own text, in columns, double-width characters and emoji included.
  const store = new DenialStore();
  const wide = (n: number) => '漢字🙂'.repeat(n);
  for (let i = 0; i < 5; i++)
    store.add(denial({ name: `/srv/${wide(80)}${i}`, comm: wide(20), profile: `${wide(30)}${i}`, info: wide(50) }, { verdict: i ? 'missing-rule' : 'likely-attack', time: NOW - i * 1000 }));
  store.add(status(`/usr/bin/${wide(60)}`, 'profile_replace', NOW - 10_000));
  const story = buildTimeline(store.snapshot().window, store.snapshot().actions).incidents;
  const COLS = 100;
  const feed = new TestFeed({ ...modelOf(store, { columns: COLS, rows: 30 }, NOW), incidents: () => story });
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  const fits = (what: string) => {
    for (const l of frame().split('\n')) assert.ok(stringWidth(l) <= COLS, `${what}: a line ${stringWidth(l)} columns wide: ${l}`);
  };
  await until(() => frame().includes('? help'), 'first frame');
  fits('list');
  const press = async (k: string, ok: (f: string) => boolean, what: string) => {
    app.stdin.write(k);
    await until(() => ok(frame()), what);
    fits(what);
  };
  await press('\r', (f) => f.includes('Decoded fields'), 'detail');
  await press('G', (f) => f.includes('Evidence'), 'detail end');
  await press('\x1b', (f) => f.includes('VERDICT'), 'list again');
  await press('2', (f) => f.includes('profile'), 'profiles');
  await press('3', (f) => f.includes('STATUS'), 'timeline');
  await press('4', (f) => f.includes('COMMAND'), 'action log');
  await press('?', (f) => f.includes('Keys'), 'help');
});

test("the view's own glyphs take one column each, as Ink measures them: lines of them need no cut", () => {
  // views/lines.tsx draws lines of these without a clipping box; a glyph Ink measured wider would
  // push such a line past the terminal's edge
  for (const c of '·…│─└┌→↓↑▁▂▃▄▅▆▇█✗✓●↻•—“”×±µ') assert.equal(stringWidth(c), 1, c);
});
