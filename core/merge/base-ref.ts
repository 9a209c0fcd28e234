/**
 * Moving a base branch safely (RELIABILITY rule 12): only by compare-and-swap from the value that
 * was checked, only forward, and never behind the back of a worktree that has it checked out. A
 * journal in the git dir lets a later command finish the worktree update of a move that a crash
 * interrupted.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import { listWorktrees, shortBranch } from '../git/worktree-list.js';

/** A worktree that has the base checked out, and whether it has local changes to tracked files. */
export interface BaseCheckout {
  path: string;
  dirty: string[];
}

/** Where the base is checked out (at most one worktree can have a branch checked out). */
export async function baseCheckout(repo: string, base: string): Promise<BaseCheckout | undefined> {
  const holder = (await listWorktrees(repo)).find((w) => w.prunable === undefined && !w.bare && shortBranch(w.branch) === base);
  if (!holder) return undefined;
  const status = await runGit(['status', '--porcelain', '-z', '--untracked-files=no'], { cwd: holder.path });
  return { path: holder.path, dirty: status.stdout.split('\0').filter(Boolean).map((l) => l.slice(3)) };
}

export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: repo, allowFailure: true })).exitCode === 0;
}

interface Journal {
  base: string;
  old: string;
  new: string;
  worktree: string | null;
}

async function journalFile(repo: string, base: string): Promise<string> {
  const common = (await runGit(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo })).stdout.trim();
  return join(common, 'codex-agent', `move-${base.replaceAll('/', '%2F')}.json`);
}

/**
 * Moves `refs/heads/<base>` from `old` to `next` — refused unless `old` is an ancestor of `next`,
 * and failing with `base-moved` when the ref is no longer `old` — then brings a clean worktree
 * that has the base checked out from `old` to `next` with `git read-tree -m -u old next`: a
 * two-tree merge that updates exactly the files that differ and refuses to overwrite local changes.
 * (`git reset --keep` would move the ref itself, without the compare-and-swap.)
 */
export async function moveBase(repo: string, base: string, old: string, next: string, checkout: BaseCheckout | undefined, reason: string): Promise<void> {
  if (!(await isAncestor(repo, old, next))) {
    throw new CodexAgentError('merge-failed', `Refusing to move ${base}: ${next.slice(0, 10)} does not contain ${old.slice(0, 10)}.`);
  }
  const journal = await journalFile(repo, base);
  await mkdir(join(journal, '..'), { recursive: true });
  await writeFile(journal, JSON.stringify({ base, old, new: next, worktree: checkout?.path ?? null } satisfies Journal));
  const moved = await runGit(['update-ref', '-m', reason, `refs/heads/${base}`, next, old], { cwd: repo, allowFailure: true });
  if (moved.exitCode !== 0) {
    await rm(journal, { force: true });
    const now = (await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${base}`], { cwd: repo, allowFailure: true })).stdout.trim();
    throw new CodexAgentError('base-moved', `${base} moved while it was being merged into (checked at ${old.slice(0, 10)}, now ${now.slice(0, 10) || 'gone'}); nothing was changed.`, {
      hint: 'Run the command again: it checks the new base first.',
    });
  }
  if (checkout) await runGit(['read-tree', '-m', '-u', old, next], { cwd: checkout.path });
  await rm(journal, { force: true });
}

/**
 * Finishes what a killed {@link moveBase} left: when the ref was moved but the worktree that has the
 * base checked out still has the old index, brings it forward. Returns what it did.
 */
export async function recoverBaseMove(repo: string, base: string): Promise<'none' | 'worktree-updated' | 'journal-dropped'> {
  const journal = await journalFile(repo, base);
  const text = await readFile(journal, 'utf8').catch(() => undefined);
  if (text === undefined) return 'none';
  const j = JSON.parse(text) as Journal;
  const now = (await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${base}`], { cwd: repo, allowFailure: true })).stdout.trim();
  let did: 'worktree-updated' | 'journal-dropped' = 'journal-dropped';
  if (now === j.new && j.worktree) {
    const indexAtOld = (await runGit(['diff-index', '--cached', '--quiet', j.old, '--'], { cwd: j.worktree, allowFailure: true })).exitCode === 0;
    const indexAtNew = (await runGit(['diff-index', '--cached', '--quiet', j.new, '--'], { cwd: j.worktree, allowFailure: true })).exitCode === 0;
    if (indexAtOld && !indexAtNew) {
      await runGit(['read-tree', '-m', '-u', j.old, j.new], { cwd: j.worktree });
      did = 'worktree-updated';
    }
  }
  await rm(journal, { force: true });
  return did;
}
