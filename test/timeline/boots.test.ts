import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lineUptime, readLineFacts } from '../../src/timeline/boot-lines.js';
import { buildTimelineFromInputs } from '../../src/commands/timeline-run.js';
import { iso, UTC } from './helpers.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'timeline');

function run(file: string, extra: { bootTime?: number } = {}) {
  return buildTimelineFromInputs({ inputs: [{ path: join(FIX, file), name: file }], format: 'text', style: UTC, clock: { year: 2026, ...extra } });
}

describe('boot lines', () => {
  it('reads the kernel banner in raw dmesg, kern.log and the journal, and nothing else', () => {
    assert.deepEqual(readLineFacts('[    0.000000] Linux version 6.1.0-27-amd64 (gcc) #1', {}), { uptime: 0, boot: { uptime: 0, kernel: '6.1.0-27-amd64' } });
    const kern = readLineFacts('2026-11-22T02:41:12+0000 web-01 kernel: Linux version 6.1.0 (x)', {});
    assert.equal(iso(kern.boot?.time), '2026-11-22T02:41:12.000Z');
    const kernlog = readLineFacts('Nov 22 02:41:12 web-01 kernel: [    0.000000] Linux version 6.1.0 (x)', { year: 2026 });
    assert.equal(kernlog.boot?.uptime, 0);
    assert.ok(kernlog.boot?.time !== undefined);
    assert.equal(readLineFacts('2026-11-22T02:41:13+0000 web-01 myapp[77]: Linux version 9.9', {}).boot, undefined);
    assert.equal(readLineFacts('Nov 22 03:00:00 web-01 sshd[1]: user said Linux version 5', {}).boot, undefined);
    assert.equal(readLineFacts('[Sat Nov 22 02:41:12 2026] Linux version 6.1.0 (x)', {}).boot?.kernel, '6.1.0');
    assert.equal(readLineFacts('<5>[    0.000000] Linux version 6.1.0 (x)', {}).boot?.kernel, '6.1.0');
    assert.equal(readLineFacts('kern  :notice: [    0.000000] Linux version 6.1.0 (x)', {}).boot?.kernel, '6.1.0');
    assert.equal(readLineFacts('[    0.000000] web-01 kernel: Linux version 6.1.0 (x)', {}).boot?.kernel, '6.1.0');
    assert.equal(readLineFacts('Linux version 6.1.0 (x)', {}).boot?.kernel, '6.1.0');
  });

  it('takes no banner or uptime from the text of a record (a path is whatever a process named it)', () => {
    const lines = [
      '[  101.000000] audit: type=1400 audit(1795316401.002:4003): apparmor="DENIED" operation="open" profile="p" name="/srv/x] Linux version 9.9.9" pid=1 comm="c"',
      'Nov 22 03:00:01 web-01 kernel: [  101.000000] audit: type=1400 audit(1795316401.002:4003): apparmor="DENIED" operation="open" name="/srv/y kernel: Linux version 9" pid=1',
      'Nov 22 03:00:01 web-01 kernel: audit: type=1400 audit(1795316401.002:4003): apparmor="DENIED" operation="open" name="/srv/z] Linux version 9" pid=1',
      'type=AVC msg=audit(1795316401.002:4003): apparmor="DENIED" operation="open" name="/srv/x] Linux version 9.9.9" pid=1',
      'Nov 22 03:00:02 web-01 nginx[1234]: upstream said kernel: [0.5] Linux version 9.9.9',
      // what `logger 'kernel: Linux version 9.9.9'` writes: any local user can
      'Nov 22 03:00:02 web-01 mallory[4242]: kernel: Linux version 9.9.9',
      '2026-11-22T03:00:02+0000 web-01 mallory[4242]: kernel: [    0.000000] Linux version 9.9.9',
    ];
    for (const line of lines) assert.equal(readLineFacts(line, { year: 2026 }).boot, undefined, line);
    assert.equal(lineUptime('Nov 22 03:00:01 web-01 audit[1234]: AVC apparmor="DENIED" operation="open" name="/srv/ kernel: [1.0]" pid=1'), undefined);
    assert.equal(lineUptime('type=AVC msg=audit(1795316401.002:4003): apparmor="DENIED" name="/srv/ kernel: [1.0]" pid=1'), undefined);
    assert.equal(lineUptime('Nov 22 03:00:02 web-01 nginx[1234]: upstream said kernel: [0.5]'), undefined);
    assert.equal(lineUptime('Nov 22 03:00:02 web-01 mallory[4242]: kernel: [0.5] x'), undefined);
    // the kernel's own clock still comes first on its lines
    assert.equal(lineUptime('Nov 22 03:00:01 web-01 kernel: [  101.000000] audit: apparmor="DENIED" name="/srv/ kernel: [1.0]"'), 101);
  });

  it('reads uptimes of raw dmesg lines (also -r and -x) and kern.log lines', () => {
    assert.equal(lineUptime('[ 1834.000000] kauditd_printk_skb: 6 callbacks suppressed'), 1834);
    assert.equal(lineUptime('<4>[   12.500000] x'), 12.5);
    assert.equal(lineUptime('kern  :warn  : [   12.500000] x'), 12.5);
    assert.equal(lineUptime('Nov 22 03:00:00 web-01 kernel: [   99.250000] x'), 99.25);
    assert.equal(lineUptime('Nov 22 03:00:00 web-01 sshd[1]: [ 1.0] not the kernel'), undefined);
  });

  it("reads the kernel's own `[ uptime]` by hand exactly as the expressions read it, on every fixture line and odd forms", () => {
    // the plain reading the hand path shortcuts
    const byExpression = (text: string): number | undefined => {
      const m = /^(?:<\d+>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[\s*(\d+\.\d+)\]/.exec(text);
      if (m) return Number(m[1]);
      // kern.log and the journal: right after a syslog or iso clock, the host and the identifier `kernel`
      const k = /^(?:[A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s\S+ kernel: \[\s*(\d+\.\d+)\]/.exec(text);
      return k ? Number(k[1]) : undefined;
    };
    const lines = [
      '[    0.000000] x',
      '[1.5] x',
      '[\t12.5] tab',
      '[ \t 12.25] mixed',
      '[12.] x',
      '[.5] x',
      '[ 12.5 ] x',
      '[12.5',
      '[ 12.5]',
      '[00012.000100] x',
      '[ 1234567890123456.1] long',
      '[99999999.999999] x',
      '[ 0.1]',
      '[ 0.3]',
      '[ 4503599627.370497]',
      '[ 12a.5] x',
      '[ 1.2.3] x',
      '[',
      'type=AVC msg=audit(1.2:3): name="x kernel: [1.0]"',
      'node=h type=AVC msg=audit(1.2:3): x',
      'kern  :warn  : [   12.500000] x',
      'kern\u00a0:warn\u00a0: [   12.500000] x',
      'kern:warn: [ 3.0] x',
      'Nov 22 03:00:00 web-01 kernel: [   99.250000] x',
      'Nov 22 03:00:00 web-01 kernel: audit: [   99.250000] x',
      'Nov 22 03:00:00 web-01 kernel:[ 99.25] x',
      'a kernel: [1.5]',
      ' kernel: [1.5]',
      'kernel: [1.5]',
      '2026-11-22T03:00:00+0000 web-01 kernel: [ 1.0] x',
      '2026-11-22T03:00:00.123456+00:00 web-01 kernel: [ 1.0]',
      'Nov 22 03:00:00.123456 web-01 kernel: [ 7.0]x',
      'Nov 22 03:00:00 web-01 kernel[0]: [ 7.0] x',
      'Nov 22 03:00:00 web-01 mallory[4242]: kernel: [0.5] x',
    ];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (!name.endsWith('.gz')) lines.push(...readFileSync(p, 'latin1').split('\n').slice(0, 5000));
      }
    };
    walk(join(import.meta.dirname, '..', 'fixtures'));
    let hand = 0;
    for (const line of lines) {
      assert.equal(lineUptime(line), byExpression(line), JSON.stringify(line.slice(0, 80)));
      if (line.startsWith('[') && byExpression(line) !== undefined) hand++;
    }
    assert.ok(hand > 100, `raw dmesg lines among the fixtures: ${hand}`);
  });
});

describe('boots in a log', () => {
  it('dates each boot and its uptime-only lines from that boot, and starts a new incident after a reboot', async () => {
    const t = await run('two-boots.dmesg');
    const boots = t.events.filter((e) => e.type === 'boot');
    assert.deepEqual(
      boots.map((b) => [iso(b.at.time), b.type === 'boot' ? b.kernel : '']),
      [
        ['2026-11-22T02:40:00.000Z', '6.1.0-27-amd64'],
        ['2026-11-22T02:43:20.000Z', '6.1.0-28-amd64'],
      ],
    );
    const losses = t.events.filter((e) => e.type === 'loss');
    assert.deepEqual(
      losses.map((l) => [iso(l.at.time), l.at.basis]),
      [
        ['2026-11-22T02:41:40.000Z', 'uptime'],
        ['2026-11-22T02:43:22.000Z', 'uptime'],
      ],
    );
    assert.equal(t.incidents.length, 2, 'pid 500 after the reboot is another process');
    assert.equal(t.summary.boots, 2);
  });

  it('marks uptime-only lines as undated when nothing tells the boot time, and dates them with --boot-time', async () => {
    const t = await run('no-boot-time.dmesg');
    const loss = t.events.find((e) => e.type === 'loss')!;
    assert.equal(loss.at.time, undefined);
    assert.equal(loss.at.approx, true);
    assert.equal(loss.at.uptime, 1200.5);
    const dated = await run('no-boot-time.dmesg', { bootTime: Date.parse('2026-11-22T02:40:00Z') });
    assert.equal(iso(dated.events.find((e) => e.type === 'loss')!.at.time), '2026-11-22T03:00:00.500Z');
  });

  it('takes no boot from a path or a program that writes a banner or a kernel clock into the log', async () => {
    const t = await run('forged-boot.log');
    assert.equal(t.summary.records, 6);
    assert.deepEqual(
      t.events.filter((e) => e.type === 'boot'),
      [],
    );
    assert.equal(t.summary.boots, 0);
    // the program's own line quoting a denial is a record of no profile: an incident of its own
    assert.equal(t.incidents.filter((i) => i.profile === '/usr/sbin/nginx').length, 1, 'one process, two seconds: one incident');
  });

  it('takes the boot time from a journal banner line (not from a user program quoting one)', async () => {
    const t = await run('journal-iso.log');
    const boots = t.events.filter((e) => e.type === 'boot');
    assert.equal(boots.length, 1);
    assert.equal(iso(boots[0].at.time), '2026-11-22T02:41:12.000Z');
    assert.equal(boots[0].at.basis, 'journal');
  });
});
