// Records and view models for the interactive-view tests.
import type { AppArmorRecord, Verdict } from '../../src/model/record.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import type { Feed, ViewModel } from '../../src/tui/app.js';
import type { ListContext } from '../../src/tui/ui-state.js';
import type { StoreSnapshot } from '../../src/tui/denial-store.js';
import type { Line } from '../../src/tui/views/lines.js';
import type { Key } from 'ink';
import { waitFor } from '../support/wait.js';

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

/** waitFor with the condition first, as the view tests read: frames arrive asynchronously. */
export async function until(cond: () => boolean, what: string, ms?: number): Promise<void> {
  await waitFor(what, cond, ms);
}

/** A key event with nothing pressed: a test sets what it presses. */
export const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The list a key acts on: these rows (none an attack unless said), a page of 10, a detail of 40 lines. */
export function ctx(keys: string[], attack: boolean[] = keys.map(() => false)): ListContext {
  return { keys, attack, page: 10, detailLines: 40, groupKeys: keys, groupAttack: attack };
}

/** The header of a replay's denial list over `snap`, in colour (the view's modules loaded when asked: a pipeline test uses this too). */
export async function replayHeader(snap: StoreSnapshot, width: number): Promise<Line[]> {
  const { headerLines } = await import('../../src/tui/views/header.js');
  const { COLOR_THEME } = await import('../../src/tui/theme.js');
  return headerLines({
    mode: 'replay',
    paused: false,
    newSincePause: 0,
    records: snap.records,
    verdicts: snap.verdicts,
    loss: snap.loss,
    health: [],
    screen: 'denials',
    sortTitle: '',
    filter: '',
    width,
    theme: COLOR_THEME,
  });
}
