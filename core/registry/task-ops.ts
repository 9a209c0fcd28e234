import { existsSync } from 'node:fs';
import { CodexAgentError } from '../errors.js';
import { assertBranchName, assertSlug, branchForSlug, fileGlobProblem, slugFromTitle, uniqueSlug } from '../names.js';
import { DURATION_PATTERN } from '../duration.js';
import { PRIORITIES, type Priority, type RegistryFile, type Task, type TaskTimeouts } from '../task.js';
import { dependentsOf, findCycle, formatCycle } from './graph.js';
import { findTask, tasksOfRepo } from './task-ref.js';

/** What a new task needs; the CLI resolves defaults (base branch, branch pattern) from config. */
export interface NewTask {
  repo: string;
  title: string;
  slug?: string;
  goal?: string;
  goalFile?: string;
  deps?: string[];
  priority?: Priority;
  labels?: string[];
  owner?: string;
  agent?: string;
  base: string;
  branchPattern: string;
  files?: string[];
  retries?: number;
  timeouts?: TaskTimeouts;
  /** Agent profiles that exist; `agent` must be one of them. */
  knownAgents?: readonly string[];
}

/** Changes to a task; `null` clears an optional field. */
export interface TaskChanges {
  title?: string;
  slug?: string;
  goal?: string | null;
  goalFile?: string | null;
  deps?: string[];
  addDeps?: string[];
  removeDeps?: string[];
  priority?: Priority;
  labels?: string[];
  owner?: string | null;
  agent?: string | null;
  base?: string;
  files?: string[];
  retries?: number | null;
  timeouts?: TaskTimeouts | null;
  knownAgents?: readonly string[];
  branchPattern?: string;
}

function invalid(message: string, hint?: string): CodexAgentError {
  return new CodexAgentError('invalid-value', message, hint ? { hint } : {});
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw invalid('The task title is empty.', 'Give a short title, e.g. codex-agent task add "Add dark mode".');
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(trimmed)) throw invalid('The task title contains control characters.');
  return trimmed;
}

function checkPriority(priority: string): Priority {
  if (!(PRIORITIES as readonly string[]).includes(priority)) throw invalid(`Unknown priority "${priority}".`, `Use one of: ${PRIORITIES.join(', ')}.`);
  return priority as Priority;
}

function checkLabels(labels: string[]): string[] {
  const out = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  for (const label of out) if (/[\s,]/.test(label)) throw invalid(`Invalid label "${label}": labels cannot contain spaces or commas.`);
  return out;
}

function checkFiles(files: string[]): string[] {
  const out = [...new Set(files.map((f) => f.trim()).filter(Boolean))];
  for (const glob of out) {
    const problem = fileGlobProblem(glob);
    if (problem) throw invalid(`Invalid file scope "${glob}": ${problem}.`, 'File scopes are globs relative to the repo root, e.g. "src/theme/**".');
  }
  return out;
}

function checkGoalFile(goalFile: string): string {
  const problem = fileGlobProblem(goalFile);
  if (problem) throw invalid(`Invalid goal file "${goalFile}": ${problem}.`);
  return goalFile;
}

function checkAgent(agent: string, known: readonly string[] | undefined): string {
  if (known && !known.includes(agent)) {
    throw invalid(`Unknown agent profile "${agent}".`, `Defined profiles: ${known.join(', ')}. Add one under [agents.${agent}] in the config.`);
  }
  return agent;
}

function checkRetries(retries: number): number {
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) throw invalid(`Invalid retry budget ${retries}: use a whole number from 0 to 20.`);
  return retries;
}

function checkTimeouts(timeouts: TaskTimeouts): TaskTimeouts {
  for (const [phase, value] of Object.entries(timeouts)) {
    if (value !== undefined && !DURATION_PATTERN.test(value)) throw invalid(`Invalid ${phase} timeout "${value}".`, 'Use a duration such as "90s", "8m" or "1h".');
  }
  return timeouts;
}

