// Records and view models for the interactive-view tests.
import type { AppArmorRecord, Verdict } from '../../src/model/record.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import type { Feed, ViewModel } from '../../src/tui/app.js';

let line = 0;

export function denial(fields: Record<string, string>, opts: { verdict?: Verdict; time?: number; kind?: string } = {}): AppArmorRecord {
  line++;
  return {
    kind: opts.kind ?? 'DENIED',
    fields: { apparmor: opts.kind ?? 'DENIED', operation: 'open', profile: '/usr/sbin/nginx', name: '/etc/shadow', requested_mask: 'r', denied_mask: 'r', pid: '2211', comm: 'nginx', ...fields },
    time: opts.time,
    carrier: 'journal-short',
    source: { name: 'test.log', line },
    raw: `audit: apparmor="DENIED" line ${line}`,
    classification: opts.verdict ? { verdict: opts.verdict, confidence: 0.9, reasons: [`reason for ${opts.verdict}`] } : undefined,
  };
}

export function status(name: string, operation = 'profile_replace', time?: number): AppArmorRecord {
  line++;
  return { kind: 'STATUS', fields: { apparmor: 'STATUS', operation, profile: 'unconfined', name }, time, carrier: 'journal-short', source: { name: 'test.log', line }, raw: `STATUS ${name}` };
}

/** A feed whose model the test replaces. */
export class TestFeed implements Feed {
  private cbs = new Set<() => void>();
  constructor(public model: ViewModel) {}
  subscribe = (cb: () => void) => {
    this.cbs.add(cb);
    return () => this.cbs.delete(cb);
  };
  get = () => this.model;
  set(m: Partial<ViewModel>): void {
    this.model = { ...this.model, ...m };
    for (const cb of this.cbs) cb();
  }
}

export function modelOf(store: DenialStore, size = { columns: 80, rows: 24 }, now = 1_800_000_000_000): ViewModel {
  return { snap: store.snapshot(), size, now, alerts: [], host: 'web-01' };
}

/**
 * Polls until `cond` holds (or fails after `ms`): frames arrive asynchronously. The deadline is
 * generous: it only decides how long a broken test takes to fail, so a busy machine never fails a good one.
 */
export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
