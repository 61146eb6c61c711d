/**
 * Generated hostile records (long fields, control characters, bidi and zero-width characters,
 * traversals, repeated record markers, hex that is not UTF-8) through every output: the TUI's
 * screens, NDJSON, the plain lines, the timeline in text and markdown, the suggested rules. The
 * invariants: nothing unsafe reaches a terminal, a screen's work is bounded by its width, NDJSON is
 * one valid object per line, a suggested rule is one line that matches no more than the log value,
 * a line gives a bounded number of records.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { LineParser } from '../src/parse/line-parser.js';
import { MAX_RECORDS_PER_LINE } from '../src/parse/record.js';
import type { AppArmorRecord } from '../src/model/record.js';
import { createClassifier } from '../src/classify/index.js';
import { buildProfileIndex } from '../src/profiles/index.js';
import { recordToNdjson } from '../src/outputs/json.js';
import { recordLine } from '../src/outputs/text.js';
import { buildTimeline } from '../src/timeline/builder.js';
import { renderText } from '../src/timeline/render-text.js';
import { renderMarkdown } from '../src/timeline/render-markdown.js';
import { timeStyle } from '../src/timeline/time-format.js';
import { DenialStore } from '../src/tui/denial-store.js';
import { App } from '../src/tui/app.js';
import { MONO_THEME } from '../src/tui/theme.js';
import { profileRows, timelineItems } from '../src/tui/view-model.js';
import { timelineLines } from '../src/tui/views/timeline-view.js';
import { detailLines } from '../src/tui/views/denial-detail.js';
import { denialListLines } from '../src/tui/views/denial-list.js';
import { profileTableData } from '../src/tui/views/profiles-table.js';
import { fitLine, type Line } from '../src/tui/views/lines.js';
import { modelOf, TestFeed, until } from './tui/fixtures.js';
import { prng as rng } from '../bench/generate.mjs';

/** What must never reach a terminal: C0 (newline aside, between lines), DEL, C1, bidi, zero-width, separators, lone surrogates. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PIECES = [
  '\x1b]0;title\x07',
  '\x1b[2J',
  '\0',
  '\n',
  '\r',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\x9b',
  '\ud800',
  '../',
  '/..',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '^',
  '@{HOME}',
  ' ',
  ',',
  '"',
  "'",
  '\\',
  'http://evil.example',
  'Café',
  '日本',
  '😀',
];
const hex = (s: string | Buffer) =>
  Buffer.from(s as string)
    .toString('hex')
    .toUpperCase();

function hostileValue(r: () => number): string {
  let s = '/';
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const p = r();
    if (p < 0.6) s += PIECES[Math.floor(r() * PIECES.length)];
    else if (p < 0.7) s += 'a'.repeat(Math.floor(r() * 20_000));
    else s += `seg${Math.floor(r() * 100)}/`;
  }
  return s;
}

/** A value as the kernel would log it: quoted when plain, hex when it holds anything else; sometimes hex that is not UTF-8. */
function logged(v: string, r: () => number): string {
  if (r() < 0.15) return `${hex(v)}FF`;
  return /^[\x21-\x7e]*$/.test(v) && !v.includes('"') ? `"${v}"` : hex(v);
}

function hostileLine(i: number, r: () => number): string {
  const kind = r();
  const head = `audit: type=1400 audit(1795316400.${String(i % 1000).padStart(3, '0')}:${9000 + i}): `;
  if (kind < 0.1) return head + 'apparmor="DENIED" operation="open" '.repeat(1 + Math.floor(r() * 3000));
  const ops = [
    () => `operation="open" class="file" name=${logged(hostileValue(r), r)} requested_mask="${r() < 0.5 ? 'r' : 'w'}" denied_mask="r" fsuid=0 ouid=0`,
    () => `operation="exec" class="file" name=${logged(hostileValue(r), r)} requested_mask="x" denied_mask="x"`,
    () => `operation="signal" class="signal" requested_mask="send" denied_mask="send" signal=${r() < 0.5 ? 'kill' : logged(hostileValue(r), r)} peer=${logged(hostileValue(r), r)}`,
    () => `operation="ptrace" class="ptrace" requested_mask="read" denied_mask="read" peer=${logged(hostileValue(r), r)}`,
    () =>
      `operation="dbus_method_call" bus="system" path=${logged(hostileValue(r), r)} interface=${logged(hostileValue(r), r)} member=${logged(hostileValue(r), r)} mask="send" name="org.x" peer_label="unconfined"`,
    () => `operation="create" class="net" family="inet" ${r() < 0.5 ? 'sock_type="stream" ' : ''}protocol=6 requested_mask="create" denied_mask="create"`,
    () => `operation="open" class="file" name=${logged(`/proc/${1000}/${hostileValue(r).slice(1)}`, r)} requested_mask="r" denied_mask="r"`,
  ];
  const body = ops[Math.floor(r() * ops.length)]();
  const profile = r() < 0.3 ? logged(`svc${hostileValue(r)}`, r) : '"svc"';
  return `${head}apparmor="${r() < 0.8 ? 'DENIED' : 'ALLOWED'}" ${body} profile=${profile} pid=1000 comm=${logged(r() < 0.5 ? 'svc' : hostileValue(r), r)}`;
}

const INDEX = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n  network inet dgram,\n}\n' }], { roots: ['/p'] });

