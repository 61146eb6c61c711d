/**
 * The full-screen view. It renders the latest view model from the feed (the runner flushes the
 * store into it a few times a second, and reports the terminal size), keeps the UI state, and turns
 * keys into intents through the keymap. Side effects (quit, redraw, pause, actions) are handed to
 * the runner. It never draws more than rows - 1 lines.
 */
import React, { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Box, useInput, type Key } from 'ink';
import type { DenialGroup, StoreSnapshot } from './denial-store.js';
import { intentFor, keymapFor, type ActionVerb, type Screen } from './keymap.js';
import { factFor, type ProfileFacts } from './profile-facts.js';
import type { Theme } from './theme.js';
import type { Incident as TimelineIncident } from '../timeline/model.js';
import { applyIntent, editFilter, INITIAL_UI, selectedIndex, type ListContext, type UiState } from './ui-state.js';
import { commandRows, parseFilter, profileRows, SORT_TITLE, timelineItems, visibleIncidents, windowStart } from './view-model.js';
import { Header, sourceLines, type RunMode } from './views/header.js';
import { IncidentList } from './views/incident-list.js';
import { detailLines, IncidentDetail } from './views/incident-detail.js';
import { profileShapeWidth, profileTableCapacity, ProfilesTable } from './views/profiles-table.js';
import { TimelineView } from './views/timeline-view.js';
import { ActionLog } from './views/action-log.js';
import { helpLines, HelpOverlay } from './views/help-overlay.js';
import { Banner, Footer } from './views/status-bars.js';
import { Lines, seg } from './views/lines.js';
import { ActionDialog } from './actions/action-dialog.js';
import { HeaderStrip, incidentShape, profileShapes } from './views/rate-strip.js';
import { actionKeyVerb, actionsOffNotice } from './action-notice.js';
import type { ActionController } from './actions/controller.js';
import { collapseIncidents, isGroupKey } from './collapse.js';
import { parseFieldFilter } from './field-filter.js';
import { copyText, COPY_MENU, incidentMarkdown, incidentsMarkdown, incidentsNdjson, menuChoice, timelineExport, WRITE_MENU, type CopyWhat } from './export.js';
import { copyOut, writeOut, type ExportIo } from './export-io.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** A likely-attack incident that appeared after start-up, numbered in order of arrival. */
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
  onPause(): void;
  /** Present when actions can be taken: enables the action keys. */
  onAction?: (verb: ActionVerb, target: { incident?: DenialGroup; profile?: string; marked?: DenialGroup[] }) => void;
  /** The action dialogs: while one is open it has the keys and takes the body's place. */
  actions?: ActionController;
  /** Where y (OSC 52) and w (files) write; without it they say they are not available. */
  exportIo?: ExportIo;
}

const noDialogs = () => () => {};
const dialogClosed = () => false;

const HINTS: Record<Screen | 'detail', string> = {
  incidents: '? help · j/k move · Enter detail · / filter · n/N attacks · s sort · Space pause · 1-4 screens · q quit',
  detail: '? help · j/k scroll · n/N next/prev attack · Esc/q back · Ctrl-C quit',
  profiles: '? help · j/k move · Enter: its incidents · / filter · Esc/q back · Ctrl-C quit',
  timeline: '? help · j/k move · Enter: the incident · / filter · Space pause · Esc/q back',
  actions: '? help · j/k move · / filter · Esc/q back · Ctrl-C quit',
};

