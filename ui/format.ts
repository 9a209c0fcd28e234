/** Text of the task list's cells and the header, cut to fixed widths. Pure functions. */
import type { TaskView } from '../core/dashboard/task-view.js';
import { STATUS_LOOK } from '../core/task-look.js';
import type { TaskStatus } from '../core/task.js';

/** Ink props for each state's colour (the shared look uses util.styleText names). */
export function colourOf(status: TaskStatus): { color?: string; dimColor?: boolean } {
  const style = STATUS_LOOK[status].style;
  return style === 'dim' ? { dimColor: true } : { color: String(style) };
}

/** `text` padded or cut (with an ellipsis) to exactly `width` columns. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** A duration as a few characters: 45s, 12m, 1h05, 3d. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return `${Math.floor(s / 86_400)}d`;
}

/** The clock time of `ms` as HH:MM:SS. */
export function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** One cell of a row. */
export interface Cell {
  id: 'glyph' | 'slug' | 'state' | 'conflict' | 'verdict' | 'agent' | 'elapsed' | 'aheadBehind' | 'changes' | 'lines' | 'event';
  header: string;
  width: number;
  value: (view: TaskView, now: number) => string;
}

function elapsed(view: TaskView, now: number): string {
  const run = view.run;
  if (!run) return '';
  return shortDuration((run.endedAt ?? now) - run.startedAt);
}

function aheadBehind(view: TaskView): string {
  const g = view.git;
  if (!g || g.ahead === null || g.behind === null) return '';
  return `↑${g.ahead} ↓${g.behind}`;
}

function changes(view: TaskView): string {
  const g = view.git;
  if (!g || g.source !== 'worktree') return '';
  if (g.conflicted) return `!${g.conflicted}`;
  const n = g.staged + g.unstaged + g.untracked;
  return n ? `~${n}` : '✓';
}

function lines(view: TaskView): string {
  const g = view.git;
  if (!g || g.insertions === null || g.deletions === null || (g.insertions === 0 && g.deletions === 0)) return '';
  return `+${g.insertions} -${g.deletions}`;
}

/** The radar's marker: the other task a branch conflicts with (`base` for its own base), `+n` for more. */
export function conflictText(view: TaskView): string {
  const names = (view.facts.conflicts ?? []).map((c) => c.slug);
  if (view.facts.mergeCheck && !view.facts.mergeCheck.clean) names.unshift('base');
  if (names.length === 0) return '';
  return `⚡${names[0]}${names.length > 1 ? ` +${names.length - 1}` : ''}`;
}

/** The latest verdict in a word. */
export function verdictText(view: TaskView): string {
  const v = view.facts.verdict;
  return v ? (v.verdict === 'pass' ? '✓ pass' : '✗ fail') : '';
}

/** What the state column says: the phase while running, else the state. */
export function stateText(view: TaskView): string {
  return view.task.status === 'running' && view.run?.phase ? view.run.phase : view.task.status;
}

const CELLS: Cell[] = [
  { id: 'glyph', header: '', width: 2, value: (v) => STATUS_LOOK[v.task.status].glyph },
  { id: 'slug', header: 'TASK', width: 24, value: (v) => v.task.slug },
  { id: 'state', header: 'STATE', width: 13, value: stateText },
  { id: 'conflict', header: 'CONFLICT', width: 11, value: conflictText },
  { id: 'verdict', header: 'VERDICT', width: 8, value: verdictText },
  { id: 'agent', header: 'AGENT', width: 9, value: (v) => v.run?.profile ?? v.task.agent ?? '' },
  { id: 'elapsed', header: 'TIME', width: 7, value: elapsed },
  { id: 'aheadBehind', header: '↑↓', width: 8, value: aheadBehind },
  { id: 'changes', header: 'WT', width: 4, value: changes },
  { id: 'lines', header: '+/-', width: 11, value: lines },
  { id: 'event', header: 'LAST EVENT', width: 0, value: (v) => v.lastEvent ?? v.task.statusReason ?? '' },
];

/** Which cells fit, in priority order, and the width left for the last event. */
const PRIORITY: Cell['id'][] = ['glyph', 'slug', 'state', 'conflict', 'verdict', 'elapsed', 'agent', 'lines', 'aheadBehind', 'changes'];
const EVENT_MIN = 16;

/** Columns shown only while some task has something in them. */
export interface OptionalColumns {
  conflict: boolean;
  verdict: boolean;
}

const cellCache = new Map<string, Cell[]>();

/**
 * The cells a row of `width` columns shows, left to right; the last event takes what is left.
 * The same arguments give the same array, so memoized rows do not re-render for a new one.
 */
export function cellsFor(width: number, optional: OptionalColumns = { conflict: true, verdict: true }): Cell[] {
  const key = `${width} ${optional.conflict} ${optional.verdict}`;
  let cells = cellCache.get(key);
  if (!cells) {
    cells = layoutCells(width, optional);
    cellCache.set(key, cells);
  }
  return cells;
}

function layoutCells(width: number, optional: OptionalColumns): Cell[] {
  const chosen = new Set<Cell['id']>();
  let used = 0;
  for (const id of PRIORITY) {
    if ((id === 'conflict' || id === 'verdict') && !optional[id]) continue;
    const cell = CELLS.find((c) => c.id === id)!;
    const reserve = chosen.size >= 3 ? EVENT_MIN : 0;
    if (used + cell.width + reserve > width && chosen.size >= 2) break;
    chosen.add(id);
    used += cell.width;
  }
  const cells = CELLS.filter((c) => chosen.has(c.id)).map((c) => ({ ...c }));
  const slug = cells.find((c) => c.id === 'slug');
  if (slug && used > width) slug.width = Math.max(4, slug.width - (used - width));
  const rest = width - cells.reduce((n, c) => n + c.width, 0);
  if (rest >= EVENT_MIN) cells.push({ ...CELLS.find((c) => c.id === 'event')!, width: rest });
  return cells;
}

/** Which optional columns the tasks need. */
export function optionalColumns(tasks: readonly TaskView[]): OptionalColumns {
  let conflict = false;
  let verdict = false;
  for (const t of tasks) {
    conflict ||= Boolean(t.facts.conflicts?.length || (t.facts.mergeCheck && !t.facts.mergeCheck.clean));
    verdict ||= t.facts.verdict !== undefined;
    if (conflict && verdict) break;
  }
  return { conflict, verdict };
}
