// Truncated cells keep what tells rows apart, and columns never run into each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeMiddle } from '../../src/model/safe-text.js';
import { denialColumns, denialRowText } from '../../src/tui/views/denial-list.js';
import { profileTableData } from '../../src/tui/views/profiles-table.js';
import type { DenialGroup } from '../../src/tui/denial-store.js';

test('safeMiddle keeps the child profile or the file name and the start; escapes before it cuts', () => {
  assert.equal(safeMiddle('thumbnail-renderer//helper', 19), 'thumbnail-…//helper');
  assert.equal(safeMiddle('thumbnail-renderer//helper', 16), 'thumbna…//helper');
  assert.equal(safeMiddle('/var/lib/backup-agent/spool/incoming/state.db', 24), '/var/…/incoming/state.db');
  assert.equal(safeMiddle('a-very-long-profile-name-without-parts', 11), 'a-ver…parts');
  assert.equal(safeMiddle('short', 10), 'short');
  // the escape sequence is made visible first, so a cut never leaves half a control sequence raw
  const cut = safeMiddle('/tmp/\x1b]52;c;AAAA\x07/x', 12);
  assert.doesNotMatch(cut, /[\x00-\x1f]/);
  assert.equal(cut.length, 12);
});

function group(over: Partial<DenialGroup>): DenialGroup {
  return {
    key: 'k',
    profile: 'thumbnail-renderer//helper',
    operation: 'open',
    target: '/srv/media/thumbs/2026/11/22/very-long-name-0001.png',
    mask: 'rw',
    kinds: ['DENIED'],
    verdict: 'missing-rule',
    worstKind: 'DENIED',
    count: 123456,
    pids: ['1', '2'],
    pidsMore: 0,
    comms: ['x'],
    firstSeq: 1,
    lastSeq: 2,
    samples: [],
    ...over,
  };
}

test('denial list rows: two rows that differ only at the end of a long name stay apart; cells never touch', () => {
  const now = Date.UTC(2027, 0, 1);
  for (const width of [80, 100, 140]) {
    const c = denialColumns(width);
    const a = denialRowText(group({ lastSeen: now - 300 * 86_400_000, firstSeen: now - 320 * 86_400_000 }), c, now);
    const b = denialRowText(group({ target: '/srv/media/thumbs/2026/11/22/very-long-name-0002.png', profile: 'thumbnail-renderer//other' }), c, now);
    assert.notEqual(a, b);
    assert.match(a, / 10mo ago /, `${width}: the longest relative time fits its column`);
    assert.match(a, /…\/\/helper /, `${width}: the child profile survives the cut`);
    assert.match(a, /…[^ ]*0001\.png /, `${width}: the file name survives`);
    // every column starts after a space: the cell before it never fills its column
    let at = 1;
    for (const w of [c.verdict, c.count, c.last, c.first, c.profile, c.op, c.target, c.mask]) {
      if (!w) continue;
      at += w;
      assert.equal(a[at - 2], ' ', `${width}: a blank before column at ${at - 1}: ${JSON.stringify(a)}`);
    }
  }
});

test('profiles table: a long child profile keeps its child name', () => {
  const [row] = profileTableData([{ name: 'thumbnail-renderer//helper', denials: 1, attacks: 0, allowed: 0, statusEvents: 0 }], 0, 80);
  assert.match(String(row.profile), /…\/\/helper$/);
});

test('profiles table: ALLOWED counts are shown at every width beside denied, so likely attacks (of both) never outnumber what is counted beside them', async () => {
  const React = (await import('react')).default;
  const { render } = await import('ink-testing-library');
  const { ProfilesTable } = await import('../../src/tui/views/profiles-table.js');
  const rows = [{ name: 'demo-svc', denials: 2378, attacks: 2663, allowed: 300, statusEvents: 2 }];
  for (const width of [80, 100, 140]) {
    const shapes = new Map([['demo-svc', '▁'.repeat(width >= 140 ? 24 : width >= 110 ? 16 : 8)]]);
    const r = render(React.createElement(ProfilesTable, { rows, start: 0, selected: 0, width, height: 10, shapes }));
    const frame = r.lastFrame() ?? '';
    r.unmount();
    const lines = frame.split('\n');
    const head = lines.find((l) => l.includes('profile'))!;
    const cols = head.split('│').map((x) => x.trim());
    const row = lines
      .find((l) => l.includes('demo-svc'))!
      .split('│')
      .map((x) => x.trim());
    const at = (name: string) => cols.indexOf(name);
    assert.ok(at('allowed') > 0, `${width}: an allowed column in ${head}`);
    assert.equal(row[at('allowed')], '300');
    assert.ok(Number(row[at('attacks')]) <= Number(row[at('denied')]) + Number(row[at('allowed')]));
    assert.ok(
      lines.every((l) => l.length <= width),
      `${width}: fits:\n${frame}`,
    );
  }
});

test("a mode read from a profile's file, not from the kernel's list, says so in the table and the detail", async () => {
  const { modeText } = await import('../../src/tui/views/denial-detail.js');
  const { profileTableTop, FILE_MODES_NOTE } = await import('../../src/tui/views/profiles-table.js');
  // the kernel's list read: its mode is the truth, shown as it is
  assert.equal(modeText({ name: 'smbd', mode: 'enforce', loaded: true }), 'enforce');
  assert.equal(modeText({ name: 'smbd', mode: 'complain', loaded: false }), 'complain in its file (not loaded)');
  // no list (a log from another host, securityfs unreadable): only the file's flags are known
  assert.match(modeText({ name: 'smbd', mode: 'complain' }), /^complain in its file \(the kernel's list of loaded profiles was not read\)$/);
  assert.equal(modeText({ name: 'smbd' }), 'unknown');
  const fromFile = [{ name: 'smbd', denials: 3, attacks: 0, allowed: 0, statusEvents: 0, fact: { name: 'smbd', mode: 'complain' } }];
  const fromKernel = [{ name: 'smbd', denials: 3, attacks: 0, allowed: 0, statusEvents: 0, fact: { name: 'smbd', mode: 'enforce', loaded: true } }];
  const top = profileTableTop(fromFile, 100, '1-1 of 1');
  assert.ok(top.startsWith(FILE_MODES_NOTE) && top.endsWith('1-1 of 1') && top.length === 99, JSON.stringify(top));
  assert.ok(!profileTableTop(fromKernel, 100, '1-1 of 1').includes(FILE_MODES_NOTE));
  // too narrow for both: the range keeps its place
  assert.equal(profileTableTop(fromFile, 40, '1-1 of 1').trim(), '1-1 of 1');
});
