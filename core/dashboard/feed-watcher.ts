/**
 * What the dashboard watches (DESIGN §11, GIT.md): the data directory — tasks.json and the SQLite
 * WAL, by directory and not by file (RELIABILITY rule 4: atomic replaces swap the file) — and each
 * task worktree's git dir (`index`, `HEAD`), never whole worktrees. It only classifies changes.
 *
 * It listens to chokidar's raw events: chokidar drops a second `change` of the same file within
 * 50 ms (no trailing event), and agents write the WAL more often than that, so the last write of a
 * burst would wait for the next one, or for the slow refresh, to reach the screen.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  private dataDirs = new Set<string>();

  constructor(
    private readonly files: { registryFile: string; stateDb: string },
    private readonly on: FeedChanges,
  ) {}

  /** Starts watching the data directories; resolves once the watcher is ready. */
  async start(): Promise<void> {
    const dataDir = dirname(this.files.registryFile);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.dataDirs = new Set([dataDir, dirname(this.files.stateDb)]);
    const watcher = watch([...this.dataDirs], { ignoreInitial: true, depth: 0, persistent: true });
    this.watcher = watcher;
    watcher.on('all', (_event, path) => this.changed(path));
    // Raw events are not throttled. One comes from a directory's watcher (a name in it) or from a
    // file's own watcher; marking twice is harmless, the feed coalesces.
    watcher.on('raw', (_event, name, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      if (typeof watched !== 'string') return;
      const isDir = this.dataDirs.has(watched) || this.gitDirs.has(watched);
      if (isDir && !name) return;
      this.changed(isDir ? join(watched, name) : watched);
    });
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
