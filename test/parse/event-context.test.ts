/**
 * The context of an audit.log record read the quick way (each wanted key found by a search, hex
 * values remembered once decoded) equals what the full tokenizer reads and decodes every time:
 * over every fixture, generated logs of every mix, and lines made to differ where the searches
 * could part from the tokenizer (keys in other forms, inside a value, at the line's end, quotes,
 * backslashes, text that is not ASCII, hex that is not UTF-8). A key written twice or a quote left
 * open, which the kernel never writes, are read differently by the two (first key wins in the
 * searches, the last in the tokenizer; the searches find keys inside the open quote).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines } from '../../bench/generate.mjs';
import { contextValue, readContext } from '../../src/parse/event-context.js';
import { decodeHex } from '../../src/parse/fields.js';
import { fixtureFiles } from '../support/fixture-files.js';

const ROOT = join(import.meta.dirname, '..', '..');

const BASE = [
  'type=SYSCALL msg=audit(1795316400.002:4002): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7ffd2c1a a2=80000 a3=0 items=0 ppid=1 pid=6706 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="exporter" exe="/usr/sbin/exporter" subj=/usr/sbin/nginx (enforce) key=(null)\u001dARCH=x86_64 SYSCALL=openat AUID="unset" UID="www-data"',
  'node=web-01 type=SYSCALL msg=audit(1.5:2): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 auid=1000 comm="sh" exe=2F746D702F78\u001dARCH=x86_64 SYSCALL=execve AUID="alice"',
  'type=SYSCALL msg=audit(1.5:2): syscall=2 subj=/usr/sbin/x (enforce) exe="/usr/sbin/x"\tppid=9 key=(null)\u001dSYSCALL=open',
  'type=PROCTITLE msg=audit(1795316400.002:4002): proctitle=6578706F727465723A20776F726B65722070726F63657373',
  'type=PROCTITLE msg=audit(1.5:2): proctitle=2F62696E2F7368002D63006563686F2068690000',
  'type=PROCTITLE msg=audit(1.5:2): proctitle="/usr/sbin/nginx"',
];

/** Each line, and the same line changed where the quick reading could part from the tokenizer's. */
function variants(line: string): string[] {
  const out = [line];
  const swap = (re: RegExp, to: string) => out.push(line.replace(re, to));
  swap(/ syscall=/, '\tsyscall=');
  swap(/ exe=/, '\u001dexe=');
  swap(/ auid=\d+/, ' auid=');
  swap(/exe="([^"]*)"/, 'exe="$1é"');
  swap(/exe="([^"]*)"/, 'exe="$1\\"x"');
  swap(/exe="([^"]*)"/, "exe='$1'");
  swap(/exe="([^"]*)"/, 'exe=2F746D702F78FF');
  swap(/exe="([^"]*)"/, 'exe=2F746D702F7');
  swap(/exe="([^"]*)"/, 'exe=2f746d70');
  swap(/comm="([^"]*)"/, 'comm="x syscall=9"');
  swap(/comm="([^"]*)"/, 'comm="é"');
  swap(/proctitle=\S+/, 'proctitle=');
  swap(/proctitle=\S+/, 'proctitle=C3A9C3');
  swap(/proctitle=\S+/, 'proctitle=5C783030');
  swap(/proctitle=(\S+)/, 'proctitle=$1\tx=1');
  swap(/ SYSCALL=\w+/, '');
  swap(/$/, ' syscall');
  swap(/ exe=\S+/, ' exe=');
  swap(/ /g, '  ');
  out.push(`${line}\u0001`, `${line} `);
  return out;
}

test('the context read from SYSCALL and PROCTITLE lines equals what the full tokenizer reads', () => {
  const sample: string[] = [...BASE.flatMap(variants)];
  for (const p of [...fixtureFiles(join(ROOT, 'test', 'fixtures', 'kernel')), ...fixtureFiles(join(ROOT, 'test', 'fixtures', 'sources'))]) sample.push(...readFileSync(p, 'utf8').split('\n'));
  for (const mix of ['mixed', 'flood', 'distinct'] as const) sample.push(...([...logLines({ carrier: 'auditlog', mix, lines: 3000, share: 0.3, seed: 5 })] as string[]));
  let n = 0;
  // twice: the second time the hex values are the ones remembered from the first
  for (let pass = 0; pass < 2; pass++) {
    for (const line of sample) {
      const type = /^(?:\S+ )?type=(SYSCALL|PROCTITLE) /.exec(line)?.[1] as 'SYSCALL' | 'PROCTITLE' | undefined;
      if (!type) continue;
      const at = line.indexOf('msg=audit(');
      assert.deepEqual({ ...readContext(line, at, type) }, { ...readContext(line, at, type, undefined, true) }, line);
      n++;
    }
  }
  assert.ok(n > 2000, `${n} lines compared`);
});

test('a hex value remembered decodes as decoding it again would, past the memory bound', () => {
  const decode = (key: string, hex: string) => {
    const text = decodeHex(hex);
    return key === 'proctitle' ? text.replace(/\\x00|\u0000/g, ' ').trim() : text;
  };
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 5000; i++) {
      const hex = Buffer.from(`/usr/bin/tool-${i % 3000}\u0000--flag\u0000${'é'.repeat(i % 3)}`)
        .toString('hex')
        .toUpperCase();
      for (const key of ['exe', 'proctitle']) assert.equal(contextValue(key, hex, false), decode(key, hex), `${key} ${hex}`);
    }
  }
  // not hex, or quoted: as it is
  assert.equal(contextValue('exe', '2f746d70', false), '2f746d70');
  assert.equal(contextValue('proctitle', '414', false), '414');
  assert.equal(contextValue('proctitle', '4142', true), '4142');
  assert.equal(contextValue('ppid', '4142', false), '4142');
});
