/**
 * What the dashboard shows of one task, and how agent events fold into it. Pure data and pure
 * functions: the feed fills them from the registry, the run history and git; the UI only reads.
 */
import { clipLine, describeAgentEvent } from '../agents/describe.js';
import type { AgentEvent, TodoItem } from '../agents/events.js';
import type { TaskGitStatus } from '../git/worktree-status.js';
import type { EventRow, RunResult, TransitionRow } from '../store/types.js';
import type { Task } from '../task.js';
import type { TaskFacts } from './task-facts.js';

/** A task's identity across repos: `<repo>\0<slug>`. */
export type TaskKey = string;

export function taskKey(task: Pick<Task, 'repo' | 'slug'>): TaskKey {
  return `${task.repo}\0${task.slug}`;
}

/** The parts of a run the list shows. */
export interface RunSummary {
  id: number;
  attempt: number;
  role: string;
  profile: string;
  phase: string;
  result: RunResult | null;
  question: string | null;
  error: string | null;
  startedAt: number;
  endedAt: number | null;
}

/** One event line of the detail pane's tail. */
export interface EventLine {
  id: number;
  ts: number;
  type: string;
  text: string;
  /** For commands: how it ended (`failed` colours the line). */
  tone?: 'ok' | 'bad' | 'warn';
}

/** One row of the task list, replaced as a whole when anything in it changes (rows are memoized by identity). */
export interface TaskView {
  key: TaskKey;
  task: Task;
  /** The latest run of the task, when it ever ran. */
  run: RunSummary | null;
  /** The agent's own todo list from the latest run. */
  todo: TodoItem[] | null;
  /** The latest event worth a line, in a few words. */
  lastEvent: string | null;
  lastEventAt: number | null;
  /** The newest events worth a line (oldest first), at most {@link EVENT_TAIL}. */
  tail: EventLine[];
  git: TaskGitStatus | null;
  /** Its wave, verdict, merge check and radar conflicts ({} when none is known). */
  facts: TaskFacts;
}

/** Something that calls for the user: a task stuck or failed, a conflict appeared, a verdict failed. */
export interface FeedNotice {
  key: TaskKey;
  slug: string;
  /** What happened, in a few words after the slug ("is stuck: …", "conflicts with b in src/x.ts"). */
  text: string;
  tone: 'warn' | 'bad';
  at: number;
}

/** How many event lines each task keeps for the detail pane. */
export const EVENT_TAIL = 40;

/** What the detail pane shows besides the row: the state timeline. */
export interface TaskDetail {
  key: TaskKey;
  transitions: TransitionRow[];
}

/** A task's view before anything is known beyond its registry entry. */
export function emptyView(task: Task): TaskView {
  return { key: taskKey(task), task, run: null, todo: null, lastEvent: null, lastEventAt: null, tail: [], git: null, facts: {} };
}

function toneOf(event: AgentEvent): EventLine['tone'] {
  if (event.type === 'command') return event.status === 'failed' || (event.exitCode ?? 0) !== 0 ? 'bad' : 'ok';
  if (event.type === 'failed') return 'bad';
  if (event.type === 'warning' || event.type === 'question') return 'warn';
  return undefined;
}

/**
 * Folds stored events of the view's run into a new view (the input is not changed). Returns the
 * same object when none of the events changes what is shown.
 */
export function applyEvents(view: TaskView, rows: readonly EventRow[]): TaskView {
  let next: TaskView | undefined;
  const edit = () => (next ??= { ...view, tail: [...view.tail] });
  for (const row of rows) {
    const event = row.data as AgentEvent;
    if (event.type === 'todo') edit().todo = event.items;
    const text = describeAgentEvent(event);
    if (!text) continue;
    const v = edit();
    v.lastEvent = clipLine(text, 80);
    v.lastEventAt = row.ts;
    const tone = toneOf(event);
    v.tail.push({ id: row.id, ts: row.ts, type: row.type, text, ...(tone ? { tone } : {}) });
  }
  if (next && next.tail.length > EVENT_TAIL) next.tail = next.tail.slice(-EVENT_TAIL);
  return next ?? view;
}
