/**
 * What the view shows for one UI state: every screen's list (filtered, sorted, floods collapsed),
 * the rows the keys move through, the page size, the open detail or help as lines, the matches of
 * a search. Pure but for a memo the caller owns (each list is rebuilt only when what it is made of
 * changed). The frame and every key of a chunk derive from it, so a key acts on the screen the
 * key before it produced, not on the last frame drawn.
 */
import type { DenialGroup } from './denial-store.js';
import type { Alert, ViewModel } from './app-types.js';
import type { KeyBinding } from './keymap.js';
import { factFor, type ProfileFact, type ProfileFacts } from './profile-facts.js';
import type { Theme } from './theme.js';
import { commandRows, notUndone, parseFilter, profileRows, timelineItems, visibleGroups, type CommandRow, type Filter, type ProfileRow, type TimelineItem } from './view-model.js';
import { collapser } from './collapse.js';
import { parseFieldFilter, rowTest, type FieldFilter } from './field-filter.js';
import { selectedIndex, type ListContext, type UiState } from './ui-state.js';
import { detailLines } from './views/denial-detail.js';
import { helpLines } from './views/help-overlay.js';
import { profileShapeWidth, profileTableCapacity } from './views/profiles-table.js';
import { groupShape, profileShapes } from './views/rate-strip.js';
import { timelineRow, timelineSpansDays } from './views/timeline-view.js';
import type { Line } from './views/lines.js';
import { findMatches, lineText, type Match, type SearchView } from './view-search.js';
import { searchViewOf } from './ui-prompts.js';

export interface ScreenEnv {
  keymap: readonly KeyBinding[];
  theme: Theme;
  utc: boolean;
  tz?: string;
  helpNote?: string;
  /** Facts the App was given (the model's own, when present, are newer). */
  facts: ProfileFacts;
}

export interface ScreenModel {
  /** Lines of the frame (rows - 1) and of its body. */
  total: number;
  bodyHeight: number;
  width: number;
  banner?: Alert;
  facts: ProfileFacts;
  filter?: Filter;
  fieldFilter?: FieldFilter;
  groups: DenialGroup[];
  /** Every denial group the store holds (marks refer to them by key). */
  allGroups: DenialGroup[];
  /** Members of each collapsed flood row, by its key. */
  members: Map<string, DenialGroup[]>;
  /** Where the selection is inside an expanded flood: "member 3 of 40". */
  member?: string;
  profiles: ProfileRow[];
  shapes?: Map<string, string>;
  timeline: TimelineItem[];
  /** The timeline's records span more than a day: its rows show dates. */
  timelineDates: boolean;
  commands: CommandRow[];
  /** The loosening actions not undone, newest first (the Actions screen's summary line). */
  notUndone: ReturnType<typeof notUndone>;
  detailGroup?: DenialGroup;
  detailShape?: string;
  /** The open help or detail, as lines (what scrolls). */
  scrollLines?: Line[];
  /** Every host the denial groups came from, and whether the list shows a host column (more than one in view). */
  hosts: string[];
  hostColumn: boolean;
  /** The view `/` searches here, if any, and the matches of the active search. */
  searchView?: SearchView;
  matches: Match[];
  /** The rows of the current list, which are likely attacks, rows per page, the selected index. */
  keys: string[];
  attack: boolean[];
  page: number;
  sel: number;
  ctx: ListContext;
}

/** Where the selected row is inside an expanded flood: "member 3 of 40". */
function memberText(members: Map<string, DenialGroup[]>, keys: string[], key: string | undefined): string | undefined {
  for (const [group, list] of members) {
    const i = list.findIndex((m) => m.key === key);
    if (i >= 0 && keys.includes(group)) return `member ${i + 1} of ${list.length}`;
  }
  return undefined;
}

/** The distinct hosts of some denial groups, in order of first appearance. */
function hostsOf(groups: DenialGroup[]): string[] {
  const out = new Set<string>();
  for (const i of groups) for (const h of i.hosts ?? []) out.add(h);
  return [...out];
}

/** Remembers the last value of a computation and the inputs it came from (compared by identity). */
function memo<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => R {
  let last: { a: A; r: R } | undefined;
  return (...a: A) => {
    if (last && last.a.length === a.length && last.a.every((x, i) => x === a[i])) return last.r;
    last = { a, r: f(...a) };
    return last.r;
  };
}

