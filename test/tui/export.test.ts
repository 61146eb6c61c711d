import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DenialStore } from '../../src/tui/denial-store.js';
import { copyText, groupMarkdown, osc52 } from '../../src/tui/export.js';
import { copyOut, writeOut } from '../../src/tui/export-io.js';
import { denial } from './fixtures.js';

function group(name = '/srv/www/a.html') {
  const r = denial({ name }, { time: 1_800_000_000_000 });
  r.classification = { verdict: 'missing-rule', confidence: 0.8, reasons: ['its own files'], suggestion: { kind: 'rule', text: 'add it', rules: [`${name} r,`] } };
  const store = new DenialStore();
  store.add(r);
  return store.snapshot().groups[0];
}

test('y: the rule, the evidence, markdown and the act command; escapes stay escaped', () => {
  const g = group('/tmp/\u001b]52;c;evil\u0007');
  const rule = copyText(g, 'rule');
  assert.ok(rule.ok && !rule.text.includes('\u001b') && rule.text.includes('\\x1b'));
  const cmd = copyText(group(), 'command');
  assert.ok(cmd.ok);
  assert.equal(cmd.text, "aa-triage act allow /usr/sbin/nginx --rule '/srv/www/a.html r,'");
  assert.ok(groupMarkdown(group()).some((l) => l.startsWith('### /usr/sbin/nginx: open /srv/www/a.html')));
  assert.equal(osc52('ab'), '\u001b]52;c;YWI=\u0007');
});

test('y falls back to a file where the terminal has no clipboard, and says where; w writes a new file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-export-'));
  try {
    const written: string[] = [];
    const viaOsc = await copyOut('rule,', 'the rule', { write: (s) => written.push(s), env: { TERM: 'xterm' }, dirs: [dir] });
    assert.match(viaOsc, /copied the rule \(OSC 52; in tmux: set -g set-clipboard on\)/);
    assert.equal(written.length, 1);
    const viaFile = await copyOut('rule,', 'the rule', { write: (s) => written.push(s), env: { TERM: 'linux' }, dirs: [dir] });
    // the path before the reason: a narrow footer cuts the end of the line
    const path = /^the rule written to (\S+) \(not copied: /.exec(viaFile)?.[1];
    assert.ok(path, viaFile);
    assert.equal(readFileSync(path, 'utf8'), 'rule,\n');
    assert.equal(written.length, 1, 'no OSC 52 to a console');
    const w = await writeOut(['a', 'b'], 'denials', 'md', { write: () => {}, env: {}, dirs: [dir] });
    const wpath = /to (\S+)$/.exec(w)?.[1];
    assert.equal(readFileSync(wpath!, 'utf8'), 'a\nb\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
