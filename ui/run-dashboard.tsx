/**
 * Starts the dashboard on the terminal: the alternate screen on start (left on exit, so the
 * terminal is as it was), the feed into the store, Ink with `maxFps`, resizes, the bell, and
 * handing the terminal to a shell, editor or pager and taking it back.
 */
import { spawn } from 'node:child_process';
import { render, type Instance } from 'ink';
import { useEffect, useState } from 'react';
import type { Config } from '../core/config/schema.js';
import { DashboardFeed } from '../core/dashboard/feed.js';
import { makeActions } from './actions.js';
import { installFrameOutput } from './frame-output.js';
import { App, type DashboardActions } from './App.js';
import { applySnapshot, createDashboardStore, type DashboardStore } from './store.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';
const BELL = '\u0007';
/** What runDashboard returns when its terminal went away (128 + SIGHUP, as a shell reports it). */
export const TERMINAL_GONE = 129;
/**
 * Ink's frame cap. The feed already sends at most 15 updates a second; a cap of 30 keeps Ink from
 * holding back an update that follows a clock tick or a git refresh (at 20 it waited up to 50 ms).
 */
export const MAX_FPS = 30;

export interface DashboardOptions {
  /** The repo shown, or undefined for all repos. */
  repoRoot: string | undefined;
  /** What the header calls it. */
  scope: string;
  registryFile: string;
  stateDb: string;
  logsDir: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  cli: readonly string[];
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Told each frame's render time (the benchmark listens). */
  onRender?: (ms: number) => void;
  /** What the status line says first (e.g. runs reconciled at start). */
  initialStatus?: string;
}

/**
 * The frame height for a terminal of `rows` rows. Ink 6 clears the whole terminal before every
 * frame once a frame is as tall as the terminal (ink.js: `lastOutputHeight >= rows` →
 * clearTerminal) — that is the flicker — so the frame stops one row short; the cursor rests there.
 */
export function frameRows(rows: number): number {
  return Math.max(1, rows - 1);
}

function Sized({ store, actions, stdout, repoScoped }: { store: DashboardStore; actions: DashboardActions; stdout: NodeJS.WriteStream; repoScoped: boolean }) {
  const [size, setSize] = useState({ width: stdout.columns || 80, height: frameRows(stdout.rows || 24) });
  useEffect(() => {
    const onResize = () => setSize({ width: stdout.columns || 80, height: frameRows(stdout.rows || 24) });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return <App store={store} actions={actions} width={size.width} height={size.height} repoScoped={repoScoped} />;
}

/** Runs the dashboard until `q` (or Ctrl-C); resolves with the exit code. Agents keep running. */
export async function runDashboard(options: DashboardOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const feed = new DashboardFeed({ registryFile: options.registryFile, stateDb: options.stateDb, repo: options.repoRoot, maxParallel: options.config.manager.max_parallel });
  const store = createDashboardStore({
    scope: options.scope,
    maxParallel: options.config.manager.max_parallel,
    ...(options.initialStatus ? { status: { text: options.initialStatus, tone: 'warn' as const } } : {}),
  });
  feed.subscribe((snapshot) => applySnapshot(store, snapshot));
  store.subscribe((state, previous) => {
    if (state.selected !== previous.selected) feed.focus(state.selected);
    if (options.config.ui.bell && state.notices.length > previous.notices.length) stdout.write(BELL);
  });
  await feed.start();
  feed.focus(store.getState().selected);
  await installFrameOutput();

  let instance: Instance | undefined;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const mount = () => {
    stdout.write(ENTER_ALT_SCREEN);
    instance = render(<Sized store={store} actions={actions} stdout={stdout} repoScoped={options.repoRoot !== undefined} />, {
      stdin,
      stdout,
      maxFps: MAX_FPS,
      patchConsole: false,
      exitOnCtrlC: false,
      onRender: options.onRender ? ({ renderTime }) => options.onRender!(renderTime) : undefined,
    });
  };
  const unmount = async () => {
    const current = instance;
    instance = undefined;
    if (!current) return;
    current.unmount();
    await current.waitUntilExit().catch(() => undefined);
    stdout.write(LEAVE_ALT_SCREEN);
  };
  const actions = makeActions({
    store,
    refresh: () => feed.refresh(),
    cli: options.cli,
    registryFile: options.registryFile,
    stateDb: options.stateDb,
    logsDir: options.logsDir,
    repoRoot: options.repoRoot,
    config: options.config,
    env: options.env,
    cwd: process.cwd(),
    quit: () => finish(0),
    async handOver(command, args, cwd, env) {
      feed.setVisible(false);
      await unmount();
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(command, [...args], { cwd, env: env ?? options.env, stdio: 'inherit' });
        child.on('error', () => resolve(127));
        child.on('exit', (c) => resolve(c));
      });
      mount();
      feed.setVisible(true);
      return code;
    },
  });
  // Ctrl-C quits like q; SIGTERM too. Agents run in their own process groups and keep running.
  const onSignal = () => finish(130);
  const onHangUp = () => finish(TERMINAL_GONE);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangUp);
  // A terminal that closed under us (EIO, EPIPE): stop drawing; the last writes fail quietly.
  const onOutputError = () => finish(TERMINAL_GONE);
  stdout.on('error', onOutputError);
  stdin.on('error', onOutputError);
  stdin.on('end', onOutputError);
  mount();
  try {
    return await finished;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangUp);
    stdin.off('end', onOutputError);
    await unmount();
    await feed.close();
    stdin.pause();
  }
}
