/**
 * The dashboard's actions. Each runs the same core code as its CLI command (STYLE.md rule 2).
 * Long ones start the CLI command detached (ui/detached.ts), so they keep running when the
 * dashboard quits: `l` task run, `a` task answer, `v` task validate, `r` merge resolve, `L` manager
 * launch. Short ones call the core function in-process: `s` stopTask, `m` checkTask, `c`
 * completeTask, `n` addTask, `N` addTaskWithStub (then the stub in the editor). `o`, `e` and `d`
 * hand the terminal to a shell, the editor or the pager and take it back. Each shows progress in
 * the status line while it runs and its outcome when it ends.
 */
import { loadConfig } from '../core/config/load.js';
import type { Config } from '../core/config/schema.js';
import { taskKey, type TaskKey, type TaskView } from '../core/dashboard/task-view.js';
import { parseDuration } from '../core/duration.js';
import { currentBranch } from '../core/git/repo.js';
import { appPaths } from '../core/paths.js';
import { makeRedactor, secretsFromEnv } from '../core/redact.js';
import { Registry } from '../core/registry/registry.js';
import { addTask, type NewTask } from '../core/registry/task-ops.js';
import { findTask } from '../core/registry/task-ref.js';
import { stopTask } from '../core/runs/stop.js';
import { openStateStore } from '../core/store/open.js';
import type { StateStore } from '../core/store/state-store.js';
import type { Task } from '../core/task.js';
import type { DashboardActions } from './App.js';
import { outcomeLine, runDetached } from './detached.js';
import { setStatus, type DashboardStore, type Tone } from './store.js';

