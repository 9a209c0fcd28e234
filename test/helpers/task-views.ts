import type { TaskView } from '../../core/dashboard/task-view.js';
import { emptyView } from '../../core/dashboard/task-view.js';
import type { Task, TaskStatus } from '../../core/task.js';

/** A registry task as the registry stores it (plain data for component tests). */
export function taskOf(slug: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return {
    slug,
    repo: '/work/repos/app',
    title: `Title of ${slug}`,
    goal: `Do ${slug}`,
    goalFile: null,
    deps: [],
    priority: 'normal',
    labels: [],
    owner: null,
    files: [],
    agent: null,
    base: 'main',
    branch: `codex/${slug}`,
    worktree: null,
    status,
    statusReason: null,
    retries: null,
    timeouts: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function viewOf(slug: string, status: TaskStatus, extra: Partial<TaskView> = {}, task: Partial<Task> = {}): TaskView {
  return { ...emptyView(taskOf(slug, status, task)), ...extra };
}