/** Validates dependency slugs against the repo's tasks: each must exist and not be the task itself. */
function checkDeps(registry: RegistryFile, repo: string, slug: string, deps: string[]): string[] {
  const out = [...new Set(deps.map((d) => d.trim()).filter(Boolean))];
  const existing = new Set(tasksOfRepo(registry, repo).map((t) => t.slug));
  for (const dep of out) {
    if (dep.includes('/')) throw new CodexAgentError('dependency-missing', `Dependency "${dep}": dependencies are tasks of the same repo, named by slug.`);
    if (dep === slug) throw new CodexAgentError('dependency-cycle', `A task cannot depend on itself: ${formatCycle([slug, slug])}.`);
    if (!existing.has(dep)) {
      throw new CodexAgentError('dependency-missing', `Dependency "${dep}" is not a task of this repo.`, {
        hint: `Add it first (codex-agent task add … --slug ${dep}), or check the slug with \`codex-agent task list\`.`,
      });
    }
  }
  return out;
}

function assertAcyclic(registry: RegistryFile, repo: string): void {
  const cycle = findCycle(tasksOfRepo(registry, repo));
  if (cycle) {
    throw new CodexAgentError('dependency-cycle', `That would create a dependency cycle: ${formatCycle(cycle)}.`, {
      hint: 'Remove one of those dependencies (task edit <slug> --remove-dep <dep>).',
      details: { cycle },
    });
  }
}

/** Adds a task to the registry (inside `Registry.update`) and returns it. */
export function addTask(registry: RegistryFile, input: NewTask, now: string): Task {
  const title = checkTitle(input.title);
  const taken = new Set(tasksOfRepo(registry, input.repo).map((t) => t.slug));
  let slug: string;
  if (input.slug !== undefined) {
    assertSlug(input.slug);
    if (taken.has(input.slug)) {
      throw new CodexAgentError('task-exists', `A task "${input.slug}" already exists in this repo.`, { hint: 'Choose another --slug, or edit that task with `codex-agent task edit`.' });
    }
    slug = input.slug;
  } else {
    const derived = slugFromTitle(title);
    if (!derived) throw new CodexAgentError('invalid-slug', `Cannot derive a slug from the title "${title}".`, { hint: 'Give one with --slug, e.g. --slug add-dark-mode.' });
    slug = uniqueSlug(derived, taken);
  }
  assertBranchName(input.base, 'base branch');
  if (input.goal !== undefined && input.goalFile !== undefined) throw invalid('Give the goal as --goal or --goal-file, not both.');
  const task: Task = {
    slug,
    repo: input.repo,
    title,
    goal: input.goal ?? null,
    goalFile: input.goalFile === undefined ? null : checkGoalFile(input.goalFile),
    deps: checkDeps(registry, input.repo, slug, input.deps ?? []),
    priority: checkPriority(input.priority ?? 'normal'),
    labels: checkLabels(input.labels ?? []),
    owner: input.owner?.trim() || null,
    files: checkFiles(input.files ?? []),
    agent: input.agent === undefined ? null : checkAgent(input.agent, input.knownAgents),
    base: input.base,
    branch: branchForSlug(input.branchPattern, slug),
    worktree: null,
    status: 'todo',
    statusReason: 'new',
    retries: input.retries === undefined ? null : checkRetries(input.retries),
    timeouts: input.timeouts === undefined ? null : checkTimeouts(input.timeouts),
    createdAt: now,
    updatedAt: now,
  };
  registry.tasks.push(task);
  return task;
}

