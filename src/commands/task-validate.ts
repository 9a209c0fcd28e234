import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { openStateStore } from '../../core/store/open.js';
import type { ValidateTaskResult } from '../../core/validate/validate-task.js';
import type { Context } from '../context.js';
import { printJson, type Output } from '../output.js';
import { makeRunPrinter } from '../run-view.js';
import { makeValidationPrinter, printVerdict } from '../verdict-view.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface ValidateOptions {
  json?: boolean;
  review?: boolean;
  autoFix?: boolean;
}

async function drive(ctx: Context, output: Output, ref: string, mode: 'validate' | 'review', options: ValidateOptions): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const { config } = await ctx.config();
  const [{ validateTask }, { ValidationStore }] = await Promise.all([import('../../core/validate/validate-task.js'), import('../../core/validate/validation-store.js')]);
  const redact = makeRedactor({ secrets: secretsFromEnv(ctx.env) });
  const store = await openStateStore(ctx.paths.stateDb, { redact });
  const validations = ValidationStore.open(ctx.paths.stateDb, { redact });
  const signals = abortOnSignals();
  let result: ValidateTaskResult;
  try {
    result = await validateTask({
      ref, repoRoot: repo?.root, mode, review: mode === 'review' || options.review !== false, autoFix: options.autoFix,
      config, paths: ctx.paths, env: ctx.env, registry: new Registry(ctx.paths.registry), store, validations, redact,
      signal: signals.signal, onEvent: makeValidationPrinter(output), onRunnerEvent: makeRunPrinter(output),
    });
  } finally {
    signals.dispose();
    validations.close();
    store.close();
  }
  const last = result.rounds.at(-1)!;
  if (output.json) printJson(output, { result: { ...result, verdict: last.verdict } });
  else printVerdict(output, result);
  return result.pass ? 0 : 1;
}

/** `codex-agent task validate <task> [--no-review] [--auto-fix]` */
export async function taskValidateCommand(ctx: Context, output: Output, ref: string, options: ValidateOptions): Promise<number> {
  return drive(ctx, output, ref, 'validate', options);
}

/** `codex-agent task review <task>`: the AI review alone. */
export async function taskReviewCommand(ctx: Context, output: Output, ref: string, options: ValidateOptions): Promise<number> {
  return drive(ctx, output, ref, 'review', options);
}
