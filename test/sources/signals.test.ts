// The whole program (the bundle `npm test` builds first) in live mode: SIGHUP (a dropped SSH
// session) and SIGTERM stop every subprocess and what they started, and the summary is still written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { alive, fakeHost, FIXTURES, waitFor } from './helpers.js';

const BIN = resolve(FIXTURES, '../../../bin/aa-triage');

for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
  test(`${signal} stops the live sources without leaving orphans`, async () => {
    const host = fakeHost();
    host.plan('journalctl', [{}, { child: true }]); // the follow run (the second) leaves a child
    const child = spawn(process.execPath, [BIN, '--json', '--journal-file', join(host.dir, 'copied.journal')], {
      env: { ...host.env, HOME: host.dir },
      cwd: resolve(FIXTURES, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor('records streamed and the source live', () => out.split('\n').length > 11 && /journal-file:.*: live/.test(err), 60_000);
      await waitFor('fake and its child running', () => host.pids('journalctl').length >= 3);
      const pids = host.pids('journalctl');
      child.kill(signal);
      assert.equal(await exited, 0);
      await waitFor('no subprocess left', () => !pids.some(alive));
      assert.match(err, /11 AppArmor records/);
    } finally {
      child.kill('SIGKILL');
      host.cleanup();
    }
  });
}