/** Applies changes to a task (inside `Registry.update`); returns the changed task. */
export function editTask(registry: RegistryFile, ref: string, repoRoot: string | undefined, changes: TaskChanges, now: string): Task {
  const task = findTask(registry, ref, repoRoot);
  if (changes.slug !== undefined && changes.slug !== task.slug) renameTask(registry, task, changes.slug, changes.branchPattern);
  if (changes.title !== undefined) task.title = checkTitle(changes.title);
  if (changes.goal !== undefined || changes.goalFile !== undefined) {
    if (changes.goal !== undefined && changes.goal !== null && changes.goalFile !== undefined && changes.goalFile !== null) throw invalid('Give the goal as --goal or --goal-file, not both.');
    if (changes.goal !== undefined) {
      task.goal = changes.goal;
      if (changes.goal !== null) task.goalFile = null;
    }
    if (changes.goalFile !== undefined) {
      task.goalFile = changes.goalFile === null ? null : checkGoalFile(changes.goalFile);
      if (changes.goalFile !== null) task.goal = null;
    }
  }
  let deps = changes.deps ?? task.deps;
  if (changes.addDeps) deps = [...deps, ...changes.addDeps];
  if (changes.removeDeps) {
    for (const dep of changes.removeDeps) {
      if (!deps.includes(dep)) throw invalid(`"${task.slug}" does not depend on "${dep}".`, `Its dependencies: ${task.deps.join(', ') || 'none'}.`);
    }
    deps = deps.filter((d) => !changes.removeDeps!.includes(d));
  }
  if (changes.deps || changes.addDeps || changes.removeDeps) {
    task.deps = checkDeps(registry, task.repo, task.slug, deps);
    assertAcyclic(registry, task.repo);
  }
  if (changes.priority !== undefined) task.priority = checkPriority(changes.priority);
  if (changes.labels !== undefined) task.labels = checkLabels(changes.labels);
  if (changes.owner !== undefined) task.owner = changes.owner?.trim() || null;
  if (changes.agent !== undefined) task.agent = changes.agent === null ? null : checkAgent(changes.agent, changes.knownAgents);
  if (changes.base !== undefined) {
    assertBranchName(changes.base, 'base branch');
    task.base = changes.base;
  }
  if (changes.files !== undefined) task.files = checkFiles(changes.files);
  if (changes.retries !== undefined) task.retries = changes.retries === null ? null : checkRetries(changes.retries);
  if (changes.timeouts !== undefined) task.timeouts = changes.timeouts === null ? null : checkTimeouts({ ...(task.timeouts ?? {}), ...changes.timeouts });
  task.updatedAt = now;
  return task;
}

function renameTask(registry: RegistryFile, task: Task, slug: string, branchPattern: string | undefined): void {
  assertSlug(slug);
  if (tasksOfRepo(registry, task.repo).some((t) => t.slug === slug)) throw new CodexAgentError('task-exists', `A task "${slug}" already exists in this repo.`);
  if (task.worktree) {
    throw invalid(`"${task.slug}" has a worktree (${task.worktree}); its slug cannot change now.`, 'Remove the worktree first (codex-agent task worktree remove), or keep the slug.');
  }
  if (branchPattern && task.branch === branchForSlug(branchPattern, task.slug)) task.branch = branchForSlug(branchPattern, slug);
  for (const other of dependentsOf(registry.tasks, task.repo, task.slug)) other.deps = other.deps.map((d) => (d === task.slug ? slug : d));
  task.slug = slug;
}

/** What removing a task did. */
export interface RemovedTask {
  task: Task;
  /** Tasks whose dependency on it was dropped (only with force). */
  unlinked: string[];
}

/** Removes a task (inside `Registry.update`). Refuses while others depend on it or it is running, unless forced. */
export function removeTask(registry: RegistryFile, ref: string, repoRoot: string | undefined, force: boolean): RemovedTask {
  const task = findTask(registry, ref, repoRoot);
  const dependents = dependentsOf(registry.tasks, task.repo, task.slug);
  if (!force && dependents.length > 0) {
    throw new CodexAgentError('has-dependents', `Cannot remove "${task.slug}": ${dependents.map((t) => t.slug).join(', ')} depend${dependents.length === 1 ? 's' : ''} on it.`, {
      hint: `Remove those dependencies first (task edit <slug> --remove-dep ${task.slug}), or use --force to drop them.`,
    });
  }
  if (!force && task.worktree && existsSync(task.worktree)) {
    throw invalid(`Cannot remove "${task.slug}" while its worktree exists (${task.worktree}).`, `Remove the worktree first (codex-agent task worktree remove ${task.slug}), or use --force to keep it as a plain git worktree.`);
  }
  if (!force && task.status === 'running') {
    throw invalid(`Cannot remove "${task.slug}" while it is running.`, 'Stop it first (codex-agent task stop), or use --force.');
  }
  for (const other of dependents) other.deps = other.deps.filter((d) => d !== task.slug);
  registry.tasks.splice(registry.tasks.indexOf(task), 1);
  return { task, unlinked: dependents.map((t) => t.slug) };
}
