import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../git/run.js';
import { assertBranchName } from '../names.js';
import { parseStatusV2 } from '../git/status-parse.js';
import { listWorktrees, shortBranch, worktreeGitDir, type WorktreeEntry } from '../git/worktree-list.js';
import { readHydrationManifest } from './hydrate.js';
import { isSameOrInside, realPath } from './paths.js';
import { ignoredFilesAtRisk } from './pure-copies.js';

/**
 * The safety checks before a worktree is removed (RELIABILITY rule 11, IN-3): everything that
 * removing it would lose or break, each named so the refusal can say exactly what is at stake.
 */

export type RemovalFindingKind =
  | 'main'
  | 'current-directory'
  | 'not-a-worktree'
  | 'branch-checked-out'
  | 'locked'
  | 'git-running'
  | 'operation-in-progress'
  | 'modified'
  | 'conflicted'
  | 'untracked'
  | 'ignored'
  | 'unpushed-commits'
  | 'unmerged-branch';

export interface RemovalFinding {
  kind: RemovalFindingKind;
  /** A hard finding is refused even with --force (it is not about data: it is the wrong thing to delete). */
  hard: boolean;
  message: string;
  /** The files or commits concerned (all of them; messages show the first few). */
  items?: string[];
}

export interface RemovalCheck {
  findings: RemovalFinding[];
  /** The worktree as git lists it; undefined when git does not know the path. */
  entry: WorktreeEntry | undefined;
}

export interface RemovalCheckOptions {
  repoRoot: string;
  worktree: string;
  /** The task's branch and base. */
  branch: string;
  base: string;
  /** The directory the command runs in: never removed from under the user. */
  cwd: string;
  /** Also check that the branch can be deleted. */
  deleteBranch?: boolean;
  signal?: AbortSignal;
}

/** Shown paths per finding; the JSON result has them all. */
const SHOWN = 5;

