/**
 * Why an action key does nothing here, for the status line: in the demo and on saved logs the
 * action keys are not bound (the profiles named are not this host's to change), and a key that
 * silently does nothing looks broken. Pure.
 */
import { KEYMAP, intentFor, type ActionVerb } from './keymap.js';
import type { Key } from 'ink';

/** The action verb a key would have triggered with actions on, if any. */
export function actionKeyVerb(input: string, key: Key): ActionVerb | undefined {
  const intent = intentFor(KEYMAP, input, key);
  return intent?.type === 'action' ? intent.verb : undefined;
}

export function actionsOffNotice(verb: ActionVerb, mode: 'live' | 'demo' | 'replay'): string {
  const where = mode === 'demo' ? 'in the demo' : mode === 'replay' ? 'on saved logs' : 'here';
  // short enough for 80 columns beside the DEMO label; the help (?) says the rest
  return `${verb}: off ${where} (it changes a host's profiles: live only)`;
}
