import { makeContext } from './context.js';
import { makeOutput } from './output.js';
import { taskListCommand } from './commands/task-list.js';

/**
 * `task list` is what scripts and the dashboard's neighbours call most, so it skips loading the
 * command parser (~8 ms of a ~45 ms run) and goes straight to the same handler as the full CLI.
 */
export async function runPlainTaskList(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  try {
    const code = await taskListCommand(makeContext({}), makeOutput(json), { allRepos: args.includes('--all-repos') });
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    // Loaded only on failure: the common path stays as small as it can be.
    const { reportError } = await import('./report-error.js');
    return reportError(err, json);
  }
}
