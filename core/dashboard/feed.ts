/**
 * The dashboard's data (DESIGN §11): the registry, the run history and the worktrees' git status,
 * kept current by watching the data directory (tasks.json and the SQLite WAL — RELIABILITY rule 4:
 * the directory, not the file) and each worktree's git dir (index, HEAD — never whole worktrees,
 * GIT.md). Work is coalesced: however chatty the agents, subscribers hear at most
 * `maxUpdatesPerSecond` snapshots a second. No React, no printing: the UI subscribes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Registry } from '../registry/registry.js';
import { openStateStore, type StateStore } from '../store/open.js';
import type { RunRow } from '../store/types.js';
import type { TaskStatus } from '../task.js';
import { GIT_DIR_FILES, GitQueue, gitDirOf } from './git-queue.js';
import { applyEvents, emptyView, taskKey, type RunSummary, type TaskDetail, type TaskKey, type TaskView } from './task-view.js';

/** ~15 updates a second at most (STYLE.md: a busy agent must not cause more). */
export const DEFAULT_MAX_UPDATES_PER_SECOND = 15;
/** Unstaged edits do not touch the git dir: running tasks' worktrees are re-read this often. */
export const DEFAULT_SLOW_REFRESH_MS = 5000;

/** States that call for the user: a notice and a bell. */
export const NOTICE_STATUSES: ReadonlySet<TaskStatus> = new Set(['stuck', 'failed']);

export interface FeedNotice {
  key: TaskKey;
  slug: string;
  status: TaskStatus;
  reason: string | null;
  at: number;
}

export interface DashboardSnapshot {
  /** One view per task, in registry order; a view object is replaced only when it changed. */
  tasks: TaskView[];
  /** The state timeline of the focused task. */
  detail: TaskDetail | null;
  /** Tasks that just came to need the user, since the previous snapshot. */
  notices: FeedNotice[];
  /** Why the last refresh failed (a corrupt registry, …); the previous data stays. */
  error: string | null;
}

export interface DashboardFeedOptions {
  registryFile: string;
  stateDb: string;
  /** Only this repo's tasks (its main worktree path); all repos when undefined. */
  repo?: string;
  maxUpdatesPerSecond?: number;
  gitConcurrency?: number;
  slowRefreshMs?: number;
  /** Watch the files (default true); without it only `refresh()` updates. */
  watch?: boolean;
}

function summaryOf(run: RunRow): RunSummary {
  const { id, attempt, role, profile, phase, result, question, error, startedAt, endedAt } = run;
  return { id, attempt, role, profile, phase, result, question, error, startedAt, endedAt };
}

const sameSummary = (a: RunSummary | null, b: RunSummary) => a !== null && (Object.keys(b) as (keyof RunSummary)[]).every((k) => a[k] === b[k]);

export class DashboardFeed {
  private readonly registry: Registry;
  private readonly options: Required<Omit<DashboardFeedOptions, 'repo'>> & { repo?: string };
  private store: StateStore | undefined;
  private storeExisted = false;
  private views = new Map<TaskKey, TaskView>();
  private order: TaskKey[] = [];
  private cursors = new Map<TaskKey, number>();
  private following = new Map<number, TaskKey>();
  private gitDirs = new Map<string, TaskKey>();
  private readonly git: GitQueue;
  private watcher: FSWatcher | undefined;
  private listeners = new Set<(s: DashboardSnapshot) => void>();
  private dirty = { registry: true, db: true };
  private changed = true;
  private notices: FeedNotice[] = [];
  private error: string | null = null;
  private focusKey: TaskKey | null = null;
  private detail: TaskDetail | null = null;
  private detailOf: TaskView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private slowTimer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;
  private lastWork = 0;
  private visible = true;
  private closed = false;
  private last: DashboardSnapshot = { tasks: [], detail: null, notices: [], error: null };

  constructor(options: DashboardFeedOptions) {
    this.options = { maxUpdatesPerSecond: DEFAULT_MAX_UPDATES_PER_SECOND, gitConcurrency: 2, slowRefreshMs: DEFAULT_SLOW_REFRESH_MS, watch: true, ...options };
    this.registry = new Registry(options.registryFile);
    this.git = new GitQueue({
      concurrency: this.options.gitConcurrency,
      taskOf: (key) => this.views.get(key)?.task,
      onStatus: (key, status) => {
        const view = this.views.get(key);
        if (!view) return;
        this.views.set(key, { ...view, git: status });
        this.changed = true;
        this.schedule();
      },
    });
  }

