/**
 * The dashboard's actions. Each runs the same core code as its CLI command: `l` and `a` start
 * `codex-agent task run|answer` as a detached process (so the agent keeps running when the
 * dashboard quits, as `q` promises), `s` calls core `stopTask`, `n` core `addTask`; `o`, `e` and
 * `d` hand the terminal to a shell, the editor or the pager and take it back.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config/schema.js';
import { taskKey, type TaskView } from '../core/dashboard/task-view.js';
import { parseDuration } from '../core/duration.js';
import { currentBranch } from '../core/git/repo.js';
import { makeRedactor, secretsFromEnv } from '../core/redact.js';
import { Registry } from '../core/registry/registry.js';
import { addTask } from '../core/registry/task-ops.js';
import { stopTask } from '../core/runs/stop.js';
import { openStateStore } from '../core/store/open.js';
import type { DashboardActions } from './App.js';
import { setStatus, type DashboardStore } from './store.js';

export interface ActionContext {
  store: DashboardStore;
  /** Asks the feed to look again now (after the dashboard's own change). */
  refresh(): void;
  /** How to start the CLI: e.g. `[process.execPath, '/…/dist/src/bin.js']`. */
  cli: readonly string[];
  registryFile: string;
  stateDb: string;
  /** Where the output of launched runs goes (`<logs>/dashboard/<slug>-<time>.log`). */
  logsDir: string;
  /** The repo new tasks go to; undefined with --all-repos. */
  repoRoot: string | undefined;
  config: Config;
  env: NodeJS.ProcessEnv;
  /** Runs a program on the terminal (the dashboard steps aside) and resolves with its exit code. */
  handOver(command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<number | null>;
  quit(): void;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const hint = (err as { hint?: string }).hint;
    return `${err.message}${hint ? ` ${hint}` : ''}`;
  }
  return String(err);
}

/** The last non-empty line of a log file (what a failed command said last). */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    return lines[lines.length - 1] ?? '';
  } catch {
    return '';
  }
}

/** `$EDITOR` / `$PAGER` split into program and arguments (no shell: the words are taken as they are). */
function program(value: string | undefined, fallback: string): [string, string[]] {
  const words = (value?.trim() || fallback).split(/\s+/);
  return [words[0]!, words.slice(1)];
}

export function makeActions(ctx: ActionContext): DashboardActions {
  const { store } = ctx;

  /** Starts `codex-agent <args>` in its own process group, its output in a log file; reports how it ended. */
  const detached = (view: TaskView, args: string[], doing: string, done: (code: number | null, last: string) => string) => {
    const dir = join(ctx.logsDir, 'dashboard');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const log = join(dir, `${view.task.slug}-${Date.now()}.log`);
    const fd = openSync(log, 'a', 0o600);
    try {
      const child = spawn(ctx.cli[0]!, [...ctx.cli.slice(1), '-C', view.task.repo, ...args], { detached: true, stdio: ['ignore', fd, fd], env: ctx.env, cwd: view.task.repo });
      child.on('error', (err) => setStatus(store, `could not start codex-agent: ${err.message}`, 'bad'));
      child.on('exit', (code) => {
        const last = lastLine(log);
        setStatus(store, done(code, last), code === 0 ? 'ok' : 'bad');
        ctx.refresh();
      });
      child.unref();
      setStatus(store, `${doing} (output: ${log})`, 'busy');
    } finally {
      closeSync(fd);
    }
  };

  return {
    launch(view) {
      detached(view, ['task', 'run', view.task.slug], `launching ${view.task.slug}…`, (code, last) =>
        code === 0 ? `${view.task.slug} is ready for review` : `${view.task.slug}: task run exited ${code ?? 'by a signal'}${last ? ` — ${last}` : ''}`,
      );
    },
    answer(view, text) {
      detached(view, ['task', 'answer', view.task.slug, text], `sending the answer to ${view.task.slug}…`, (code, last) =>
        code === 0 ? `${view.task.slug} is ready for review` : `${view.task.slug}: task answer exited ${code ?? 'by a signal'}${last ? ` — ${last}` : ''}`,
      );
    },
    stop(view) {
      setStatus(store, `stopping ${view.task.slug}…`, 'busy');
      void (async () => {
        const db = await openStateStore(ctx.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
        try {
          const result = await stopTask(new Registry(ctx.registryFile), db, view.task.slug, view.task.repo, parseDuration(ctx.config.timeouts.grace) ?? 5000);
          setStatus(store, `stopped ${result.task.slug}: it is cancelled${result.stoppedGroups.length ? ' and its agent stopped' : ''}`, 'ok');
        } finally {
          db.close();
        }
      })()
        .catch((err: unknown) => setStatus(store, `could not stop ${view.task.slug}: ${describeError(err)}`, 'bad'))
        .finally(() => ctx.refresh());
    },
    addTask(title) {
      const repo = ctx.repoRoot;
      if (!repo) {
        setStatus(store, 'a new task needs a repo: start the dashboard inside one (not with --all-repos)', 'warn');
        return;
      }
      void (async () => {
        const base = ctx.config.tasks.base || (await currentBranch(repo)) || 'main';
        const task = await new Registry(ctx.registryFile).update((r) =>
          addTask(r, { repo, title, base, branchPattern: ctx.config.tasks.branch_pattern, knownAgents: Object.keys(ctx.config.agents) }, new Date().toISOString()),
        );
        setStatus(store, `added ${task.slug} — give it a goal: codex-agent task edit ${task.slug} --goal "…"`, 'ok');
        store.setState({ selected: taskKey(task) });
      })()
        .catch((err: unknown) => setStatus(store, `could not add the task: ${describeError(err)}`, 'bad'))
        .finally(() => ctx.refresh());
    },
    shell(view) {
      const [cmd, args] = program(ctx.env.SHELL, 'sh');
      void ctx.handOver(cmd, args, view.task.worktree!).then((code) => setStatus(store, `back from the shell in ${view.task.slug} (exit ${code ?? 'signal'})`));
    },
    editor(view) {
      const [cmd, args] = program(ctx.env.VISUAL || ctx.env.EDITOR, 'vi');
      void ctx.handOver(cmd, [...args, '.'], view.task.worktree!).then((code) => setStatus(store, `editor closed (exit ${code ?? 'signal'})`));
    },
    diff(view) {
      const [pager] = program(ctx.env.PAGER, 'less');
      const env = { ...ctx.env, GIT_PAGER: ctx.env.PAGER || 'less -R', LESS: ctx.env.LESS ?? 'FRX' };
      const cwd = view.task.worktree && view.git?.worktreeExists ? view.task.worktree : view.task.repo;
      void ctx
        .handOver('git', ['-c', 'color.ui=auto', 'diff', '--end-of-options', `${view.task.base}...${view.task.branch}`, '--'], cwd, env)
        .then((code) => setStatus(store, code === 0 ? `diff of ${view.task.slug} against ${view.task.base} (pager: ${pager})` : `git diff exited ${code}`, code === 0 ? 'info' : 'bad'));
    },
    quit() {
      ctx.quit();
    },
  };
}
