/**
 * The shortcuts change nothing: every input read the product's way (lines filtered in the
 * scanner, records from their templates, the classifier's caches) gives, record for record, what
 * the general path gives (every line decoded and parsed in full, every record classified from
 * scratch): every field, the context, the line number, the verdict and the reasons' text, the
 * NDJSON line, the digest, and the unparsable lines, loss notices and counts. Over every fixture
 * and generated logs of every mix (one-offs, floods, all distinct) in every carrier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CARRIERS, logLines, MIXES, prng } from '../../bench/generate.mjs';
import { createClassifier } from '../../src/classify/index.js';
import { scanStream } from '../../src/ingest/lines.js';
import { digestOf } from '../../src/model/digest.js';
import { dropIdleCaches } from '../../src/model/idle-caches.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import type { ProfileIndex } from '../../src/profiles/types.js';
import { recordToNdjson } from '../../src/outputs/json.js';
import { fixtureFiles } from '../support/fixture-files.js';
import { mutate } from '../support/mutate.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLOCK = { bootTime: 1_795_305_600_000, year: 2026, now: 1_795_400_000_000 };

/** Everything a record says, as one line of text. */
function describe(r: AppArmorRecord): string {
  const { id1, id2, cls1, cls2 } = digestOf(r);
  const c = r.classification;
  return JSON.stringify([
    r.kind,
    Object.entries(r.fields),
    r.time ?? null,
    r.timeApprox ?? null,
    r.uptime ?? null,
    r.serial ?? null,
    r.auditId ?? null,
    r.host ?? null,
    r.carrier,
    r.auditType ?? null,
    r.source.name,
    r.source.line,
    r.raw,
    r.rawTruncated ?? null,
    r.context ?? null,
    c ? [c.verdict, c.confidence, c.reasons, c.suggestion ?? null] : null,
    [id1, id2, cls1, cls2],
    recordToNdjson(r, { raw: true }),
  ]);
}

interface Reading {
  lines: string[];
  hash: string;
}

/** The inputs' bytes through one pipeline, the product's way or the general one. */
async function read(inputs: { name: string; bytes: Buffer }[], index: ProfileIndex | undefined, general: boolean, chunk: number, dropEvery = 0): Promise<Reading> {
  const out: string[] = [];
  const classifier = createClassifier(index, { uncached: general });
  let records = 0;
  const pipeline = new Pipeline(
    {
      record: (r) => {
        out.push(describe(r));
        // an idle view dropping the caches (model/idle-caches.ts), here between any two records
        if (dropEvery && ++records % dropEvery === 0) assert.ok(dropIdleCaches() >= 2, 'the templates and the results dropped');
      },
      unparsable: (u) => out.push(`unparsable ${JSON.stringify(u)}`),
      loss: (n) => out.push(`loss ${JSON.stringify(n)}`),
    },
    { clock: CLOCK, plain: general, enrich: (r) => void (r.classification = classifier.classify(r)) },
  );
  for (const input of inputs) {
    const parser = pipeline.parserFor(input.name);
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.bytes.length; i += chunk) chunks.push(input.bytes.subarray(i, i + chunk));
    await scanStream(Readable.from(chunks), parser.asSink(), { filter: !general });
    parser.end();
  }
  out.push(`counts ${JSON.stringify(pipeline.collect())}`);
  return { lines: out, hash: createHash('sha256').update(out.join('\n')).digest('hex') };
}

async function assertSame(what: string, inputs: { name: string; bytes: Buffer }[], index: ProfileIndex | undefined, minRecords: number, dropEvery = 0): Promise<void> {
  const want = await read(inputs, index, true, 1 << 16);
  // odd chunk sizes: lines cut between reads take the same path
  for (const chunk of [1 << 20, 4093]) {
    const got = await read(inputs, index, false, chunk, dropEvery);
    if (got.hash !== want.hash) {
      const i = got.lines.findIndex((l, k) => l !== want.lines[k]);
      assert.equal(got.lines[i], want.lines[i], `${what} (chunks of ${chunk} bytes): entry ${i} differs`);
      assert.equal(got.lines.length, want.lines.length, `${what}: as many entries`);
    }
  }
  const records = want.lines.filter((l) => l.startsWith('[')).length;
  assert.ok(records >= minRecords, `${what}: ${records} records compared`);
}

const demoIndex = async () => (await loadProfileIndex([join(ROOT, 'demo', 'apparmor.d')])).index;

