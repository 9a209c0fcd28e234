import { describeConfig, type ValueOrigin } from '../../core/config/load.js';
import { requireKey } from '../../core/config/keys.js';
import { getPath, type Plain } from '../../core/config/merge.js';
import { setConfigValue, type ConfigTarget } from '../../core/config/edit.js';
import type { Context } from '../context.js';
import { paint, printJson, renderTable, type Output } from '../output.js';

function originText(origin: ValueOrigin): string {
  if (origin.file) return `${origin.source} (${origin.file})`;
  if (origin.variable) return `env (${origin.variable})`;
  return origin.source;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value);
}

/** `codex-agent config`: every value in effect and where it came from. */
export async function configShowCommand(ctx: Context, output: Output): Promise<number> {
  const effective = await ctx.config();
  const rows = describeConfig(effective);
  if (output.json) {
    printJson(output, {
      config: effective.config,
      origins: Object.fromEntries(rows.map((r) => [r.key, r.origin])),
      files: effective.files,
    });
    return 0;
  }
  output.out(
    renderTable(output, rows, [
      { header: 'KEY', value: (r) => r.key },
      { header: 'VALUE', value: (r) => valueText(r.value), flexible: true },
      { header: 'FROM', value: (r) => originText(r.origin), style: (r) => (r.origin.source === 'default' ? 'dim' : 'cyan') },
    ]),
  );
  return 0;
}

/** `codex-agent config get KEY` */
export async function configGetCommand(ctx: Context, output: Output, key: string): Promise<number> {
  const effective = await ctx.config();
  const known = requireKey(key);
  const value = getPath(effective.config as unknown as Plain, key);
  const row = describeConfig(effective).find((r) => r.key === key);
  const origin = row?.origin ?? { source: value === undefined ? 'default' : 'default' };
  if (output.json) {
    printJson(output, { key, value: value ?? null, origin, description: known.description });
    return 0;
  }
  if (value === undefined) {
    output.err(`${key} is not set.`);
    return 1;
  }
  output.out(typeof value === 'string' ? value : JSON.stringify(value));
  return 0;
}

/** `codex-agent config set KEY VALUE [--user|--repo|--local]` */
export async function configSetCommand(
  ctx: Context,
  output: Output,
  key: string,
  value: string,
  options: { user?: boolean; repo?: boolean; local?: boolean },
): Promise<number> {
  const repo = await ctx.repo();
  const target: ConfigTarget = options.user ? 'user' : options.local ? 'local' : options.repo ? 'repo' : repo ? 'repo' : 'user';
  const result = await setConfigValue({ key, value, target, repoRoot: repo?.root, env: ctx.env, paths: ctx.paths });
  if (output.json) {
    printJson(output, result);
    return 0;
  }
  if (!result.changed) output.out(`${key} is already ${valueText(result.value)} in ${result.file}; nothing changed.`);
  else output.out(`Set ${key} = ${valueText(result.value)} in ${result.file}`);
  if (!result.keptLayout) output.err(paint(output, 'yellow', 'Note: the file had to be rewritten whole; its comments were not kept.'));
  const effective = await ctx.config();
  const shown = describeConfig(effective).find((r) => r.key === key);
  if (shown && shown.origin.file !== result.file) {
    output.err(paint(output, 'yellow', `Note: ${key} is still ${valueText(shown.value)} here, because ${originText(shown.origin)} takes precedence.`));
  }
  return 0;
}

/** `codex-agent config path` */
export async function configPathCommand(ctx: Context, output: Output): Promise<number> {
  const { configFiles } = await import('../../core/config/load.js');
  const { existsSync } = await import('node:fs');
  const repo = await ctx.repo();
  const files = configFiles(ctx.paths, repo?.root).map((f) => ({ ...f, exists: existsSync(f.path) }));
  if (output.json) {
    printJson(output, { files, registry: ctx.paths.registry, stateDb: ctx.paths.stateDb, logs: ctx.paths.logsDir });
    return 0;
  }
  output.out(
    renderTable(output, files, [
      { header: 'LAYER', value: (f) => f.source },
      { header: 'PATH', value: (f) => f.path, flexible: true },
      { header: 'EXISTS', value: (f) => (f.exists ? 'yes' : 'no'), style: (f) => (f.exists ? 'green' : 'dim') },
    ]),
  );
  return 0;
}
