/**
 * The types the interactive view and its runner share: the view model the runner flushes into the
 * view, the feed it arrives through, and the App's props.
 */
import type { DenialGroup, StoreSnapshot } from './denial-store.js';
import type { Incident as TimelineIncident } from '../timeline/model.js';
import type { ActionVerb } from './keymap.js';
import type { ProfileFacts } from './profile-facts.js';
import type { Theme } from './theme.js';
import type { RunMode } from './views/header.js';
import type { ActionController } from './actions/controller.js';
import type { ExportIo } from './export-io.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** A likely-attack denial group that appeared after start-up, numbered in order of arrival. */
export interface Alert {
  seq: number;
  key: string;
  text: string;
}

export interface ViewModel {
  snap: StoreSnapshot;
  size: TerminalSize;
  /** "Now" for relative times: the clock when live, the last record's time when replaying. */
  now: number;
  alerts: Alert[];
  /** Host the records come from (the first record's host when replaying). */
  host?: string;
  /** How relative times are measured, when not against the clock. */
  clockNote?: string;
  /** Draw an empty frame (the first half of a full redraw). */
  blank?: boolean;
  /** The numbered incidents of every record read so far (built once per snapshot, when asked). */
  incidents?: () => TimelineIncident[];
  /** Profile facts as read last (they change: actions, reloads); when absent, the App's facts prop. */
  facts?: ProfileFacts;
}

export interface Feed {
  subscribe(onChange: () => void): () => void;
  get(): ViewModel;
}

export interface ActionTarget {
  group?: DenialGroup;
  profile?: string;
  marked?: DenialGroup[];
}

export interface AppProps {
  feed: Feed;
  mode: RunMode;
  facts: ProfileFacts;
  theme: Theme;
  utc: boolean;
  /** --tz: wall-clock times in this IANA zone (validated by the caller). */
  tz?: string;
  /** Where the action journal is read from (shown when it is empty). */
  journal?: string;
  /** Shown under the help (e.g. why action keys are absent). */
  helpNote?: string;
  onQuit(): void;
  onRedraw(): void;
  /** Gives the terminal back to the shell until `fg` (Ctrl-Z); what stood in the way, when it could not. */
  onSuspend?(): string | undefined;
  onPause(): void;
  /** Present when actions can be taken: enables the action keys. */
  onAction?: (verb: ActionVerb, target: ActionTarget) => void;
  /** The action dialogs: while one is open it has the keys and takes the body's place. */
  actions?: ActionController;
  /** Where y (OSC 52) and w (files) write; without it they say they are not available. */
  exportIo?: ExportIo;
}