/** A deriver with its own memo: one per mounted view. */
export function screenDeriver(): (ui: UiState, vm: ViewModel, env: ScreenEnv) => ScreenModel {
  const collapseGroups = collapser();
  const collapsed = memo((snap: ViewModel['snap'], typed: string, sort: UiState['sort'], expanded: UiState['expanded'], now: number) => {
    // field terms (profile: op: pid: host: verdict: since: /re/) filter here; a plain filter as before
    const ff = parseFieldFilter(typed);
    const base = ff ? { ...snap, groups: ff.ok ? snap.groups.filter((i) => ff.test(i, now)) : [] } : snap;
    return { ff, ...collapseGroups(visibleGroups(base, ff ? undefined : parseFilter(typed), sort), expanded) };
  });
  const profiles = memo((snap: ViewModel['snap'], facts: ProfileFacts, typed: string, rows: DenialGroup[]) => {
    // field terms keep the profiles of the groups they keep
    if (!parseFieldFilter(typed)) return profileRows(snap, facts, parseFilter(typed));
    const names = new Set(rows.map((i) => i.profile));
    return profileRows(snap, facts, undefined).filter((r) => names.has(r.name));
  });
  const timeline = memo((snap: ViewModel['snap'], typed: string, incidents: ViewModel['incidents'], now: number) => {
    // field terms test each record as a one-record denial group; a bad term shows nothing, as on the list
    const ff = parseFieldFilter(typed);
    const filter = ff ? (ff.ok ? rowTest(ff.test, now) : { record: () => false, action: () => false }) : parseFilter(typed);
    return timelineItems(snap, filter, incidents?.());
  });
  const commands = memo((actions: ViewModel['snap']['actions'], typed: string) => commandRows(actions, parseFilter(typed)));
  const open = memo((actions: ViewModel['snap']['actions']) => notUndone(actions));
  const shapes = memo((snap: ViewModel['snap'], now: number, width: number) => profileShapes(snap, now, profileShapeWidth(width)));
  const shape = memo((snap: ViewModel['snap'], g: DenialGroup, now: number, width: number, utc: boolean, tz: string | undefined) =>
    groupShape(snap, g, now, Math.min(60, Math.max(10, width - 50)), utc, tz),
  );
  const detail = memo((group: DenialGroup, fact: ProfileFact | undefined, now: number, utc: boolean, tz: string | undefined, width: number, theme: Theme, shape: string | undefined) =>
    detailLines({ group, fact, now, utc, tz, width, theme, shape }),
  );
  const help = memo((keymap: readonly KeyBinding[], theme: Theme, note: string | undefined, health: ViewModel['snap']['health'], width: number) => helpLines(keymap, theme, note, health, width));
  const timelineText = memo((items: TimelineItem[], utc: boolean, theme: Theme, tz: string | undefined, width: number, dates: boolean, hosts: boolean) =>
    items.map((t) => lineText(timelineRow(t, utc, theme, tz, width, dates, hosts))),
  );
  const allHosts = memo((groups: DenialGroup[]) => hostsOf(groups));
  const shownHosts = memo((rows: DenialGroup[]) => hostsOf(rows).length > 1);
  const scrollText = memo((lines: Line[]) => lines.map(lineText));
  const search = memo((lines: readonly string[], text: string) => findMatches(lines, text));

  return (ui, vm, env) => {
    const snap = vm.snap;
    const width = vm.size.columns;
    const facts = vm.facts ?? env.facts;
    const latestAlert = vm.alerts[vm.alerts.length - 1];
    const atList = ui.screen === 'denials' && ui.detail === undefined && !ui.help;
    const banner = latestAlert && latestAlert.seq > ui.ackSeq && !atList ? latestAlert : undefined;
    // rows - 1 lines at most: a frame as tall as the terminal makes Ink clear the screen every time.
    const total = Math.max(3, vm.size.rows - 1);
    // header (4 lines and the rate strip), footer, banner
    const bodyHeight = Math.max(1, total - 4 - 1 - 1 - (banner ? 1 : 0));

    const c = collapsed(snap, ui.filter, ui.sort, ui.expanded, vm.now);
    const profileList = ui.screen === 'profiles' ? profiles(snap, facts, ui.filter, c.rows) : [];
    const timelineList = ui.screen === 'timeline' ? timeline(snap, ui.filter, vm.incidents, vm.now) : [];
    const timelineDates = timelineSpansDays(timelineList);
    const commandList = ui.screen === 'actions' ? commands(snap.actions, ui.filter) : [];
    const detailGroup = ui.detail !== undefined ? snap.groups.find((i) => i.key === ui.detail) : undefined;
    const detailShape = detailGroup ? shape(snap, detailGroup, vm.now, width, env.utc, env.tz) : undefined;

    const { keys, attack, page } = listRows(ui.screen, bodyHeight, profileList, timelineList, commandList, c.rows, snap.windowDropped);
    const sel = selectedIndex(ui, keys);

    let scrollLines: Line[] | undefined;
    if (ui.help) scrollLines = help(env.keymap, env.theme, env.helpNote, snap.health, width);
    else if (ui.screen === 'denials' && detailGroup) scrollLines = detail(detailGroup, factFor(facts, detailGroup.profile), vm.now, env.utc, env.tz, width, env.theme, detailShape);

    const view = searchViewOf(ui);
    const texts = (): readonly string[] =>
      view === 'timeline' ? timelineText(timelineList, env.utc, env.theme, env.tz, width, timelineDates, allHosts(snap.groups).length > 1) : scrollText(scrollLines ?? []);
    const find = (text: string) => (view ? search(texts(), text) : []);
    const matches = view && ui.search?.view === view ? find(ui.search.text) : [];

    let openTarget: ListContext['openTarget'];
    const item = timelineList[sel];
    if (ui.screen === 'timeline' && item?.kind === 'record' && item.groupKey) openTarget = { group: item.groupKey };
    if (ui.screen === 'profiles' && profileList[sel]) openTarget = { profile: profileList[sel].name };
    const ctx: ListContext = {
      keys,
      attack,
      page: ui.help || ui.detail !== undefined ? bodyHeight - 1 : page,
      detailLines: scrollLines?.length ?? 0,
      groupKeys: c.rows.map((i) => i.key),
      groupAttack: c.rows.map((i) => i.verdict === 'likely-attack'),
      openTarget,
      find,
      times: ui.screen === 'timeline' ? timelineList.map((t) => t.time) : undefined,
      now: vm.now,
      utc: env.utc,
      tz: env.tz,
    };
    return {
      total,
      bodyHeight,
      width,
      banner,
      facts,
      filter: parseFilter(ui.filter),
      fieldFilter: c.ff,
      groups: c.rows,
      hosts: allHosts(snap.groups),
      hostColumn: shownHosts(c.rows),
      allGroups: snap.groups,
      members: c.members,
      member: ui.screen === 'denials' && ui.expanded?.length ? memberText(c.members, keys, keys[sel]) : undefined,
      profiles: profileList,
      shapes: ui.screen === 'profiles' ? shapes(snap, vm.now, width) : undefined,
      timeline: timelineList,
      timelineDates,
      commands: commandList,
      notUndone: ui.screen === 'actions' ? open(snap.actions) : [],
      detailGroup,
      detailShape,
      scrollLines,
      searchView: view,
      matches,
      keys,
      attack,
      page,
      sel,
      ctx,
    };
  };
}

