/**
 * Git state around a merge in a task worktree: snapshots to prove a bail-out left it exactly as
 * before, the guards of RELIABILITY rule 12, and recovery from a resolve that was killed.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import { hasConflictMarkers } from './conflict-hunks.js';

/** What "exactly as before" means: the same HEAD, the same index and the same status. */
export interface WorktreeSnapshot {
  head: string;
  /** `git ls-files --stage`: modes, blobs and stages of the whole index. */
  index: string;
  /** `git status --porcelain -z`, untracked files included. */
  status: string;
}

export async function snapshotWorktree(cwd: string): Promise<WorktreeSnapshot> {
  const [head, index, status] = await Promise.all([
    runGit(['rev-parse', 'HEAD'], { cwd }),
    runGit(['ls-files', '--stage', '-z'], { cwd }),
    runGit(['status', '--porcelain', '-z', '--untracked-files=all'], { cwd }),
  ]);
  return { head: head.stdout.trim(), index: index.stdout, status: status.stdout };
}

/** Throws when the worktree is not what the snapshot says (so a bail-out never hides damage). */
export async function assertUnchanged(cwd: string, before: WorktreeSnapshot): Promise<void> {
  const after = await snapshotWorktree(cwd);
  const differs = (['head', 'index', 'status'] as const).filter((k) => after[k] !== before[k]);
  if (differs.length) {
    throw new CodexAgentError('merge-failed', `After aborting the merge, ${cwd} is not as it was before (${differs.join(', ')} changed).`, {
      hint: `Inspect it with git status there; HEAD was ${before.head}.`,
    });
  }
}

/** Whether a merge is in progress in `cwd` (MERGE_HEAD exists). */
export async function mergeInProgress(cwd: string): Promise<boolean> {
  return (await runGit(['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { cwd, allowFailure: true })).exitCode === 0;
}

/** `git merge --abort`, falling back to `git reset --merge` (what --abort runs) when it fails. */
export async function abortMerge(cwd: string): Promise<void> {
  const aborted = await runGit(['merge', '--abort'], { cwd, allowFailure: true });
  if (aborted.exitCode !== 0) await runGit(['reset', '--merge'], { cwd });
}

/** Files with unmerged index entries (`git ls-files -u`), sorted and unique. */
export async function unmergedPaths(cwd: string): Promise<string[]> {
  const out = (await runGit(['ls-files', '-u', '-z'], { cwd })).stdout;
  return [...new Set(out.split('\0').filter(Boolean).map((l) => l.slice(l.indexOf('\t') + 1)))].sort();
}

/** The checks a merge must pass before it may be committed (RELIABILITY rule 12); empty when it may. */
export async function mergeGuardProblems(cwd: string, touched: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const left = await unmergedPaths(cwd);
  if (left.length) problems.push(`files still unmerged (git ls-files -u): ${left.join(', ')}`);
  const marked: string[] = [];
  for (const path of touched) {
    const text = await readFile(`${cwd}/${path}`, 'utf8').catch(() => '');
    if (hasConflictMarkers(text)) marked.push(path);
  }
  if (marked.length) problems.push(`conflict markers left in ${marked.join(', ')}`);
  const check = await runGit(['diff', '--cached', '--check'], { cwd, allowFailure: true });
  if (check.exitCode !== 0) problems.push(`git diff --cached --check: ${check.stdout.trim().split('\n').slice(0, 5).join('; ')}`);
  return problems;
}

/** The marker that says "codex-agent's resolve owns the merge in progress here". */
async function markerFile(cwd: string): Promise<string> {
  return (await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'codex-agent-resolve.json'], { cwd })).stdout.trim();
}

export async function claimMerge(cwd: string, before: WorktreeSnapshot): Promise<void> {
  await writeFile(await markerFile(cwd), JSON.stringify({ pid: process.pid, head: before.head, at: Date.now() }), { mode: 0o600 });
}

export async function releaseMerge(cwd: string): Promise<void> {
  await rm(await markerFile(cwd), { force: true });
}

/**
 * A resolve killed halfway leaves MERGE_HEAD and its marker: abort that merge (the worktree goes
 * back to the commit it started from) and say so. A merge in progress without the marker is the
 * user's own (e.g. after `merge resolve --no-ai`): refuse to touch it.
 */
export async function recoverInterruptedResolve(cwd: string): Promise<'none' | 'aborted'> {
  const marker = await markerFile(cwd);
  const claimed = await readFile(marker, 'utf8').then(
    () => true,
    () => false,
  );
  const inProgress = await mergeInProgress(cwd);
  if (claimed && inProgress) await abortMerge(cwd);
  if (claimed) await releaseMerge(cwd);
  if (!claimed && inProgress) {
    throw new CodexAgentError('merge-in-progress', `A merge is in progress in ${cwd} that codex-agent did not start (or handed to you).`, {
      hint: `Finish it there (resolve the files, git add them, git commit) or drop it with: git -C ${cwd} merge --abort`,
    });
  }
  return claimed && inProgress ? 'aborted' : 'none';
}

/** `-c user.name/email` for commits codex-agent makes, only when git has no identity configured. */
export async function identityArgs(cwd: string): Promise<string[]> {
  const name = await runGit(['config', 'user.name'], { cwd, allowFailure: true });
  const email = await runGit(['config', 'user.email'], { cwd, allowFailure: true });
  return name.exitCode === 0 && email.exitCode === 0 ? [] : ['-c', 'user.name=codex-agent', '-c', 'user.email=codex-agent@localhost'];
}