test('every fixture: the same records, verdicts and reasons both ways', async () => {
  const index = await demoIndex();
  const paths = [
    ...fixtureFiles(join(ROOT, 'test', 'fixtures', 'kernel')),
    ...fixtureFiles(join(ROOT, 'test', 'fixtures', 'sources')),
    ...fixtureFiles(join(ROOT, 'test', 'fixtures', 'timeline')),
    join(ROOT, 'demo', 'incident.log'),
  ];
  for (const p of paths) {
    const bytes = readFileSync(p);
    // each file alone, and twice in a row (the second time every record is a repeat)
    await assertSame(p, [{ name: p, bytes }], index, 0);
    await assertSame(`${p} twice`, [{ name: p, bytes: Buffer.concat([bytes, bytes]) }], index, 0);
  }
  const cases = readFileSync(join(ROOT, 'test', 'fixtures', 'libapparmor', 'cases.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const corpus = Buffer.from(`${cases.map((l) => (JSON.parse(l) as { in: string }).in).join('\n')}\n`);
  await assertSame('the libapparmor corpus', [{ name: 'corpus', bytes: Buffer.concat([corpus, corpus]) }], index, 100);
  await assertSame('the libapparmor corpus without profiles', [{ name: 'corpus', bytes: corpus }], undefined, 100);
});

test('generated logs of every mix and carrier: the same both ways', async () => {
  const index = await demoIndex();
  for (const carrier of CARRIERS) {
    for (const mix of MIXES) {
      const bytes = Buffer.from(`${[...logLines({ carrier, mix, lines: 6000, share: 0.5, seed: 5 })].join('\n')}\n`);
      await assertSame(`${carrier} ${mix}`, [{ name: `${carrier}-${mix}`, bytes }], index, 2000);
    }
  }
});

test('one-off records long enough for the templates to step aside, then a flood that brings them back: the same both ways', async () => {
  const index = await demoIndex();
  // one-offs through one pause of the templates, a flood when they are tried again, then lines
  // met before (merged as duplicates of the first ones)
  const oneOffs = [...logLines({ carrier: 'dmesg', mix: 'mixed', lines: 17000, share: 1, seed: 7 })];
  const flood = [...logLines({ carrier: 'dmesg', mix: 'flood', lines: 3000, share: 1, seed: 7 })];
  const bytes = Buffer.from(`${[...oneOffs, ...flood, ...oneOffs.slice(0, 3000)].join('\n')}\n`);
  await assertSame('one-offs, then a flood', [{ name: 'one-offs-then-flood', bytes }], index, 20000);
});

test('the caches dropped as an idle view drops them, again and again in a flood and in one-offs: the same both ways', async () => {
  const index = await demoIndex();
  const flood = [...logLines({ carrier: 'dmesg', mix: 'flood', lines: 6000, share: 1, seed: 13 })];
  const oneOffs = [...logLines({ carrier: 'auditlog', mix: 'mixed', lines: 6000, share: 0.6, seed: 13 })];
  const bytes = Buffer.from(`${[...flood, ...oneOffs, ...flood.slice(0, 2000)].join('\n')}\n`);
  // every 700 records: mid-flood, where the templates and the results are in full use
  await assertSame('caches dropped', [{ name: 'dropped', bytes }], index, 8000, 700);
});

test('lines that look like a known record but differ in a byte, a pid or a clock: the same both ways', async () => {
  const index = await demoIndex();
  const base = [...logLines({ carrier: 'dmesg', mix: 'flood', lines: 400, share: 1, seed: 3 })];
  const variants: string[] = [];
  for (const [i, l] of base.entries()) {
    // twice: a template is learnt from a line met again (the copy is merged as a duplicate)
    variants.push(l, l);
    variants.push(l.replace(/ pid=\d+/, ` pid=${i % 3 === 0 ? '1' : i % 3 === 1 ? '4294967295' : '07'}`));
    variants.push(l.replace(/ pid=\d+/, ''));
    variants.push(l.replace(/ pid=(\d+)/, ' pid=$1 pid=9'));
    variants.push(l.replace(/ pid=(\d+)/, ' pid=x$1'));
    variants.push(l.replace(/name="([^"]*)"/, 'name="$1\\"q"'));
    variants.push(l.replace(/name="([^"]*)"/, 'name="$1é"'));
    variants.push(`${l}\r`);
    variants.push(`${l} `);
    variants.push(l.replace(/audit\((\d+)\.(\d+):(\d+)\)/, 'audit($1.$2$2:$3)'));
    variants.push(l.replace(/audit\((\d+)\.(\d+):(\d+)\)/, 'audit($1:$3)'));
    variants.push(l.replace(/^\[\s*[\d.]+\]/, '[99999999.5]'));
    variants.push(l.replace(/^\[\s*[\d.]+\] /, ''));
    variants.push(l.replace(/apparmor="DENIED"/, 'apparmor="denied"'));
    variants.push(l.replace(/comm="([^"]*)"/, 'comm=6E67696E78'));
    variants.push(l.replace(/comm="([^"]*)"/, "comm='x'"));
    variants.push(l.replace(/ /g, '  '));
    variants.push(`${l} kauditd_printk_skb: 3 callbacks suppressed`);
    // headers the kernel never writes: run into the record, with a key in the id's token, a quoted type
    variants.push(l.replace(/\): apparmor=/, '):apparmor='));
    variants.push(l.replace(/\): apparmor=/, '):type=SYSCALL apparmor='));
    variants.push(l.replace(/\): apparmor=/, ')=: apparmor='));
    variants.push(l.replace(/type=1400/, 'type="MESSAGE":1400'));
    // a name whose hex is not UTF-8, met three times (learnt, then served from its template)
    const hex = l.replace(/name="([^"]*)"/, 'name=2F746D702F66BC2E747874');
    variants.push(hex, hex.replace(/ pid=\d+/, ' pid=77'), hex.replace(/ pid=\d+/, ' pid=78'));
  }
  await assertSame('variants', [{ name: 'variants', bytes: Buffer.from(`${variants.join('\n')}\n`) }], index, 3000);
});

