// Shared test setup for live sources: a temp "host" whose journalctl and dmesg are the fakes in
// test/fixtures/sources/bin (first on PATH), fixtures copied in, fast tuning, a collecting sink.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppArmorRecord, LossNotice, Unparsable } from '../../src/model/record.js';
import type { HostFacts } from '../../src/sources/detect.js';
import { findExecutable } from '../../src/sources/probe.js';
import type { LiveOptions, LiveSession, Tuning } from '../../src/sources/types.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/sources');
export const FAKE_BIN = join(FIXTURES, 'bin');

export const FAST: Partial<Tuning> = { backoffMs: 20, backoffMaxMs: 80, failAfter: 3, healthyAfterMs: 5000, idleMs: 60, pollMs: 20, reorderMs: 30, backfillHoldMs: 1500 };

export interface FakeHost {
  dir: string;
  env: NodeJS.ProcessEnv;
  facts: HostFacts;
  auditLog: string;
  plan(tool: 'journalctl' | 'dmesg', runs: object[]): void;
  calls(tool: 'journalctl' | 'dmesg'): string[][];
  pids(tool: 'journalctl' | 'dmesg'): number[];
  append(file: 'journal.jsonl' | 'dmesg.txt', lines: string[]): void;
  cleanup(): void;
}

export function fakeHost(opts: { journal?: boolean; dmesg?: boolean; auditLog?: boolean } = {}): FakeHost {
  const dir = mkdtempSync(join(tmpdir(), 'aa-sources-'));
  if (opts.journal !== false) copyFileSync(join(FIXTURES, 'journal.jsonl'), join(dir, 'journal.jsonl'));
  if (opts.dmesg !== false) copyFileSync(join(FIXTURES, 'dmesg.txt'), join(dir, 'dmesg.txt'));
  const auditLog = join(dir, 'audit.log');
  if (opts.auditLog) copyFileSync(join(FIXTURES, 'audit.log'), auditLog);
  // the fakes first; node's own directory so `#!/usr/bin/env node` works
  const env = { PATH: `${FAKE_BIN}:${dirname(process.execPath)}`, FAKE_SOURCES_DIR: dir, LANG: 'C' };
  const facts: HostFacts = {
    uid: 0,
    groups: ['root'],
    dmesgRestrict: false,
    journalctl: findExecutable('journalctl', env.PATH),
    dmesg: findExecutable('dmesg', env.PATH),
    journalFiles: true,
    auditLog: { path: auditLog, exists: !!opts.auditLog, readable: !!opts.auditLog },
    auditdRunning: !!opts.auditLog,
    apparmorEnabled: true,
  };
  const lines = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean) : []);
  return {
    dir,
    env,
    facts,
    auditLog,
    plan: (tool, runs) => writeFileSync(join(dir, `plan-${tool}.json`), JSON.stringify(runs)),
    calls: (tool) => lines(`calls-${tool}.log`).map((l) => JSON.parse(l) as string[]),
    pids: (tool) => lines(`pids-${tool}.log`).map((l) => Number(l.replace(/^child /, ''))),
    append: (file, ls) => writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}${ls.join('\n')}\n`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function liveOpts(host: FakeHost, extra: Partial<LiveOptions> = {}): LiveOptions {
  return { facts: host.facts, env: host.env, tuning: FAST, hostname: 'web-01', paths: { proc: join(host.dir, 'no-proc') }, clock: { bootTime: 1795315312000 }, ...extra };
}

export class Collect {
  records: AppArmorRecord[] = [];
  loss: LossNotice[] = [];
  unparsable: Unparsable[] = [];
  sink = {
    record: (r: AppArmorRecord) => this.records.push(r),
    loss: (n: LossNotice) => this.loss.push(n),
    unparsable: (u: Unparsable) => this.unparsable.push(u),
  };
  /** Audit ids + operation + target, one per record, for comparing sets. */
  keys(): string[] {
    return this.records.map((r) => `${r.auditId} ${r.fields.operation} ${r.fields.name ?? r.fields.capname ?? r.fields.family ?? r.fields.peer ?? ''}`);
  }
}

export { waitFor } from '../support/wait.js';

/** The records came out in time order (the session's promise for every backfill). */
export function assertTimeOrder(records: AppArmorRecord[]): void {
  const times = records.map((r) => r.time!);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'in time order',
  );
}

export function state(s: LiveSession, name: string): string | undefined {
  return s.health().find((h) => h.name === name)?.state;
}

export function healthOf(s: LiveSession, name: string) {
  const h = s.health().find((x) => x.name === name);
  if (!h) throw new Error(`no source ${name}`);
  return h;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fixture journal entry (by index) and its cursor. */
export function journalEntries(host: FakeHost): { line: string; cursor: string; transport: string }[] {
  return readFileSync(join(host.dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const o = JSON.parse(line) as Record<string, string>;
      return { line, cursor: o.__CURSOR, transport: o._TRANSPORT };
    });
}
