import { makeContext } from './context.js';
import { makeOutput } from './output.js';

/**
 * `task run <task>` is what the supervisor starts for every task, and each run waits on it before
 * its agent starts, so it skips loading the command parser (≈ 8 ms; README, Performance). The
 * options are the parser's: `--no-hydrate` and `--no-setup` turn off what is on by default.
 */
export async function runPlainTaskRun(args: readonly string[]): Promise<number> {
  const ref = args[2]!;
  const json = args.includes('--json');
  const options = { hydrate: !args.includes('--no-hydrate'), setup: !args.includes('--no-setup'), ...(json ? { json } : {}) };
  try {
    const { taskRunCommand } = await import('./commands/task-run.js');
    return await taskRunCommand(makeContext({}), makeOutput(json), ref, options);
  } catch (err) {
    const { reportError } = await import('./report-error.js');
    return reportError(err, json);
  }
}
