import { lstatSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CodexAgentError } from '../errors.js';
import { runGit, succeeded } from '../git/run.js';
import { listWorktrees, shortBranch, worktreeGitDir, type WorktreeEntry } from '../git/worktree-list.js';
import { assertBranchName, assertSlug } from '../names.js';
import type { Registry } from '../registry/registry.js';
import type { Task } from '../task.js';
import type { CopyMethod } from './copy.js';
import { assertHydratePaths, hydrate, planHydration, writeHydrationManifest, type HydrationEvent, type HydrationPlan, type HydrationReport } from './hydrate.js';
import { isSameOrInside, realPath, worktreePathFor } from './paths.js';
import { runSetup, type SetupEvent, type SetupReport } from './setup.js';

/** The `[worktree]` settings that creation uses. */
export interface WorktreeSettings {
  root: string;
  hydrate: readonly string[];
  setup: readonly string[];
}

export interface CreateWorktreeOptions {
  task: Task;
  registry: Registry;
  settings: WorktreeSettings;
  /** Copy the `hydrate` paths (default true). */
  hydrate?: boolean;
  /** Run the `setup` commands (default true). */
  setup?: boolean;
  /** Copy methods to try, best first (default: the platform's chain). */
  copyMethods?: readonly CopyMethod[];
  signal?: AbortSignal;
  onEvent?: (event: CreateEvent) => void;
  /** Look-ups started earlier with startWorktreeLookups (used when they were for this branch and base). */
  lookups?: WorktreeLookups;
}

/** The read-only git look-up that creation starts with: the task branch and the base. */
export interface WorktreeLookups {
  branch: string;
  base: string;
  /** The commits the task branch and the base point to; undefined for one that does not exist. */
  refs: Promise<{ branch?: string; base?: string }>;
}

/** A commit in `git cat-file --batch-check` output (`<oid> commit <size>`); undefined for `<name> missing`. */
function commitOf(line: string | undefined): string | undefined {
  return /^([0-9a-f]{40}|[0-9a-f]{64}) commit \d+$/.exec(line ?? '')?.[1];
}

/**
 * Starts creation's read-only look-up for `task`, so that a caller with other work first (the
 * runner claims the task) has git answer meanwhile: each git start costs milliseconds, so both
 * refs are looked up by one `cat-file --batch-check` (names on stdin: nothing in them is an option).
 */
export function startWorktreeLookups(task: Task, signal?: AbortSignal): WorktreeLookups {
  const refs = runGit(['cat-file', '--batch-check'], { cwd: task.repo, input: `refs/heads/${task.branch}^{commit}\n${task.base}^{commit}\n`, signal }).then((found) => {
    const [branch, base] = found.stdout.split('\n');
    return { branch: commitOf(branch), base: commitOf(base) };
  });
  refs.catch(() => undefined); // awaited by createWorktree; this only keeps an early rejection from going unhandled
  return { branch: task.branch, base: task.base, refs };
}

export type CreateEvent =
  | { type: 'worktree-added'; path: string; branch: string; branchCreated: boolean }
  | { type: 'checked-out'; ms: number }
  | HydrationEvent
  | SetupEvent;

export interface CreatedWorktree {
  slug: string;
  repo: string;
  path: string;
  branch: string;
  base: string;
  /** False when an existing branch was reused. */
  branchCreated: boolean;
  /** The commit checked out. */
  head: string;
  checkoutMs: number;
  hydration: HydrationReport | null;
  setup: SetupReport | null;
  ms: number;
}

/**
 * Git compares file and index times in whole seconds: files written in the same second as the
 * index stay "racily clean", and every `--no-optional-locks` status re-reads them (0.56 s instead
 * of 0.1 s on 17k files, GIT.md). One refresh in a later second fixes it for good. A refresh in the
 * same second fixes nothing, so a checkout too small for the re-reading to cost is left as it is.
 */
const RACY_MARGIN_MS = 20;
const RACY_WAIT_MIN_CHECKOUT_MS = 250;

async function refreshIndex(path: string, checkedOutAt: number, checkoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  if (checkoutMs < RACY_WAIT_MIN_CHECKOUT_MS) return;
  const nextSecond = (Math.floor(checkedOutAt / 1000) + 1) * 1000 + RACY_MARGIN_MS;
  const wait = nextSecond - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal });
  await runGit(['update-index', '-q', '--refresh'], { cwd: path, allowFailure: true, signal });
}

async function describeExisting(path: string, entry: WorktreeEntry | undefined): Promise<string | undefined> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return undefined;
  if (entry) return `it is already a worktree of this repo (${entry.branch ? `branch ${shortBranch(entry.branch)}` : 'detached HEAD'})`;
  if (!stat.isDirectory()) return 'a file is in the way';
  const names = await readdir(path).catch(() => []);
  return names.length ? `a directory with ${names.length} entr${names.length === 1 ? 'y' : 'ies'} is in the way` : 'an empty directory is in the way';
}

