import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { logLines } from '../../bench/generate.mjs';
import { scanStream } from '../../src/ingest/lines.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { accessKey, accessKeyPlain } from '../../src/timeline/key-records.js';
import { fixtureFiles } from '../support/fixture-files.js';

const ROOT = join(import.meta.dirname, '..', '..');
const VERDICTS = ['likely-attack', 'missing-rule', 'unclear', 'info', 'unclassified'];

async function records(bytes: Buffer, name: string): Promise<AppArmorRecord[]> {
  const out: AppArmorRecord[] = [];
  const pipeline = new Pipeline({ record: (r) => void out.push(r) }, {});
  const parser = pipeline.parserFor(name);
  await scanStream(Readable.from([bytes]), parser.asSink(), { filter: true });
  parser.end();
  return out;
}

test('the remembered access key is the plain one: every fixture record, a generated flood, every verdict, twice', async () => {
  const all: AppArmorRecord[] = [];
  for (const f of fixtureFiles(join(ROOT, 'test', 'fixtures'))) all.push(...(await records(readFileSync(f), f)));
  // a flood: the same denials again and again, from records that share their fields
  const flood: string[] = [];
  for (const line of logLines({ carrier: 'dmesg', share: 1, seed: 3, lines: 3000, mix: 'flood' }, { lines: 0, records: 0 })) flood.push(line);
  all.push(...(await records(Buffer.from(`${flood.join('\n')}\n`), 'flood')));
  assert.ok(all.length > 3000, `records read: ${all.length}`);
  let checked = 0;
  for (let round = 0; round < 2; round++) {
    for (const r of all) {
      for (const v of VERDICTS) {
        assert.equal(accessKey(r, v), accessKeyPlain(r, v), `${r.source.name}:${r.source.line} ${v}`);
        checked++;
      }
    }
  }
  assert.equal(checked, all.length * VERDICTS.length * 2);
});
