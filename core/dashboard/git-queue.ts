/**
 * Refreshes the git status of task worktrees on demand, a few at a time (GIT.md: two at a time is
 * as fast as it gets on 2 cores), never the same task twice at once, and only the tasks marked.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { taskGitStatus, type TaskGitStatus } from '../git/worktree-status.js';
import type { Task } from '../task.js';
import type { TaskKey } from './task-view.js';

/** The per-worktree git dir of a linked worktree (`.git` is a file `gitdir: <path>`), or undefined. */
export async function gitDirOf(worktree: string): Promise<string | undefined> {
  const text = await readFile(resolve(worktree, '.git'), 'utf8').catch(() => undefined);
  const match = text ? /^gitdir:\s*(.+?)\s*$/m.exec(text) : null;
  if (!match) return undefined;
  return isAbsolute(match[1]!) ? match[1]! : resolve(worktree, match[1]!);
}

/** The files of a worktree's git dir whose change means its status changed (GIT.md "Watching"). */
export const GIT_DIR_FILES: ReadonlySet<string> = new Set(['index', 'HEAD']);

export interface GitQueueOptions {
  /** Worktrees looked at in parallel. */
  concurrency: number;
  /** Returns the task as it is now, or undefined when it is gone. */
  taskOf(key: TaskKey): Task | undefined;
  /** Called with each fresh status. */
  onStatus(key: TaskKey, status: TaskGitStatus): void;
}

export class GitQueue {
  private readonly dirty = new Set<TaskKey>();
  private readonly inFlight = new Set<TaskKey>();
  private closed = false;
  private readonly controller = new AbortController();

  constructor(private readonly options: GitQueueOptions) {}

  /** Asks for a fresh status of these tasks. */
  mark(keys: Iterable<TaskKey>): void {
    for (const key of keys) this.dirty.add(key);
    this.pump();
  }

  /** Statuses waiting or being computed. */
  get pending(): number {
    return this.dirty.size + this.inFlight.size;
  }

  close(): void {
    this.closed = true;
    this.dirty.clear();
    this.controller.abort();
  }

  private pump(): void {
    if (this.closed) return;
    for (const key of this.dirty) {
      if (this.inFlight.size >= this.options.concurrency) return;
      if (this.inFlight.has(key)) continue;
      this.dirty.delete(key);
      const task = this.options.taskOf(key);
      if (!task) continue;
      this.inFlight.add(key);
      taskGitStatus(task, { signal: this.controller.signal })
        .then((status) => {
          if (!this.closed) this.options.onStatus(key, status);
        })
        .catch(() => undefined) // aborted on close, or git vanished with the worktree: the next mark retries
        .finally(() => {
          this.inFlight.delete(key);
          this.pump();
        });
    }
  }
}
