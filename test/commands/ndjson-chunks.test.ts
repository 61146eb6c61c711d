import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { recordText, replay, type StreamFormat } from '../../src/commands/ndjson.js';
import { jsonInert, recordToJson } from '../../src/outputs/json.js';
import { ingestInputs } from '../../src/pipeline/saved-inputs.js';
import { loadEnrichment } from '../../src/classify/enrich.js';
import { logLines } from '../../bench/generate.mjs';
import { file, kline } from '../classify/helpers.js';

const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();

test('--json and --plain write into byte chunks exactly the texts of the records, one after the other: multi-byte names, a record longer than a chunk, a flood, audit.log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-chunks-'));
  try {
    const path = join(dir, 'mixed.log');
    const odd = [
      // names the kernel wrote in hex: two-, three- and four-byte UTF-8 characters
      kline(1, 'DENIED', `operation="open" class="file" profile="svc" name=${hex('/srv/é/雪/🙂/x')} pid=4242 comm="svc" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`),
      // a record whose text is longer than a chunk (64 KB) even before its characters are encoded
      file(2, 'svc', 'open', `/srv/${'雪'.repeat(30_000)}`, 'r', { pid: 77 }),
      file(3, 'svc', 'open', `/srv/${'a'.repeat(21_840)}`, 'w', { pid: 78 }),
    ];
    // one-offs, then a flood (its records' fields and verdicts written from kept pieces), then audit.log's
    const generated = [
      ...logLines({ carrier: 'dmesg', lines: 6000, share: 0.5, seed: 5 }),
      ...logLines({ carrier: 'dmesg', lines: 6000, share: 0.5, seed: 6, mix: 'flood' }),
      ...logLines({ carrier: 'auditlog', lines: 3000, share: 0.5, seed: 7, mix: 'flood' }),
    ];
    writeFileSync(path, `${[...generated.slice(0, 3000), ...odd, ...generated.slice(3000)].join('\n')}\n`);
    for (const format of ['json', 'plain'] as StreamFormat[]) {
      for (const raw of [false, true]) {
        // the plain way: every record's text, joined, --json's as JSON.stringify writes the record's
        // object (each run with a classifier of its own: its sequence memory would carry one run's
        // records into the other's verdicts)
        let want = '';
        await ingestInputs(
          [{ path, name: 'mixed' }],
          (r) => {
            want += format === 'json' ? `${jsonInert(JSON.stringify(recordToJson(r, { raw })))}\n` : recordText(r, format, { raw, utc: true });
          },
          { enrich: (await loadEnrichment(['demo/apparmor.d']))!.enrich },
        );
        const chunks: Buffer[] = [];
        const out = new Writable({
          write(chunk: Buffer, _enc, cb) {
            chunks.push(Buffer.from(chunk));
            cb();
          },
        });
        const err = new Writable({ write: (_c, _e, cb) => cb() });
        const counts = await replay([{ path, name: 'mixed' }], out, err, { format, raw, utc: true, enrich: (await loadEnrichment(['demo/apparmor.d']))!.enrich });
        assert.ok(counts.records > 6500, `${counts.records} records`);
        const got = Buffer.concat(chunks);
        assert.ok(got.equals(Buffer.from(want)), `${format}${raw ? ' raw' : ''}: ${got.length} bytes against ${Buffer.byteLength(want)}`);
        // --plain cuts a value that long (model/safe-text.ts DOCUMENT_TEXT_MAX); --json keeps it whole
        if (format === 'json') assert.ok(want.includes('雪'.repeat(30_000)), 'the long record is in');
        else assert.ok(want.includes('雪'.repeat(8000)) && /\d+ more characters/.test(want), 'the long record is in, cut');
        assert.ok(chunks.length > 2);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the summary is written after the last record is out, also when stdout is slow (one pipe for both: 2>&1)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-order-'));
  try {
    const path = join(dir, 'flood.log');
    writeFileSync(path, `${[...logLines({ carrier: 'dmesg', lines: 3000, share: 1, seed: 3 })].join('\n')}\n`);
    const order: string[] = [];
    // a slow reader: each chunk is taken a few milliseconds after it was handed over
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk: Buffer, _enc, cb) {
        setTimeout(() => {
          order.push('records');
          cb();
        }, 3);
      },
    });
    const err = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.toString().includes('AppArmor records')) order.push('summary');
        cb();
      },
    });
    await replay([{ path, name: 'flood' }], out, err, { format: 'json' });
    // every chunk taken before the order is read
    await new Promise<void>((resolve) => out.end(resolve));
    assert.ok(order.filter((o) => o === 'records').length > 2, 'several chunks');
    assert.equal(order.indexOf('summary'), order.length - 1, `the summary comes last: ${order.join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