/**
 * Whether git's list of worktrees must be read before the add: something is at `path` already, or
 * `path` lies inside a checkout (an ancestor holds a `.git`). Otherwise git's own checks suffice,
 * and the list is read only if the add fails, to say why: one git start fewer on the way to every
 * agent (README, Performance).
 */
function needsWorktreeList(path: string): boolean {
  // A handful of lstat calls: synchronous, they cost microseconds rather than thread-pool trips.
  if (lstatSync(path, { throwIfNoEntry: false })) return true;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (lstatSync(join(dir, '.git'), { throwIfNoEntry: false })) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * Reads git's list of worktrees and throws when the worktree of `task` cannot be made at `path`:
 * something is in the way, it would be inside another worktree, or another worktree holds the task
 * branch. Stale records (their directories deleted) are pruned first; returns whether any were.
 */
async function checkWorktrees(task: Task, path: string, signal: AbortSignal | undefined): Promise<boolean> {
  let worktrees = await listWorktrees(task.repo, signal);
  const pruned = worktrees.some((w) => w.prunable !== undefined && w.locked === undefined);
  if (pruned) {
    await runGit(['worktree', 'prune'], { cwd: task.repo, signal });
    worktrees = await listWorktrees(task.repo, signal);
  }
  const atPath = worktrees.find((w) => realPath(w.path) === realPath(path));
  const inTheWay = await describeExisting(path, atPath);
  if (inTheWay) {
    throw new CodexAgentError('worktree-exists', `Cannot create the worktree of ${task.slug} at ${path}: ${inTheWay}.`, {
      hint: atPath
        ? `codex-agent did not record it (an interrupted add?). Look at it, then remove it with git worktree remove ${JSON.stringify(path)}, or set [worktree] root elsewhere.`
        : 'Move or delete it yourself (codex-agent never deletes what it did not create), or set [worktree] root elsewhere.',
      details: { path },
    });
  }
  const inside = worktrees.find((w) => !w.main && isSameOrInside(path, w.path));
  if (inside) throw new CodexAgentError('worktree-exists', `Cannot create the worktree of ${task.slug} at ${path}: it would be inside the worktree ${inside.path}.`, { hint: 'Set [worktree] root to a folder outside every worktree.' });
  const holder = worktrees.find((w) => shortBranch(w.branch) === task.branch);
  if (holder) {
    throw new CodexAgentError('worktree-exists', `Branch ${task.branch} is already checked out in ${holder.path}.`, {
      hint: holder.main ? `Switch the main checkout to another branch (git switch ${task.base}), then try again.` : 'Git checks a branch out in one worktree at a time: remove that worktree, or work there.',
    });
  }
  return pruned;
}

/** Checks everything that can be checked before touching git; returns where the worktree starts. */
async function preflight(task: Task, path: string, signal: AbortSignal | undefined, early: WorktreeLookups | undefined): Promise<{ branchExists: boolean; start: string }> {
  if (task.worktree && (await lstat(task.worktree).catch(() => undefined))) {
    throw new CodexAgentError('worktree-exists', `Task ${task.slug} already has a worktree at ${task.worktree}.`, {
      hint: `Work there, or remove it first: codex-agent task worktree remove ${task.slug}`,
    });
  }
  // The task's branch or base may have been edited since the early look-up began.
  const { refs } = early && early.branch === task.branch && early.base === task.base ? early : startWorktreeLookups(task, signal);
  if (needsWorktreeList(path)) await checkWorktrees(task, path, signal);
  const { branch, base } = await refs;
  const branchExists = branch !== undefined;
  if (!branchExists && base === undefined) {
    throw new CodexAgentError('invalid-value', `The base branch ${task.base} of ${task.slug} does not exist in ${task.repo}.`, {
      hint: `Create it, or change the task's base: codex-agent task edit ${task.slug} --base <branch>`,
    });
  }
  // The commit the worktree starts at: the branch's when it exists, else the base's.
  const start = (branch ?? base)!;
  return { branchExists, start };
}

/**
 * `git worktree add`, making the task branch at `newBranchAt` unless that is undefined. With `-b`, git
 * makes the branch (a `git branch` child) before it reads the repo's other worktrees; when that read
 * meets a record a parallel add is still writing, git dies with the branch made, and runGit's second
 * try finds it. A branch at the commit it was made from, where nothing else works, is ours: used.
 */
async function addWorktree(task: Task, path: string, newBranchAt: string | undefined, signal: AbortSignal | undefined): Promise<void> {
  const onBranch = ['worktree', 'add', '--no-checkout', '--', path, task.branch];
  if (newBranchAt === undefined) {
    await runGit(onBranch, { cwd: task.repo, signal });
    return;
  }
  const args = ['worktree', 'add', '--no-checkout', '--no-track', '-b', task.branch, '--', path, task.base];
  const added = await runGit(args, { cwd: task.repo, signal, allowFailure: true });
  if (added.exitCode === 0) return;
  if (/^fatal: a branch named .* already exists$/m.test(added.stderr)) {
    const now = await runGit(['rev-parse', '--verify', '-q', `refs/heads/${task.branch}^{commit}`], { cwd: task.repo, signal, allowFailure: true });
    if (now.stdout.trim() === newBranchAt) {
      await runGit(onBranch, { cwd: task.repo, signal });
      return;
    }
  }
  succeeded(args, task.repo, added);
}

/**
 * Creates a task's worktree (DESIGN §7): `git worktree add --no-checkout` on the task branch (reused
 * when it exists, else made from the base); then side by side the checkout, the record in the
 * registry, the hydration (it copies only untracked paths, so it never meets the checkout) and,
 * once the checkout is done, the index refresh that keeps live status fast; then the setup commands.
 * Measured: faster than `git worktree add` + `cp -R --reflink=auto` one after the other (README).
 * A failing setup command leaves the worktree in place and throws `setup-failed`.
 */
export async function createWorktree(options: CreateWorktreeOptions): Promise<CreatedWorktree> {
  const { task, settings, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const started = Date.now();
  assertSlug(task.slug);
  assertBranchName(task.branch, 'task branch');
  assertBranchName(task.base, 'base branch');
  const path = worktreePathFor(task.repo, settings.root, task.slug);
  const wantHydrate = options.hydrate !== false && settings.hydrate.length > 0;
  if (wantHydrate) assertHydratePaths(settings.hydrate);
  const { branchExists, start } = await preflight(task, path, signal, options.lookups);

  const planning: Promise<HydrationPlan | null> = wantHydrate ? planHydration(task.repo, settings.hydrate, signal) : Promise.resolve(null);
  planning.catch(() => {}); // awaited below; this only keeps an early rejection from going unhandled
  try {
    await addWorktree(task, path, branchExists ? undefined : start, signal);
  } catch (err) {
    // Git refused: its list of worktrees says why, or holds a stale record in the way, pruned
    // now, after which the add is tried once more (a branch it made meanwhile is taken up).
    if (!(await checkWorktrees(task, path, signal))) throw err;
    await addWorktree(task, path, branchExists ? undefined : start, signal);
  }
  emit({ type: 'worktree-added', path, branch: task.branch, branchCreated: !branchExists });
  const t0 = Date.now();
  const checkout = runGit(['checkout', '-f', '-q'], { cwd: path, signal }).then(() => Date.now());
  checkout.catch(() => {}); // awaited below
  // Recorded while git checks out; if recording fails, the next add names the unrecorded worktree.
  const recorded = options.registry.update((r) => {
    const saved = r.tasks.find((t) => t.repo === task.repo && t.slug === task.slug);
    if (saved) {
      saved.worktree = path;
      saved.updatedAt = new Date().toISOString();
    }
  });
  recorded.catch(() => {}); // awaited below
  // The index refresh touches tracked files only, so it runs while hydration is still copying.
  const refreshed = checkout.then((at) => refreshIndex(path, at, at - t0, signal));
  refreshed.catch(() => {}); // awaited below; this only keeps an early rejection from going unhandled
  await recorded;
  const plan = await planning;
  const hydration = plan ? await hydrate(plan, task.repo, path, { methods: options.copyMethods, signal, onEvent: emit }) : null;
  const checkedOutAt = await checkout;
  const checkoutMs = checkedOutAt - t0;
  emit({ type: 'checked-out', ms: checkoutMs });
  const gitDir = worktreeGitDir(path);
  if (hydration && hydration.paths.length && gitDir) await writeHydrationManifest(path, gitDir, hydration);
  // Before setup: a setup command that runs git must not meet our index.lock.
  await refreshed;

  const commands = options.setup === false ? [] : settings.setup;
  const setup = commands.length ? await runSetup(commands, path, { signal, onEvent: emit }) : null;
  // Setup commands may have committed; otherwise HEAD is the commit the worktree started at.
  const head = setup || !start ? (await runGit(['rev-parse', 'HEAD'], { cwd: path, signal })).stdout.trim() : start;
  const result: CreatedWorktree = {
    slug: task.slug,
    repo: task.repo,
    path,
    branch: task.branch,
    base: task.base,
    branchCreated: !branchExists,
    head,
    checkoutMs,
    hydration,
    setup,
    ms: Date.now() - started,
  };
  if (setup?.failed) {
    const { command, exitCode } = setup.failed;
    throw new CodexAgentError('setup-failed', `Setup command ${JSON.stringify(command)} failed (exit ${exitCode}) in ${path}.`, {
      hint: `The worktree is created${hydration?.paths.length ? ' and hydrated' : ''}; fix the command ([worktree] setup) and run it there yourself, or remove the worktree: codex-agent task worktree remove ${task.slug} --force`,
      details: { ...result },
    });
  }
  return result;
}
