import { spawn } from 'node:child_process';
import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import { loadConfig } from '../../core/config/load.js';
import { DashboardFeed, type DashboardFeedOptions } from '../../core/dashboard/feed.js';
import { appPaths, type AppPaths } from '../../core/paths.js';
import { makeActions } from '../../ui/actions.js';
import { App } from '../../ui/App.js';
import { applySnapshot, createDashboardStore, type DashboardStore } from '../../ui/store.js';
import { BIN } from './sandbox.js';

export const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

/** Polls `check` until it holds; fails with `what()` (usually the frame) when it never does. */
export async function eventually(check: () => boolean, what: () => string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(check(), what()).toBe(true);
}

export interface DashboardHarnessOptions {
  /** The environment of the CLI and of the feed's paths (XDG dirs). */
  env: NodeJS.ProcessEnv;
  /** The repo shown; the one whose config is loaded. */
  repo: string;
  /** Show every repo (as `--all-repos`). */
  allRepos?: boolean;
  /** Where the actions' own commands run (`task complete`…). */
  cwd?: string;
  feed?: Partial<DashboardFeedOptions>;
  width?: number;
  height?: number;
}

export interface DashboardHarness {
  store: DashboardStore;
  paths: AppPaths;
  frame(): string;
  /** Every frame rendered so far, ANSI stripped. */
  frames(): string[];
  /** Writes keys to Ink's stdin, one at a time. */
  press(...keys: string[]): Promise<void>;
  /** The list row of a task (`' ◆ slug …'` or `'›◆ slug …'`), or ''. */
  row(slug: string): string;
  close(): Promise<void>;
}

/**
 * The dashboard on a real engine: the real feed (registry, SQLite, git) into the store, the real
 * actions (handing over runs the program without a terminal), the App rendered by
 * ink-testing-library at a fixed size.
 */
export async function mountDashboard(options: DashboardHarnessOptions): Promise<DashboardHarness> {
  const { env, repo } = options;
  const paths = appPaths(env);
  const config = loadConfig({ repoRoot: repo, env, paths }).config;
  const shown = options.allRepos ? undefined : repo;
  const feed = new DashboardFeed({ registryFile: paths.registry, stateDb: paths.stateDb, repo: shown, maxParallel: config.manager.max_parallel, ...options.feed });
  const store = createDashboardStore({ scope: options.allRepos ? 'all repos' : 'app', maxParallel: config.manager.max_parallel });
  feed.subscribe((s) => applySnapshot(store, s));
  store.subscribe((s, prev) => s.selected !== prev.selected && feed.focus(s.selected));
  await feed.start();
  const actions = makeActions({
    store,
    refresh: () => feed.refresh(),
    cli: [process.execPath, BIN],
    registryFile: paths.registry,
    stateDb: paths.stateDb,
    logsDir: paths.logsDir,
    repoRoot: shown,
    config,
    env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    handOver: (command, args, cwd) =>
      new Promise((resolve) => {
        const child = spawn(command, [...args], { cwd, env, stdio: 'ignore' });
        child.on('error', () => resolve(127));
        child.on('exit', (code) => resolve(code));
      }),
    quit: () => undefined,
  });
  const app = render(<App store={store} actions={actions} width={options.width ?? 200} height={options.height ?? 50} repoScoped={!options.allRepos} />);
  const frame = () => (app.lastFrame() ?? '').replace(ANSI, '');
  return {
    store,
    paths,
    frame,
    frames: () => app.frames.map((f) => f.replace(ANSI, '')),
    async press(...keys) {
      for (const k of keys) {
        app.stdin.write(k);
        await new Promise((r) => setImmediate(r));
      }
    },
    row: (slug) => frame().split('\n').find((l) => new RegExp(`^.\\S\\s+${slug}\\s`).test(l)) ?? '',
    async close() {
      app.unmount();
      await feed.close();
    },
  };
}
