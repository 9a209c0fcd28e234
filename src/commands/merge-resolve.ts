import type { ResolveEvent, ResolveResult } from '../../core/merge/resolve.js';
import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { findTask } from '../../core/registry/task-ref.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { abortOnSignals } from '../abort-on-signals.js';

function describe(e: ResolveEvent): string {
  switch (e.type) {
    case 'recovered':
      return `an interrupted resolve in ${e.worktree} was rolled back first`;
    case 'conflicts':
      return `conflicts in ${e.paths.join(', ')}`;
    case 'trivial':
      return `${e.path}: ${e.resolutions.map((r) => `line ${r.line} ${r.reason} (kept ${r.kept})`).join(', ')}${e.complete ? ' — file resolved' : ''}`;
    case 'resolver':
      return `${e.path}: resolver ${e.profile} ${e.ok ? 'done' : `failed: ${e.error}`}`;
    case 'verify':
      return `verify: ${e.command} → exit ${e.exitCode}`;
  }
}

/** `codex-agent merge resolve <task> [--no-ai]` — exit 0 merged (or nothing to do), 1 otherwise. */
export async function mergeResolveCommand(ctx: Context, output: Output, ref: string, options: { ai?: boolean; json?: boolean }): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const { config } = await ctx.config();
  const registry = new Registry(ctx.paths.registry);
  const task = findTask(await registry.read(), ref, repo?.root);
  const store = await openStateStore(ctx.paths.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
  const signals = abortOnSignals();
  let result: ResolveResult;
  try {
    const { resolveTask } = await import('../../core/merge/resolve.js');
    result = await resolveTask({
      task, registry, store, config, paths: ctx.paths, env: ctx.env, noAi: options.ai === false, signal: signals.signal,
      onEvent: (e) => output.err(output.json ? JSON.stringify(e) : `  ${describe(e)}`),
    });
  } finally {
    signals.dispose();
    store.close();
  }
  if (output.json) printJson(output, result);
  else report(output, result);
  return result.outcome === 'merged' || result.outcome === 'up-to-date' ? 0 : 1;
}

function report(output: Output, r: ResolveResult): void {
  if (r.outcome === 'up-to-date') output.out(`${r.slug} already contains its base; nothing to merge.`);
  else if (r.outcome === 'merged') output.out(`${paint(output, 'green', '✓')} ${r.slug}: base merged in and committed (${r.commit?.slice(0, 10)}); ${r.trivial.length} file(s) resolved trivially, ${r.byResolver.length} by the resolver.`);
  else if (r.outcome === 'handed-over') {
    output.out(`${paint(output, 'yellow', '!')} ${r.slug}: trivial hunks resolved; ${r.remaining.length} file(s) need you in ${r.worktree}:`);
    for (const p of r.remaining) output.out(`  ${p}`);
    output.out(`Edit them (diff3 markers show ours, base and theirs), then: git -C ${r.worktree} add <files> && git -C ${r.worktree} commit\nOr give up: git -C ${r.worktree} merge --abort`);
  } else {
    output.out(`${paint(output, 'red', '✗')} ${r.slug}: the merge was aborted and the worktree is as before; the task is stuck.`);
    for (const p of r.problems) output.out(`  - ${p}`);
    if (r.remaining.length) output.out(`  files left unresolved: ${r.remaining.join(', ')}`);
    output.out(`Try by hand: codex-agent merge resolve ${r.slug} --no-ai, or codex-agent merge rebase ${r.slug}`);
  }
}