function generate(seed: number, n: number): { records: AppArmorRecord[]; lines: number; unparsable: number } {
  const r = rng(seed);
  const classifier = createClassifier(INDEX);
  const records: AppArmorRecord[] = [];
  const p = new LineParser('fuzz', { record: (x) => records.push(x), unparsable: () => {}, loss: () => {} }, { year: 2026 });
  for (let i = 0; i < n; i++) {
    const before = records.length;
    p.push(hostileLine(i, r));
    assert.ok(records.length - before <= MAX_RECORDS_PER_LINE, `line ${i}: ${records.length - before} records`);
  }
  p.end();
  for (const x of records) x.classification = classifier.classify(x);
  return { records, lines: n, unparsable: p.stats.unparsable };
}

const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

test('hostile records: NDJSON, plain lines and suggested rules hold their invariants', () => {
  for (const seed of [1, 2, 3]) {
    const { records } = generate(seed, 150);
    assert.ok(records.length > 50, `${records.length} records`);
    for (const x of records) {
      const nd = recordToNdjson(x, { raw: true });
      assert.ok(nd.endsWith('\n') && !nd.slice(0, -1).includes('\n'), 'one NDJSON line');
      const bad = /[\u0000-\u001f\u2028\u2029]/.exec(nd.slice(0, -1));
      assert.ok(!bad, `raw U+${bad?.[0].charCodeAt(0).toString(16)} in NDJSON`);
      const o = JSON.parse(nd);
      if (x.undecoded) assert.deepEqual(o.undecoded_hex, x.undecoded, 'undecoded hex kept');
      assert.ok(!UNSAFE.test(recordLine(x)), `plain line: ${JSON.stringify(recordLine(x)).slice(0, 200)}`);
      for (const rule of x.classification?.suggestion?.rules ?? []) {
        assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(rule), `rule on one line: ${JSON.stringify(rule).slice(0, 200)}`);
        assert.ok(rule.endsWith(','), rule.slice(0, 200));
        if (/^(?:owner )?["/@]/.test(rule)) assert.ok(!/(?:^|\/)\.\.(?:\/|$)/.test(rule), `no traversal in ${rule.slice(0, 200)}`);
        // the only patterns a rule may hold are the variables and id globs for what changes from run
        // to run (pid, thread, uid, home, numbered ids); everything taken from the log is literal
        const body = rule.replace(/@\{(?:PROC|pid|pids|tid|uid|HOME)\}|\[0-9(?:a-f)?\]\*/g, '').replace(/^include <[^>]+>$/, '');
        assert.ok(!/(?<!\\)[*?[\]{}^]/.test(body.replace(/set=\([a-z]+\)|peer=\(|\(|\)/g, '')), `no unescaped pattern in ${rule.slice(0, 200)}`);
      }
    }
  }
});

test('hostile records: the timeline in text and markdown is terminal-safe', () => {
  const { records } = generate(4, 150);
  const t = buildTimeline(records, []);
  const style = timeStyle({ utc: true });
  for (const out of [renderText(t, { style }), renderMarkdown(t, { style })]) {
    for (const line of out.split('\n')) assert.ok(!UNSAFE.test(line), JSON.stringify(line).slice(0, 300));
  }
  const md = renderMarkdown(t, { style });
  assert.ok(!/(?<!\\)http:\/\//.test(md), 'no bare URL in markdown');
});

test('hostile records: every TUI screen is safe and bounded by the width', async () => {
  const { records } = generate(5, 150);
  const store = new DenialStore();
  for (const x of records) store.add(x);
  const snap = store.snapshot();
  const W = 80;
  const check = (what: string, lines: Line[]) => {
    for (const l of lines) {
      const text = l.map((s) => s.text).join('');
      assert.ok(!UNSAFE.test(text), `${what}: ${JSON.stringify(text).slice(0, 200)}`);
      assert.ok(text.length <= 10 * W, `${what}: ${text.length} characters`);
      assert.ok(fitLine(l, W).reduce((n, s) => n + s.text.length, 0) <= W);
    }
  };
  check('timeline', timelineLines({ items: timelineItems(snap, undefined), start: 0, selected: 0, dropped: 0, utc: true, width: W, height: 200, theme: MONO_THEME }));
  check('denials', denialListLines({ rows: snap.groups, selected: 0, total: snap.groups.length, now: 0, width: W, height: 500, theme: MONO_THEME, emptyText: '' }));
  for (const g of snap.groups) check('detail', detailLines({ group: g, now: 0, utc: true, width: W, theme: MONO_THEME }));
  for (const row of profileTableData(profileRows(snap, new Map(), undefined), 0, W)) {
    for (const v of Object.values(row)) assert.ok(!UNSAFE.test(String(v)) && String(v).length <= W, `profiles cell ${JSON.stringify(v).slice(0, 100)}`);
  }

  const feed = new TestFeed(modelOf(store, { columns: W, rows: 24 }));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  await until(() => frame().includes('? help'), 'first frame', 30_000);
  await new Promise((r) => setImmediate(r));
  const seen: string[] = [];
  for (const [k, ok] of [
    ['\r', 'Why:'],
    ['G', 'Evidence'],
    ['\x1b', 'VERDICT'],
    ['2', 'profile'],
    ['3', '3 Timeline'],
    ['4', 'COMMAND'],
  ] as const) {
    app.stdin.write(k);
    await until(() => frame().includes(ok), ok, 30_000);
    seen.push(frame());
  }
  for (const f of seen) {
    for (const l of f.split('\n')) {
      assert.ok([...l.replace(/\x1b\[[0-9;]*m/g, '')].length <= W, `frame line fits: ${l.length}`);
      assert.ok(!UNSAFE.test(l.replace(/\x1b\[[0-9;]*m/g, '')), JSON.stringify(l).slice(0, 200));
    }
  }
});