export interface ActionContext {
  store: DashboardStore;
  /** Asks the feed to look again now (after the dashboard's own change). */
  refresh(): void;
  /** How to start the CLI: e.g. `[process.execPath, '/…/dist/src/bin.js']`. */
  cli: readonly string[];
  registryFile: string;
  stateDb: string;
  /** Where the output of commands started from the dashboard goes (`<logs>/dashboard/<name>-<time>.log`). */
  logsDir: string;
  /** The repo the dashboard shows; undefined with --all-repos. */
  repoRoot: string | undefined;
  /** The config of `repoRoot` (another repo's is loaded when a task of it needs one). */
  config: Config;
  env: NodeJS.ProcessEnv;
  /** The directory the dashboard runs in, never removed from under it (default: the process's). */
  cwd?: string;
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

/** `$EDITOR` / `$PAGER` split into program and arguments (no shell: the words are taken as they are). */
function program(value: string | undefined, fallback: string): [string, string[]] {
  const words = (value?.trim() || fallback).split(/\s+/);
  return [words[0]!, words.slice(1)];
}

const exited = (what: string, code: number | null, last: string) => `${what} exited ${code ?? 'by a signal'}${last ? ` — ${last}` : ''}`;
const listed = (items: readonly string[]) => (items.length > 3 ? `${items.slice(0, 3).join(', ')} and ${items.length - 3} more` : items.join(', '));

export function makeActions(ctx: ActionContext): DashboardActions {
  const { store } = ctx;
  const registry = () => new Registry(ctx.registryFile);
  /** Actions under way, by command and task: a second press says so instead of starting another. */
  const underWay = new Set<string>();
  const configOf = (repo: string): Config => (repo === ctx.repoRoot ? ctx.config : loadConfig({ repoRoot: repo, env: ctx.env, paths: appPaths(ctx.env) }).config);
  const current = async (view: TaskView): Promise<Task> => findTask(await registry().read(), view.task.slug, view.task.repo);

  /** Claims `id` for the length of an action; false (and says so) when it is already under way. */
  const claim = (id: string, doing: string): boolean => {
    if (underWay.has(id)) {
      setStatus(store, `${doing} already — wait for it to end`, 'warn');
      return false;
    }
    underWay.add(id);
    return true;
  };

  /** `codex-agent <args>` in `repo`, detached; `finish` turns its exit code and last lines into the outcome. */
  const detached = (id: string, repo: string, name: string, args: string[], doing: string, finish: (code: number | null, lines: string[]) => [string, Tone] | null, about?: TaskKey) => {
    if (!claim(id, doing)) return;
    try {
      const log = runDetached({
        cli: ctx.cli, args, repo, env: ctx.env, logsDir: ctx.logsDir, name,
        onProgress: (line) => setStatus(store, `${doing} ${line}`, 'busy'),
        onExit: (code, lines) => {
          underWay.delete(id);
          const outcome = finish(code, lines);
          if (outcome) setStatus(store, ...outcome, about);
          ctx.refresh();
        },
        onError: (err) => {
          underWay.delete(id);
          setStatus(store, `could not start codex-agent: ${err.message}`, 'bad');
        },
      });
      setStatus(store, `${doing} (output: ${log})`, 'busy');
    } catch (err) {
      underWay.delete(id);
      setStatus(store, `could not start codex-agent: ${describeError(err)}`, 'bad');
    }
  };

  /** A core function run in-process with the state store open; its outcome goes to the status line. */
  const inProcess = (id: string, doing: string, failed: string, work: (db: StateStore) => Promise<[string, Tone]>, about?: TaskKey) => {
    if (!claim(id, doing)) return;
    setStatus(store, doing, 'busy');
    void (async () => {
      const db = await openStateStore(ctx.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
      try {
        const [text, tone] = await work(db);
        setStatus(store, text, tone, about);
      } finally {
        db.close();
      }
    })()
      .catch((err: unknown) => setStatus(store, `${failed}: ${describeError(err)}`, 'bad'))
      .finally(() => {
        underWay.delete(id);
        ctx.refresh();
      });
  };

  /** A new task of the dashboard's repo (`task add` in it): the fields every way of adding one shares. */
  const adding = (title: string, add: (input: NewTask) => Promise<void>) => {
    const repo = ctx.repoRoot;
    if (!repo) return setStatus(store, 'a new task needs one repo: start the dashboard inside it (not with --all-repos)', 'warn');
    void (async () => {
      const base = ctx.config.tasks.base || (await currentBranch(repo)) || 'main';
      await add({ repo, title, base, branchPattern: ctx.config.tasks.branch_pattern, knownAgents: Object.keys(ctx.config.agents) });
    })()
      .catch((err: unknown) => setStatus(store, `could not add the task: ${describeError(err)}`, 'bad'))
      .finally(() => ctx.refresh());
  };

  const idOf = (command: string, view: TaskView) => `${command}\0${view.key}`;
  /** An agent run's outcome; none when the feed's notice already says the task is stuck or failed (it says more). */
  const runOutcome = (slug: string, command: string) => (code: number | null, lines: string[]): [string, Tone] | null => {
    if (code === 0) return [`${slug} is ready for review`, 'ok'];
    if (store.getState().status?.text.startsWith(`${slug} is `)) return null;
    return [`${slug}: ${exited(command, code, outcomeLine(lines))}`, 'bad'];
  };

  return {
    launch(view) {
      const slug = view.task.slug;
      detached(idOf('launch', view), view.task.repo, slug, ['task', 'run', slug], `launching ${slug}…`, runOutcome(slug, 'task run'));
    },
    answer(view, text) {
      const slug = view.task.slug;
      detached(idOf('answer', view), view.task.repo, slug, ['task', 'answer', slug, text], `sending the answer to ${slug}…`, runOutcome(slug, 'task answer'));
    },
    validate(view) {
      const slug = view.task.slug;
      detached(idOf('validate', view), view.task.repo, `${slug}-validate`, ['task', 'validate', slug], `validating ${slug}…`, (code, lines) => {
        const verdict = outcomeLine(lines, /^Verdict for /);
        const status = /^The task is (\w+)\.$/.exec(lines.at(-1) ?? '')?.[1];
        if ((code === 0 || code === 1) && verdict.startsWith('Verdict for ')) return [`${verdict}${status ? ` → ${slug} is ${status}` : ''}`, code === 0 ? 'ok' : 'bad'];
        return [`${slug}: ${exited('task validate', code, outcomeLine(lines))}`, 'bad'];
      }, view.key);
    },
    resolve(view) {
      const slug = view.task.slug;
      detached(idOf('resolve', view), view.task.repo, `${slug}-resolve`, ['merge', 'resolve', slug], `resolving ${slug}…`, (code, lines) => {
        const outcome = outcomeLine(lines, /^[✓✗!] |already contains its base/);
        return code === 0 ? [outcome || `${slug}: resolved`, 'ok'] : [`${slug}: ${exited('merge resolve', code, outcome)}`, 'bad'];
      });
    },
    launchWave() {
      const repo = ctx.repoRoot;
      if (!repo) {
        setStatus(store, 'launching a wave needs one repo: start the dashboard inside it (not with --all-repos)', 'warn');
        return;
      }
      detached(`wave\0${repo}`, repo, 'manager-launch', ['manager', 'launch'], 'launching the next wave…', (code, lines) => {
        const started = outcomeLine(lines, /^(Started: |Nothing to start now)/);
        return code === 0 ? [`next wave: ${started || 'handed to the supervisor'}`, 'ok'] : [exited('manager launch', code, outcomeLine(lines)), 'bad'];
      });
    },
    mergeCheck(view) {
      const slug = view.task.slug;
      inProcess(idOf('mergeCheck', view), `merge-checking ${slug}…`, `could not merge-check ${slug}`, async (db) => {
        const { checkTask } = await import('../core/merge/check.js');
        const r = await checkTask(await current(view), { store: db });
        if (r.clean) return [`${slug}: ${r.branch} merges cleanly into ${r.base}`, 'ok'];
        return [`${slug}: ${r.branch} conflicts with ${r.base} in ${listed(r.conflicts.map((c) => c.path))} — r resolves`, 'bad'];
      }, view.key);
    },
    complete(view) {
      const slug = view.task.slug;
      inProcess(idOf('complete', view), `completing ${slug}…`, `could not complete ${slug}`, async (db) => {
        const { completeTask } = await import('../core/merge/complete.js');
        const task = await current(view);
        const r = await completeTask({ task, registry: registry(), store: db, config: configOf(task.repo), cwd: ctx.cwd ?? process.cwd() });
        const how = r.how === 'already-merged' ? `was already in ${r.base}` : `merged into ${r.base} (${r.how})`;
        const more = [r.unblocked.length ? `now ready: ${listed(r.unblocked)}` : '', r.worktreeKept ? `worktree kept: ${r.worktreeKept}` : ''].filter(Boolean).join('; ');
        return [`${slug} ${how}; it is done${more ? ` — ${more}` : ''}`, r.worktreeKept ? 'warn' : 'ok'];
      });
    },
    stop(view) {
      const slug = view.task.slug;
      inProcess(idOf('stop', view), `stopping ${slug}…`, `could not stop ${slug}`, async (db) => {
        const result = await stopTask(registry(), db, slug, view.task.repo, parseDuration(configOf(view.task.repo).timeouts.grace) ?? 5000);
        return [`stopped ${result.task.slug}: it is cancelled${result.stoppedGroups.length ? ' and its agent stopped' : ''}`, 'ok'];
      });
    },
    addTask(title) {
      adding(title, async (input) => {
        const task = await registry().update((r) => addTask(r, input, new Date().toISOString()));
        setStatus(store, `added ${task.slug} — give it a goal: codex-agent task edit ${task.slug} --goal "…"`, 'ok');
        store.setState({ selected: taskKey(task) });
      });
    },
    addTaskWithStub(title) {
      adding(title, async (input) => {
        const [{ addTaskWithStub, stubPathOf }, { stubMarkdown }] = await Promise.all([import('../core/tasks/stub-task.js'), import('../core/tasks/planner.js')]);
        const { task, stubFile } = await addTaskWithStub(registry(), input, stubMarkdown({ title, goal: title, acceptance: [] }));
        const stub = stubPathOf(task.slug);
        store.setState({ selected: taskKey(task) });
        ctx.refresh();
        const [cmd, args] = program(ctx.env.VISUAL || ctx.env.EDITOR, 'vi');
        setStatus(store, `added ${task.slug}; its goal is in ${stub} — opening ${cmd}…`, 'busy');
        const code = await ctx.handOver(cmd, [...args, stubFile], input.repo);
        setStatus(store, `added ${task.slug} with its goal in ${stub} (${cmd} exited ${code ?? 'by a signal'})`, code === 0 ? 'ok' : 'warn');
      });
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