test('audit.log events whose SYSCALL and PROCTITLE lines differ where reading them from their bytes could part from their text: the same both ways', async () => {
  const index = await demoIndex();
  const base = [...logLines({ carrier: 'auditlog', mix: 'flood', lines: 3000, share: 0.6, seed: 9 })] as string[];
  const changes: ((l: string) => string)[] = [
    (l) => l,
    (l) => `${l}\r`,
    (l) => l.replace(/ ppid=(\d+)/, ' ppid=$1 ppid=7'),
    (l) => l.replace(/ syscall=/, '\tsyscall='),
    (l) => l.replace(/exe="([^"]*)"/, 'exe="$1é"'),
    (l) => l.replace(/exe="([^"]*)"/, 'exe="$1\\"x"'),
    (l) => l.replace(/exe="([^"]*)"/, "exe='$1'"),
    (l) => l.replace(/comm="([^"]*)"/, 'comm="é"'),
    (l) => l.replace(/proctitle=\S+/, 'proctitle=2F62696E2F7368002D6300'),
    (l) => l.replace(/proctitle=\S+/, 'proctitle=C3A9C3'),
    (l) => l.replace(/^(node=\S+ )?type=SYSCALL/, '$1type=PATH'),
    (l) => l.replace(/^(node=\S+ )?type=PROCTITLE/, '$1type=EOE'),
    (l) => l.replace(/audit\((\d+)\.(\d+):(\d+)\)/, 'audit($1.$2:9$3)'),
    (l) => ` ${l}`,
    (l) => `${l}${' x=1'.repeat(70)}`,
    // a line opening with `{` is no audit.log line: it neither joins the event nor ends it
    (l) => `{${l}`,
    (l) => `{${l.replace(/audit\((\d+)\.(\d+):(\d+)\)/, 'audit($1.$2:9$3)')}`,
  ];
  const lines: string[] = [];
  for (const [i, l] of base.entries()) {
    const context = /^(?:node=\S+ )?type=(?:SYSCALL|PROCTITLE) /.test(l);
    lines.push(context ? changes[i % changes.length](l) : l);
    // an event line after its event has ended (another event in between)
    if (context && i % 23 === 0) lines.push(l);
  }
  await assertSame('audit.log event variants', [{ name: 'auditlog-events', bytes: Buffer.from(`${lines.join('\n')}\n`) }], index, 1000);
});

/** The spans a repeated record differs in: its pid, its audit serial, a raw dmesg clock. */
function varied(l: string, r: () => number): string {
  return l
    .replace(/pid=\d+/, () => `pid=${1 + Math.floor(r() * 8)}`)
    .replace(/:(\d+)\)/, (_, s: string) => `:${Number(s) + Math.floor(r() * 1000)})`)
    .replace(/^\[\s*(\d+)\.(\d+)\]/, (_, a: string, b: string) => `[${Number(a) + Math.floor(r() * 5)}.${b}]`);
}

