/**
 * What Linux 6.12 (Debian 13) writes differently from 6.1 (Debian 12), from the kernel suite's real
 * captures (test/fixtures/kernel-6.12 and test/fixtures/kernel): every mediation record carries a
 * `class=` field, which is kept as the kernel wrote it and changes no verdict; a change_profile
 * denial says class="file".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { LineParser } from '../../src/parse/line-parser.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { asPlain } from '../classify/helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const lines = (dir: string, file: string) => readFileSync(join(FIXTURES, dir, file), 'utf8').split('\n');

function parse(input: Iterable<string>, name = 'k'): AppArmorRecord[] {
  const out: AppArmorRecord[] = [];
  const p = new LineParser(name, { record: (r) => out.push(r), unparsable: (u) => assert.fail(`unparsable: ${u.reason}`), loss: () => {} });
  for (const l of input) p.push(l);
  p.end();
  return out;
}

const MEDIATION = new Set(['DENIED', 'ALLOWED']);
// the Debian 13 capture has no audit.log (see its README)
const CARRIERS = ['dmesg.txt', 'journal-audit-json.ndjson', 'journal-audit-short.txt'];

test('6.12: every DENIED/ALLOWED record in every carrier has a class; 6.1: none has', () => {
  for (const file of CARRIERS) {
    const newer = parse(lines('kernel-6.12', file)).filter((r) => MEDIATION.has(r.kind));
    assert.ok(newer.length > 20, file);
    assert.deepEqual(
      newer.filter((r) => !r.fields.class).map((r) => r.raw),
      [],
      `kernel-6.12/${file}`,
    );
    const older = parse(lines('kernel', file)).filter((r) => MEDIATION.has(r.kind));
    assert.ok(older.length > 20, file);
    assert.deepEqual(
      older.filter((r) => r.fields.class !== undefined).map((r) => r.raw),
      [],
      `kernel/${file}`,
    );
  }
  const classes = new Set(
    parse(lines('kernel-6.12', 'journal-audit-short.txt'))
      .map((r) => r.fields.class)
      .filter(Boolean),
  );
  for (const c of ['file', 'net', 'cap', 'signal', 'ptrace', 'mount', 'namespace']) assert.ok(classes.has(c), `class ${c} seen`);
});

// one real line per class (and the operations Linux 6.1 never wrote), as captured
const CASES: { line: string; kind: string; fields: Record<string, string> }[] = [
  {
    line: '[  270.790964] audit: type=1400 audit(1796358610.483:111): apparmor="DENIED" operation="exec" class="file" profile="demo-svc" name="/usr/bin/dash" pid=527 comm="demo-svc" requested_mask="x" denied_mask="x" fsuid=0 ouid=0',
    kind: 'DENIED',
    fields: {
      apparmor: 'DENIED',
      operation: 'exec',
      class: 'file',
      profile: 'demo-svc',
      name: '/usr/bin/dash',
      pid: '527',
      comm: 'demo-svc',
      requested_mask: 'x',
      denied_mask: 'x',
      fsuid: '0',
      ouid: '0',
    },
  },
  {
    line: '[  272.620587] audit: type=1400 audit(1796358612.307:113): apparmor="DENIED" operation="create" class="net" profile="demo-svc" pid=529 comm="demo-svc" family="inet" sock_type="stream" protocol=0 requested_mask="create" denied_mask="create"',
    kind: 'DENIED',
    fields: {
      apparmor: 'DENIED',
      operation: 'create',
      class: 'net',
      profile: 'demo-svc',
      pid: '529',
      comm: 'demo-svc',
      family: 'inet',
      sock_type: 'stream',
      protocol: '0',
      requested_mask: 'create',
      denied_mask: 'create',
    },
  },
  {
    line: '[  283.860106] audit: type=1400 audit(1796358623.551:122): apparmor="DENIED" operation="capable" class="cap" profile="demo-svc" pid=542 comm="demo-svc" capability=2  capname="dac_read_search"',
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'capable', class: 'cap', profile: 'demo-svc', pid: '542', comm: 'demo-svc', capability: '2', capname: 'dac_read_search' },
  },
  {
    line: '[  291.649463] audit: type=1400 audit(1796358631.327:131): apparmor="DENIED" operation="mount" class="mount" info="failed mntpnt match" error=-13 profile="demo-mnt" name="/tmp/aa-scn/mnt/" pid=554 comm="demo-mnt" fstype="tmpfs" srcname="demo-tmpfs" flags="rw, silent"',
    kind: 'DENIED',
    fields: {
      apparmor: 'DENIED',
      operation: 'mount',
      class: 'mount',
      info: 'failed mntpnt match',
      error: '-13',
      profile: 'demo-mnt',
      name: '/tmp/aa-scn/mnt/',
      pid: '554',
      comm: 'demo-mnt',
      fstype: 'tmpfs',
      srcname: 'demo-tmpfs',
      flags: 'rw, silent',
    },
  },
  {
    line: '[  298.324978] audit: type=1400 audit(1796358637.959:139): apparmor="DENIED" operation="userns_create" class="namespace" profile="demo-ns" pid=564 comm="unshare" requested="userns_create" denied="userns_create"',
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'userns_create', class: 'namespace', profile: 'demo-ns', pid: '564', comm: 'unshare', requested: 'userns_create', denied: 'userns_create' },
  },
  {
    line: '[  395.719963] audit: type=1400 audit(1796358735.407:259): apparmor="ALLOWED" operation="signal" class="signal" profile="demo-svc" pid=663 comm="demo-svc" requested_mask="send" denied_mask="send" signal=term peer="unconfined"',
    kind: 'ALLOWED',
    fields: {
      apparmor: 'ALLOWED',
      operation: 'signal',
      class: 'signal',
      profile: 'demo-svc',
      pid: '663',
      comm: 'demo-svc',
      requested_mask: 'send',
      denied_mask: 'send',
      signal: 'term',
      peer: 'unconfined',
    },
  },
  {
    line: '[  396.791764] audit: type=1400 audit(1796358736.483:260): apparmor="ALLOWED" operation="ptrace" class="ptrace" profile="demo-svc" pid=665 comm="demo-svc" requested_mask="read" denied_mask="read" peer="unconfined"',
    kind: 'ALLOWED',
    fields: { apparmor: 'ALLOWED', operation: 'ptrace', class: 'ptrace', profile: 'demo-svc', pid: '665', comm: 'demo-svc', requested_mask: 'read', denied_mask: 'read', peer: 'unconfined' },
  },
  {
    line: 'Dec 04 04:30:35 aa-guest audit[562]: AVC apparmor="DENIED" operation="change_profile" class="file" profile="demo-chg" name="demo-mnt" pid=562 comm="demo-chg" target="demo-mnt"',
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'change_profile', class: 'file', profile: 'demo-chg', name: 'demo-mnt', pid: '562', comm: 'demo-chg', target: 'demo-mnt' },
  },
];

test('6.12: real lines of each class parse to exactly these fields', () => {
  assert.ok(CASES.length >= 6);
  const captured = new Set(CARRIERS.flatMap((f) => lines('kernel-6.12', f)));
  for (const c of CASES) {
    assert.ok(captured.has(c.line) || [...captured].some((l) => l.endsWith(c.line)), `captured verbatim: ${c.line}`);
    const [r] = parse([c.line]);
    assert.equal(r.kind, c.kind, c.line);
    assert.deepEqual(r.fields, c.fields, c.line);
  }
});

test('6.12: the class field changes no verdict, reason or suggestion (the same records without it)', async () => {
  const { index } = await loadProfileIndex([join(import.meta.dirname, '..', 'kernel', 'guest', 'profiles')]);
  const text = lines('kernel-6.12', 'dmesg.txt');
  const withClass = parse(text).filter((r) => MEDIATION.has(r.kind));
  const without = parse(text.map((l) => l.replace(/ class="[a-z_]+"/, ''))).filter((r) => MEDIATION.has(r.kind));
  assert.equal(withClass.length, without.length);
  const a = createClassifier(index, { uncached: true });
  const b = createClassifier(index, { uncached: true });
  withClass.forEach((r, i) => {
    assert.ok(r.fields.class && !without[i].fields.class);
    assert.deepEqual(asPlain(a.classify(r)), asPlain(b.classify(without[i])), r.raw);
  });
});

test('6.12: a real io_uring denial (SQPOLL) is read as its own class: a missing rule, `io_uring sqpoll,`', async () => {
  const { index } = await loadProfileIndex([]);
  const classifier = createClassifier(index);
  const journal = parse(lines('kernel-6.12', 'io-uring-journal-audit-short.txt'), 'journal');
  assert.deepEqual(
    journal.map((r) => [r.kind, r.fields.operation, r.fields.class, r.fields.profile, r.fields.requested, r.fields.denied]),
    [
      ['DENIED', 'uring_sqpoll', 'io_uring', 'demo-uring', 'sqpoll', 'sqpoll'],
      ['ALLOWED', 'uring_sqpoll', 'io_uring', 'demo-uring', 'sqpoll', 'sqpoll'],
    ],
  );
  const [event] = parse(lines('kernel-6.12', 'io-uring-audit.log'), 'audit.log');
  assert.equal(event.auditId, '1796565551.447:402');
  assert.equal(event.context?.exe, '/usr/bin/perl');
  for (const r of [...journal, event]) {
    const c = classifier.classify(r);
    assert.equal(c.verdict, 'missing-rule', r.raw);
    assert.deepEqual(c.suggestion?.rules, ['io_uring sqpoll,']);
    assert.match(c.reasons.join('\n'), /io_uring ring with a kernel polling thread \(SQPOLL\)/);
  }
});
