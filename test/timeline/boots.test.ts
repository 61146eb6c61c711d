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
      const m = /^(?:<\d+>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[\s*(\d+\.\d+)\]/.exec(text) ?? / kernel: \[\s*(\d+\.\d+)\]/.exec(text);
      return m ? Number(m[1]) : undefined;
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

  it('takes the boot time from a journal banner line (not from a user program quoting one)', async () => {
    const t = await run('journal-iso.log');
    const boots = t.events.filter((e) => e.type === 'boot');
    assert.equal(boots.length, 1);
    assert.equal(iso(boots[0].at.time), '2026-11-22T02:41:12.000Z');
    assert.equal(boots[0].at.basis, 'journal');
  });
});
