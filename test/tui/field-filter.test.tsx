import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import { DenialStore } from '../../src/tui/denial-store.js';
import { App } from '../../src/tui/app.js';
import { parseFieldFilter, parseSince } from '../../src/tui/field-filter.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;

function store() {
  const s = new DenialStore();
  const a = denial({ operation: 'exec', name: '/usr/bin/dash', pid: '2211' }, { verdict: 'likely-attack', time: NOW - 60_000 });
  a.host = 'web-01';
  s.add(a);
  const b = denial({ profile: 'backup-agent', name: '/var/lib/x', pid: '4400' }, { verdict: 'missing-rule', time: NOW - 3_600_000 });
  b.host = 'db-02';
  s.add(b);
  return s;
}

test('field filters: profile, op, pid, host, verdict, since, /regex/, negation, combined; errors say why', () => {
  const list = store().snapshot().groups;
  const hit = (typed: string) => {
    const f = parseFieldFilter(typed);
    assert.ok(f?.ok, typed);
    return list.filter((i) => f.test(i, NOW)).map((i) => i.profile);
  };
  assert.deepEqual(hit('profile:nginx'), ['/usr/sbin/nginx']);
  assert.deepEqual(hit('op:exec'), ['/usr/sbin/nginx']);
  assert.deepEqual(hit('pid:4400'), ['backup-agent']);
  assert.deepEqual(hit('host:db-'), ['backup-agent']);
  assert.deepEqual(hit('verdict:attack'), ['/usr/sbin/nginx']);
  assert.deepEqual(hit('since:-10m'), ['/usr/sbin/nginx']);
  assert.deepEqual(hit('/^\\/var\\/lib/'), ['backup-agent']);
  assert.deepEqual(hit('!verdict:attack since:-2h'), ['backup-agent']);
  assert.equal(parseFieldFilter('nginx'), undefined, 'plain text stays the plain filter');
  assert.ok(!parseFieldFilter('verdict:bogus')?.ok);
  assert.ok(!parseFieldFilter('/(/')?.ok);
  assert.equal(parseSince('-10m'), 600_000);
});

test('in the view: a field filter narrows the list; the list shows its rows and position', async () => {
  const feed = new TestFeed(modelOf(store(), { columns: 120, rows: 30 }, NOW));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  try {
    const frame = () => app.lastFrame() ?? '';
    await until(() => frame().includes('1-2 of 2'), 'the row count');
    await new Promise((r) => setImmediate(r));
    app.stdin.write('/');
    await new Promise((r) => setImmediate(r));
    app.stdin.write('host:db-02 pid:4400');
    await new Promise((r) => setImmediate(r));
    app.stdin.write('\r');
    await until(() => frame().includes('1-1 of 1') && frame().includes('backup-agent') && !frame().includes('/usr/bin/dash'), 'the filtered list');
  } finally {
    app.unmount();
  }
});
