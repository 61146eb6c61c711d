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

test("a bus daemon's D-Bus denial in a text log is listed apart, as taken at the name the line gives, in the timeline and in --plain; journal JSON's is not", async () => {
  const { LineParser } = await import('../../src/parse/line-parser.js');
  const { recordLine } = await import('../../src/outputs/text.js');
  const body =
    'apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/org/freedesktop/login1" interface="org.freedesktop.login1.Manager" member="PowerOff" mask="send" name="org.freedesktop.login1" pid=4242 label="snap.x.x" peer_pid=1 peer_label="unconfined"';
  const json = (at: number) =>
    JSON.stringify({ __REALTIME_TIMESTAMP: String(at * 1000), _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'dbus-daemon', _PID: '4332', _EXE: '/usr/bin/dbus-daemon', MESSAGE: body });
  const T = Date.UTC(2026, 10, 22, 3, 11, 42);
  const b = new TimelineBuilder();
  const plain: string[] = [];
  const parser = new LineParser(
    'bus.log',
    {
      record: (r) => {
        b.addRecord(r);
        plain.push(recordLine(r, { utc: true }));
      },
    },
    { year: 2026 },
  );
  for (const line of [`Nov 22 03:11:42 web-01 dbus-daemon[4332]: ${body}`, `Nov 22 03:11:43 web-01 dbus-daemon[4332]: ${body}`, json(T + 2000)]) parser.push(line);
  parser.end();
  const [inc] = b.snapshot().incidents;
  assert.deepEqual(
    inc.keyRecords.map((k) => [k.busNameOnly ?? false, k.count]),
    [
      [true, 2],
      [false, 1],
    ],
  );
  const text = renderText(b.snapshot(), { style: UTC });
  assert.match(
    text,
    /org\.freedesktop\.login1 \(send\) · pid 4242 · from the D-Bus daemon's line in a text log, taken at the name the line gives: any program can give itself that name .*\(_EXE\) · ×2/,
  );
  assert.equal(text.match(/taken at the name the line gives/g)?.length, 1, "journal JSON's line, checked by _EXE, says nothing of it");
  assert.match(plain[0], /\(from the D-Bus daemon's line in a text log, taken at the name the line gives: .*\(_EXE\)\)/);
  assert.ok(!plain[2].includes('taken at the name'), plain[2]);
});
