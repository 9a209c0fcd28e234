/**
 * `merge resolve <task>` (DESIGN §9, RELIABILITY rule 12, MERGE-1): merges the base into the task
 * branch in the task's worktree, resolves trivial hunks itself, hands the rest to the resolver
 * agent, and commits only what passes every check. Every other path aborts the merge, proves the
 * worktree is exactly as before, and leaves the task stuck with a report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { AppPaths } from '../paths.js';
import type { Registry } from '../registry/registry.js';
import { transitionTask } from '../runs/task-transition.js';
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { runSetup } from '../worktree/setup.js';
import { resolveTrivially, type TrivialResolution } from './conflict-hunks.js';
import { abortMerge, assertUnchanged, claimMerge, identityArgs, mergeGuardProblems, mergeInProgress, recoverInterruptedResolve, releaseMerge, snapshotWorktree, unmergedPaths } from './merge-state.js';
import { resolveFileWithAgent, type ConflictedFile, type MergeSide } from './resolver-agent.js';

export type ResolveEvent =
  | { type: 'recovered'; worktree: string }
  | { type: 'conflicts'; paths: string[] }
  | { type: 'trivial'; path: string; resolutions: TrivialResolution[]; complete: boolean }
  | { type: 'resolver'; path: string; profile: string; ok: boolean; error?: string }
  | { type: 'verify'; command: string; exitCode: number };

export interface ResolveOptions {
  task: Task;
  registry: Registry;
  store?: StateStore;
  config: Config;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  /** Resolve the trivial hunks only and hand the rest to the user in the worktree. */
  noAi?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ResolveEvent) => void;
}

export interface ResolveResult {
  slug: string;
  worktree: string;
  /** up-to-date: nothing to merge; merged: committed; handed-over: --no-ai left files to the user; failed: bailed out. */
  outcome: 'up-to-date' | 'merged' | 'handed-over' | 'failed';
  commit?: string;
  /** A killed earlier resolve was rolled back first. */
  recovered: boolean;
  conflicted: string[];
  trivial: { path: string; resolutions: TrivialResolution[] }[];
  byResolver: string[];
  /** Files still conflicted when it stopped. */
  remaining: string[];
  /** Why it failed (empty unless failed). */
  problems: string[];
}

const RESOLVABLE: ReadonlySet<Task['status']> = new Set(['review', 'stuck', 'merged']);

async function show(cwd: string, spec: string): Promise<string | null> {
  const r = await runGit(['show', spec], { cwd, allowFailure: true });
  return r.exitCode === 0 ? r.stdout : null;
}

/** What the resolver is told about the base side: a task whose branch it is, or its recent commits. */
async function baseSide(task: Task, registry: Registry, worktree: string): Promise<MergeSide> {
  const owner = (await registry.read()).tasks.find((t) => t.repo === task.repo && t.branch === task.base);
  if (owner) return { branch: task.base, title: owner.title, goal: owner.goal ?? owner.title };
  const log = await runGit(['log', '--format=- %s', '-n', '20', `HEAD..${task.base}`, '--'], { cwd: worktree, allowFailure: true });
  return { branch: task.base, title: task.base, goal: `The base branch; what changed there since this task started:\n${log.stdout.trim() || '(nothing listed)'}` };
}

