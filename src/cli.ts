import { Command, Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { reportError } from './report-error.js';
import { makeContext, type Context } from './context.js';
import { makeOutput, type Output } from './output.js';

/**
 * The command surface (DESIGN §12). Only commander is loaded up front; each command's code, and
 * whatever it needs (zod, TOML, git, …), is imported when that command runs, so `task list` starts
 * about as fast as Node itself.
 */

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the operation ran and failed (a check found problems, git or the file system failed)
  2  bad input or usage (unknown task or key, invalid value, corrupt file, refused operation)`;


interface GlobalOptions {
  cwd?: string;
  config?: string[];
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let jsonRequested = argv.includes('--json');
  const program = new Command('codex-agent');

  /** Wraps a lazily imported handler with context, output and error handling. */
  const run =
    <A extends unknown[]>(load: () => Promise<(ctx: Context, output: Output, ...args: A) => Promise<number | void>>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      jsonRequested = Boolean(globals.json);
      const output = makeOutput(jsonRequested);
      const ctx = makeContext({ cwd: globals.cwd, config: globals.config });
      const handler = await load();
      const code = await handler(ctx, output, ...(args.slice(0, -1) as A));
      exitCode = typeof code === 'number' ? code : ExitCode.ok;
    };

  program
    .description('Run many AI coding agents in parallel on one repository, each task in its own git worktree.')
    .version(await version(), '-V, --version')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('-c, --config <key=value>', 'override a config value for this command (repeatable)', collect)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('init')
    .description('set up codex-agent in this git repository (.codex-agent/config.toml, prompt overrides, .gitignore)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(run(async () => (await import('./commands/init.js')).initCommand));

  const config = program
    .command('config')
    .description('show the effective configuration and where each value comes from; get, set or locate config files')
    .option('--json', 'print as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(run(async () => (await import('./commands/config.js')).configShowCommand));
  config
    .command('get')
    .description('print one value of the effective configuration')
    .argument('<key>', 'a dotted key, e.g. manager.max_parallel')
    .option('--json', 'print the value and its origin as JSON')
    .action(run(async () => (await import('./commands/config.js')).configGetCommand));
  config
    .command('set')
    .description('set a value in a config file, keeping the rest of the file as it is')
    .argument('<key>', 'a dotted key, e.g. manager.max_parallel')
    .argument('<value>', 'the value; lists as a,b,c or a JSON array')
    .addOption(new Option('--user', 'write the user config ($XDG_CONFIG_HOME/codex-agents/config.toml)').conflicts(['repo', 'local']))
    .addOption(new Option('--repo', 'write the repo config (.codex-agent/config.toml; the default inside a repo)').conflicts(['local']))
    .option('--local', 'write the personal repo config (.codex-agent/config.local.toml, git-ignored)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/config.js')).configSetCommand));
  config
    .command('path')
    .description('print the config files that apply here, in precedence order, and whether each exists')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/config.js')).configPathCommand));

  const task = program.command('task').description('tasks: add, list, show, edit, remove; their worktrees; run, answer, stop, log; validate, review, complete').addHelpText('after', EXIT_CODES_HELP);
  const taskFields = (cmd: Command, edit: boolean) =>
    cmd
      .option('--slug <slug>', edit ? 'rename the task (only before it has a worktree)' : 'the task slug (default: derived from the title)')
      .option('--goal <text>', 'what the agent should do (the prompt body)')
      .option('--goal-file <file>', 'a file in the repo holding the goal, e.g. .codex-agent/tasks/<slug>.md')
      .option('--deps <slugs>', edit ? 'replace the dependencies (comma-separated slugs)' : 'tasks that must be done first (comma-separated slugs)')
      .option('--priority <level>', 'low, normal, high or urgent')
      .option('--labels <labels>', 'comma-separated labels')
      .option('--owner <name>', 'who owns the task ("" clears it)')
      .option('--agent <profile>', 'the agent profile to run it with (default: the worker role\'s)')
      .option('--base <branch>', 'the branch to start from and merge into')
      .option('--files <globs>', 'the file scope: globs the task is expected to touch (comma-separated or repeated)', collect)
      .option('--retries <n>', 'retry budget for transient failures')
      .option('--timeout <duration>', 'execution timeout, e.g. 15m')
      .option('--verify-timeout <duration>', 'verification timeout, e.g. 5m')
      .option('--json', 'print the task as JSON');

  taskFields(task.command('add').description('add a task to this repo').argument('[title]', 'a short title (asked for with -i)'), false)
    .option('-i, --interactive', 'describe the task and answer a few questions (the planner role helps when it is an openai-kind profile); writes .codex-agent/tasks/<slug>.md')
    .option('--editor', 'write the task in $EDITOR from a template instead')
    .addHelpText('after', '\nExamples:\n  codex-agent task add "Add dark mode" --deps theme-tokens --files "src/theme/**" --labels ui\n  codex-agent task add -i')
    .action(run(async () => (await import('./commands/task-add.js')).taskAddCommand));
  task
    .command('list')
    .alias('ls')
    .description('list the tasks of this repo (or of every repo)')
    .option('--status <states>', 'only these states (comma-separated: todo,ready,running,review,stuck,failed,cancelled,merged,done)')
    .option('--label <label>', 'only tasks with this label')
    .option('--repo <name-or-path>', 'the tasks of another repo')
    .option('--all-repos', 'the tasks of every repo')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/task-list.js')).taskListCommand));
  task
    .command('show')
    .description('show one task in full')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/task-show.js')).taskShowCommand));
  taskFields(task.command('edit').description('change a task').argument('<task>', 'slug, or repo-name/slug'), true)
    .option('--title <title>', 'a new title')
    .option('--add-dep <slugs>', 'add dependencies (comma-separated or repeated)', collect)
    .option('--remove-dep <slugs>', 'remove dependencies (comma-separated or repeated)', collect)
    .action(run(async () => (await import('./commands/task-edit.js')).taskEditCommand));
  task
    .command('remove')
    .alias('rm')
    .description('remove a task from the registry')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--force', 'also when other tasks depend on it (their dependency is dropped) or it is running')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/task-remove.js')).taskRemoveCommand));

  // --- worktrees and live status (issue 3) ---
  const worktree = task
    .command('worktree')
    .description("create or remove a task's git worktree")
    .addHelpText('after', EXIT_CODES_HELP);
  worktree
    .command('add')
    .description('create the task\'s worktree on its branch, copy the untracked paths a build needs (copy-on-write), run the setup commands')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--no-hydrate', 'do not copy the [worktree] hydrate paths (node_modules, .env, …)')
    .option('--no-setup', 'do not run the [worktree] setup commands')
    .option('--json', 'print the result as JSON (progress still goes to stderr)')
    .addHelpText('after', '\nThe worktree goes to [worktree] root/<slug> (default <repo>/../<repo-name>.worktrees/<slug>).\nAn existing task branch is reused; an existing path is refused.')
    .action(run(async () => (await import('./commands/worktree.js')).taskWorktreeAddCommand));
  worktree
    .command('remove')
    .alias('rm')
    .description("remove the task's worktree; refuses, naming what would be lost, when it holds work")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--force', 'remove it even with uncommitted, untracked or edited ignored files, unpushed commits or a lock (prints what it deletes)')
    .option('--delete-branch', 'also delete the task branch (refused when it has commits not merged into the base, unless --force)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nNever removes the main worktree or the current directory. The branch is kept unless --delete-branch.')
    .action(run(async () => (await import('./commands/worktree.js')).taskWorktreeRemoveCommand));
  program
    .command('status')
    .description("one row per task: state, branch, ahead/behind its base, changes, +/- lines, verdict, last commit; --tui for the live dashboard")
    .option('--all-repos', 'the tasks of every repo')
    .option('--disk-usage', 'also measure the disk use of each worktree (slow)')
    .option('--tui', 'the live full-screen dashboard (needs a terminal; ? inside it lists the keys)')
    .option('--json', 'print as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(run(async () => (await import('./commands/status.js')).statusCommand));
  // --- end worktrees and live status ---

  // --- agent runs (issue 4) ---
  task
    .command('run')
    .description('hand the task to its agent in its worktree, follow it live, commit its work and move the task to review')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--no-hydrate', 'when creating the worktree, do not copy the [worktree] hydrate paths')
    .option('--no-setup', 'when creating the worktree, do not run the [worktree] setup commands')
    .option('--json', 'stream events as JSON lines, then the result')
    .addHelpText('after', '\nExits 0 when the task reached review, 1 when it ended stuck or cancelled (see `task show`).\nCtrl-C stops the agent and its whole process group and cancels the task.')
    .action(run(async () => (await import('./commands/task-run.js')).taskRunCommand));
  task
    .command('answer')
    .description("answer a stuck task's question: resumes the same agent session with the answer")
    .argument('<task>', 'slug, or repo-name/slug')
    .argument('<text>', 'the answer')
    .option('--json', 'stream events as JSON lines, then the result')
    .action(run(async () => (await import('./commands/task-run.js')).taskAnswerCommand));
  task
    .command('stop')
    .description('stop a task: its agent (SIGTERM to its process group, SIGKILL after the grace period) and the task becomes cancelled')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/task-stop.js')).taskStopCommand));
  task
    .command('log')
    .description("print the events of a task's latest run (or of --run ID)")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--run <id>', 'a run id (see `task show`)')
    .option('-f, --follow', 'keep printing new events until the run ends')
    .option('--json', 'print events as JSON lines')
    .action(run(async () => (await import('./commands/task-log.js')).taskLogCommand));
  program
    .command('agents')
    .description('list the roles, the agent profiles, and the prompt templates and instruction files in effect')
    .option('--json', 'print as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(run(async () => (await import('./commands/agents.js')).agentsCommand));
  // --- end agent runs ---

  // --- merging (issue 6) ---
  const merge = program.command('merge').description('dry-run merge checks, the conflict radar, conflict resolution').addHelpText('after', EXIT_CODES_HELP);
  merge
    .command('check')
    .description("dry-run the merge of a task branch into its base (no worktree, no index touched); --all also checks every pair of active task branches")
    .argument('[task]', 'slug, or repo-name/slug')
    .option('--all', 'check every active task (running, review, stuck) against its base and against each other, and suggest a merge order')
    .option('--fresh', 'compute again even when the two commits were checked before')
    .option('--worktree', 'dry-run in a throw-away worktree (what a git older than 2.38 gets)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExits 0 when everything merges cleanly, 1 when there are conflicts.\nResults are stored by commit pair, so unchanged branches are not merged again.')
    .action(run(async () => (await import('./commands/merge-check.js')).mergeCheckCommand));
  merge
    .command('resolve')
    .description("merge the base into the task branch in its worktree: trivial hunks resolved here, the rest by the resolver agent; committed only when every check passes")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--no-ai', 'resolve the trivial hunks only and leave the rest to you in the worktree')
    .option('--json', 'print the result as JSON (progress goes to stderr)')
    .addHelpText('after', '\nAccepted only with no conflict marker left, git ls-files -u empty, git diff --cached --check clean\nand the [merge] verify commands passing; otherwise the merge is aborted, the worktree is left exactly\nas before and the task becomes stuck. Exits 0 when merged (or nothing to merge), 1 otherwise.')
    .action(run(async () => (await import('./commands/merge-resolve.js')).mergeResolveCommand));
  merge
    .command('rebase')
    .description("start a rebase of the task branch onto its base in its worktree and hand you a shell there")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--print', 'only print the commands')
    .addHelpText('after', '\nExits 0 when the branch ends up containing its base, 1 when the rebase is unfinished or was given up.')
    .action(run(async () => (await import('./commands/merge-rebase.js')).mergeRebaseCommand));
  task
    .command('complete')
    .description('merge the task into its base (fast-forward, merge commit or squash: [merge] strategy), remove its worktree, mark it done')
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--keep-worktree', 'keep the worktree')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nThe base moves only by compare-and-swap from the commit that was checked; a merge check must be clean.\nRefused when the base is checked out somewhere with local changes. Exits 1 on conflicts or when the\nbase moved meanwhile, 2 when refused.')
    .action(run(async () => (await import('./commands/task-complete.js')).taskCompleteCommand));
  // --- end merging ---

  // --- manager (issue 5) ---
  const manager = program
    .command('manager')
    .description('plan waves of tasks, launch them under a background supervisor, follow them live')
    .addHelpText('after', EXIT_CODES_HELP);
  manager
    .command('plan')
    .description("the repo's open tasks as waves: dependency layers, capped at max_parallel, overlapping file scopes split — with the reason for each task's wave")
    .option('--max-parallel <n>', 'tasks per wave (default: manager.max_parallel)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nA dependency cycle is an error (exit 2) that prints the cycle.')
    .action(run(async () => (await import('./commands/manager.js')).managerPlanCommand));
  manager
    .command('launch')
    .description('hand the runnable tasks to the background supervisor (started if none runs) and return; it starts each later task as soon as its dependencies are done')
    .option('--wave <n>', 'only the tasks of this wave of the plan')
    .option('--all', 'every open task of the repo (the default)')
    .option('--max-parallel <n>', 'agents at once (default: manager.max_parallel)')
    .option('--dry-run', 'print the plan and what would start, start nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nThe supervisor outlives this command, the dashboard and the terminal; stop it with codex-agent manager stop.\nIts log: $XDG_STATE_HOME/codex-agents/supervisor.log')
    .action(run(async () => (await import('./commands/manager.js')).managerLaunchCommand));
  manager
    .command('status')
    .description('whether the supervisor runs, since when, and what it is doing (reconciles runs a dead supervisor left behind)')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/manager-control.js')).managerStatusCommand));
  manager
    .command('stop')
    .description('tell the supervisor to start nothing more and exit once its agents finish (--now: stop them, cancelling their tasks)')
    .option('--now', 'stop the running agents too (SIGTERM to their process groups, SIGKILL after the grace period)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/manager-control.js')).managerStopCommand));
  manager
    .command('monitor')
    .description('follow transitions, agent messages, commands and todo progress live, until nothing runs (Ctrl-C stops only the monitor)')
    .option('--json', 'one JSON object per line')
    .action(run(async () => (await import('./commands/manager-monitor.js')).managerMonitorCommand));
  manager
    .command('supervise', { hidden: true })
    .description('the supervisor process itself (started by manager launch)')
    .action(run(async () => (await import('./commands/manager-control.js')).managerSuperviseCommand));
  // --- end manager ---

  // --- validation (issue 7) ---
  task
    .command('validate')
    .description("decide whether a task's work is ready to merge: the [[validate.checks]] in its worktree, the [validate.policy] rules on its diff, and the validator agent's review")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--no-review', 'skip the AI review (checks and policies only)')
    .option('--auto-fix', "on a failed verdict, give the findings to the worker agent (same session) and validate again, within the task's retry budget")
    .option('--json', 'stream events as JSON lines, then the result')
    .addHelpText('after', '\nThe verdict is stored and shown by task show and status. A pass moves a stuck task back to review; a fail moves it to stuck.\nExits 0 when the verdict is pass, 1 when it is fail (a review that could not run is a fail), 2 on bad input.')
    .action(run(async () => (await import('./commands/task-validate.js')).taskValidateCommand));
  task
    .command('review')
    .description("only the validator agent's review of the task's diff against its goal (stored; does not move the task)")
    .argument('<task>', 'slug, or repo-name/slug')
    .option('--json', 'stream events as JSON lines, then the result')
    .addHelpText('after', '\nExits 0 when the reviewer passes the change, 1 when it fails it or could not run, 2 on bad input.')
    .action(run(async () => (await import('./commands/task-validate.js')).taskReviewCommand));
  // --- end validation ---

  // --- shell completion (issue 9) ---
  program
    .command('completion')
    .description('print a shell completion script (commands, options and task slugs)')
    .argument('[shell]', 'bash, zsh or fish')
    .option('--slugs', 'print the task slugs of this repo, one per line (the scripts call this)')
    .addHelpText('after', '\nLoad it:\n  bash  source <(codex-agent completion bash)     (add to ~/.bashrc)\n  zsh   source <(codex-agent completion zsh)      (add to ~/.zshrc)\n  fish  codex-agent completion fish | source      (add to ~/.config/fish/config.fish)')
    .action(async (shell: string | undefined, options: { slugs?: boolean }) => {
      const output = makeOutput(false);
      const { completionCommand } = await import('./commands/completion.js');
      exitCode = await completionCommand(makeContext({ cwd: program.opts<GlobalOptions>().cwd }), output, program, shell, options);
    });
  // --- end shell completion ---

  // --- demo (issue 9) ---
  program
    .command('demo')
    .description('the whole product on a scratch repo with a scripted demo agent (no AI, no API key): plan, launch, validate, auto-fix, conflict radar, resolve, merge')
    .option('--dir <dir>', 'create the scratch repo under this folder (kept) instead of a temp folder')
    .option('--keep', 'keep the scratch folder at the end')
    .option('--tui', 'follow it in the dashboard (status --tui) while it runs; the scratch folder is kept')
    .option('--json', 'progress as JSON lines, then the summary')
    .addHelpText('after', '\nThe worker, validator and resolver are a scripted DEMO AGENT shipped with codex-agent; it speaks Codex\'s exec --json format.\nThe demo uses its own registry and supervisor (XDG directories inside the scratch folder): your tasks are untouched.\nExits 0 when everything merged and the tests pass on main, 1 otherwise.')
    .action(run(async () => (await import('./commands/demo.js')).demoCommand));
  // --- end demo ---

  try {
    await program.parseAsync(argv as string[]);
    return exitCode;
  } catch (err) {
    return reportError(err, jsonRequested);
  }
}

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

