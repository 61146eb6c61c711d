// Command-line inputs that were resolved silently or hung: each is a usage error now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, UsageError } from '../../src/commands/args.js';
import { mdText } from '../../src/timeline/render-markdown.js';
import { profileTableData } from '../../src/tui/views/profiles-table.js';

test('conflicting flags are usage errors, not resolved silently', () => {
  for (const argv of [
    ['--json', '--plain'],
    ['--utc', '--tz', 'Europe/Berlin'],
    ['timeline', '--json', '--format', 'markdown'],
    ['timeline', '--json', '--format', 'text'],
  ]) {
    assert.throws(() => parseCli(argv, {}), UsageError, argv.join(' '));
  }
  assert.equal(parseCli(['timeline', '--json', '--format', 'json'], {}).command, 'timeline');
});

test('--gap takes finite seconds only', () => {
  for (const g of ['Infinity', '1e999', 'NaN', '0', '-1']) assert.throws(() => parseCli(['timeline', '--gap', g], {}), UsageError, g);
  assert.equal(parseCli(['timeline', '--gap', '90'], {}).gapSeconds, 90);
});

test('act --help shows the help', () => {
  assert.equal(parseCli(['act', '--help'], {}).help, true);
  assert.equal(parseCli(['act', 'complain', '--help'], {}).help, true);
});

test('--actions under /proc or /sys is refused (creating its directory never ends there)', () => {
  for (const p of ['/proc/self/x/actions.jsonl', '/proc', '/sys/kernel/x.jsonl', '/proc/../proc/1/a']) {
    assert.throws(() => parseCli(['act', 'complain', 'p', '--actions', p], {}), UsageError, p);
  }
  assert.equal(parseCli(['act', 'complain', 'p', '--actions', '/var/tmp/a.jsonl'], {}).actionsFile, '/var/tmp/a.jsonl');
});

test('bare URLs and addresses in the markdown timeline do not become links', () => {
  for (const s of ['see http://evil.example/x', 'https://a.b', 'www.evil.example', 'mail root@evil.example']) {
    const md = mdText(s);
    assert.ok(!/(?:https?|ftp):\/\/|www\.|[\w.-]@[\w-]/.test(md), `${s} -> ${md}`);
  }
});

test('the profiles table fits 40 columns', () => {
  const rows = profileTableData(
    [
      {
        name: '/usr/sbin/nginx',
        denials: 12345,
        attacks: 2,
        allowed: 0,
        statusEvents: 1,
        fact: { name: '/usr/sbin/nginx', mode: 'enforce', file: '/etc/apparmor.d/usr.sbin.nginx', managedBy: 'snapd' },
      },
    ],
    0,
    40,
  );
  // the table draws each column as its widest cell plus a space each side and one rule between
  const cols = Object.keys(rows[0]);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)) + 2);
  const total = widths.reduce((a, b) => a + b, 0) + cols.length + 1;
  assert.ok(total <= 40, `${total} columns: ${cols.join(',')}`);
});
