/**
 * Follows the run history of the dashboard's tasks in state.db: a task's latest run, the events
 * after each task's cursor, runs that start and runs that just ended. It edits the views it is
 * given and says when it changed one.
 */
import type { StateStore } from '../store/state-store.js';
import type { RunRow } from '../store/types.js';
import { applyEvents, taskKey, type RunSummary, type TaskKey, type TaskView } from './task-view.js';

/** The feed's views as the follower sees them; `set` marks the snapshot as changed. */
export interface ViewBook {
  get(key: TaskKey): TaskView | undefined;
  set(key: TaskKey, view: TaskView): void;
  has(key: TaskKey): boolean;
}

function summaryOf(run: RunRow): RunSummary {
  const { id, attempt, role, profile, phase, result, question, error, startedAt, endedAt } = run;
  return { id, attempt, role, profile, phase, result, question, error, startedAt, endedAt };
}

const sameSummary = (a: RunSummary | null, b: RunSummary) => a !== null && (Object.keys(b) as (keyof RunSummary)[]).every((k) => a[k] === b[k]);

export class RunFollower {
  private cursors = new Map<TaskKey, number>();
  /** Runs that had not ended when last seen, by run id. */
  private following = new Map<number, TaskKey>();

  constructor(private readonly views: ViewBook) {}

  /** Forgets what was followed (the database was reopened). */
  reset(): void {
    this.following.clear();
  }

  /** Reads a task's latest run and, when it is a new run, its events from the start. */
  loadRun(store: StateStore, key: TaskKey): void {
    const view = this.views.get(key);
    if (!view) return;
    const runs = store.runsOf(view.task.repo, view.task.slug);
    const latest = runs[runs.length - 1];
    if (!latest) return;
    if (latest.id !== view.run?.id) {
      const fresh: TaskView = { ...view, run: summaryOf(latest), todo: null, lastEvent: null, lastEventAt: null, tail: [] };
      const rows = store.eventsOf(latest.id);
      this.views.set(key, applyEvents(fresh, rows));
      this.cursors.set(key, rows[rows.length - 1]?.id ?? 0);
    } else this.updateRun(store, key, latest);
    if (latest.endedAt === null) this.following.set(latest.id, key);
  }

  /** Applies a run's new fields and its events after the cursor. */
  private updateRun(store: StateStore, key: TaskKey, run: RunRow): void {
    let view = this.views.get(key);
    if (!view) return;
    const summary = summaryOf(run);
    if (!sameSummary(view.run, summary)) view = { ...view, run: summary };
    const rows = store.eventsOf(run.id, { afterId: this.cursors.get(key) ?? 0 });
    if (rows.length) this.cursors.set(key, rows[rows.length - 1]!.id);
    const next = applyEvents(view, rows);
    if (next !== this.views.get(key)) this.views.set(key, next);
  }

  /** Follows the runs that have not ended: new runs, new events, runs that just ended. */
  followRuns(store: StateStore): void {
    const active = store.activeRuns();
    const ended = new Map(this.following);
    this.following.clear();
    for (const run of active) {
      const key = taskKey(run);
      if (!this.views.has(key)) continue;
      ended.delete(run.id);
      if (this.views.get(key)!.run?.id !== run.id) this.loadRun(store, key);
      else this.updateRun(store, key, run);
      this.following.set(run.id, key);
    }
    for (const [id, key] of ended) {
      const run = store.run(id);
      if (run && this.views.get(key)?.run?.id === id) this.updateRun(store, key, run);
    }
  }
}
