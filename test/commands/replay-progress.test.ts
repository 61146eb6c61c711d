// `--json` or `--plain` into a file: a long read says how far it is on stderr when that is a
// terminal, erases the line before anything else is written there, and never draws into a pipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { replay } from '../../src/commands/ndjson.js';
import { readerProgress } from '../../src/commands/progress.js';
import { SavedInputReader } from '../../src/pipeline/saved-inputs.js';
import { Sink } from '../timeline/helpers.js';
import { waitFor } from '../support/wait.js';

const denial = (i: number) =>
  `[${i}.000000] audit: type=1400 audit(1795316400.${String(i % 1000).padStart(3, '0')}:${i}): apparmor="DENIED" operation="open" profile="p" name="/n${i}" pid=${i} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;
const part = (from: number, n: number) => Array.from({ length: n }, (_, k) => denial(from + k)).join('\n') + '\n';

/**
 * `--json` replayed from a named pipe into `out`, stderr into `err` (a terminal when `tty`):
 * `whileOpen` runs with 500 lines in the pipe and the pipe still open, then `more` lines end it.
 */
async function replayFromPipe(
  t: { after(f: () => void): void },
  o: { tty: boolean; progress: boolean; more: number },
  whileOpen: (out: Sink, err: Sink) => Promise<void>,
): Promise<{ out: Sink; err: Sink }> {
  const dir = mkdtempSync(join(tmpdir(), 'aa-replay-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const out = new Sink();
  const err = new Sink();
  if (o.tty) err.isTTY = true;
  const done = replay([{ path: fifo, name: 'fifo' }], out, err, { format: 'json', progress: o.progress ? err : undefined, progressDelayMs: 0 });
  const w = createWriteStream(fifo);
  w.write(part(1, 500));
  try {
    await whileOpen(out, err);
  } finally {
    // the pipe ends whatever was found, so that the replay ends too
    w.end(part(501, o.more));
    await done;
  }
  return { out, err };
}

test('--json from a pipe: a progress line while it is read, erased before the summary', async (t) => {
  const { out, err } = await replayFromPipe(t, { tty: true, progress: true, more: 500 }, async (_, err) => {
    // the first lines are read, the pipe is still open: the line says how many, with no share (a pipe has no size)
    await waitFor('a progress line', () => /aa-triage: reading fifo: [1-9][\d,]* lines, [\d,]+ records, [\d.]+ MB/.test(err.text));
    assert.doesNotMatch(err.text, /%/);
  });
  assert.equal(out.text.trim().split('\n').length, 1000);
  const summary = err.text.indexOf('aa-triage: 1000 lines read');
  assert.ok(summary > 0, err.text);
  assert.ok(err.text.slice(0, summary).endsWith('\r\x1b[K'), 'the progress line is erased before the summary');
});

test('no progress line when stderr is not a terminal, or when none is asked for', async (t) => {
  for (const o of [
    { tty: false, progress: true, more: 10 },
    { tty: true, progress: false, more: 10 },
  ]) {
    const { err } = await replayFromPipe(t, o, (out) => waitFor('the first records written', () => out.text.split('\n').length > 100));
    assert.doesNotMatch(err.text, /reading/);
    assert.match(err.text, /510 lines read/);
  }
});

test('a progress line is drawn only when the records go to a file or /dev/null, never into a pipe', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-progress-out-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = resolve(import.meta.dirname, '..', '..');
  const ask = (stdout: 'pipe' | number) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/commands/progress.ts').then((m) => process.stderr.write(String(m.outputLeavesTerminal(1))))"], {
      cwd: root,
      stdio: ['ignore', stdout, 'pipe'],
      encoding: 'utf8',
    }).stderr;
  const file = openSync(join(dir, 'out.ndjson'), 'w');
  const devNull = openSync('/dev/null', 'w');
  try {
    assert.equal(ask(file), 'true');
    assert.equal(ask(devNull), 'true');
    assert.equal(ask('pipe'), 'false');
  } finally {
    closeSync(file);
    closeSync(devNull);
  }
});

test("both replay commands' progress lines read the reader the same way: the input being read, its lines, every record, the bytes, the share", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-reader-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kern.log');
  writeFileSync(path, part(1, 12_000)); // 2.5 MB: three chunks
  const seen: ReturnType<typeof readerProgress>[] = [];
  const reader: SavedInputReader = new SavedInputReader({ record: () => undefined }, { pace: () => void seen.push(readerProgress(reader)) });
  assert.deepEqual(readerProgress(reader), { input: '', lines: 0, records: 0, bytes: 0, fraction: undefined });
  await reader.read([{ path, name: 'kern.log' }]);
  assert.ok(seen.length >= 3);
  assert.deepEqual(
    { ...seen[0], lines: seen[0].lines > 0, records: seen[0].records > 0 },
    { input: 'kern.log', lines: true, records: true, bytes: 1 << 20, fraction: (1 << 20) / statSync(path).size },
  );
  assert.deepEqual(seen[seen.length - 1], { input: 'kern.log', lines: 12_000, records: 12_000, bytes: statSync(path).size, fraction: 1 });
});
