// The interactive view with its actions wired to a fake host (test/actions/helpers.ts), as the
// runner wires them, for the tests that drive actions through keys.
import React from 'react';
import { render } from 'ink-testing-library';
import { hasCommand } from '../../../src/actions/execute.js';
import { readJournal } from '../../../src/actions/journal.js';
import { resolveTarget } from '../../../src/actions/resolve-target.js';
import type { DenialStore } from '../../../src/tui/denial-store.js';
import { App } from '../../../src/tui/app.js';
import { ActionController } from '../../../src/tui/actions/controller.js';
import { attackAmong } from '../../../src/tui/actions/wire.js';
import { MONO_THEME } from '../../../src/tui/theme.js';
import type { Host } from '../../actions/helpers.js';
import { modelOf, TestFeed } from '../fixtures.js';

export interface MountOptions {
  /** The terminal's rows (120 columns). */
  rows: number;
  now: number;
  /** Whether the dialogs are told which profiles have likely attacks in the store (the runner's attackOn). */
  attackOn?: boolean;
  onQuit?: () => void;
  onSuspend?: () => string | undefined;
}

export function mountWithActions(host: Host, store: DenialStore, o: MountOptions) {
  const feed = new TestFeed(modelOf(store, { columns: 120, rows: o.rows }, o.now));
  const ctl = new ActionController({
    env: host.actionEnv(),
    resolve: (name) => resolveTarget(name, host.declarations, [host.profilesDir]),
    hasCommand: (name) => hasCommand(name, host.env),
    readJournal: () => readJournal(host.journal),
    ...(o.attackOn ? { attackOn: (profiles: string[]) => attackAmong(store.snapshot().groups, profiles) } : {}),
  });
  const app = render(
    <App
      feed={feed}
      mode="live"
      facts={new Map()}
      theme={MONO_THEME}
      utc
      actions={ctl}
      onAction={(verb, target) => void ctl.open(verb, target)}
      onQuit={o.onQuit ?? (() => {})}
      onSuspend={o.onSuspend}
      onPause={() => {}}
      onRedraw={() => {}}
    />,
  );
  const frame = () => app.lastFrame() ?? '';
  return { app, frame, ctl };
}

/** Types keys one at a time, letting the view take each. */
export async function keys(app: ReturnType<typeof render>, ...ks: string[]): Promise<void> {
  for (const k of ks) {
    app.stdin.write(k);
    await new Promise((r) => setImmediate(r));
  }
}
