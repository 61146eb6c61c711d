/**
 * The action dialog: draws the controller's state in place of the screen body. While it is open
 * the view's key handler (use-keys.ts) gives its keys to the controller, not to the keymap, so
 * typing a profile name cannot quit or switch screens; a key after the one that closed it, in the
 * same read, goes to the keymap. Ctrl-C and Ctrl-Z still act (key-step.ts everywhereKey).
 */
import React, { useSyncExternalStore } from 'react';
import type { Theme } from '../theme.js';
import { Lines, type Line } from '../views/lines.js';
import type { ActionController } from './controller.js';
import { dialogLines } from './dialog-lines.js';

/** At most `height` lines: when the dialog is taller, the middle goes and the fields, buttons and hints stay. */
export function fitLines(lines: Line[], height: number, tail = 5): Line[] {
  if (lines.length <= height) return lines;
  const keepTail = Math.min(tail, Math.max(0, height - 1));
  const head = Math.max(0, height - keepTail);
  return [...lines.slice(0, head), ...lines.slice(lines.length - keepTail)];
}

export interface ActionDialogProps {
  controller: ActionController;
  width: number;
  height: number;
  theme: Theme;
}

export function ActionDialog(p: ActionDialogProps): React.JSX.Element | null {
  const state = useSyncExternalStore(p.controller.subscribe, p.controller.get);
  if (state.kind === 'closed') return null;
  return <Lines lines={fitLines(dialogLines(state, p.width, p.theme), p.height)} width={p.width} />;
}
