/**
 * `task complete <task>` (DESIGN §9): merges a finished task into its base — fast-forward when
 * possible, else a merge commit, or a squash (`merge.strategy`) — built without a worktree
 * (`merge-tree --write-tree` + `commit-tree`), moves the base only by compare-and-swap, removes the
 * worktree, and marks the task done so its dependents become ready.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { Registry } from '../registry/registry.js';
import { findTask } from '../registry/task-ref.js';
import { transitionTask } from '../runs/task-transition.js';
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { removeWorktree, type RemovedWorktree } from '../worktree/remove.js';
import { baseCheckout, isAncestor, moveBase, recoverBaseMove } from './base-ref.js';
import { MergeCheckStore } from './merge-check-store.js';
import { assertVerdictAllowsCompletion } from '../validate/gate.js';
import { latestVerdict } from '../validate/validation-store.js';
import { identityArgs, recoverInterruptedResolve } from './merge-state.js';
import { dryRunMerge, resolveCommits } from './merge-tree.js';

export interface CompleteOptions {
  task: Task;
  registry: Registry;
  store?: StateStore;
  config: Config;
  /** The directory the command runs in (never removed from under the user). */
  cwd: string;
  keepWorktree?: boolean;
}

export interface CompleteResult {
  slug: string;
  base: string;
  /** How the base moved: fast-forward, a merge commit, a squash commit, or not at all (already merged). */
  how: 'fast-forward' | 'merge' | 'squash' | 'already-merged';
  old: string;
  new: string;
  /** The worktree that had the base checked out and was brought forward with it. */
  updatedCheckout?: string;
  worktree?: RemovedWorktree;
  /** Why the worktree was kept (when it was). */
  worktreeKept?: string;
  /** Tasks that became ready because this one is done. */
  unblocked: string[];
}

const COMPLETABLE: ReadonlySet<Task['status']> = new Set(['review', 'merged']);

/** Completes a task; throws a CodexAgentError naming the reason and the way out when it must refuse. */
export async function completeTask(options: CompleteOptions): Promise<CompleteResult> {
  const { task, config } = options;
  if (!COMPLETABLE.has(task.status)) {
    throw new CodexAgentError('illegal-transition', `${task.slug} is ${task.status}; only a task in review (or merged by resolve) can be completed.`, {
      hint: task.status === 'stuck' ? `See why with codex-agent task show ${task.slug}.` : undefined,
    });
  }
  // Leftovers of killed commands first: a half-done resolve in the task worktree, a half-done move.
  // (A worktree already moved away by a killed complete is only a registry entry now.)
  const present = task.worktree !== null && existsSync(task.worktree);
  if (present) await recoverInterruptedResolve(task.worktree!);
  await recoverBaseMove(task.repo, task.base);

  if (present) {
    const dirty = (await runGit(['status', '--porcelain', '--untracked-files=no'], { cwd: task.worktree!, allowFailure: true })).stdout.trim();
    if (dirty) throw new CodexAgentError('usage', `${task.worktree} has uncommitted changes that would not be merged.`, { hint: 'Commit them on the task branch (or discard them), then complete again.' });
  }
  const [old, tip] = (await resolveCommits(task.repo, [task.base, task.branch])) as [string, string];

  // The merge check must be clean (stored for the radar as well).
  const check = await dryRunMerge(task.repo, old, tip);
  if (options.store) new MergeCheckStore(options.store).save(task.repo, [{ left: old, right: tip, result: check }], [{ left: task.slug, right: null, leftCommit: old, rightCommit: tip }]);
  if (!check.clean) {
    throw new CodexAgentError('merge-conflicts', `${task.branch} conflicts with ${task.base} in ${check.conflicts.map((c) => c.path).join(', ')}; nothing was merged.`, {
      hint: `Resolve first: codex-agent merge resolve ${task.slug} (or by hand: codex-agent merge rebase ${task.slug}).`,
      details: { conflicts: check.conflicts },
    });
  }
  // The validation gate (issue 7): a failed latest verdict refuses; so does none when required.
  if (options.store) assertVerdictAllowsCompletion(task.slug, latestVerdict(options.store, task.repo, task.slug), config.validate.required);

  const checkout = await baseCheckout(task.repo, task.base);
  if (checkout?.dirty.length) {
    throw new CodexAgentError('base-dirty', `${task.base} is checked out in ${checkout.path} with local changes (${checkout.dirty.slice(0, 5).join(', ')}), so it cannot be moved under them.`, {
      hint: `Commit or stash those changes (git -C ${checkout.path} stash), or check out another branch there, then run codex-agent task complete ${task.slug} again.`,
    });
  }

  let how: CompleteResult['how'];
  let next: string;
  if (await isAncestor(task.repo, tip, old)) {
    how = 'already-merged';
    next = old;
  } else if (config.merge.strategy === 'merge' && (await isAncestor(task.repo, old, tip))) {
    how = 'fast-forward';
    next = tip;
  } else {
    how = config.merge.strategy === 'squash' ? 'squash' : 'merge';
    const parents = how === 'squash' ? ['-p', old] : ['-p', old, '-p', tip];
    const message = how === 'squash' ? `${task.title}\n\nSquashed from ${task.branch}.\n\nCodex-Agent-Task: ${task.slug}\n` : `Merge ${task.branch} into ${task.base}: ${task.title}\n\nCodex-Agent-Task: ${task.slug}\n`;
    const identity = await identityArgs(task.repo);
    next = (await runGit([...identity, 'commit-tree', check.tree, ...parents, '-F', '-'], { cwd: task.repo, input: message })).stdout.trim();
  }
  if (next !== old) await moveBase(task.repo, task.base, old, next, checkout, `codex-agent: complete ${task.slug} (${how})`);

  const result: CompleteResult = { slug: task.slug, base: task.base, how, old, new: next, updatedCheckout: next !== old ? checkout?.path : undefined, unblocked: [] };
  if (task.worktree && !options.keepWorktree) {
    const current = findTask(await options.registry.read(), task.slug, task.repo);
    try {
      // A squash leaves the branch's own commits out of the base although their content is in it.
      result.worktree = await removeWorktree({ task: current, registry: options.registry, cwd: options.cwd, force: false });
    } catch (err) {
      const findings = ((err as CodexAgentError).details?.findings ?? []) as { kind: string }[];
      if (how === 'squash' && findings.length > 0 && findings.every((f) => f.kind === 'unpushed-commits')) {
        result.worktree = await removeWorktree({ task: current, registry: options.registry, cwd: options.cwd, force: true });
      } else {
        result.worktreeKept = err instanceof Error ? err.message : String(err);
      }
    }
  }
  const before = (await options.registry.read()).tasks.filter((t) => t.repo === task.repo && t.status === 'todo').map((t) => t.slug);
  await transitionTask(options.registry, options.store, task, 'done', `completed: ${how} into ${task.base} (${next.slice(0, 10)})`, { expect: ['review', 'merged'] });
  const after = (await options.registry.read()).tasks.filter((t) => t.repo === task.repo && t.status === 'ready').map((t) => t.slug);
  result.unblocked = before.filter((slug) => after.includes(slug));
  return result;
}
