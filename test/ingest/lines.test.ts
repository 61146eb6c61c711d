import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync, chmodSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { forEachLine, MAX_LINE, scanStream } from '../../src/ingest/lines.js';
import { openInput, openInputChunks, InputError } from '../../src/ingest/inputs.js';
import { waitFor } from '../support/wait.js';

/** How many of this process's descriptors are open on the file at `path`. */
function fdsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed between the listing and the look
    }
  }
  return n;
}

async function lines(chunks: (string | Buffer)[]) {
  const out: string[] = [];
  const stats = await forEachLine(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), (l) => out.push(l));
  return { out, stats };
}

test('lines split across chunks, a last line without newline, CRLF left to the parser', async () => {
  const { out } = await lines(['ab', 'c\nde', 'f\n\ng\r\nlast']);
  assert.deepEqual(out, ['abc', 'def', '', 'g\r', 'last']);
});

test('invalid UTF-8 and NUL bytes survive as text', async () => {
  const { out } = await lines([Buffer.from([0x61, 0xff, 0x00, 0x62, 0x0a])]);
  assert.deepEqual(out, ['a\ufffd\u0000b']);
});

test('a multi-byte character split between chunks is decoded whole', async () => {
  const e = Buffer.from('é\n');
  const { out } = await lines([e.subarray(0, 1), e.subarray(1)]);
  assert.deepEqual(out, ['é']);
});

test('a line over the limit is cut there and counted, and the next line is intact', async () => {
  const big = Buffer.alloc(MAX_LINE + 100, 0x61);
  const { out, stats } = await lines([big.subarray(0, MAX_LINE / 2), big.subarray(MAX_LINE / 2), Buffer.from('\nnext\n')]);
  assert.equal(out.length, 2);
  assert.equal(out[0].length, MAX_LINE);
  assert.equal(out[1], 'next');
  assert.equal(stats.cut, 1);
});

test('openInput reads gzip by its magic bytes, whatever the name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aat-in-'));
  const p = join(dir, 'kern.log.1');
  writeFileSync(p, gzipSync('one\ntwo\n'));
  const out: string[] = [];
  await forEachLine(await openInput(p), (l) => out.push(l));
  assert.deepEqual(out, ['one', 'two']);
});

test('openInput explains missing, unreadable and directory inputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aat-in-'));
  await assert.rejects(openInput(join(dir, 'nope')), (e: unknown) => e instanceof InputError && /no such file/.test((e as Error).message));
  await assert.rejects(openInput(dir), /is a directory/);
  const locked = join(dir, 'locked');
  writeFileSync(locked, 'x');
  chmodSync(locked, 0o000);
  if (process.getuid?.() !== 0) await assert.rejects(openInput(locked), /permission denied/);
});

test('a plain file read through two reused buffers taking turns gives every line the stream gives, filtered or not, gzip too', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aat-in-')));
  // several chunks of 1 MiB, lines of every length cut between them, marker lines and others
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 3.5 * (1 << 20); i++) {
    const pad = 'x'.repeat((i * 7919) % 3000);
    lines.push(
      i % 3 === 0
        ? `[${i}.000000] audit: type=1400 audit(1795316400.${String(i % 1000).padStart(3, '0')}:${i}): apparmor="DENIED" operation="open" profile="p" name="/n${i}" pid=${i} comm="c" ${pad}`
        : `line ${i} é ${pad}`,
    );
  }
  const text = `${lines.join('\n')}\nlast without newline`;
  const plain = join(dir, 'big.log');
  writeFileSync(plain, text);
  const gz = join(dir, 'big.log.gz');
  writeFileSync(gz, gzipSync(text));
  for (const filter of [false, true]) {
    const want: string[] = [];
    let skippedWant = 0;
    await scanStream(await openInput(plain), { line: (l) => want.push(l), skip: (n) => (skippedWant += n) }, { filter });
    for (const p of [plain, gz]) {
      const got: string[] = [];
      let skipped = 0;
      const stats = await scanStream(await openInputChunks(p), { line: (l) => got.push(l), skip: (n) => (skipped += n) }, { filter });
      assert.deepEqual(got, want, `${p}, filter ${filter}`);
      assert.equal(skipped, skippedWant);
      assert.equal(stats.bytes, Buffer.byteLength(text));
    }
    assert.equal(want.length + skippedWant, lines.length + 1);
  }
  // a reader that stops after one chunk leaves the next read under way: it is waited for, the file closed.
  // Only this file's descriptors are counted (others open and close on their own), and the streams
  // above close theirs in their own time, so they are waited for first.
  await waitFor('the streams above to close the file', () => fdsOn(plain) === 0);
  const first: number[] = [];
  for await (const chunk of await openInputChunks(plain)) {
    first.push(chunk.length);
    assert.equal(fdsOn(plain), 1, 'the file is open while it is read');
    break;
  }
  assert.deepEqual(first, [1 << 20]);
  assert.equal(fdsOn(plain), 0, 'the file is closed');
  await assert.rejects(openInputChunks(join(dir, 'nope')), (e: unknown) => e instanceof InputError && /no such file/.test((e as Error).message));
});

test('the bytes read are counted chunk by chunk, so a progress line shows them while the input is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-lines-progress-'));
  const line = `${'x'.repeat(99)}\n`;
  const text = line.repeat(30_000); // 3 MB: three chunks
  const path = join(dir, 'three.log');
  writeFileSync(path, text);
  // a reader may ask for smaller chunks (the interactive view does): the same lines come
  const small: number[] = [];
  const smallLines: string[] = [];
  await scanStream(await openInputChunks(path, 1 << 18), { line: (l) => smallLines.push(l) }, {}, { bytes: 0, cut: 0 }, () => void small.push(0));
  assert.equal(small.length, Math.ceil(text.length / (1 << 18)));
  assert.equal(smallLines.length, 30_000);
  const stats = { bytes: 7, cut: 0 };
  const seen: number[] = [];
  const chunks = await openInputChunks(path);
  assert.equal(chunks.size, text.length, 'a plain file says its size');
  await scanStream(chunks, { line: () => undefined }, {}, stats, () => {
    seen.push(stats.bytes);
    return undefined;
  });
  // between chunks: what this stream gave so far, over what the stats held before it
  assert.deepEqual(seen, [7 + (1 << 20), 7 + 2 * (1 << 20), 7 + text.length]);
  assert.equal(stats.bytes, 7 + text.length);
  // a gzip holds other bytes than its file's: its size and how much of the file is read say how far it is
  const gz = join(dir, 'three.log.gz');
  writeFileSync(gz, gzipSync(text));
  const zipped = await openInputChunks(gz);
  assert.equal(zipped.size, statSync(gz).size);
  let given = 0;
  for await (const chunk of zipped) given += chunk.length;
  assert.equal(given, text.length);
  assert.equal(zipped.fileRead!(), statSync(gz).size);
});