  /** Loads everything once, then starts watching. Resolves when the first snapshot is out. */
  async start(): Promise<void> {
    if (this.options.watch) {
      const dataDir = dirname(this.options.registryFile);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const dirs = [...new Set([dataDir, dirname(this.options.stateDb)])];
      this.watcher = watch(dirs, { ignoreInitial: true, depth: 0, persistent: true });
      this.watcher.on('all', (_event, path) => this.onFileEvent(path));
      this.watcher.on('error', () => undefined); // a vanished git dir: the registry change that follows says why
      await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
      this.slowTimer = setInterval(() => this.slowRefresh(), this.options.slowRefreshMs);
      this.slowTimer.unref();
    }
    await this.work();
  }

  /** Hears every snapshot from now on; returns the unsubscribe function. */
  subscribe(listener: (snapshot: DashboardSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest snapshot. */
  snapshot(): DashboardSnapshot {
    return this.last;
  }

  /** Asks for a refresh of everything (e.g. after the dashboard's own action). */
  refresh(): void {
    this.dirty.registry = true;
    this.dirty.db = true;
    this.git.mark(this.order);
    this.schedule();
  }

  /** The task whose detail (state timeline) is wanted, or null. */
  focus(key: TaskKey | null): void {
    if (key === this.focusKey) return;
    this.focusKey = key;
    this.detailOf = undefined;
    this.schedule();
  }

  /** While hidden (a shell has the terminal), the slow refresh of unstaged edits pauses. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.refresh();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.slowTimer);
    this.git.close();
    await this.working;
    await this.watcher?.close();
    this.store?.close();
  }

  private onFileEvent(path: string): void {
    const name = basename(path);
    const dir = dirname(path);
    const gitKey = this.gitDirs.get(dir);
    if (gitKey) {
      if (GIT_DIR_FILES.has(name)) this.git.mark([gitKey]);
      return;
    }
    if (name === basename(this.options.registryFile) || name.startsWith(`${basename(this.options.registryFile)}.`)) {
      if (!name.endsWith('.lock')) this.dirty.registry = true;
    } else if (name.startsWith(basename(this.options.stateDb)) && !name.endsWith('-shm')) {
      this.dirty.db = true;
    } else return;
    this.schedule();
  }

  private slowRefresh(): void {
    if (!this.visible) return;
    this.git.mark(this.order.filter((k) => {
      const view = this.views.get(k);
      return view?.task.status === 'running' && view.git?.source === 'worktree';
    }));
  }

  /** Runs `work` soon, but not more than `maxUpdatesPerSecond` times a second. */
  private schedule(): void {
    if (this.closed || this.timer) return;
    const interval = 1000 / this.options.maxUpdatesPerSecond;
    const wait = Math.max(0, this.lastWork + interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.working) {
        void this.working.then(() => this.schedule());
        return;
      }
      this.working = this.work().finally(() => (this.working = undefined));
    }, wait);
  }

  private async work(): Promise<void> {
    this.lastWork = Date.now();
    try {
      await this.ensureStore();
      if (this.dirty.registry) {
        this.dirty.registry = false;
        await this.loadRegistry();
      }
      if (this.closed) return;
      if (this.dirty.db) {
        this.dirty.db = false;
        this.followRuns();
      }
      this.loadDetail();
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.changed = true;
    }
    this.emit();
  }

  private emit(): void {
    if (!this.changed && this.notices.length === 0) return;
    this.changed = false;
    this.last = { tasks: this.order.map((k) => this.views.get(k)!), detail: this.detail, notices: this.notices, error: this.error };
    this.notices = [];
    for (const listener of this.listeners) listener(this.last);
  }

  /** Opens state.db read-only; reopens it once it exists when it did not at first. */
  private async ensureStore(): Promise<void> {
    if (this.store && (this.storeExisted || !existsSync(this.options.stateDb))) return;
    this.store?.close();
    this.storeExisted = existsSync(this.options.stateDb);
    this.store = await openStateStore(this.options.stateDb, { readonly: true });
    this.following.clear();
    for (const key of this.order) this.loadRun(key);
  }

