/**
 * The dashboard's data (DESIGN §11): the registry, the run history (RunFollower), the worktrees'
 * git status (GitQueue), and waves, verdicts, merge checks and the supervisor (FactFollower), kept
 * current by what FeedWatcher sees change. Work is coalesced: however chatty the agents, subscribers hear at most
 * `maxUpdatesPerSecond` snapshots a second. No React, no printing: the UI subscribes.
 */
import { existsSync } from 'node:fs';
import { Registry } from '../registry/registry.js';
import { openStateStore, type StateStore } from '../store/open.js';
import type { TaskStatus } from '../task.js';
import type { SupervisorFacts } from './fact-reader.js';
import { FactFollower } from './fact-follower.js';
import { FeedWatcher } from './feed-watcher.js';
import { GitQueue } from './git-queue.js';
import { RunFollower } from './run-follower.js';
import type { WaveProgress } from './task-facts.js';
import { emptyView, taskKey, type FeedNotice, type TaskDetail, type TaskKey, type TaskView } from './task-view.js';

/** ~15 updates a second at most (STYLE.md: a busy agent must not cause more). */
export const DEFAULT_MAX_UPDATES_PER_SECOND = 15;
/** Unstaged edits do not touch the git dir: running tasks' worktrees are re-read this often. */
export const DEFAULT_SLOW_REFRESH_MS = 5000;

/** States that call for the user: a notice and a bell. */
export const NOTICE_STATUSES: ReadonlySet<TaskStatus> = new Set(['stuck', 'failed']);

export type { FeedNotice } from './task-view.js';

export interface DashboardSnapshot {
  /** One view per task, in registry order; a view object is replaced only when it changed. */
  tasks: TaskView[];
  /** The state timeline of the focused task. */
  detail: TaskDetail | null;
  /** Tasks that just came to need the user, since the previous snapshot. */
  notices: FeedNotice[];
  /** Why the last refresh failed (a corrupt registry, …); the previous data stays. */
  error: string | null;
  /** The waves still to run, per repo (the plan `manager plan` would print now). */
  waves: Map<string, WaveProgress>;
  /** Why a repo's plan could not be made (a dependency cycle), per repo. */
  planErrors: Map<string, string>;
  /** The background supervisor, or null when none holds the lease. */
  supervisor: SupervisorFacts | null;
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
  /** The manager's cap per wave (config `manager.max_parallel`), for planning the waves shown. */
  maxParallel?: number;
}

export class DashboardFeed {
  private readonly registry: Registry;
  private readonly options: Required<Omit<DashboardFeedOptions, 'repo'>> & { repo?: string };
  private store: StateStore | undefined;
  private storeExisted = false;
  private views = new Map<TaskKey, TaskView>();
  private order: TaskKey[] = [];
  private readonly runs: RunFollower;
  private readonly facts: FactFollower;
  private readonly git: GitQueue;
  private watcher: FeedWatcher | undefined;
  private listeners = new Set<(s: DashboardSnapshot) => void>();
  private dirty = { registry: true, db: true, facts: true };
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
  private last: DashboardSnapshot = { tasks: [], detail: null, notices: [], error: null, waves: new Map(), planErrors: new Map(), supervisor: null };

  constructor(options: DashboardFeedOptions) {
    this.options = { maxUpdatesPerSecond: DEFAULT_MAX_UPDATES_PER_SECOND, gitConcurrency: 2, slowRefreshMs: DEFAULT_SLOW_REFRESH_MS, watch: true, maxParallel: 4, ...options };
    this.registry = new Registry(options.registryFile);
    const book = {
      get: (key: TaskKey) => this.views.get(key),
      has: (key: TaskKey) => this.views.has(key),
      set: (key: TaskKey, view: TaskView) => {
        this.views.set(key, view);
        this.changed = true;
      },
    };
    this.runs = new RunFollower(book);
    this.facts = new FactFollower(book, this.options.maxParallel, (notice) => this.notices.push(notice));
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
      const mark = (what: 'registry' | 'db') => {
        this.dirty[what] = true;
        this.schedule();
      };
      this.watcher = new FeedWatcher(this.options, { registry: () => mark('registry'), database: () => mark('db'), gitDir: (key) => this.git.mark([key]) });
      await this.watcher.start();
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
    this.dirty.facts = true;
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

  private slowRefresh(): void {
    if (!this.visible) return;
    // A supervisor that died says nothing: its lease only goes stale, so look at it now and then.
    this.dirty.db = true;
    this.schedule();
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
        if (this.store) this.runs.followRuns(this.store);
        if (this.facts.load(this.order, this.dirty.facts)) this.changed = true;
        this.dirty.facts = false;
      } else if (this.dirty.facts) {
        this.dirty.facts = false;
        if (this.facts.load(this.order, true)) this.changed = true;
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
    this.last = {
      tasks: this.order.map((k) => this.views.get(k)!),
      detail: this.detail,
      notices: this.notices,
      error: this.error,
      waves: this.facts.waves,
      planErrors: this.facts.planErrors,
      supervisor: this.facts.supervisor,
    };
    this.notices = [];
    for (const listener of this.listeners) listener(this.last);
  }

  /** Opens state.db read-only; reopens it once it exists when it did not at first. */
  private async ensureStore(): Promise<void> {
    if (this.store && (this.storeExisted || !existsSync(this.options.stateDb))) return;
    this.store?.close();
    this.storeExisted = existsSync(this.options.stateDb);
    this.store = await openStateStore(this.options.stateDb, { readonly: true });
    this.facts.reset(this.storeExisted ? this.store : undefined);
    this.dirty.facts = true;
    this.runs.reset();
    for (const key of this.order) this.runs.loadRun(this.store, key);
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
        if (task.worktree) await this.watcher?.watchWorktree(key, task.worktree);
      }
      if (old && old.task.status !== task.status) {
        moved.push(key);
        if (NOTICE_STATUSES.has(task.status)) {
          this.notices.push({ key, slug: task.slug, text: `is ${task.status}${task.statusReason ? `: ${task.statusReason}` : ''}`, tone: task.status === 'failed' ? 'bad' : 'warn', at: Date.now() });
        }
      }
    }
    if (next.size !== this.views.size || [...this.views.keys()].some((k) => !next.has(k))) this.changed = true;
    this.watcher?.keepOnly(new Set(next.keys()));
    const fresh = [...next.keys()].filter((k) => !this.views.has(k));
    this.views = next;
    this.order = tasks.map(taskKey);
    if (this.store) for (const key of [...fresh, ...moved]) this.runs.loadRun(this.store, key);
    this.dirty.facts = true;
    this.git.mark(gitDirty);
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
