/** The task list's rows: filtered, grouped (with a header row per group), in a stable order. */
import { repoNameOf, TASK_STATUSES } from '../core/task.js';
import type { TaskView } from '../core/dashboard/task-view.js';

/** How the list groups its rows; `g` cycles through them. */
export const GROUPINGS = ['wave', 'state', 'repo', 'flat'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export type ListRow = { kind: 'group'; label: string; count: number } | { kind: 'task'; view: TaskView };

/** Whether a task matches the filter text: its slug, title, state, agent or repo name contains it. */
export function matchesFilter(view: TaskView, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  const t = view.task;
  return [t.slug, t.title, t.status, t.agent ?? '', repoNameOf(t.repo), ...t.labels].some((s) => s.toLowerCase().includes(needle));
}

/** Planned tasks by wave; the rest (blocked, finished) by state, after the waves. */
function waveGroup(view: TaskView): { order: number; label: string } {
  const { wave, blocked } = view.facts;
  if (wave !== undefined) return { order: wave, label: `wave ${wave}` };
  if (blocked !== undefined) return { order: WAVE_AFTER, label: 'blocked' };
  return { order: WAVE_AFTER + 1 + TASK_STATUSES.indexOf(view.task.status), label: view.task.status };
}

/** Where groups that are not waves begin. */
const WAVE_AFTER = 1_000_000;

function groupOf(view: TaskView, grouping: Grouping): { order: number | string; label: string } {
  switch (grouping) {
    case 'state':
      return { order: TASK_STATUSES.indexOf(view.task.status), label: view.task.status };
    case 'wave':
      return waveGroup(view);
    case 'repo':
      return { order: view.task.repo, label: repoNameOf(view.task.repo) };
    case 'flat':
      return { order: 0, label: '' };
  }
}

let cache: { tasks: readonly TaskView[]; filter: string; grouping: Grouping; rows: ListRow[] } | undefined;

/** The rows shown for these tasks (memoized on its arguments: the list and the keys both ask). */
export function visibleRows(tasks: readonly TaskView[], filter: string, grouping: Grouping): ListRow[] {
  if (cache && cache.tasks === tasks && cache.filter === filter && cache.grouping === grouping) return cache.rows;
  const shown = tasks.filter((v) => matchesFilter(v, filter));
  let rows: ListRow[];
  if (grouping === 'flat') rows = shown.map((view) => ({ kind: 'task', view }));
  else {
    const groups = new Map<string, { order: number | string; label: string; views: TaskView[] }>();
    for (const view of shown) {
      const g = groupOf(view, grouping);
      const entry = groups.get(g.label) ?? { ...g, views: [] };
      entry.views.push(view);
      groups.set(g.label, entry);
    }
    const sorted = [...groups.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    rows = sorted.flatMap((g) => [{ kind: 'group', label: g.label, count: g.views.length } as ListRow, ...g.views.map((view) => ({ kind: 'task', view }) as ListRow)]);
  }
  cache = { tasks, filter, grouping, rows };
  return rows;
}