/** The selectable rows of the screen shown: their keys, which are attacks, and how many fit a page. */
function listRows(
  screen: UiState['screen'],
  bodyHeight: number,
  profileList: ProfileRow[],
  timelineList: TimelineItem[],
  commandList: CommandRow[],
  groups: DenialGroup[],
  windowDropped: number | undefined,
): { keys: string[]; attack: boolean[]; page: number } {
  if (screen === 'profiles') return { keys: profileList.map((p) => p.name), attack: profileList.map((p) => p.attacks > 0), page: profileTableCapacity(bodyHeight) };
  if (screen === 'timeline') {
    return {
      keys: timelineList.map((_t, i) => String(i)),
      attack: timelineList.map((t) => t.kind === 'record' && t.record.classification?.verdict === 'likely-attack'),
      // a line of column titles and position above the rows, and the notice of records let go
      page: Math.max(1, bodyHeight - 1 - (windowDropped ? 1 : 0)),
    };
  }
  if (screen === 'actions') {
    // room under the table for the selected command in full
    return { keys: commandList.map((_c, i) => String(i)), attack: commandList.map((x) => x.done && x.exit !== 0), page: bodyHeight > 13 ? bodyHeight - 8 : bodyHeight - 1 };
  }
  return { keys: groups.map((i) => i.key), attack: groups.map((i) => i.verdict === 'likely-attack'), page: bodyHeight - 1 };
}
