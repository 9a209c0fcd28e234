import { repoAround } from '../core/git/repo.js';
import { appPaths } from '../core/paths.js';
import { selectTasks } from './commands/task-select.js';

/**
 * `task list` is what scripts and the dashboard's neighbours call most, so it skips loading the
 * command parser. `--json` goes further: it loads only what selects the tasks (each module loaded
 * costs Node ~0.7 ms, as much as reading and printing 1,000 tasks); the table loads its printer.
 */
export async function runPlainTaskList(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  const allRepos = args.includes('--all-repos');
  try {
    if (!json) {
      const [{ makeContext }, { makeOutput }, { taskListCommand }] = await Promise.all([import('./context.js'), import('./output.js'), import('./commands/task-list.js')]);
      return await taskListCommand(makeContext({}), makeOutput(false), { allRepos });
    }
    const cwd = process.cwd();
    const { tasks } = await selectTasks({ cwd, registryFile: appPaths().registry, repo: () => repoAround(cwd) }, { allRepos });
    // As printJson: indented for a person at a terminal, compact for a program reading a pipe.
    process.stdout.write(`${process.stdout.isTTY ? JSON.stringify(tasks, null, 2) : JSON.stringify(tasks)}\n`);
    return 0;
  } catch (err) {
    // Loaded only on failure: the common path stays as small as it can be.
    const { reportError } = await import('./report-error.js');
    return reportError(err, json);
  }
}
