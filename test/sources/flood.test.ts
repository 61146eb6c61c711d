// A flood (100k records in seconds) must not block the reader or the event loop, memory stays
// bounded, and anything aa-triage itself has to drop is counted, never silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startLiveSources } from '../../src/sources/index.js';
import { Collect, fakeHost, FAST, healthOf, liveOpts, waitFor } from './helpers.js';

const N = 100_000;

function floodFile(dir: string, n = N): void {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const up = (2000 + i / 1000).toFixed(6);
    const ms = String(i % 1000).padStart(3, '0');
    lines.push(
      `[${up.padStart(12)}] audit: type=1400 audit(${1795317400 + Math.floor(i / 1000)}.${ms}:${10_000 + i}): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/php-fpm" name="/var/www/upload/${i}.php" pid=${3000 + (i % 50)} comm="php-fpm" requested_mask="r" denied_mask="r" fsuid=33 ouid=33`,
    );
  }
  writeFileSync(join(dir, 'dmesg.txt'), `${lines.join('\n')}\n`);
}

test('100k records through dmesg: all delivered, the event loop stays responsive', async () => {
  const host = fakeHost({ journal: false });
  floodFile(host.dir);
  const c = new Collect();
  let count = 0;
  const sink = { ...c.sink, record: () => void count++ };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const started = Date.now();
  // turns the event loop gave to other work while the flood was read: a reader that parsed it in
  // one go would give almost none, whatever the machine's speed or load
  let turns = 0;
  const ticker = setInterval(() => void turns++, 1);
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'] }), sink);
  delay.enable();
  try {
    await waitFor(
      'all records',
      () => {
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
        return count + s.counts().dropped >= N;
      },
      60_000,
    );
    delay.disable();
    clearInterval(ticker);
    const ms = Date.now() - started;
    const worst = delay.max / 1e6;
    console.log(
      `flood: ${N} records in ${ms} ms, event loop delay max ${worst.toFixed(0)} ms, ${turns} timer turns, rss +${((rssMax - rss0) / 2 ** 20).toFixed(0)} MiB, dropped ${s.counts().dropped}`,
    );
    assert.equal(count, N, 'the default queue holds a 100k burst');
    // the reader works in slices and yields between them: other work ran many times during the
    // flood (a stall's length in ms depends on the machine's load: it is reported above, not asserted)
    assert.ok(turns >= 20, `the event loop gave other work only ${turns} turns while the flood was read`);
    assert.ok(rssMax - rss0 < 400 * 2 ** 20, 'memory stays bounded');
  } finally {
    clearInterval(ticker);
    await s.stop();
    host.cleanup();
  }
});

test('a parser that cannot keep up: the reader still drains the pipe, drops are counted and reported', async () => {
  const host = fakeHost({ journal: false });
  const n = 20_000;
  floodFile(host.dir, n);
  const c = new Collect();
  let count = 0;
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'], tuning: { ...FAST, queueLines: 50 } }), { ...c.sink, record: () => void count++ });
  try {
    await waitFor('every line accounted for', () => healthOf(s, 'dmesg').lines === n && count + s.counts().dropped === n, 60_000);
    const h = healthOf(s, 'dmesg');
    assert.ok(h.dropped! > 0, 'some lines had to be dropped');
    assert.equal(h.dropped, s.counts().dropped);
    assert.equal(h.records, count);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('journalctl waits while the parser is behind: a journal flood loses no line, none is dropped', async () => {
  const host = fakeHost({ journal: false, dmesg: false });
  const n = 20_000;
  const entries: string[] = [];
  for (let i = 0; i < n; i++) {
    const sec = 1795317200 + Math.floor(i / 1000);
    const ms = String(i % 1000).padStart(3, '0');
    entries.push(
      JSON.stringify({
        __CURSOR: `s=8f2c1b7e4d6a4f0e9c3b2a1d0e9f8c7b;i=${5000 + i};b=5c1a7e3b9f0d4e2a8b6c1d0e9f8a7b6c;m=1;t=1;x=1`,
        __REALTIME_TIMESTAMP: `${sec}${ms}000`,
        _HOSTNAME: 'web-01',
        _TRANSPORT: 'audit',
        _AUDIT_ID: String(40_000 + i),
        _AUDIT_TYPE_NAME: 'AVC',
        _SOURCE_REALTIME_TIMESTAMP: `${sec}${ms}000`,
        MESSAGE: `AVC apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/php-fpm" name="/var/www/upload/${i}.php" pid=${3000 + (i % 50)} comm="php-fpm" requested_mask="r" denied_mask="r" fsuid=33 ouid=33`,
      }),
    );
  }
  writeFileSync(join(host.dir, 'journal.jsonl'), `${entries.join('\n')}\n`);
  const c = new Collect();
  let count = 0;
  // a view slower than journalctl: each record takes a little while
  const slow = () => {
    count++;
    const until = performance.now() + 0.02;
    while (performance.now() < until);
  };
  const s = await startLiveSources(liveOpts(host, { sources: ['audit'], follow: false, tuning: { ...FAST, queueLines: 2000 } }), { ...c.sink, record: slow });
  try {
    await waitFor('every entry', () => count + s.counts().dropped >= n, 60_000);
    assert.equal(s.counts().dropped, 0, 'nothing dropped');
    assert.equal(count, n);
  } finally {
    await s.stop();
    host.cleanup();
  }
});
