import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTimelineFromInputs } from '../../src/commands/timeline-run.js';
import { renderText } from '../../src/timeline/render-text.js';
import { TimelineBuilder } from '../../src/timeline/builder.js';
import { journalEntry, UTC } from './helpers.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'timeline');

test("a program's line about an access is listed apart from the kernel's record of it, and says who wrote it", async () => {
  const t = await buildTimelineFromInputs({ inputs: [{ path: join(FIX, 'program-lines.log'), name: 'program-lines.log' }], format: 'text', style: UTC, clock: { year: 2026 } });
  const [inc] = t.incidents;
  const index = inc.keyRecords.filter((k) => k.target === '/srv/www/index.html');
  assert.deepEqual(
    index.map((k) => [k.writer, k.count]),
    [
      [undefined, 1],
      ['nginx[1234]', 1],
    ],
  );
  assert.deepEqual(
    inc.keyRecords.filter((k) => k.target === '/srv/www/app.php').map((k) => k.writer),
    ['nginx[1234]', 'php-fpm'],
  );
  const change = t.events.find((e) => e.type === 'profile');
  assert.equal(change?.type === 'profile' ? change.change.writer : '', 'kernel[4242]');
  const text = renderText(t, { style: UTC });
  assert.match(text, /DENIED open \/srv\/www\/index\.html \(r\) · nginx pid 1234 · written by nginx\[1234\] \(a program's log line, not the kernel's: it proves no denial\)/);
  assert.match(text, /profile replaced: \/usr\/sbin\/nginx by apparmor_parser pid 4242, written by kernel\[4242\] \(a program's log line, not the kernel's\)/);
});

test("a program's line telling of a profile change confirms no operator's action", () => {
  const b = new TimelineBuilder();
  const T = Date.UTC(2026, 10, 22, 3, 0, 0);
  b.queueActions([{ entry: journalEntry(T, { action: 'complain-runtime' }), line: 1 }]);
  const status = (writer?: string) => ({
    kind: 'STATUS',
    fields: { apparmor: 'STATUS', operation: 'profile_replace', profile: 'unconfined', name: '/usr/sbin/nginx', pid: '4242', comm: 'apparmor_parser' },
    time: T + 500,
    carrier: 'journal-short' as const,
    source: { name: 'x', line: 2 },
    raw: '',
    ...(writer ? { writer } : {}),
  });
  b.addRecord(status('mallory[4242]'));
  let action = b.snapshot().actions.find((a) => a.id === 'a1');
  assert.equal(action?.confirmedBy, undefined, "a program's line confirms nothing");
  b.addRecord(status());
  action = b.snapshot().actions.find((a) => a.id === 'a1');
  assert.equal(action?.confirmedBy?.operation, 'profile_replace', "the kernel's does");
});
