// The journalctl and dmesg command lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dmesgArgs, journalctlArgs, journalCursor } from '../../src/sources/commands.js';

test('journalctl command lines: transports ORed, this boot by default, cursor resumption', () => {
  assert.deepEqual(journalctlArgs({ transports: ['kernel', 'audit'], window: {}, follow: false }), [
    '--no-pager',
    '--quiet',
    '--output=json',
    '--all',
    '--boot',
    '_TRANSPORT=kernel',
    '_TRANSPORT=audit',
  ]);
  assert.deepEqual(journalctlArgs({ transports: ['audit'], window: { since: 1795317102500, until: 1795317200100 }, follow: false }), [
    '--no-pager',
    '--quiet',
    '--output=json',
    '--all',
    '--since=@1795317102',
    '--until=@1795317201',
    '_TRANSPORT=audit',
  ]);
  assert.deepEqual(journalctlArgs({ transports: ['kernel'], window: {}, boot: '-1', afterCursor: 's=1;i=2', follow: true }), [
    '--no-pager',
    '--quiet',
    '--output=json',
    '--all',
    '--boot=-1',
    '--after-cursor=s=1;i=2',
    '--follow',
    '--lines=all',
    '_TRANSPORT=kernel',
  ]);
  // a path that looks like an option stays the value of --directory
  assert.ok(journalctlArgs({ transports: ['kernel'], window: {}, follow: false, directory: '--rotate' }).includes('--directory=--rotate'));
  assert.deepEqual(dmesgArgs(true), ['--follow']);
  assert.equal(journalCursor('{"__CURSOR":"s=ab;i=1;b=cd","MESSAGE":"x"}'), 's=ab;i=1;b=cd');
  assert.equal(journalCursor('{"__CURSOR":"s=ab --all","MESSAGE":"x"}'), undefined, 'not a cursor: not passed to journalctl');
  assert.equal(journalCursor('{"MESSAGE":"x"}'), undefined);
});
