import { CodexAgentError } from '../../core/errors.js';
import type { TaskMergeCheck } from '../../core/merge/check.js';
import type { FileConflict } from '../../core/merge/merge-tree-parse.js';
import type { RadarResult } from '../../core/merge/radar.js';
import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { readRegistry } from '../../core/registry/file.js';
import { findTask } from '../../core/registry/task-ref.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { paint, printJson, renderTable, type Output } from '../output.js';

interface CheckOptions {
  all?: boolean;
  json?: boolean;
  fresh?: boolean;
  worktree?: boolean;
}

const describeConflicts = (conflicts: readonly FileConflict[]) => conflicts.map((c) => `${c.path} (${c.kinds.join(', ')})`).join(', ');

/** `codex-agent merge check [<task>|--all]` — exit 0 clean, 1 conflicts. */
export async function mergeCheckCommand(ctx: Context, output: Output, ref: string | undefined, options: CheckOptions): Promise<number> {
  if (!ref && !options.all) throw new CodexAgentError('usage', 'merge check needs a task or --all.', { hint: 'For example: codex-agent merge check add-dark-mode, or codex-agent merge check --all' });
  if (ref && options.all) throw new CodexAgentError('usage', 'Give either a task or --all, not both.');
  const repo = ref?.includes('/') ? undefined : await ctx.requireRepo();
  const registry = await readRegistry(ctx.paths.registry);
  const task = ref ? findTask(registry, ref, repo?.root) : undefined;
  const [{ checkTask }, { runRadar }] = await Promise.all([import('../../core/merge/check.js'), import('../../core/merge/radar.js')]);
  // SQLite loads and opens while the first git process (rev-parse or for-each-ref), started in the
  // same tick, runs; the check awaits the store only once it has the commits.
  const opening = openStateStore(ctx.paths.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
  opening.catch(() => undefined); // awaited below; a git failure first must not leave it unhandled
  try {
    if (task) {
      const result = await checkTask(task, { store: opening, fresh: options.fresh, forceWorktree: options.worktree });
      if (output.json) printJson(output, result);
      else printCheck(output, result);
      return result.clean ? 0 : 1;
    }
    const result = await runRadar({ repo: repo!.root, tasks: registry.tasks, store: opening, fresh: options.fresh, forceWorktree: options.worktree });
    if (output.json) printJson(output, result);
    else printRadar(output, result);
    return result.pairs.every((p) => p.clean) ? 0 : 1;
  } finally {
    (await opening.catch(() => undefined))?.close();
  }
}

function printCheck(output: Output, r: TaskMergeCheck): void {
  const how = r.method === 'worktree' ? ' (git is older than 2.38: checked in a throw-away worktree)' : '';
  if (r.clean) {
    output.out(`${paint(output, 'green', '✓')} ${r.slug}: ${r.branch} merges cleanly into ${r.base}${how}.`);
    return;
  }
  output.out(`${paint(output, 'red', '✗')} ${r.slug}: ${r.branch} conflicts with ${r.base} in ${r.conflicts.length} file(s)${how}:`);
  for (const c of r.conflicts) output.out(`  ${c.path}  ${paint(output, 'yellow', c.kinds.join(', '))}`);
  output.out(`Resolve with: codex-agent merge resolve ${r.slug}   (or by hand: codex-agent merge rebase ${r.slug})`);
}

function printRadar(output: Output, r: RadarResult): void {
  if (r.tasks.length === 0) {
    output.out('No active task branches (running, review or stuck) to check.');
    return;
  }
  const rows = r.pairs.filter((p) => !p.clean);
  output.out(`${r.tasks.length} active branch(es), ${r.pairs.length} merge(s) checked (${r.computed} computed, ${r.pairs.length - r.computed} unchanged).`);
  if (rows.length === 0) output.out(`${paint(output, 'green', '✓')} No conflicts between the active branches or with their bases.`);
  else {
    output.out(
      renderTable(output, rows, [
        { header: 'TASK', value: (p) => p.left },
        { header: 'CONFLICTS WITH', value: (p) => p.right ?? `(base ${r.tasks.find((t) => t.slug === p.left)?.base ?? ''})`, style: () => 'yellow' },
        { header: 'FILES', value: (p) => describeConflicts(p.conflicts), flexible: true },
      ]),
    );
  }
  output.out(`Suggested merge order: ${r.order.join(' → ')}`);
}