/** The key flags of one character out of a multi-character chunk. */
export function keyForChar(c: string, chunk: Key): Key {
  const none = { ...chunk, return: false, tab: false, backspace: false, delete: false, escape: false, shift: false, upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, home: false, end: false };
  if (c === '\r' || c === '\n') return { ...none, return: true };
  if (c === '\t') return { ...none, tab: true };
  if (c === '\x7f' || c === '\b') return { ...none, delete: true };
  return { ...none, shift: /[A-Z]/.test(c) };
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
  const { columns: width } = vm.size;
  const snap = vm.snap;
  const facts = vm.facts ?? props.facts;
  const filter = parseFilter(ui.filter);

  const latestAlert = vm.alerts[vm.alerts.length - 1];
  const atList = ui.screen === 'incidents' && ui.detail === undefined && !ui.help;
  const banner = latestAlert && latestAlert.seq > ui.ackSeq && !atList ? latestAlert : undefined;
  useEffect(() => {
    if (atList && latestAlert && latestAlert.seq > ui.ackSeq) setUi((s) => ({ ...s, ackSeq: latestAlert.seq }));
  }, [atList, latestAlert, ui.ackSeq]);

  // rows - 1 lines at most: a frame as tall as the terminal makes Ink clear the screen every time.
  const total = Math.max(3, vm.size.rows - 1);
  // header (4 lines and the rate strip), footer, banner
  const bodyHeight = Math.max(1, total - 4 - 1 - 1 - (banner ? 1 : 0));

  const fieldFilter = useMemo(() => parseFieldFilter(ui.filter), [ui.filter]);
  const collapsed = useMemo(() => {
    // field terms (profile: op: pid: host: verdict: since: /re/) filter here; a plain filter as before
    const base = fieldFilter ? { ...snap, incidents: fieldFilter.ok ? snap.incidents.filter((i) => fieldFilter.test(i, vm.now)) : [] } : snap;
    return collapseIncidents(visibleIncidents(base, fieldFilter ? undefined : filter, ui.sort), ui.expanded);
  }, [snap, ui.filter, ui.sort, ui.expanded, vm.now]);
  const incidents = collapsed.rows;
  const profiles = useMemo(() => (ui.screen === 'profiles' ? profileRows(snap, facts, filter) : []), [snap, ui.filter, ui.screen, facts]);
  const timeline = useMemo(() => (ui.screen === 'timeline' ? timelineItems(snap, filter, vm.incidents?.()) : []), [snap, ui.filter, ui.screen]);
  const commands = useMemo(() => (ui.screen === 'actions' ? commandRows(snap.actions, filter) : []), [snap, ui.filter, ui.screen]);
  const detailIncident = ui.detail !== undefined ? snap.incidents.find((i) => i.key === ui.detail) : undefined;
  const shapes = useMemo(() => (ui.screen === 'profiles' ? profileShapes(snap, vm.now, profileShapeWidth(width)) : undefined), [snap, ui.screen, vm.now, width]);
  const detailShape = useMemo(() => (detailIncident ? incidentShape(snap, detailIncident, vm.now, Math.min(60, Math.max(10, width - 50)), props.utc, props.tz) : undefined), [snap, detailIncident, vm.now, width]);

  const incidentKeys = incidents.map((i) => i.key);
  const incidentAttack = incidents.map((i) => i.verdict === 'likely-attack');
  let keys: string[];
  let attack: boolean[];
  let page = bodyHeight - 1;
  if (ui.screen === 'profiles') {
    keys = profiles.map((p) => p.name);
    attack = profiles.map((p) => p.attacks > 0);
    page = profileTableCapacity(bodyHeight);
  } else if (ui.screen === 'timeline') {
    keys = timeline.map((_t, i) => String(i));
    attack = timeline.map((t) => t.kind === 'record' && t.record.classification?.verdict === 'likely-attack');
  } else if (ui.screen === 'actions') {
    keys = commands.map((_c, i) => String(i));
    attack = commands.map((c) => c.done && c.exit !== 0);
    // room under the table for the selected command in full
    page = bodyHeight > 13 ? bodyHeight - 8 : bodyHeight - 1;
  } else {
    keys = incidentKeys;
    attack = incidentAttack;
  }
  const sel = selectedIndex(ui, keys);
  const start = windowStart(offsets.current[ui.screen] ?? 0, sel, page, keys.length);
  offsets.current[ui.screen] = start;

  // Several keys can arrive in one chunk (fast typing, paste, tmux send-keys): each is handled in
  // turn, the state carried from one to the next.
  // The key handler reads the latest render through refs: Ink re-subscribes it only after effects
  // run, and a key can arrive before that.
  const uiRef = useRef(ui);
  uiRef.current = ui;
  // `cur` is the state as of the key being handled: a chunk of keys ("?G") changes it before the
  // next render, and what the key scrolls depends on it.
  const listContextNow = (cur: UiState): ListContext => {
    let detailCount = 0;
    const open = cur.detail !== undefined ? snap.incidents.find((i) => i.key === cur.detail) : undefined;
    if (cur.help) detailCount = helpLines(keymap, theme, props.helpNote, snap.health, width).length;
    else if (open) detailCount = detailLines({ incident: open, fact: factFor(facts, open.profile), now: vm.now, utc: props.utc, tz: props.tz, width, theme, shape: open === detailIncident ? detailShape : undefined }).length;
    let openTarget: ListContext['openTarget'];
    const item = timeline[sel];
    if (cur.screen === 'timeline' && item?.kind === 'record' && item.incidentKey) openTarget = { incident: item.incidentKey };
    if (cur.screen === 'profiles' && profiles[sel]) openTarget = { profile: profiles[sel].name };
    return { keys, attack, page: cur.help || cur.detail !== undefined ? bodyHeight - 1 : page, detailLines: detailCount, incidentKeys, incidentAttack, openTarget };
  };
  const latest = useRef({ listContext: listContextNow, detailIncident, incidents, profiles, sel, timeline });
  latest.current = { listContext: listContextNow, detailIncident, incidents, profiles, sel, timeline };
  const handleKey = (input: string, key: Key) => {
    const cur = uiRef.current;
    const { listContext, detailIncident, incidents, profiles, sel } = latest.current;
    if (key.ctrl && input === 'c') {
      props.onQuit();
      return;
    }
    if (cur.editing) {
      uiRef.current = editFilter(cur, input, key);
      setUi(uiRef.current);
      return;
    }
    if (cur.menu) {
      // the key after y / w chooses; the outcome arrives in the footer
      const menu = cur.menu;
      const choice = key.escape ? undefined : menuChoice(menu, input);
      const show = (status: string) => setUi((st) => ({ ...st, status }));
      uiRef.current = { ...cur, menu: undefined, status: key.escape ? undefined : choice ? '...' : `${menu}: no such choice` };
      setUi(uiRef.current);
      if (!choice) return;
      const io = props.exportIo;
      if (!io) return show(`${menu} is not available here`);
      const inc = cur.screen === 'incidents' ? (detailIncident ?? incidents[sel]) : undefined;
      if (menu === 'copy') {
        const c = copyText(inc, choice as CopyWhat);
        if (!c.ok) return show(`nothing copied: ${c.reason}${cur.screen !== 'incidents' ? ' (copy works on the Incidents screen)' : ''}`);
        void copyOut(c.text, c.label, io).then(show);
        return;
      }
      const ext = choice as 'md' | 'ndjson';
      const view = cur.screen === 'timeline' ? 'timeline' : detailIncident ? 'incident' : 'incidents';
      const lines =
        view === 'timeline' ? timelineExport(latest.current.timeline, ext) : view === 'incident' ? (ext === 'md' ? incidentMarkdown(detailIncident!) : incidentsNdjson([detailIncident!])) : ext === 'md' ? incidentsMarkdown(incidents, `aa-triage incidents${cur.filter ? ` (filter: ${cur.filter})` : ''}`) : incidentsNdjson(incidents);
      void writeOut(lines, view, ext, io).then(show);
      return;
    }
    if (cur.status) {
      uiRef.current = { ...cur, status: undefined };
      setUi(uiRef.current);
    }
    const intent = intentFor(keymap, input, key);
    const offVerb = !intent && !props.onAction ? actionKeyVerb(input, key) : undefined;
    setNotice(offVerb ? actionsOffNotice(offVerb, props.mode) : undefined);
    if (!intent) return;
    const step = applyIntent(uiRef.current, intent, listContext(uiRef.current));
    uiRef.current = step.state;
    setUi(step.state);
    const fx = step.effect;
    if (!fx) return;
    if (fx.type === 'quit') props.onQuit();
    else if (fx.type === 'redraw') props.onRedraw();
    else if (fx.type === 'pause') props.onPause();
    else if (fx.type === 'action' && props.onAction) {
      const inc = cur.screen === 'incidents' ? (detailIncident ?? incidents[sel]) : undefined;
      const profile = cur.screen === 'profiles' ? profiles[sel]?.name : inc?.profile;
      const marked = fx.verb === 'allow' && cur.screen === 'incidents' ? (cur.marked ?? []).flatMap((k) => (isGroupKey(k) ? (collapsed.members.get(k) ?? []) : snap.incidents.filter((i) => i.key === k))) : [];
      props.onAction(fx.verb, { incident: inc, profile, ...(marked.length ? { marked } : {}) });
    }
  };
  useInput(
    (input, key) => {
      if (input.length > 1 && !key.ctrl && !key.meta) {
        for (const c of input) handleKey(c, keyForChar(c, key));
      } else {
        handleKey(input, key);
      }
    },
    { isActive: !dialogOpen },
  );

  let body: React.JSX.Element;
  if (dialogOpen && props.actions) {
    body = <ActionDialog controller={props.actions} width={width} height={bodyHeight} theme={theme} onQuit={props.onQuit} />;
  } else if (ui.help) {
    body = <HelpOverlay keymap={keymap} theme={theme} width={width} height={bodyHeight} scroll={ui.helpScroll} note={props.helpNote} sources={snap.health} />;
  } else if (ui.screen === 'incidents' && ui.detail !== undefined) {
    body = detailIncident ? (
      <IncidentDetail incident={detailIncident} fact={factFor(facts, detailIncident.profile)} now={vm.now} utc={props.utc} tz={props.tz} width={width} height={bodyHeight} scroll={ui.detailScroll} theme={theme} shape={detailShape} />
    ) : (
      <Lines lines={[[seg(' This incident is no longer kept (the store forgets the least recent incidents to stay bounded). Esc: back')]]} width={width} />
    );
  } else if (ui.screen === 'profiles') {
    body = <ProfilesTable rows={profiles} start={start} selected={sel} width={width} height={bodyHeight} shapes={shapes} />;
  } else if (ui.screen === 'timeline') {
    body = <TimelineView items={timeline} start={start} selected={sel} dropped={snap.windowDropped} utc={props.utc} tz={props.tz} width={width} height={bodyHeight} theme={theme} />;
  } else if (ui.screen === 'actions') {
    body = <ActionLog rows={commands} start={start} selected={sel} page={page} utc={props.utc} tz={props.tz} journal={props.journal} unreadable={snap.actionsUnreadable} width={width} height={bodyHeight} theme={theme} />;
  } else {
    const empty = fieldFilter && !fieldFilter.ok ? `filter: ${fieldFilter.error} (Esc clears it)` : filter ? 'no incident matches the filter (Esc clears it)' : props.mode === 'live' ? 'no denials yet (the sources above say what is being read)' : 'no denials in the input';
    body = <IncidentList rows={incidents.slice(start, start + page)} selected={sel - start} total={incidents.length} now={vm.now} width={width} height={bodyHeight} theme={theme} emptyText={empty} emptyDetail={filter ? undefined : snap.health.flatMap(sourceLines)} marked={ui.marked} range={incidents.length ? `${start + 1}-${Math.min(incidents.length, start + page)} of ${incidents.length}${start + page < incidents.length ? ' ↓' : ''}` : undefined} />;
  }

  if (vm.blank) return <Box width={width} height={total} />;
  const hintKey = ui.screen === 'incidents' && ui.detail !== undefined ? 'detail' : ui.screen;
  return (
    <Box flexDirection="column" width={width} height={total} overflow="hidden">
      <Header
        mode={props.mode}
        paused={snap.paused}
        newSincePause={snap.newSincePause}
        host={vm.host}
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
      {banner ? <Banner text={banner.text} theme={theme} width={width} /> : null}
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {body}
      </Box>
      <Footer editing={ui.editing} filter={ui.filter} hints={ui.menu ? (ui.menu === 'copy' ? COPY_MENU : WRITE_MENU) : (ui.status ?? HINTS[hintKey])} demo={props.mode === 'demo'} theme={theme} width={width} notice={notice} />
    </Box>
  );
}