/** Runs the resolve. Throws only for bad input (no worktree, wrong state, local changes). */
export async function resolveTask(options: ResolveOptions): Promise<ResolveResult> {
  const { task, config } = options;
  const emit = (e: ResolveEvent) => options.onEvent?.(e);
  const worktree = task.worktree;
  if (!worktree) throw new CodexAgentError('usage', `${task.slug} has no worktree to resolve in.`, { hint: `Create it with: codex-agent task worktree add ${task.slug}` });
  if (!RESOLVABLE.has(task.status)) {
    throw new CodexAgentError('illegal-transition', `${task.slug} is ${task.status}; only a task in review, stuck or merged can be resolved.`, {
      hint: task.status === 'running' ? `Wait for its agent, or stop it: codex-agent task stop ${task.slug}` : undefined,
    });
  }
  const recovered = (await recoverInterruptedResolve(worktree)) === 'aborted';
  if (recovered) emit({ type: 'recovered', worktree });
  const dirty = (await runGit(['status', '--porcelain', '--untracked-files=no'], { cwd: worktree })).stdout.trim();
  if (dirty) {
    throw new CodexAgentError('usage', `${worktree} has uncommitted changes, so the base cannot be merged into it safely.`, {
      hint: 'Commit or stash them there first (git -C <worktree> status shows them).',
    });
  }
  const result: ResolveResult = { slug: task.slug, worktree, outcome: 'failed', recovered, conflicted: [], trivial: [], byResolver: [], remaining: [], problems: [] };
  const before = await snapshotWorktree(worktree);
  await claimMerge(worktree, before);

  const bail = async (problems: string[]): Promise<ResolveResult> => {
    result.problems = problems;
    result.remaining = await unmergedPaths(worktree).catch(() => result.conflicted);
    if (await mergeInProgress(worktree)) await abortMerge(worktree);
    await releaseMerge(worktree);
    try {
      await assertUnchanged(worktree, before);
    } catch (err) {
      result.problems.push((err as Error).message);
    }
    const current = (await options.registry.read()).tasks.find((t) => t.repo === task.repo && t.slug === task.slug);
    if (current && current.status !== 'merged') {
      const files = result.remaining.length ? ` Files left unresolved: ${result.remaining.join(', ')}.` : '';
      await transitionTask(options.registry, options.store, task, 'stuck', `merge resolve failed: ${problems.join('; ')}.${files}`);
    }
    return result;
  };

  try {
    const identity = await identityArgs(worktree);
    const merge = await runGit([...identity, '-c', 'merge.conflictStyle=diff3', 'merge', '--no-ff', '--no-commit', '--end-of-options', task.base], { cwd: worktree, allowFailure: true, signal: options.signal });
    if (!(await mergeInProgress(worktree))) {
      await releaseMerge(worktree);
      if (merge.exitCode !== 0) return await bail([`git merge ${task.base} failed: ${(merge.stderr || merge.stdout).trim()}`]);
      result.outcome = 'up-to-date';
      return result;
    }
    result.conflicted = await unmergedPaths(worktree);
    if (result.conflicted.length) emit({ type: 'conflicts', paths: result.conflicted });

    // Trivial hunks first, each reported.
    for (const path of result.conflicted) {
      const text = await readFile(join(worktree, path), 'utf8').catch(() => null);
      const trivial = text === null ? undefined : resolveTrivially(text, { ours: 'HEAD', base: 'base', theirs: task.base });
      if (!trivial || trivial.resolved.length === 0) continue;
      await writeFile(join(worktree, path), trivial.text);
      if (trivial.remaining === 0) await runGit(['add', '--', path], { cwd: worktree });
      result.trivial.push({ path, resolutions: trivial.resolved });
      emit({ type: 'trivial', path, resolutions: trivial.resolved, complete: trivial.remaining === 0 });
    }
    let left = await unmergedPaths(worktree);
    if (left.length && options.noAi) {
      // The user takes over: the merge stays in progress, and is no longer ours to abort.
      await releaseMerge(worktree);
      result.outcome = 'handed-over';
      result.remaining = left;
      return result;
    }

    if (left.length) {
      const profileName = config.roles.resolver;
      const profile = config.agents[profileName]!;
      const ours: MergeSide = { branch: task.branch, title: task.title, goal: task.goal ?? task.title };
      const theirs = await baseSide(task, options.registry, worktree);
      const timeoutMs = parseDuration(profile.timeout ?? config.timeouts.execution) ?? 8 * 60_000;
      const graceMs = parseDuration(config.timeouts.grace) ?? 5_000;
      for (const path of left) {
        const file: ConflictedFile = {
          path,
          text: await readFile(join(worktree, path), 'utf8').catch(() => null),
          base: await show(worktree, `:1:${path}`),
          ours: await show(worktree, `:2:${path}`),
          theirs: await show(worktree, `:3:${path}`),
        };
        const outcome = await resolveFileWithAgent({
          profileName, profile, worktree, repoRoot: task.repo, userPromptsDir: options.paths.userPrompts,
          ours, theirs, file, env: options.env, timeoutMs, graceMs, signal: options.signal,
        });
        emit({ type: 'resolver', path, profile: profileName, ok: outcome.ok, error: outcome.error });
        if (!outcome.ok) return await bail([outcome.error ?? 'the resolver failed']);
        await runGit(['add', '-A', '--', path], { cwd: worktree });
        result.byResolver.push(path);
      }
      left = await unmergedPaths(worktree);
    }

    const problems = await mergeGuardProblems(worktree, result.conflicted);
    if (problems.length) return await bail(problems);
    const verifyMs = parseDuration(config.timeouts.verification) ?? 4 * 60_000;
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(verifyMs)]) : AbortSignal.timeout(verifyMs);
    const verify = await runSetup(config.merge.verify, worktree, { signal, onEvent: (e) => e.type === 'setup-done' && emit({ type: 'verify', command: e.command, exitCode: e.exitCode }) });
    if (!verify.ok) {
      const f = verify.failed!;
      return await bail([`the verify command "${f.command}" failed (exit ${f.exitCode}): ${f.tail.slice(-5).join(' | ')}`]);
    }
    if (options.signal?.aborted) return await bail(['stopped']);

    await runGit([...identity, 'commit', '--quiet', '--file', '-'], { cwd: worktree, input: commitMessage(task, result) });
    result.commit = (await runGit(['rev-parse', 'HEAD'], { cwd: worktree })).stdout.trim();
    await releaseMerge(worktree);
    result.outcome = 'merged';
    const current = (await options.registry.read()).tasks.find((t) => t.repo === task.repo && t.slug === task.slug);
    if (current?.status === 'stuck') await transitionTask(options.registry, options.store, task, 'review', 'merge conflicts resolved');
    if (current?.status !== 'merged') await transitionTask(options.registry, options.store, task, 'merged', `merged ${task.base} in (${result.commit.slice(0, 10)})`);
    return result;
  } catch (err) {
    return await bail([err instanceof Error ? err.message : String(err)]);
  }
}

function commitMessage(task: Task, r: ResolveResult): string {
  const lines = [
    ...r.trivial.map((t) => `- ${t.path}: ${t.resolutions.length} hunk(s) resolved trivially (${[...new Set(t.resolutions.map((x) => x.reason))].join(', ')})`),
    ...r.byResolver.map((p) => `- ${p}: resolved by the resolver agent`),
  ];
  const body = lines.length ? `\n\nResolved by codex-agent, checked (no markers, git diff --check, verify commands):\n${lines.join('\n')}` : '';
  return `Merge ${task.base} into ${task.branch}${body}\n\nCodex-Agent-Task: ${task.slug}\n`;
}
