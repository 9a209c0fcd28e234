/**
 * Adding a task whose goal lives in a stub file, `.codex-agent/tasks/<slug>.md` in the repo: what
 * `task add -i`/`--editor` and the dashboard's `N` both do.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { slugFromTitle, uniqueSlug } from '../names.js';
import { REPO_TASKS_DIR } from '../paths.js';
import type { Registry } from '../registry/registry.js';
import { addTask, type NewTask } from '../registry/task-ops.js';
import { tasksOfRepo } from '../registry/task-ref.js';
import type { Task } from '../task.js';

export interface StubbedTask {
  task: Task;
  /** The stub's absolute path. */
  stubFile: string;
}

/** The stub's path relative to the repo root. */
export function stubPathOf(slug: string): string {
  return `${REPO_TASKS_DIR}/${slug}.md`;
}

/**
 * Adds the task with `goalFile` pointing at its stub and writes the stub (`markdown`), both inside
 * one registry update: when the task cannot be added, no stub is left behind. Without `slug`, one
 * is derived from the title that neither a task of the repo nor an existing stub file holds.
 */
export async function addTaskWithStub(registry: Registry, input: Omit<NewTask, 'goal' | 'goalFile'>, markdown: string, now = new Date().toISOString()): Promise<StubbedTask> {
  let stubFile = '';
  const task = await registry.update((r) => {
    let slug = input.slug;
    if (slug === undefined) {
      const derived = slugFromTitle(input.title);
      if (!derived) throw new CodexAgentError('invalid-slug', `Cannot derive a slug from the title "${input.title}".`, { hint: 'Use a title with some Latin letters or digits, or codex-agent task add --slug.' });
      const taken = new Set(tasksOfRepo(r, input.repo).map((t) => t.slug));
      slug = uniqueSlug(derived, taken);
      while (existsSync(join(input.repo, stubPathOf(slug)))) {
        taken.add(slug);
        slug = uniqueSlug(derived, taken);
      }
    }
    const relative = stubPathOf(slug);
    stubFile = join(input.repo, relative);
    if (existsSync(stubFile)) {
      throw new CodexAgentError('task-exists', `${stubFile} already exists; nothing was added.`, { hint: 'Choose another slug, or move that file away.' });
    }
    const added = addTask(r, { ...input, slug, goalFile: relative }, now);
    mkdirSync(join(input.repo, REPO_TASKS_DIR), { recursive: true });
    writeFileSync(stubFile, markdown, { flag: 'wx' });
    return added;
  });
  return { task, stubFile };
}
