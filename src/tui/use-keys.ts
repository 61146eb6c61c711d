/**
 * The view's one key handler: each key of a chunk (fast typing, a paste, tmux send-keys) goes to
 * the action dialog while one is open, else is stepped against the screen derived from the state
 * the key before it produced, then what it asks for is handed to the runner's callbacks. Only
 * dispatch here; the decisions are in key-step.ts and the dialog's controller.
 */
import { useRef } from 'react';
import { useInput } from 'ink';
import type { AppProps } from './app-types.js';
import type { UiState } from './ui-state.js';
import type { ScreenModel } from './screen-model.js';
import { everywhereKey, keysOfEvent, keyStep, type KeyEnv, type KeyOutcome } from './key-step.js';
import { copyOut, writeOut } from './export-io.js';

const SUSPEND_UNAVAILABLE = 'Ctrl-Z: cannot suspend here';

export interface KeyWiring {
  ui: UiState;
  setUi: (f: UiState | ((s: UiState) => UiState)) => void;
  setNotice: (text: string | undefined) => void;
  /** The screen for a state (the view's memo keeps this cheap for a chunk of keys). */
  derive: (ui: UiState) => ScreenModel;
  env: KeyEnv;
  props: AppProps;
}

export function useKeys(w: KeyWiring): void {
  // The handler reads the latest render through refs: Ink re-subscribes it only after effects
  // run, and a key can arrive before that.
  const uiRef = useRef(w.ui);
  uiRef.current = w.ui;
  const latest = useRef(w);
  latest.current = w;

  const run = (o: KeyOutcome) => {
    const { props, setUi, setNotice } = latest.current;
    const show = (status: string) => setUi((st) => ({ ...st, status }));
    if (o.type === 'quit') props.onQuit();
    else if (o.type === 'redraw') props.onRedraw();
    else if (o.type === 'suspend') setNotice(props.onSuspend ? props.onSuspend() : SUSPEND_UNAVAILABLE);
    else if (o.type === 'pause') props.onPause();
    else if (o.type === 'notice') setNotice(o.text);
    else if (o.type === 'action') props.onAction?.(o.verb, o.target);
    else if (o.type === 'copy' && props.exportIo) void copyOut(o.text, o.label, props.exportIo).then(show);
    else if (o.type === 'write' && props.exportIo) void writeOut(o.lines, o.view, o.ext, props.exportIo).then(show);
  };
  const handle = (input: string, key: Parameters<typeof keyStep>[2]) => {
    const { derive, env, setUi } = latest.current;
    const cur = uiRef.current;
    const step = keyStep(cur, input, key, derive(cur), env);
    uiRef.current = step.state;
    // an alert acknowledged by the view's effect since this key's state was read stays acknowledged
    if (step.state !== cur) setUi((prev) => (prev.ackSeq > step.state.ackSeq ? { ...step.state, ackSeq: prev.ackSeq } : step.state));
    step.out.forEach(run);
  };
  useInput((input, key) => {
    const dialog = latest.current.props.actions;
    for (const [c, k] of keysOfEvent(input, key)) {
      if (dialog?.isOpen() && !everywhereKey(c, k)) dialog.key(c, k);
      else handle(c, k);
    }
  });
}