  private async loadRegistry(): Promise<void> {
    const tasks = (await this.registry.read()).tasks.filter((t) => this.options.repo === undefined || t.repo === this.options.repo);
    const next = new Map<TaskKey, TaskView>();
    const gitDirty: TaskKey[] = [];
    const moved: TaskKey[] = [];
    for (const task of tasks) {
      const key = taskKey(task);
      const old = this.views.get(key);
      if (old && JSON.stringify(old.task) === JSON.stringify(task)) {
        next.set(key, old);
        continue;
      }
      this.changed = true;
      const view = old ? { ...old, task } : emptyView(task);
      next.set(key, view);
      if (!old || old.task.worktree !== task.worktree || old.task.status !== task.status) {
        gitDirty.push(key);
        if (task.worktree) await this.watchGitDir(key, task.worktree);
      }
      if (old && old.task.status !== task.status) {
        moved.push(key);
        if (NOTICE_STATUSES.has(task.status)) this.notices.push({ key, slug: task.slug, status: task.status, reason: task.statusReason, at: Date.now() });
      }
    }
    if (next.size !== this.views.size || [...this.views.keys()].some((k) => !next.has(k))) this.changed = true;
    for (const [dir, key] of this.gitDirs) {
      if (!next.has(key)) {
        this.gitDirs.delete(dir);
        this.watcher?.unwatch(dir);
      }
    }
    const fresh = [...next.keys()].filter((k) => !this.views.has(k));
    this.views = next;
    this.order = tasks.map(taskKey);
    for (const key of [...fresh, ...moved]) this.loadRun(key);
    this.git.mark(gitDirty);
  }

  private async watchGitDir(key: TaskKey, worktree: string): Promise<void> {
    const dir = await gitDirOf(worktree);
    if (!dir || this.gitDirs.get(dir) === key) return;
    this.gitDirs.set(dir, key);
    this.watcher?.add(dir);
  }

  /** Reads a task's latest run and, when it is a new run, its events from the start. */
  private loadRun(key: TaskKey): void {
    const view = this.views.get(key);
    if (!view || !this.store) return;
    const runs = this.store.runsOf(view.task.repo, view.task.slug);
    const latest = runs[runs.length - 1];
    if (!latest) return;
    if (latest.id !== view.run?.id) {
      const fresh: TaskView = { ...view, run: summaryOf(latest), todo: null, lastEvent: null, lastEventAt: null, tail: [] };
      const rows = this.store.eventsOf(latest.id);
      this.views.set(key, applyEvents(fresh, rows));
      this.cursors.set(key, rows[rows.length - 1]?.id ?? 0);
      this.changed = true;
    } else this.updateRun(key, latest);
    if (latest.endedAt === null) this.following.set(latest.id, key);
  }

  /** Applies a run's new fields and its events after the cursor. */
  private updateRun(key: TaskKey, run: RunRow): void {
    let view = this.views.get(key);
    if (!view || !this.store) return;
    const summary = summaryOf(run);
    if (!sameSummary(view.run, summary)) view = { ...view, run: summary };
    const rows = this.store.eventsOf(run.id, { afterId: this.cursors.get(key) ?? 0 });
    if (rows.length) this.cursors.set(key, rows[rows.length - 1]!.id);
    const next = applyEvents(view, rows);
    if (next !== this.views.get(key)) {
      this.views.set(key, next);
      this.changed = true;
    }
  }

  /** Follows the runs that have not ended: new runs, new events, runs that just ended. */
  private followRuns(): void {
    if (!this.store) return;
    const active = this.store.activeRuns();
    const ended = new Map(this.following);
    this.following.clear();
    for (const run of active) {
      const key = taskKey(run);
      if (!this.views.has(key)) continue;
      ended.delete(run.id);
      if (this.views.get(key)!.run?.id !== run.id) this.loadRun(key);
      else this.updateRun(key, run);
      this.following.set(run.id, key);
    }
    for (const [id, key] of ended) {
      const run = this.store.run(id);
      if (run && this.views.get(key)?.run?.id === id) this.updateRun(key, run);
    }
  }

  private loadDetail(): void {
    const key = this.focusKey;
    const view = key ? this.views.get(key) : undefined;
    if (view === this.detailOf) return;
    this.detailOf = view;
    this.detail = view && this.store ? { key: view.key, transitions: this.store.transitionsOf(view.task.repo, view.task.slug) } : null;
    this.changed = true;
  }
}
