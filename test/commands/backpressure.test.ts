import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { replay } from '../../src/commands/ndjson.js';
import { startLiveSources } from '../../src/sources/session.js';
import { fakeHost, liveOpts, Collect, waitFor } from '../sources/helpers.js';
import { logLines } from '../../bench/generate.mjs';

/** A reader that takes a chunk every few milliseconds, like `| less` or a slow SSH link. */
function slowReader(delayMs: number) {
  let most = 0;
  let taken = 0;
  const w = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      taken += chunk.length;
      setTimeout(cb, delayMs);
    },
  });
  const write = w.write.bind(w);
  w.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
    const ok = (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    most = Math.max(most, w.writableLength);
    return ok;
  }) as typeof w.write;
  return { w, most: () => most, taken: () => taken };
}

test('--json into a slow reader: reading waits for it, so memory does not grow with the input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-bp-'));
  try {
    const file = join(dir, 'flood.log');
    // 20,000 records: about 8 MB of NDJSON, far more than the reader's buffer
    writeFileSync(file, `${[...logLines({ carrier: 'dmesg', lines: 20_000, share: 1, seed: 9 })].join('\n')}\n`);
    const out = slowReader(1);
    const err = new Writable({ write: (_c, _e, cb) => cb() });
    const counts = await replay([{ path: file, name: 'flood' }], out.w, err, { format: 'json' });
    await new Promise<void>((r) => out.w.end(r));
    assert.equal(counts.records, 20_000);
    assert.ok(out.taken() > 6_000_000, `everything was written (${out.taken()} bytes)`);
    // without waiting, everything would sit in the stream's buffer at once
    assert.ok(out.most() < 4 * 1024 * 1024, `at most ${out.most()} bytes were waiting for the reader`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a live session held by its consumer leaves lines queued, then goes on', async () => {
  const host = fakeHost({ journal: false });
  let holding = true;
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'], hold: () => holding }), c.sink);
  try {
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(c.records.length, 0, 'nothing taken while held');
    holding = false;
    await waitFor('records after the hold', () => c.records.length > 0);
  } finally {
    await s.stop();
    host.cleanup();
  }
});
