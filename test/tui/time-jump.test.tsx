// The timeline shows dates when its records span more than a day; `t` jumps to a time (14:05,
// 2026-12-03 14:05, -10m), selecting the first row at or after it, and says so when there is none.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { firstAtOrAfter, parseJumpTime } from '../../src/tui/time-jump.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

// 2027-01-15 08:00:00 UTC
const NOW = 1_800_000_000_000;
const at = (iso: string) => Date.parse(`${iso}Z`);
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function setup(times: string[]) {
  const s = new DenialStore();
  times.forEach((t, i) => s.add(denial({ name: `/srv/f${'abcdefgh'[i]}` }, { verdict: 'missing-rule', time: at(t) })));
  const feed = new TestFeed(modelOf(s, { columns: 120, rows: 24 }, NOW));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  const press = async (keys: string, ok: (f: string) => boolean, what: string) => {
    app.stdin.write(keys);
    await until(() => ok(frame()), what);
  };
  return { frame, press };
}

const footer = (f: string) => f.split('\n').at(-1) ?? '';
const selected = (f: string) => f.split('\n').find((l) => l.startsWith('>')) ?? '';

test('parseJumpTime: a time of day on the given day, a date and time, relative times; in UTC or the --tz zone', () => {
  const o = { now: NOW, day: at('2027-01-14T03:00:00'), utc: true };
  assert.equal(parseJumpTime('14:05', o), at('2027-01-14T14:05:00'));
  assert.equal(parseJumpTime('2027-01-13 09:30:15', o), at('2027-01-13T09:30:15'));
  assert.equal(parseJumpTime('-10m', o), NOW - 600_000);
  assert.equal(parseJumpTime('2027-01-14 14:05', { now: NOW, utc: false, tz: 'Europe/Berlin' }), at('2027-01-14T13:05:00'));
  assert.equal(parseJumpTime('2027-07-14 14:05', { now: NOW, utc: false, tz: 'Europe/Berlin' }), at('2027-07-14T12:05:00'), 'summer time');
  assert.equal(parseJumpTime('bogus', o), undefined);
  assert.equal(parseJumpTime('25:00', o), undefined);
  assert.equal(firstAtOrAfter([1, undefined, 5, 9], 4), 2);
  assert.equal(firstAtOrAfter([1, 5], 6), -1);
});

test('a timeline over more than a day shows dates; t jumps to the first row at or after a time, or says nothing is there', async () => {
  const { frame, press } = setup(['2027-01-13T10:00:00', '2027-01-14T14:00:00', '2027-01-14T14:10:00', '2027-01-15T07:55:00']);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await press('3', (f) => f.includes('[3 Timeline]') && f.includes('2027-01-13 10:00:00'), 'dates on the rows');
  await press('t', (f) => footer(f).includes('jump to a time'), 'the time prompt');
  await press('2027-01-14 14:05\r', (f) => selected(f).includes('2027-01-14 14:10:00'), 'the first row at or after 14:05 that day');
  assert.match(footer(frame()), /first row at or after 2027-01-14 14:05:00 UTC/);
  // a time of day alone is on the selected row's day
  await press('t14:00\r', (f) => selected(f).includes('2027-01-14 14:00:00'), '14:00 on the selected day');
  await press('t-10m\r', (f) => selected(f).includes('2027-01-15 07:55:00'), '-10m before the last record');
  await press('t2027-01-16 00:00\r', (f) => footer(f).includes('nothing at or after 2027-01-16 00:00:00 UTC'), 'nothing there');
  assert.ok(selected(frame()).includes('2027-01-15 07:55:00'), 'the selection stays');
  await press('tnoon\r', (f) => footer(f).includes('t: not a time: noon'), 'not a time');
});

test('a timeline within a day shows times only; t elsewhere says where it works', async () => {
  const { frame, press } = setup(['2027-01-15T07:00:00', '2027-01-15T07:30:00']);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await press('t', (f) => footer(f).includes('t jumps to a time on the Timeline screen'), 'the hint');
  await press('3', (f) => f.includes('[3 Timeline]') && f.includes('07:30:00'), 'the timeline');
  assert.ok(!frame().includes('2027-01-15 07:30:00'));
});
