import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { runTask, type RunTaskResult } from '../../core/runs/runner.js';
import { openStateStore } from '../../core/store/open.js';
import type { StateStore } from '../../core/store/state-store.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { makeRunPrinter } from '../run-view.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface RunOptions {
  json?: boolean;
  hydrate?: boolean;
  setup?: boolean;
}

async function drive(ctx: Context, output: Output, ref: string, options: RunOptions, answer?: string): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const { config } = await ctx.config();
  const redact = makeRedactor({ secrets: secretsFromEnv(ctx.env) });
  // runTask opens it while git makes the worktree, and reports a failure to open it.
  let store: Promise<StateStore> | undefined;
  const openStore = () => (store ??= openStateStore(ctx.paths.stateDb, { redact }));
  const signals = abortOnSignals();
  let result: RunTaskResult;
  try {
    result = await runTask({
      ref,
      repoRoot: repo?.root,
      config,
      paths: ctx.paths,
      env: ctx.env,
      registry: new Registry(ctx.paths.registry),
      store: openStore,
      redact,
      signal: signals.signal,
      onEvent: makeRunPrinter(output),
      answer,
      hydrate: options.hydrate,
      setup: options.setup,
    });
  } finally {
    signals.dispose();
    await store?.then((s) => s.close(), () => undefined);
  }
  if (output.json) printJson(output, { result });
  else report(output, result);
  return result.status === 'review' ? 0 : 1;
}

function report(output: Output, result: RunTaskResult): void {
  if (result.status === 'review') {
    output.out(`${paint(output, 'magenta', '◆')} ${result.slug} is ready for review${result.commit?.sha ? ` (commit ${result.commit.sha.slice(0, 10)})` : ' (the agent changed nothing)'}.`);
    if (result.summary) output.out(`\n${result.summary.trim()}\n`);
  } else if (result.status === 'stuck' && result.question) {
    output.out(`${paint(output, 'yellow', '!')} ${result.slug} is stuck: the agent asks\n  ${result.question}\nAnswer with: codex-agent task answer ${result.slug} "<your answer>"`);
  } else if (result.status === 'stuck') {
    output.out(`${paint(output, 'yellow', '!')} ${result.slug} is stuck: ${result.error ?? 'see task show'}\nSee the log (codex-agent task log ${result.slug}), then run it again (codex-agent task run ${result.slug}) or answer it.`);
  } else {
    output.out(`${result.slug} is ${result.status}${result.error ? `: ${result.error}` : ''}.`);
  }
}

/** `codex-agent task run <task>` */
export async function taskRunCommand(ctx: Context, output: Output, ref: string, options: RunOptions): Promise<number> {
  return drive(ctx, output, ref, options);
}

/** `codex-agent task answer <task> <text>` */
export async function taskAnswerCommand(ctx: Context, output: Output, ref: string, text: string, options: RunOptions): Promise<number> {
  return drive(ctx, output, ref, options, text);
}