function listed(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const IN_PROGRESS: [file: string, what: string][] = [
  ['MERGE_HEAD', 'a merge'],
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase or git am'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
  ['BISECT_LOG', 'a bisect'],
];

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Commits reachable from `tip` that are on neither `base` nor any remote-tracking branch. */
async function commitsOnlyHere(cwd: string, tip: string, base: string, signal: AbortSignal | undefined): Promise<{ commits: string[]; baseMissing: boolean }> {
  const baseOk = (await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`], { cwd, allowFailure: true, signal })).exitCode === 0;
  // No --end-of-options here: --not and --remotes must stay options; `base` is a checked branch name.
  const log = await runGit(['log', '--format=%h %s', tip, '--not', ...(baseOk ? [base] : []), '--remotes', '--'], { cwd, allowFailure: true, signal });
  return { commits: log.exitCode === 0 ? log.stdout.split('\n').filter(Boolean) : [], baseMissing: !baseOk };
}

async function gitStateFindings(gitDir: string | undefined, entry: WorktreeEntry): Promise<RemovalFinding[]> {
  const findings: RemovalFinding[] = [];
  if (entry.locked !== undefined) {
    findings.push({ kind: 'locked', hard: false, message: `it is locked${entry.locked ? ` (${entry.locked})` : ''} with git worktree lock` });
  }
  if (!gitDir) return findings;
  if (await exists(join(gitDir, 'index.lock'))) {
    findings.push({ kind: 'git-running', hard: false, message: 'a git command is running in it (index.lock exists; if none is, delete that file)' });
  }
  for (const [file, what] of IN_PROGRESS) {
    if (await exists(join(gitDir, file))) findings.push({ kind: 'operation-in-progress', hard: false, message: `${what} is in progress in it` });
  }
  return findings;
}

/** Runs every check; an empty `findings` means the worktree can go without losing anything. */
export async function checkWorktreeRemoval(options: RemovalCheckOptions): Promise<RemovalCheck> {
  const { repoRoot, worktree, signal } = options;
  assertBranchName(options.base, 'base branch');
  assertBranchName(options.branch, 'task branch');
  const findings: RemovalFinding[] = [];
  const worktrees = await listWorktrees(repoRoot, signal);
  const real = realPath(worktree);
  const entry = worktrees.find((w) => realPath(w.path) === real);
  if (real === realPath(repoRoot) || entry?.main) {
    findings.push({ kind: 'main', hard: true, message: `${worktree} is the repository's main worktree, which codex-agent never removes` });
    return { findings, entry };
  }
  if (!entry) {
    findings.push({ kind: 'not-a-worktree', hard: true, message: `${worktree} is not a worktree of ${repoRoot}, so codex-agent will not delete it` });
    return { findings, entry };
  }
  if (isSameOrInside(options.cwd, worktree)) {
    findings.push({ kind: 'current-directory', hard: true, message: `it is the current directory (${options.cwd}); cd out of it first` });
  }
  const gitDir = worktreeGitDir(worktree);
  findings.push(...(await gitStateFindings(gitDir, entry)));

  const status = parseStatusV2((await runGit(['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'], { cwd: worktree, signal })).stdout);
  const changed = status.entries.filter((e) => e.kind === 'changed' || e.kind === 'renamed').map((e) => e.path);
  const conflicted = status.entries.filter((e) => e.kind === 'unmerged').map((e) => e.path);
  const untracked = status.entries.filter((e) => e.kind === 'untracked').map((e) => e.path);
  if (changed.length) findings.push({ kind: 'modified', hard: false, message: `${plural(changed.length, 'modified file')}: ${listed(changed)}`, items: changed });
  if (conflicted.length) findings.push({ kind: 'conflicted', hard: false, message: `${plural(conflicted.length, 'file')} with merge conflicts: ${listed(conflicted)}`, items: conflicted });
  if (untracked.length) findings.push({ kind: 'untracked', hard: false, message: `${plural(untracked.length, 'untracked file')}: ${listed(untracked)}`, items: untracked });

  const ignoredOut = await runGit(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: worktree, signal });
  const ignored = ignoredOut.stdout.split('\0').filter(Boolean);
  const manifest = gitDir ? await readHydrationManifest(gitDir) : undefined;
  const atRisk = ignoredFilesAtRisk(worktree, repoRoot, ignored, manifest);
  if (atRisk.length) {
    findings.push({
      kind: 'ignored',
      hard: false,
      message: `${plural(atRisk.length, 'ignored file')} that ${atRisk.length === 1 ? 'is not a copy' : 'are not copies'} of the main checkout's: ${listed(atRisk)}`,
      items: atRisk,
    });
  }

  if (status.branch.oid) {
    const { commits, baseMissing } = await commitsOnlyHere(worktree, 'HEAD', options.base, signal);
    if (commits.length) {
      const where = status.branch.detached ? 'on its detached HEAD' : `on ${status.branch.head ?? options.branch}`;
      const onWhat = baseMissing ? `any remote (the base ${options.base} no longer exists)` : `${options.base} or any remote`;
      findings.push({ kind: 'unpushed-commits', hard: false, message: `${plural(commits.length, 'commit')} ${where} not on ${onWhat}: ${listed(commits)}`, items: commits });
    }
  }
  if (options.deleteBranch) findings.push(...(await branchFindings(repoRoot, options.branch, options.base, worktrees, entry, signal)));
  return { findings, entry };
}

/**
 * What deleting the task branch would lose or break: it is checked out in another worktree than
 * `self` (the one being removed), or it has commits not merged into the base.
 */
export async function branchFindings(
  repoRoot: string,
  branch: string,
  base: string,
  worktrees: readonly WorktreeEntry[],
  self: WorktreeEntry | undefined,
  signal?: AbortSignal,
): Promise<RemovalFinding[]> {
  assertBranchName(base, 'base branch');
  const holder = worktrees.find((w) => w !== self && w.prunable === undefined && shortBranch(w.branch) === branch);
  if (holder) return [{ kind: 'branch-checked-out', hard: true, message: `its branch ${branch} is checked out in ${holder.path}, so it cannot be deleted` }];
  const exists = (await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `refs/heads/${branch}`], { cwd: repoRoot, allowFailure: true, signal })).exitCode === 0;
  if (!exists) return [];
  const log = await runGit(['log', '--format=%h %s', `refs/heads/${branch}`, '--not', base, '--'], { cwd: repoRoot, allowFailure: true, signal });
  const commits = log.exitCode === 0 ? log.stdout.split('\n').filter(Boolean) : [];
  if (log.exitCode !== 0) return [{ kind: 'unmerged-branch', hard: false, message: `the base ${base} no longer exists, so whether ${branch} is merged cannot be checked` }];
  return commits.length ? [{ kind: 'unmerged-branch', hard: false, message: `branch ${branch} has ${plural(commits.length, 'commit')} not merged into ${base}: ${listed(commits)}`, items: commits }] : [];
}
