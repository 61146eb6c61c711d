import { Writable } from 'node:stream';
import { findDemo } from '../../src/demo.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import type { ActionJournalEntry } from '../../src/model/action.js';
import { DEMO_ACTIONS_SOURCE } from '../../src/commands/timeline.js';
import type { Timeline } from '../../src/timeline/model.js';
import { buildTimelineFromInputs, type TimelineRun } from '../../src/commands/timeline-run.js';
import { timeStyle } from '../../src/timeline/time-format.js';

export const UTC = timeStyle({ utc: true });

export function demoPaths() {
  const demo = findDemo();
  if (!demo) throw new Error('demo incident missing');
  return demo;
}

export function demoRun(extra: Partial<TimelineRun> = {}): TimelineRun {
  const demo = demoPaths();
  return {
    inputs: [{ path: demo.log, name: 'DEMO:incident.log' }],
    actions: { path: demo.actions, name: DEMO_ACTIONS_SOURCE, required: true },
    format: 'text',
    style: UTC,
    demo: true,
    clock: { year: 2026 },
    ...extra,
  };
}

export function demoTimeline(extra: Partial<TimelineRun> = {}): Promise<Timeline> {
  return buildTimelineFromInputs(demoRun(extra));
}

/**
 * A stand-in classifier for grouping tests (the real one lives in src/classify): the demo's attack
 * signals (shell, interpreter, credentials, /dev/shm, raw socket, ingress tool, /tmp) are likely
 * attacks, complain-mode records are info, every other denial a missing rule.
 */
export function fakeClassify(r: AppArmorRecord): void {
  const name = r.fields.name ?? '';
  const attack = /\/(dash|python3\.11|curl)$|^\/etc\/shadow$|\.ssh\/|^\/dev\/shm\/|^\/tmp\//.test(name) || r.fields.sock_type === 'raw';
  const verdict: Classification['verdict'] = attack ? 'likely-attack' : r.kind === 'ALLOWED' ? 'info' : 'missing-rule';
  r.classification = { verdict, confidence: 0.9, reasons: [attack ? `attack signal: ${name || r.fields.sock_type}` : 'looks like a missing rule'] };
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export class Sink extends Writable {
  text = '';
  isTTY?: boolean;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** An action journal entry at `time` (epoch ms): nginx put in complain mode by oncall on web-01, unless `extra` says otherwise. */
export function journalEntry(time: number, extra: Partial<ActionJournalEntry> = {}): ActionJournalEntry {
  return {
    v: 1,
    id: 'a1',
    phase: 'intent',
    operator: 'oncall',
    host: 'web-01',
    action: 'complain',
    profile: '/usr/sbin/nginx',
    argv: [['aa-complain', '/etc/apparmor.d/usr.sbin.nginx']],
    time: new Date(time).toISOString(),
    ...extra,
  } as ActionJournalEntry;
}
