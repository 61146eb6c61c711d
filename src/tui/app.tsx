/**
 * The full-screen view. It renders the latest view model from the feed (the runner flushes the
 * store into it a few times a second, and reports the terminal size), keeps the UI state, and
 * hands every key to the key handler (use-keys.ts). What each screen shows is derived in
 * screen-model.ts; side effects (quit, redraw, pause, actions, copies) go to the runner. It never
 * draws more than rows - 1 lines.
 */
import React, { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Box } from 'ink';
import { keymapFor, type Screen } from './keymap.js';
import { INITIAL_UI, type UiState } from './ui-state.js';
import { SORT_TITLE, windowStart } from './view-model.js';
import { screenDeriver, type ScreenEnv, type ScreenModel } from './screen-model.js';
import { useKeys } from './use-keys.js';
import { ScreenBody } from './screen-body.js';
import { Header } from './views/header.js';
import { Banner, Footer } from './views/status-bars.js';
import { HeaderStrip } from './views/rate-strip.js';
import { COPY_MENU, WRITE_MENU } from './export.js';
import { searchStatus } from './view-search.js';
import type { AppProps } from './app-types.js';

export type { ActionTarget, Alert, AppProps, Feed, TerminalSize, ViewModel } from './app-types.js';
export { keyForChar } from './key-step.js';

const noDialogs = () => () => {};
const dialogClosed = () => false;

const HINTS: Record<Screen | 'detail', string> = {
  denials: '? help · j/k move · Enter detail · / filter · n/N attacks · s sort · Space pause · 1-4 screens · q quit',
  detail: '? help · j/k scroll · / search · n/N next/prev attack · Esc/q back · Ctrl-C quit',
  profiles: '? help · j/k move · Enter: its denials · / filter · Esc/q back · Ctrl-C quit',
  timeline: '? help · j/k move · Enter: its denial group · / search · t time · Space pause · Esc/q back',
  actions: '? help · j/k move · / filter · Esc/q back · Ctrl-C quit',
};

/** The footer's text when no prompt is open: a menu, a status, the search's position, or the hints. */
function footerHints(ui: UiState, scr: ScreenModel): string {
  if (ui.menu) return ui.menu === 'copy' ? COPY_MENU : WRITE_MENU;
  if (ui.status) return ui.status;
  if (ui.search && ui.search.view === scr.searchView) return searchStatus(ui.search, scr.matches.length);
  return HINTS[ui.screen === 'denials' && ui.detail !== undefined ? 'detail' : ui.screen];
}

/** The footer's prompt while something is being typed (filter, search, time). */
function footerPrompt(ui: UiState, scr: ScreenModel): { mark: string; text: string; help: string } | undefined {
  if (ui.editing) return { mark: '/', text: ui.filter, help: 'Enter keep · Esc clear · start with ! to invert' };
  if (ui.search?.editing) return { mark: '/', text: ui.search.text, help: searchStatus(ui.search, scr.matches.length).replace(/ · Esc leaves search$/, '') + ' · Enter keep · Esc leave' };
  if (ui.jump !== undefined) return { mark: 't ', text: ui.jump, help: 'jump to a time: 14:05, 2026-12-03 14:05, -10m · Enter go · Esc cancel' };
  return undefined;
}

export function App(props: AppProps): React.JSX.Element {
  const { feed, theme } = props;
  const vm = useSyncExternalStore(feed.subscribe, feed.get);
  const dialogOpen = useSyncExternalStore(props.actions?.subscribe ?? noDialogs, props.actions?.isOpen ?? dialogClosed);
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  // the status line's answer to an action key that does nothing here (until the next key)
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const offsets = useRef<Partial<Record<Screen, number>>>({});
  const keymap = useMemo(() => keymapFor({ actions: !!props.onAction }), [props.onAction]);
  const derive = useRef(screenDeriver()).current;
  const env: ScreenEnv = { keymap, theme, utc: props.utc, tz: props.tz, helpNote: props.helpNote, facts: props.facts };
  const scr = derive(ui, vm, env);

  const latestAlert = vm.alerts[vm.alerts.length - 1];
  const atList = ui.screen === 'denials' && ui.detail === undefined && !ui.help;
  useEffect(() => {
    if (atList && latestAlert && latestAlert.seq > ui.ackSeq) setUi((s) => ({ ...s, ackSeq: latestAlert.seq }));
  }, [atList, latestAlert, ui.ackSeq]);

  useKeys({
    ui,
    setUi,
    setNotice,
    derive: (s) => derive(s, vm, env),
    env: { keymap, mode: props.mode, actions: !!props.onAction, exports: !!props.exportIo },
    props,
  });

  const start = windowStart(offsets.current[ui.screen] ?? 0, scr.sel, scr.page, scr.keys.length);
  offsets.current[ui.screen] = start;

  if (vm.blank) return <Box width={scr.width} height={scr.total} />;
  const snap = vm.snap;
  const width = scr.width;
  // clipped vertically only: every line is cut to the width before Ink sees it (views/lines.tsx)
  return (
    <Box flexDirection="column" width={width} height={scr.total} overflowY="hidden">
      <Header
        mode={props.mode}
        paused={snap.paused}
        newSincePause={snap.newSincePause}
        host={vm.host}
        hosts={scr.hosts}
        records={snap.records}
        verdicts={snap.verdicts}
        loss={snap.loss}
        health={snap.health}
        clockNote={vm.clockNote}
        screen={ui.screen}
        sortTitle={SORT_TITLE[ui.sort]}
        filter={ui.editing ? '' : ui.filter}
        width={width}
        theme={theme}
      />
      <HeaderStrip series={snap.rates} actions={snap.actions} now={vm.now} live={props.mode === 'live'} width={width} theme={theme} utc={props.utc} tz={props.tz} />
      {scr.banner ? <Banner text={scr.banner.text} theme={theme} width={width} /> : null}
      <Box flexDirection="column" height={scr.bodyHeight} overflowY="hidden">
        <ScreenBody app={props} vm={vm} ui={ui} scr={scr} keymap={keymap} start={start} dialogOpen={dialogOpen} />
      </Box>
      <Footer prompt={footerPrompt(ui, scr)} hints={footerHints(ui, scr)} demo={props.mode === 'demo'} theme={theme} width={width} notice={notice} />
    </Box>
  );
}
