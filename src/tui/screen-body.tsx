/**
 * The body of the frame for the current UI state: the open action dialog, the help, a denial group's
 * detail, or the current screen's list, with the search's matches marked. Renders only.
 */
import React from 'react';
import type { AppProps, ViewModel } from './app-types.js';
import type { KeyBinding } from './keymap.js';
import type { UiState } from './ui-state.js';
import type { ScreenModel } from './screen-model.js';
import { factFor } from './profile-facts.js';
import { sourceLines } from './views/header.js';
import { DenialList } from './views/denial-list.js';
import { DenialDetail } from './views/denial-detail.js';
import { ProfilesTable } from './views/profiles-table.js';
import { TimelineView } from './views/timeline-view.js';
import { ActionLog } from './views/action-log.js';
import { HelpOverlay } from './views/help-overlay.js';
import { Lines, seg } from './views/lines.js';
import { ActionDialog } from './actions/action-dialog.js';
import { rangeText } from './format.js';

export interface BodyProps {
  app: AppProps;
  vm: ViewModel;
  ui: UiState;
  scr: ScreenModel;
  keymap: readonly KeyBinding[];
  /** First row of the current list drawn. */
  start: number;
  dialogOpen: boolean;
}

/** The active search of the view drawn, as the views take it. */
function searchOf(ui: UiState, scr: ScreenModel): { text: string; current?: { line: number; col: number } } | undefined {
  const s = ui.search;
  if (!s || !s.text || s.view !== scr.searchView) return undefined;
  return { text: s.text, current: scr.matches[s.at] };
}

export function ScreenBody({ app, vm, ui, scr, keymap, start, dialogOpen }: BodyProps): React.JSX.Element {
  const { theme } = app;
  const { width, bodyHeight: height, page, sel } = scr;
  const snap = vm.snap;
  const search = searchOf(ui, scr);
  if (dialogOpen && app.actions) return <ActionDialog controller={app.actions} width={width} height={height} theme={theme} />;
  if (ui.help)
    return <HelpOverlay keymap={keymap} theme={theme} width={width} height={height} scroll={ui.helpScroll} note={app.helpNote} sources={snap.health} search={search} lines={scr.scrollLines} />;
  if (ui.screen === 'denials' && ui.detail !== undefined) {
    const g = scr.detailGroup;
    if (!g) return <Lines lines={[[seg(' This denial group is no longer kept (the store forgets the least recent groups to stay bounded). Esc: back')]]} width={width} />;
    return (
      <DenialDetail
        group={g}
        fact={factFor(scr.facts, g.profile)}
        now={vm.now}
        utc={app.utc}
        tz={app.tz}
        width={width}
        height={height}
        scroll={ui.detailScroll}
        theme={theme}
        shape={scr.detailShape}
        search={search}
        lines={scr.scrollLines}
      />
    );
  }
  if (ui.screen === 'profiles')
    return <ProfilesTable rows={scr.profiles} start={start} selected={sel} width={width} height={height} shapes={scr.shapes} range={rangeText(start, page, scr.profiles.length)} />;
  if (ui.screen === 'timeline') {
    return (
      <TimelineView
        items={scr.timeline}
        start={start}
        selected={sel}
        dropped={snap.windowDropped}
        utc={app.utc}
        tz={app.tz}
        width={width}
        height={height}
        theme={theme}
        dates={scr.timelineDates}
        hosts={scr.hosts.length > 1}
        search={search}
        range={rangeText(start, page, scr.timeline.length)}
      />
    );
  }
  if (ui.screen === 'actions') {
    return (
      <ActionLog
        rows={scr.commands}
        notUndone={scr.notUndone}
        canUndo={app.mode === 'live'}
        start={start}
        selected={sel}
        page={page}
        utc={app.utc}
        tz={app.tz}
        journal={app.journal}
        unreadable={snap.actionsUnreadable}
        width={width}
        height={height}
        theme={theme}
        range={rangeText(start, page, scr.commands.length)}
      />
    );
  }
  const ff = scr.fieldFilter;
  const empty =
    ff && !ff.ok
      ? `filter: ${ff.error} (Esc clears it)`
      : scr.filter
        ? 'no denials match the filter (Esc clears it)'
        : app.mode === 'live'
          ? 'no denials yet (the sources above say what is being read)'
          : 'no denials in the input';
  const member = scr.member;
  const range = rangeText(start, page, scr.groups.length);
  return (
    <DenialList
      rows={scr.groups.slice(start, start + page)}
      selected={sel - start}
      total={scr.groups.length}
      now={vm.now}
      width={width}
      height={height}
      theme={theme}
      emptyText={empty}
      emptyDetail={scr.filter ? undefined : snap.health.flatMap(sourceLines)}
      marked={ui.marked}
      range={range && member ? `${member} · ${range}` : range}
      hosts={scr.hostColumn}
    />
  );
}
