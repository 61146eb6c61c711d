// In the demo (and on saved logs) an action key says in the status line why it does nothing.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { actionsOffNotice } from '../../src/tui/action-notice.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

for (const mode of ['demo', 'replay'] as const) {
  test(`${mode}: c, u, d, z say in the status line why actions are off; the next key clears it`, async () => {
    const store = new DenialStore();
    store.add(denial({}, { verdict: 'missing-rule', time: 1_800_000_000_000 }));
    const feed = new TestFeed(modelOf(store, { columns: 80, rows: 24 }));
    const app = render(<App feed={feed} mode={mode} facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
    mounted.push(app);
    const frame = () => app.lastFrame() ?? '';
    const footer = () => frame().split('\n').at(-1) ?? '';
    await until(() => frame().includes('VERDICT'), 'the list');
    const where = mode === 'demo' ? 'in the demo' : 'on saved logs';
    for (const [k, verb] of [
      ['c', 'complain'],
      ['u', 'unload'],
      ['d', 'disable'],
      ['z', 'undo'],
    ]) {
      app.stdin.write(k);
      await until(() => footer().includes(`${verb}: off ${where}`), `the notice for ${k}`);
      assert.match(footer(), /live only\)/, 'the whole reason fits 80 columns');
    }
    app.stdin.write('j');
    await until(() => footer().includes('? help'), 'the hints again');
  });
}

test('the notice fits 80 columns beside the DEMO label', () => {
  for (const v of ['complain', 'unload', 'disable', 'undo'] as const) assert.ok(` DEMO data  ${actionsOffNotice(v, 'demo')}`.length <= 80);
});
