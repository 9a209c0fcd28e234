/**
 * The task as stored in the registry (DESIGN §4). Plain types with no runtime dependency, so that
 * read-only commands can use them without loading the schema library.
 */

/** Every state a task can be in (DESIGN §5). */
export const TASK_STATUSES = ['todo', 'ready', 'running', 'review', 'stuck', 'failed', 'cancelled', 'merged', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Priorities, lowest first; planning runs higher priorities first within a wave. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Per-task overrides of the phase timeouts, as durations such as "8m". */
export interface TaskTimeouts {
  execution?: string;
  verification?: string;
}

export interface Task {
  /** Unique within its repo: `[a-z0-9][a-z0-9-]{0,62}`. */
  slug: string;
  /** Absolute path of the repo's main worktree. */
  repo: string;
  title: string;
  /** The prompt body; absent when the goal lives in `goalFile`. */
  goal: string | null;
  /** A stub file with the goal, relative to the repo root (e.g. `.codex-agent/tasks/<slug>.md`). */
  goalFile: string | null;
  /** Slugs of tasks in the same repo that must be done first. */
  deps: string[];
  priority: Priority;
  labels: string[];
  owner: string | null;
  /** Globs of the files the task is expected to touch (its file scope). */
  files: string[];
  /** The agent profile that works on it; null means the `worker` role's profile. */
  agent: string | null;
  /** The branch it starts from and merges back into. */
  base: string;
  /** Its own branch, `codex/<slug>` by default. */
  branch: string;
  /** Its worktree once created. */
  worktree: string | null;
  status: TaskStatus;
  /** Why it is in its status (the last transition's reason). */
  statusReason: string | null;
  /** Override of the retry budget for transient failures. */
  retries: number | null;
  timeouts: TaskTimeouts | null;
  createdAt: string;
  updatedAt: string;
}

/** The registry file as it is on disk. */
/** The registry format this code writes (forward migrations in registry/migrations.ts). */
export const REGISTRY_VERSION = 1;

export interface RegistryFile {
  version: number;
  tasks: Task[];
}

/** The name of a repo as used in `<repo-name>/<slug>` addresses. */
export function repoNameOf(repoRoot: string): string {
  const parts = repoRoot.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? repoRoot;
}