test('mutated fixture lines, each met several times with new pids, serials and clocks: the same both ways', async () => {
  const index = await demoIndex();
  // every record line of the fixtures (kernel captures, sources, timelines, the demo) and of the
  // libapparmor and real-world corpora
  const pool: string[] = [];
  for (const p of [...fixtureFiles(join(ROOT, 'test', 'fixtures')), join(ROOT, 'demo', 'incident.log')]) {
    for (const l of readFileSync(p, 'utf8').split('\n')) {
      if (p.endsWith('.jsonl') && l.startsWith('{"')) {
        const o = JSON.parse(l) as { in?: unknown; line?: unknown };
        for (const v of [o.in, o.line]) if (typeof v === 'string') pool.push(v);
      } else if (/apparmor|APPARMOR|type=150|msg=audit\(/.test(l)) pool.push(l);
    }
  }
  assert.ok(pool.length > 2000, `lines to mutate: ${pool.length}`);
  for (let seed = 1; seed <= 4; seed++) {
    const r = prng(seed);
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const line = mutate(pool[Math.floor(r() * pool.length)], r);
      // met again: a template is learnt from a line met twice, and serves the ones after
      const times = 1 + Math.floor(r() * 4);
      for (let k = 0; k < times; k++) lines.push(k === 0 ? line : varied(line, r));
    }
    await assertSame(`seed ${seed}`, [{ name: `mutated-${seed}`, bytes: Buffer.from(`${lines.join('\n')}\n`) }], index, 1000);
  }
});

test('a line of the next event that gives no record, in any carrier, still ends the audit.log event before it: the same both ways', async () => {
  const index = await demoIndex();
  const lines: string[] = [];
  for (let n = 0; n < 40; n += 2) {
    const id = (k: number) => `msg=audit(1795316400.${String(n % 1000).padStart(3, '0')}:${4000 + k})`;
    lines.push(
      `type=AVC ${id(n)}: apparmor="DENIED" operation="open" profile="/usr/sbin/nginx" name="/srv/www/${n % 4}" pid=${300 + (n % 3)} comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0`,
    );
    // the next event's record, unreadable (a kind no kernel writes, a value cut off), or a line of
    // another event in another carrier (pretty-printed dmesg JSON, a journal line)
    if (n % 8 === 2) lines.push(`    "msg": "audit: type=1302 msg=audit(1795316401.000:${9000 + n}): item=1 name=(null)",`);
    else if (n % 8 === 6) lines.push(`Jun 02 17:15:37 h kernel: audit: type=1302 msg=audit(1795316401.000:${9000 + n}): item=1`);
    else lines.push(n % 4 ? `type=AVC ${id(n + 1)}: apparmor="WEIRD" operation="open"` : `type=AVC ${id(n + 1)}: apparmor="DENIED" operation="open" name="/srv/www/ab`);
    // then a line of the first event: it no longer joins it
    lines.push(`type=SYSCALL ${id(n)}: arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c items=1 ppid=1 pid=${300 + (n % 3)} auid=4294967295 uid=33 comm="nginx" exe="/usr/sbin/nginx"`);
  }
  await assertSame('an unreadable line of the next event', [{ name: 'events', bytes: Buffer.from(`${lines.join('\n')}\n`) }], index, 20);
});

test('an audit.log record whose header holds its id in another form than its event lines: the same both ways', async () => {
  const index = await demoIndex();
  const lines: string[] = [];
  for (let n = 0; n < 30; n++) {
    const id = `1795316400.${String(n % 1000).padStart(3, '0')}:${4000 + n}`;
    // `audit(` twice: the record's id is read from it, but its text is not its event lines'
    const header = n % 3 === 0 ? `msg=audit(audit(${id})` : n % 3 === 1 ? `msg=audit(${id}x)` : `msg=audit(${id})`;
    lines.push(
      `type=AVC ${header}: apparmor="DENIED" operation="open" profile="/usr/sbin/nginx" name="/srv/www/${n % 4}" pid=${300 + (n % 3)} comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0`,
    );
    lines.push(
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c items=1 ppid=1 pid=${300 + (n % 3)} auid=4294967295 uid=33 comm="nginx" exe="/usr/sbin/nginx"`,
    );
    lines.push(`type=PROCTITLE msg=audit(${id}): proctitle=6E67696E78`);
  }
  await assertSame('ids in other forms', [{ name: 'ids', bytes: Buffer.from(`${lines.join('\n')}\n`) }], index, 30);
});
