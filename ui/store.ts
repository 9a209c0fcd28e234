/**
 * The dashboard's one store (STYLE.md, after vigil): a vanilla zustand store that the core feed
 * writes snapshots into and the components read through selectors. UI state (selection, grouping,
 * filter, modes) lives here too, with the small functions that change it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SupervisorFacts } from '../core/dashboard/fact-reader.js';
import type { DashboardSnapshot } from '../core/dashboard/feed.js';
import type { FeedNotice } from '../core/dashboard/task-view.js';
import type { WaveProgress } from '../core/dashboard/task-facts.js';
import type { TaskDetail, TaskKey, TaskView } from '../core/dashboard/task-view.js';
import { GROUPINGS, visibleRows, type Grouping } from './rows.js';

/** What an input line is for. */
export type InputPurpose = 'answer' | 'new' | 'filter';

/** Which layer takes the keys: the list (with its detail pane), the help overlay, or an input line. */
export type Mode = { kind: 'list' } | { kind: 'help' } | { kind: 'input'; purpose: InputPurpose; text: string; target: TaskKey | null };

export type Tone = 'info' | 'busy' | 'ok' | 'bad' | 'warn';

export interface StatusLine {
  text: string;
  tone: Tone;
  /** A notice about a task in a state: it goes once the task has moved on. */
  about?: { key: TaskKey; status: string };
  /** An action's outcome about this task: notices about the same task, which it caused, do not talk over it at once. */
  holds?: { key: TaskKey; since: number };
}

/** How long an action's outcome stays in the status line before a notice may replace it. */
export const OUTCOME_HOLD_MS = 3000;

export interface DashboardState {
  tasks: TaskView[];
  detail: TaskDetail | null;
  feedError: string | null;
  /** The waves still to run, per repo. */
  waves: Map<string, WaveProgress>;
  /** Why a repo's waves could not be planned, per repo. */
  planErrors: Map<string, string>;
  /** The background supervisor, or null when none holds the lease. */
  supervisor: SupervisorFacts | null;
  /** What the header names: the repo, or "all repos". */
  scope: string;
  /** `manager.max_parallel` from config. */
  maxParallel: number;
  selected: TaskKey | null;
  grouping: Grouping;
  filter: string;
  detailOpen: boolean;
  focus: 'list' | 'detail';
  /** Lines the detail pane is scrolled down by (when it has the focus). */
  detailScroll: number;
  mode: Mode;
  status: StatusLine | null;
  /** Notices not yet rung (the bell), newest last. */
  notices: FeedNotice[];
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(init: Partial<DashboardState> & Pick<DashboardState, 'scope' | 'maxParallel'>): DashboardStore {
  return createStore<DashboardState>(() => ({
    tasks: [],
    detail: null,
    feedError: null,
    waves: new Map(),
    planErrors: new Map(),
    supervisor: null,
    selected: null,
    grouping: 'wave',
    filter: '',
    detailOpen: true,
    focus: 'list',
    detailScroll: 0,
    mode: { kind: 'list' },
    status: null,
    notices: [],
    ...init,
  }));
}

/** The task rows the list shows now, in order. */
export function shownTasks(state: DashboardState): TaskView[] {
  return visibleRows(state.tasks, state.filter, state.grouping).flatMap((r) => (r.kind === 'task' ? [r.view] : []));
}

/** The selected task, when it is among the tasks shown. */
export function selectedTask(state: DashboardState): TaskView | undefined {
  return state.tasks.find((t) => t.key === state.selected);
}

/** Takes a snapshot from the feed; keeps the selection on the same task, or the first one. */
export function applySnapshot(store: DashboardStore, snapshot: DashboardSnapshot): void {
  const state = store.getState();
  const notices = snapshot.notices;
  const patch: Partial<DashboardState> = {
    tasks: snapshot.tasks,
    detail: snapshot.detail,
    feedError: snapshot.error,
    waves: snapshot.waves,
    planErrors: snapshot.planErrors,
    supervisor: snapshot.supervisor,
  };
  if (notices.length) {
    const last = notices[notices.length - 1]!;
    const status = snapshot.tasks.find((t) => t.key === last.key)?.task.status;
    // The outcome of the user's own action (`m` found a conflict) is fresher news than the notice it caused.
    const hold = state.status?.holds;
    const held = hold !== undefined && Date.now() - hold.since < OUTCOME_HOLD_MS && notices.every((n) => n.key === hold.key);
    if (!held) patch.status = { text: `${last.slug} ${last.text}${notices.length > 1 ? ` (and ${notices.length - 1} more)` : ''}`, tone: last.tone, ...(status ? { about: { key: last.key, status } } : {}) };
    patch.notices = [...state.notices, ...notices];
  } else if (state.status?.about) {
    // "x is stuck: …" is wrong once x is answered; the bell has rung, the notice has done its work.
    const { key, status } = state.status.about;
    const now = snapshot.tasks.find((t) => t.key === key)?.task.status;
    if (now !== status) patch.status = null;
  }
  store.setState(patch);
  ensureSelection(store);
}

/** Keeps the selection on a shown task. */
export function ensureSelection(store: DashboardStore): void {
  const state = store.getState();
  const shown = shownTasks(state);
  if (shown.some((t) => t.key === state.selected)) return;
  store.setState({ selected: shown[0]?.key ?? null, detailScroll: 0 });
}

/** Moves the selection by `delta` rows (clamped), or to the first (`-Infinity`) or last (`Infinity`). */
export function moveSelection(store: DashboardStore, delta: number): void {
  const state = store.getState();
  const shown = shownTasks(state);
  if (shown.length === 0) return;
  const at = Math.max(0, shown.findIndex((t) => t.key === state.selected));
  const to = delta === -Infinity ? 0 : delta === Infinity ? shown.length - 1 : Math.min(shown.length - 1, Math.max(0, at + delta));
  if (shown[to]!.key !== state.selected) store.setState({ selected: shown[to]!.key, detailScroll: 0 });
}

/** Cycles the grouping: wave → state → repo → flat → wave. */
export function cycleGrouping(store: DashboardStore): void {
  const state = store.getState();
  const next = GROUPINGS[(GROUPINGS.indexOf(state.grouping) + 1) % GROUPINGS.length]!;
  store.setState({ grouping: next, status: { text: `grouped by ${next === 'flat' ? 'nothing' : next}`, tone: 'info' } });
}

/** Says `text` in the status line; `about`: the outcome of an action on this task (see {@link StatusLine.holds}). */
export function setStatus(store: DashboardStore, text: string, tone: Tone = 'info', about?: TaskKey): void {
  store.setState({ status: { text, tone, ...(about ? { holds: { key: about, since: Date.now() } } : {}) } });
}
