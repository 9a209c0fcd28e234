/**
 * What the dashboard watches (DESIGN §11, GIT.md): the data directory — tasks.json and the SQLite
 * WAL, by directory and not by file (RELIABILITY rule 4: atomic replaces swap the file) — and each
 * task worktree's git dir (`index`, `HEAD`), never whole worktrees. It only classifies changes.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { GIT_DIR_FILES, gitDirOf } from './git-queue.js';
import type { TaskKey } from './task-view.js';

export interface FeedChanges {
  registry(): void;
  database(): void;
  /** A task's git dir changed (its index or HEAD). */
  gitDir(key: TaskKey): void;
}

export class FeedWatcher {
  private watcher: FSWatcher | undefined;
  private gitDirs = new Map<string, TaskKey>();

  constructor(
    private readonly files: { registryFile: string; stateDb: string },
    private readonly on: FeedChanges,
  ) {}

  /** Starts watching the data directories; resolves once the watcher is ready. */
  async start(): Promise<void> {
    const dataDir = dirname(this.files.registryFile);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const dirs = [...new Set([dataDir, dirname(this.files.stateDb)])];
    const watcher = watch(dirs, { ignoreInitial: true, depth: 0, persistent: true });
    this.watcher = watcher;
    watcher.on('all', (_event, path) => this.changed(path));
    watcher.on('error', () => undefined); // a vanished git dir: the registry change that follows says why
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** Watches the git dir of a task's worktree (once it exists). */
  async watchWorktree(key: TaskKey, worktree: string): Promise<void> {
    const dir = await gitDirOf(worktree);
    if (!dir || this.gitDirs.get(dir) === key) return;
    this.gitDirs.set(dir, key);
    this.watcher?.add(dir);
  }

  /** Stops watching the git dirs of tasks that are gone. */
  keepOnly(keys: ReadonlySet<TaskKey>): void {
    for (const [dir, key] of this.gitDirs) {
      if (keys.has(key)) continue;
      this.gitDirs.delete(dir);
      this.watcher?.unwatch(dir);
    }
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  private changed(path: string): void {
    const name = basename(path);
    const gitKey = this.gitDirs.get(dirname(path));
    if (gitKey) {
      if (GIT_DIR_FILES.has(name)) this.on.gitDir(gitKey);
      return;
    }
    const registry = basename(this.files.registryFile);
    if (name === registry || name.startsWith(`${registry}.`)) {
      if (!name.endsWith('.lock')) this.on.registry();
    } else if (name.startsWith(basename(this.files.stateDb)) && !name.endsWith('-shm')) {
      this.on.database();
    }
  }
}
