/** The task list's rows: filtered, grouped (with a header row per group), in a stable order. */
import { repoNameOf, TASK_STATUSES } from '../core/task.js';
import type { TaskView } from '../core/dashboard/task-view.js';

/** How the list groups its rows; `g` cycles through them. */
export const GROUPINGS = ['state', 'wave', 'repo', 'flat'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export type ListRow = { kind: 'group'; label: string; count: number } | { kind: 'task'; view: TaskView };

/** Whether a task matches the filter text: its slug, title, state, agent or repo name contains it. */
export function matchesFilter(view: TaskView, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  const t = view.task;
  return [t.slug, t.title, t.status, t.agent ?? '', repoNameOf(t.repo), ...t.labels].some((s) => s.toLowerCase().includes(needle));
}

function groupOf(view: TaskView, grouping: Grouping): { order: number | string; label: string } {
  switch (grouping) {
    case 'state':
      return { order: TASK_STATUSES.indexOf(view.task.status), label: view.task.status };
    case 'wave':
      return view.wave === undefined ? { order: Number.MAX_SAFE_INTEGER, label: 'not planned' } : { order: view.wave, label: `wave ${view.wave}` };
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
