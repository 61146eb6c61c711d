import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines } from '../../bench/generate.mjs';
import { LineParser } from '../../src/parse/line-parser.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import { loadProfileIndex } from '../../src/profiles/load.js';

export const PROFILES = join(import.meta.dirname, '..', 'fixtures', 'classify', 'apparmor.d');
export const loadFixtureIndex = () => loadProfileIndex([PROFILES]);

/**
 * A classification as plain data, read through its accessors: a result filled in per record has
 * its texts as accessors, which deepEqual on the object itself does not compare.
 */
export function asPlain(c: Classification): Classification {
  const out: Classification = { verdict: c.verdict, confidence: c.confidence, reasons: [...c.reasons] };
  if (c.suggestion !== undefined) out.suggestion = c.suggestion;
  return out;
}

/** 2026-11-22T03:00:00Z */
export const T0 = 1795316400;
let serial = 7000;

/** One kernel log line as journalctl prints it, `t` seconds after T0. */
export function kline(t: number, kind: string, body: string): string {
  return `Nov 22 03:00:00 web-01 kernel: audit: type=1400 audit(${T0 + t}.${String((serial % 1000) + 1).padStart(3, '0')}:${serial++}): apparmor="${kind}" ${body}`;
}

export function parse(lines: string[]): AppArmorRecord[] {
  const out: AppArmorRecord[] = [];
  const p = new LineParser(
    'test',
    {
      record: (r) => out.push(r),
      unparsable: (u) => {
        throw new Error(`unparsable: ${u.reason}: ${u.excerpt}`);
      },
      loss: () => {},
    },
    { year: 2026 },
  );
  for (const l of lines) p.push(l);
  p.end();
  return out;
}

/** Every record the lines hold, lines the parser cannot read passed over (corpora, generated logs). */
export function parseLenient(lines: Iterable<string>): AppArmorRecord[] {
  const out: AppArmorRecord[] = [];
  const p = new LineParser('test', { record: (r) => out.push(r), unparsable: () => {}, loss: () => {} }, { year: 2026 });
  for (const l of lines) p.push(l);
  p.end();
  return out;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Every record of the fixture corpora (real-world lines, libapparmor's cases, the utilities' events, both kernels' captures, the demo) and of generated logs. */
export function fixtureRecords(): AppArmorRecord[] {
  const lines: string[] = [];
  for (const f of ['public.jsonl', 'attacks.jsonl']) {
    for (const t of readFileSync(join(FIXTURES, 'realworld', f), 'utf8').split('\n')) if (t.trim()) lines.push(...(JSON.parse(t) as { line: string }).line.split('\n'));
  }
  for (const t of readFileSync(join(FIXTURES, 'libapparmor', 'cases.jsonl'), 'utf8').split('\n')) if (t.trim()) lines.push(...(JSON.parse(t) as { in: string }).in.split('\n'));
  for (const t of readFileSync(join(FIXTURES, 'apparmor-utils', 'rules-from-events.jsonl'), 'utf8').split('\n')) if (t.trim()) lines.push((JSON.parse(t) as { in: string }).in);
  for (const dir of ['kernel', 'kernel-6.12']) for (const f of readdirSync(join(FIXTURES, dir))) if (/\.(?:txt|log)$/.test(f)) lines.push(...readFileSync(join(FIXTURES, dir, f), 'utf8').split('\n'));
  lines.push(...readFileSync(join(import.meta.dirname, '..', '..', 'demo', 'incident.log'), 'utf8').split('\n'));
  for (const carrier of ['journal', 'auditlog', 'dmesg'] as const) lines.push(...logLines({ carrier, lines: 4000, share: 0.6, seed: 5 }));
  return parseLenient(lines);
}

/** A file access line. */
export function file(
  t: number,
  profile: string,
  op: string,
  name: string,
  mask: string,
  o: { pid?: number; comm?: string; kind?: string; fsuid?: number; ouid?: number; extra?: string } = {},
): string {
  return kline(
    t,
    o.kind ?? 'DENIED',
    `operation="${op}" class="file" profile="${profile}" name="${name}" pid=${o.pid ?? 1000} comm="${o.comm ?? 'svc'}" requested_mask="${mask}" denied_mask="${mask}" fsuid=${o.fsuid ?? 0} ouid=${o.ouid ?? 0}${o.extra ? ` ${o.extra}` : ''}`,
  );
}

export function net(t: number, profile: string, family: string, type: string, protocol: number, o: { pid?: number; comm?: string; kind?: string; op?: string } = {}): string {
  return kline(
    t,
    o.kind ?? 'DENIED',
    `operation="${o.op ?? 'create'}" class="net" profile="${profile}" pid=${o.pid ?? 1000} comm="${o.comm ?? 'svc'}" family="${family}" sock_type="${type}" protocol=${protocol} requested_mask="create" denied_mask="create"`,
  );
}

export function cap(t: number, profile: string, name: string, num: number, o: { pid?: number; comm?: string; kind?: string } = {}): string {
  return kline(t, o.kind ?? 'DENIED', `operation="capable" class="cap" profile="${profile}" pid=${o.pid ?? 1000} comm="${o.comm ?? 'svc'}" capability=${num} capname="${name}"`);
}

export function status(t: number, op: string, name: string): string {
  return kline(t, 'STATUS', `operation="${op}" profile="unconfined" name="${name}" pid=4412 comm="apparmor_parser"`);
}

/**
 * One spelling of a rule, to compare rules written by different tools: quotes dropped, every
 * parenthesised list sorted, one word without its parentheses (`signal (send) set=(term)` is
 * `signal send set=term`; `unix (send, accept)` is `unix (accept, send)`).
 */
export function ruleSpelling(rule: string): string {
  return rule
    .replace(/"/g, '')
    .replace(/\(([^()]*)\)/g, (_, list: string) => {
      const items = list
        .split(/[\s,]+/)
        .filter(Boolean)
        .sort();
      return items.length === 1 ? items[0] : `(${items.join(', ')})`;
    })
    .replace(/\s+/g, ' ')
    .trim();
}
