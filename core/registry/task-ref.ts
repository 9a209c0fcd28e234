import { CodexAgentError } from '../errors.js';
import { repoNameOf, type RegistryFile, type Task } from '../task.js';

/**
 * Finds a task by its address: `slug` inside a repo, or `repo-name/slug` anywhere. Errors name the
 * tasks that do exist when the address is ambiguous or unknown.
 */
export function findTask(registry: RegistryFile, ref: string, repoRoot: string | undefined): Task {
  const slash = ref.lastIndexOf('/');
  if (slash >= 0) {
    const repoName = ref.slice(0, slash);
    const slug = ref.slice(slash + 1);
    const matches = registry.tasks.filter((t) => t.slug === slug && (repoNameOf(t.repo) === repoName || t.repo === repoName));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new CodexAgentError('task-ambiguous', `"${ref}" matches tasks in ${matches.length} repos named ${repoName}: ${matches.map((t) => t.repo).join(', ')}.`, {
        hint: 'Run the command inside the repo you mean and address the task by its slug alone.',
      });
    }
    throw notFound(registry, ref, undefined);
  }
  if (!repoRoot) {
    throw new CodexAgentError('not-a-repo', `"${ref}" is a bare slug, and this is not inside a git repository.`, {
      hint: 'Run the command inside the task\'s repo, or address the task as <repo-name>/<slug>.',
    });
  }
  const task = registry.tasks.find((t) => t.repo === repoRoot && t.slug === ref);
  if (task) return task;
  throw notFound(registry, ref, repoRoot);
}

function notFound(registry: RegistryFile, ref: string, repoRoot: string | undefined): CodexAgentError {
  const slug = ref.slice(ref.lastIndexOf('/') + 1);
  const elsewhere = registry.tasks.filter((t) => t.slug === slug && t.repo !== repoRoot);
  const near = registry.tasks
    .filter((t) => (repoRoot ? t.repo === repoRoot : true) && (t.slug.includes(slug) || slug.includes(t.slug)))
    .slice(0, 3)
    .map((t) => t.slug);
  let hint = '`codex-agent task list` shows the tasks of this repo.';
  if (elsewhere.length) hint = `A task with that slug exists in ${elsewhere.map((t) => `${repoNameOf(t.repo)} (${repoNameOf(t.repo)}/${t.slug})`).join(', ')}.`;
  else if (near.length) hint = `Did you mean ${near.map((s) => `"${s}"`).join(' or ')}?`;
  return new CodexAgentError('task-not-found', `No task "${ref}"${repoRoot ? ` in ${repoRoot}` : ''}.`, { hint });
}

/** The tasks of one repo. */
export function tasksOfRepo(registry: RegistryFile, repoRoot: string): Task[] {
  return registry.tasks.filter((t) => t.repo === repoRoot);
}
