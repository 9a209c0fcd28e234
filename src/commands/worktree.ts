import { loadConfig } from '../../core/config/load.js';
import { CodexAgentError } from '../../core/errors.js';
import { Registry } from '../../core/registry/registry.js';
import { findTask } from '../../core/registry/task-ref.js';
import type { Task } from '../../core/task.js';
import { COPY_METHOD_LABELS } from '../../core/worktree/copy.js';
import { createWorktree, type CreateEvent } from '../../core/worktree/create.js';
import { reconcileWorktrees, type WorktreeNotice } from '../../core/worktree/reconcile.js';
import { deleteTaskBranch, removeWorktree } from '../../core/worktree/remove.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { formatBytes, formatMs, printNotices } from '../worktree-report.js';

interface AddOptions {
  /** false with --no-hydrate */
  hydrate?: boolean;
  /** false with --no-setup */
  setup?: boolean;
}

interface RemoveOptions {
  force?: boolean;
  deleteBranch?: boolean;
}

/** Finds the task, reconciles its repo's worktrees (IN-4) and returns the task as it is now. */
async function prepare(ctx: Context, output: Output, registry: Registry, ref: string): Promise<{ task: Task; notices: WorktreeNotice[] }> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const found = findTask(await registry.read(), ref, repo?.root);
  const notices = await reconcileWorktrees(registry, { repoRoot: found.repo });
  printNotices(output, notices);
  const task = (await registry.read()).tasks.find((t) => t.repo === found.repo && t.slug === found.slug) ?? found;
  return { task, notices };
}

/** An AbortSignal that fires on Ctrl-C, so setup commands and copies stop with their children. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Progress lines on stderr, concise; setup output is indented under its command. */
function progressPrinter(output: Output): (event: CreateEvent) => void {
  const dim = (text: string) => paint(output, 'dim', text);
  return (event) => {
    switch (event.type) {
      case 'worktree-added':
        output.err(`Added ${event.path} on ${event.branchCreated ? 'new' : 'existing'} branch ${event.branch}.`);
        break;
      case 'hydrate-path':
        output.err(dim(`  copying ${event.path} …`));
        break;
      case 'hydrated-path': {
        const r = event.result;
        output.err(`  copied ${r.path}: ${r.files.toLocaleString('en-US')} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.bytes)} in ${formatMs(r.ms)} (${r.method})`);
        break;
      }
      case 'hydrate-failed':
        output.err(paint(output, 'yellow', `  could not copy ${event.path}: ${event.message}`));
        break;
      case 'checked-out':
        output.err(`  checked out in ${formatMs(event.ms)}`);
        break;
      case 'setup-start':
        output.err(`  setup: ${event.command}`);
        break;
      case 'setup-output':
        output.err(dim(`    │ ${event.line}`));
        break;
      case 'setup-done':
        output.err(event.exitCode === 0 ? `  setup done in ${formatMs(event.ms)}` : paint(output, 'red', `  setup failed: exit ${event.exitCode} after ${formatMs(event.ms)}`));
        break;
    }
  };
}

function rethrowAbort(err: unknown, signal: AbortSignal, what: string): never {
  if (signal.aborted) throw new CodexAgentError('io', `Interrupted while ${what}.`, { hint: 'Whatever was created is left as it is: look at it with codex-agent status, remove it with codex-agent task worktree remove <task> --force.', cause: err });
  throw err;
}

/** `codex-agent task worktree add <task> [--no-hydrate] [--no-setup]` */
export async function taskWorktreeAddCommand(ctx: Context, output: Output, ref: string, options: AddOptions): Promise<number> {
  const registry = new Registry(ctx.paths.registry);
  const { task } = await prepare(ctx, output, registry, ref);
  const { config } = loadConfig({ repoRoot: task.repo, env: ctx.env, paths: ctx.paths, flags: ctx.configFlags });
  const { signal, dispose } = interruptSignal();
  try {
    const created = await createWorktree({
      task,
      registry,
      settings: config.worktree,
      hydrate: options.hydrate,
      setup: options.setup,
      signal,
      onEvent: progressPrinter(output),
    }).catch((err: unknown) => rethrowAbort(err, signal, `creating the worktree of ${task.slug}`));
    if (output.json) {
      printJson(output, created);
      return 0;
    }
    const h = created.hydration;
    const copied = h?.paths.length
      ? `; hydrated ${h.paths.map((p) => p.path).join(', ')} (${h.files.toLocaleString('en-US')} files, ${formatBytes(h.bytes)}) with ${COPY_METHOD_LABELS[h.method!]}`
      : options.hydrate === false
        ? '; not hydrated (--no-hydrate)'
        : '; nothing to hydrate';
    output.out(`Worktree of ${paint(output, 'bold', created.slug)} ready at ${created.path} (branch ${created.branch}${created.branchCreated ? ` from ${created.base}` : ', reused'}) in ${formatMs(created.ms)}${copied}.`);
    for (const failed of h?.failed ?? []) output.err(paint(output, 'yellow', `Not copied: ${failed.path} (${failed.message}).`));
    return 0;
  } finally {
    dispose();
  }
}

/** `codex-agent task worktree remove <task> [--force] [--delete-branch]` */
export async function taskWorktreeRemoveCommand(ctx: Context, output: Output, ref: string, options: RemoveOptions): Promise<number> {
  const registry = new Registry(ctx.paths.registry);
  const { task, notices } = await prepare(ctx, output, registry, ref);
  const force = Boolean(options.force);
  const notice = notices.find((n) => n.slug === task.slug && n.repo === task.repo);
  if (!task.worktree && (notice || options.deleteBranch)) {
    // The worktree is gone already (just now or earlier): what is left to do is the branch, if asked.
    const branchDeleted = options.deleteBranch ? await deleteTaskBranch(task, { force }) : false;
    if (output.json) printJson(output, { slug: task.slug, repo: task.repo, path: notice?.path ?? null, branch: task.branch, alreadyGone: true, branchDeleted, forced: false, findings: [] });
    else output.out(`No worktree left to remove for ${task.slug}${branchDeleted ? `; deleted branch ${task.branch}` : options.deleteBranch ? `; branch ${task.branch} does not exist` : ''}.`);
    return 0;
  }
  const removed = await removeWorktree({
    task,
    registry,
    cwd: ctx.cwd,
    force,
    deleteBranch: Boolean(options.deleteBranch),
    onForced: (findings) => {
      output.err(paint(output, 'yellow', `--force: deleting the worktree of ${task.slug} at ${task.worktree} with:`));
      for (const f of findings) output.err(paint(output, 'yellow', `  - ${f.message}`));
    },
  });
  if (output.json) {
    printJson(output, removed);
    return 0;
  }
  const branch = removed.branchDeleted ? `deleted branch ${removed.branch}` : `kept branch ${removed.branch}`;
  output.out(`Removed the worktree of ${paint(output, 'bold', removed.slug)} (${removed.path}); ${branch}.`);
  if (options.deleteBranch && !removed.branchDeleted) output.err(paint(output, 'yellow', `Branch ${removed.branch} was not deleted (it no longer exists or git refused).`));
  return 0;
}
