/**
 * Colours of the interactive view. Ink ignores NO_COLOR, so the monochrome theme is chosen here
 * (--no-color, NO_COLOR, TERM=dumb: TuiSettings.color). Meaning never depends on colour: verdicts
 * carry a glyph and a word, the selection is inverse video, the banner is bold and framed by text.
 */
import type { GroupVerdict } from '../model/verdict.js';

export interface Theme {
  color: boolean;
  verdict: Record<GroupVerdict, string | undefined>;
  mode: { live: string | undefined; paused: string | undefined; demo: string | undefined; replay: string | undefined };
  accent: string | undefined;
  dim: boolean;
  bad: string | undefined;
  good: string | undefined;
}

export const COLOR_THEME: Theme = {
  color: true,
  verdict: { 'likely-attack': 'red', unclear: 'yellow', unclassified: 'gray', 'missing-rule': 'cyan', info: 'gray' },
  mode: { live: 'green', paused: 'yellow', demo: 'magenta', replay: 'blue' },
  accent: 'cyan',
  dim: true,
  bad: 'red',
  good: 'green',
};

export const MONO_THEME: Theme = {
  color: false,
  verdict: { 'likely-attack': undefined, unclear: undefined, unclassified: undefined, 'missing-rule': undefined, info: undefined },
  mode: { live: undefined, paused: undefined, demo: undefined, replay: undefined },
  accent: undefined,
  dim: false,
  bad: undefined,
  good: undefined,
};

export function themeFor(color: boolean): Theme {
  return color ? COLOR_THEME : MONO_THEME;
}
