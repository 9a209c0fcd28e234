import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import { listWorktrees } from '../git/worktree-list.js';
import type { Registry } from '../registry/registry.js';
import type { Task } from '../task.js';
import { trashDirFor } from './paths.js';
import { branchFindings, checkWorktreeRemoval, type RemovalFinding } from './remove-check.js';

export interface RemoveWorktreeOptions {
  task: Task;
  registry: Registry;
  /** The directory the command runs in (never removed from under the user). */
  cwd: string;
  /** Remove despite findings that would lose work (never the main worktree or the current directory). */
  force?: boolean;
  /** Also delete the task branch (refused when it has commits not merged into the base, unless forced). */
  deleteBranch?: boolean;
  /** Delete the moved-away files in a detached background process (default true); false waits for it. */
  background?: boolean;
  signal?: AbortSignal;
  /** Called with what a forced removal deletes, before anything is deleted. */
  onForced?: (findings: RemovalFinding[]) => void;
}

export interface RemovedWorktree {
  slug: string;
  repo: string;
  path: string;
  branch: string;
  /** The worktree directory was already gone; only git's entry and the record were cleaned up. */
  alreadyGone: boolean;
  branchDeleted: boolean;
  forced: boolean;
  /** What a forced removal deleted (empty when nothing was at risk). */
  findings: RemovalFinding[];
  ms: number;
}

function refusal(task: Task, path: string, findings: RemovalFinding[], forceHelps: boolean): CodexAgentError {
  const reasons = findings.map((f) => `  - ${f.message}`).join('\n');
  return new CodexAgentError('worktree-refused', `Refusing to remove the worktree of ${task.slug} at ${path}:\n${reasons}`, {
    hint: forceHelps
      ? `Commit, push or copy what you need, or run again with --force to delete it anyway${findings.some((f) => f.kind === 'unmerged-branch') ? ' (or drop --delete-branch to keep the branch)' : ''}.`
      : 'Nothing was deleted.',
    details: { path, findings },
  });
}

/**
 * Deletes the trash entries: moving the worktree away took milliseconds, deleting a node_modules
 * takes seconds (GIT.md: `git worktree remove` ≈2 s, rename + prune ≈5 ms), so a detached `rm`
 * does it after we exit. Leftovers of an interrupted delete are swept along.
 */
async function emptyTrash(trashDir: string, background: boolean): Promise<void> {
  const entries = (await readdir(trashDir).catch(() => [] as string[])).map((name) => join(trashDir, name));
  if (entries.length === 0) return;
  if (!background || process.platform === 'win32') {
    await Promise.all(entries.map((entry) => rm(entry, { recursive: true, force: true, maxRetries: 3 })));
    return;
  }
  const child = spawn('rm', ['-rf', '--', ...entries], { detached: true, stdio: 'ignore' });
  child.on('error', () => {}); // no rm: the next removal sweeps it with Node
  child.unref();
}

/** Deletes the task branch once nothing else needs it. */
async function deleteBranch(task: Task, signal: AbortSignal | undefined): Promise<boolean> {
  const result = await runGit(['branch', '-D', '--', task.branch], { cwd: task.repo, allowFailure: true, signal });
  return result.exitCode === 0;
}

/**
 * Deletes a task's branch on its own (its worktree is already gone): refused when the branch is
 * checked out somewhere, or has commits not merged into the base unless `force`. Returns whether a
 * branch was deleted (false when it did not exist).
 */
export async function deleteTaskBranch(task: Task, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<boolean> {
  const findings = await branchFindings(task.repo, task.branch, task.base, await listWorktrees(task.repo, options.signal), undefined, options.signal);
  const blocking = findings.filter((f) => f.hard || !options.force);
  if (blocking.length) {
    throw new CodexAgentError('worktree-refused', `Refusing to delete branch ${task.branch}:\n${blocking.map((f) => `  - ${f.message}`).join('\n')}`, {
      hint: blocking.some((f) => f.hard) ? 'Nothing was deleted.' : 'Merge it first, or run again with --force.',
      details: { findings },
    });
  }
  return deleteBranch(task, options.signal);
}

/**
 * Removes a task's worktree (RELIABILITY rule 11): refuses, naming what would be lost, unless every
 * check passes or `force` is given; then moves the directory into a trash folder beside it, prunes
 * git's entry, clears the task's record and deletes the trash. The branch is kept unless asked.
 */
export async function removeWorktree(options: RemoveWorktreeOptions): Promise<RemovedWorktree> {
  const { task, signal } = options;
  const started = Date.now();
  const path = task.worktree;
  if (!path) {
    throw new CodexAgentError('invalid-value', `Task ${task.slug} has no worktree.`, { hint: `Create one with: codex-agent task worktree add ${task.slug}` });
  }
  const result: RemovedWorktree = { slug: task.slug, repo: task.repo, path, branch: task.branch, alreadyGone: false, branchDeleted: false, forced: false, findings: [], ms: 0 };
  const present = await lstat(path).then(
    () => true,
    () => false,
  );
  const check = present
    ? await checkWorktreeRemoval({ repoRoot: task.repo, worktree: path, branch: task.branch, base: task.base, cwd: options.cwd, deleteBranch: options.deleteBranch, signal })
    : { findings: [], entry: undefined };
  if (!present && options.deleteBranch) {
    check.findings.push(...(await branchFindings(task.repo, task.branch, task.base, await listWorktrees(task.repo, signal), undefined, signal)));
  }
  const hard = check.findings.filter((f) => f.hard);
  if (hard.length) throw refusal(task, path, hard, false);
  if (check.findings.length && !options.force) throw refusal(task, path, check.findings, true);
  if (check.findings.length) {
    result.forced = true;
    result.findings = check.findings;
    options.onForced?.(check.findings);
  }

  if (present) {
    if (check.entry?.locked !== undefined) await runGit(['worktree', 'unlock', '--', path], { cwd: task.repo, allowFailure: true, signal });
    const trashDir = trashDirFor(path);
    await mkdir(trashDir, { recursive: true });
    const trashed = join(trashDir, `${task.slug}-${Date.now()}-${randomBytes(3).toString('hex')}`);
    try {
      await rename(path, trashed);
    } catch (err) {
      // Cannot move it (another filesystem, permissions): let git delete it; every check has passed.
      const removed = await runGit(['worktree', 'remove', '--force', '--', path], { cwd: task.repo, allowFailure: true, signal });
      if (removed.exitCode !== 0) {
        throw new CodexAgentError('io', `Could not remove ${path}: ${(err as Error).message}; git worktree remove: ${removed.stderr.trim()}`, { cause: err });
      }
    }
  } else {
    result.alreadyGone = true;
  }
  await runGit(['worktree', 'prune'], { cwd: task.repo, signal });
  await options.registry.update((r) => {
    const saved = r.tasks.find((t) => t.repo === task.repo && t.slug === task.slug);
    if (saved && saved.worktree === path) {
      saved.worktree = null;
      saved.updatedAt = new Date().toISOString();
    }
  });
  if (options.deleteBranch) result.branchDeleted = await deleteBranch(task, signal);
  await emptyTrash(trashDirFor(path), options.background !== false);
  result.ms = Date.now() - started;
  return result;
}
