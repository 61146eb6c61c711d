// Records from more than one host: the header names them, the denial list gets a HOST column,
// and host: filters. Real syslog lines from two hosts, parsed by the pipeline (the host comes from
// the carrier prefix).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { modelOf, TestFeed, until } from './fixtures.js';

const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

const line = (host: string, serial: number, profile: string, name: string) =>
  `Nov 22 03:00:0${serial % 10} ${host} kernel: audit: type=1400 audit(1795316406.${String(serial).padStart(3, '0')}:${5000 + serial}): apparmor="DENIED" operation="open" class="file" profile="${profile}" name="${name}" pid=${2200 + serial} comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;

function storeOf(lines: string[]): DenialStore {
  const store = new DenialStore();
  const p = new Pipeline({ record: (r) => store.add(r), loss: (n) => store.addLoss(n) }, { clock: { year: 2026 } });
  const parser = p.parserFor('syslog');
  for (const l of lines) parser.push(l);
  parser.end();
  return store;
}

function setup(store: DenialStore) {
  const m = modelOf(store, { columns: 120, rows: 24 }, 1_795_316_500_000);
  const feed = new TestFeed({ ...m, host: 'web-01' });
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  return { app, frame };
}

test('two hosts: the header names both, the list has a HOST column, host: keeps the denial groups seen on that host', async () => {
  const store = storeOf([
    line('web-01', 1, '/usr/sbin/nginx', '/etc/ssl/private/key.pem'),
    line('db-01', 2, '/usr/sbin/postgres', '/var/lib/pg/x'),
    // the same denial on both hosts: one denial group, seen on two
    line('web-01', 3, '/usr/bin/backup', '/srv/data'),
    line('db-01', 4, '/usr/bin/backup', '/srv/data'),
  ]);
  assert.deepEqual(store.snapshot().groups.find((i) => i.profile === '/usr/bin/backup')?.hosts, ['web-01', 'db-01']);
  const { app, frame } = setup(store);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  assert.ok(frame().includes('2 hosts: web-01, db-01'), frame());
  assert.match(frame(), /HOST\s+PROFILE/);
  assert.match(frame(), /db-01\s+\/usr\/sbin\/postgres/);
  assert.match(frame(), /web-01 \+1\s+\/usr\/bin\/backup/);
  app.stdin.write('/host:db-01');
  await new Promise((r) => setImmediate(r));
  app.stdin.write('\r');
  await until(() => frame().includes('filter: host:db-01') && !frame().includes('/usr/sbin/nginx'), 'only db-01 denials');
  assert.ok(frame().includes('/usr/sbin/postgres') && frame().includes('/usr/bin/backup'));
  // the same field filter on the timeline tests each record (its own host), and names each record's host
  app.stdin.write('3');
  await until(() => frame().includes('[3 Timeline]') && frame().includes('HOST'), 'the timeline');
  const recs = frame()
    .split('\n')
    .filter((l) => l.includes('DENIED'));
  assert.equal(recs.length, 2, frame());
  assert.ok(
    recs.every((l) => l.includes('db-01 ')),
    recs.join('\n'),
  );
  // and on Profiles, the profiles of the denial groups it keeps
  app.stdin.write('2');
  await until(() => frame().includes('[2 Profiles]') && frame().includes('postgres'), 'the profiles');
  assert.ok(!frame().includes('nginx'), frame());
});

test('one host: no HOST column, the header names the host', async () => {
  const { frame } = setup(storeOf([line('web-01', 1, '/usr/sbin/nginx', '/etc/a'), line('web-01', 2, '/usr/sbin/nginx', '/etc/b')]));
  await until(() => frame().includes('? help'), 'first frame');
  assert.ok(frame().includes('host web-01'));
  assert.ok(!/HOST\s+PROFILE/.test(frame()), frame());
});
