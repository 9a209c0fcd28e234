import { resolve } from 'node:path';
import { CodexAgentError } from '../../core/errors.js';
import type { Repo } from '../../core/git/repo.js';
import { readRegistry } from '../../core/registry/file.js';
import { repoNameOf, TASK_STATUSES, type Task, type TaskStatus } from '../../core/task.js';

export interface ListOptions {
  status?: string;
  label?: string;
  repo?: string;
  allRepos?: boolean;
}

/** Where `task list` looks: the registry, the working directory, and the repo around it. */
export interface ListPlace {
  cwd: string;
  registryFile: string;
  /** The repo containing cwd, or undefined outside one. */
  repo(): Promise<Repo | undefined>;
}

function parseStatuses(text: string): Set<TaskStatus> {
  const wanted = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of wanted) {
    if (!(TASK_STATUSES as readonly string[]).includes(s)) {
      throw new CodexAgentError('invalid-value', `Unknown state "${s}".`, { hint: `States: ${TASK_STATUSES.join(', ')}.` });
    }
  }
  return new Set(wanted as TaskStatus[]);
}

/**
 * The tasks `task list` shows, and how many the registry holds. Kept apart from the table code:
 * `task list --json` runs on this alone (src/fast-list.ts), and each module loaded costs a start.
 */
export async function selectTasks(place: ListPlace, options: ListOptions): Promise<{ tasks: Task[]; total: number }> {
  if (options.repo && options.allRepos) throw new CodexAgentError('usage', 'Give --repo or --all-repos, not both.');
  const repoFound = options.repo || options.allRepos ? undefined : place.repo();
  repoFound?.catch(() => {
    /* awaited below, after the registry errors that take precedence */
  });
  const registry = await readRegistry(place.registryFile);
  let tasks: Task[] = registry.tasks;
  if (options.repo) {
    const wanted = options.repo;
    const byPath = resolve(place.cwd, wanted);
    tasks = tasks.filter((t) => t.repo === byPath || repoNameOf(t.repo) === wanted);
    if (tasks.length === 0 && !registry.tasks.some((t) => t.repo === byPath || repoNameOf(t.repo) === wanted)) {
      const repos = [...new Set(registry.tasks.map((t) => repoNameOf(t.repo)))];
      throw new CodexAgentError('invalid-value', `No repo "${wanted}" has tasks.`, { hint: repos.length ? `Repos with tasks: ${repos.join(', ')}.` : 'The registry has no tasks yet.' });
    }
  } else if (repoFound) {
    const repo = await repoFound;
    if (!repo) {
      throw new CodexAgentError('not-a-repo', `Not inside a git repository: ${place.cwd}`, { hint: 'Run it inside a repo, or use --all-repos (or --repo NAME).' });
    }
    tasks = tasks.filter((t) => t.repo === repo.root);
  }
  if (options.status) {
    const statuses = parseStatuses(options.status);
    tasks = tasks.filter((t) => statuses.has(t.status));
  }
  if (options.label) tasks = tasks.filter((t) => t.labels.includes(options.label!));
  return { tasks, total: registry.tasks.length };
}
