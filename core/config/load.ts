import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { CodexAgentError } from '../errors.js';
import { appPaths, type AppPaths } from '../paths.js';
import { configFiles, type ConfigFile } from './files.js';
import { envNameOf, configKeys, parseKeyValue, requireKey, suggestKeys } from './keys.js';
import { deepMerge, isPlainObject, leaves, setPath, type Plain } from './merge.js';
import { configSchema, configShapeSchema, defaultConfig, type Config } from './schema.js';
import { locateKey } from './toml-locate.js';

/** Where a value came from, lowest precedence first (DESIGN §3). */
export const CONFIG_SOURCES = ['default', 'user', 'repo', 'local', 'env', 'flag'] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

export interface ValueOrigin {
  source: ConfigSource;
  /** The file, for user, repo and local values. */
  file?: string;
  /** The environment variable, for env values. */
  variable?: string;
}

export { configFiles, type ConfigFile };

/** The configuration in effect, with the origin of every value. */
export interface EffectiveConfig {
  config: Config;
  /** Dotted leaf path → where its value came from. */
  origins: Record<string, ValueOrigin>;
  /** The config files consulted, in precedence order (lowest first). */
  files: ConfigFile[];
}

export interface LoadConfigOptions {
  /** The repo whose `.codex-agent/` files apply; none outside a repo. */
  repoRoot?: string;
  env?: Record<string, string | undefined>;
  /** `key → raw value` given on the command line (`-c key=value` or a dedicated flag). */
  flags?: Record<string, string>;
  paths?: AppPaths;
  /**
   * File contents to use instead of what is on disk (to check an edit before writing it); null
   * reads the file as absent.
   */
  fileTexts?: ReadonlyMap<string, string | null>;
}

/** Reads a TOML file; undefined when it does not exist. Syntax errors name the file and line. */
export function readTomlFile(path: string, given?: string): { text: string; values: Plain } | undefined {
  let text: string;
  if (given !== undefined) text = given;
  else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CodexAgentError('io', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return parseTomlText(path, text);
}

/** Parses TOML text read from `path`; syntax errors name the file and line. */
export function parseTomlText(path: string, text: string): { text: string; values: Plain } {
  try {
    return { text, values: parseToml(text) as Plain };
  } catch (err) {
    if (err instanceof TomlError) {
      throw new CodexAgentError('config-invalid', `${path}, line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}\n${err.codeblock}`, {
        hint: 'Fix the TOML syntax in that file; nothing was changed.',
        details: { file: path, line: err.line, column: err.column },
      });
    }
    throw err;
  }
}

/** Turns zod issues into one error that names the file, the line and the key. */
function invalid(where: string, text: string | undefined, issues: readonly z.core.$ZodIssue[]): CodexAgentError {
  const lines: string[] = [];
  for (const issue of issues) {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) {
      const dotted = path.map(String).join('.');
      const line = text === undefined ? undefined : locateKey(text, path as (string | number)[]);
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        const suggestions = suggestKeys(dotted);
        message = `unknown key${suggestions.length ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)` : ''}`;
      }
      lines.push(`  ${line ? `line ${line}, ` : ''}${dotted || '(top level)'}: ${message}`);
    }
  }
  return new CodexAgentError('config-invalid', `Invalid configuration in ${where}:\n${lines.join('\n')}`, {
    hint: 'Fix the value shown; nothing was changed. `codex-agent config` lists every key with its default.',
    details: { where, issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

function recordOrigins(origins: Record<string, ValueOrigin>, values: Plain, origin: ValueOrigin): void {
  for (const [path] of leaves(values)) origins[path] = origin;
}

/**
 * Loads the effective configuration: defaults < user file < repo file < repo local file <
 * `CODEX_AGENT_*` environment < flags. Each file is validated on its own first, so an error names
 * the file that holds the bad value. Never writes anything.
 */
export function loadConfig(options: LoadConfigOptions = {}): EffectiveConfig {
  const env = options.env ?? process.env;
  const paths = options.paths ?? appPaths(env);
  const defaults = defaultConfig() as unknown as Plain;
  let merged: Plain = structuredClone(defaults);
  const origins: Record<string, ValueOrigin> = {};
  recordOrigins(origins, defaults, { source: 'default' });
  const texts = new Map<string, string>();

  const files = configFiles(paths, options.repoRoot);
  for (const file of files) {
    const given = options.fileTexts?.get(file.path);
    const read = given === null ? undefined : readTomlFile(file.path, given);
    if (!read) continue;
    file.exists = true;
    texts.set(file.path, read.text);
    const alone = configShapeSchema.safeParse(deepMerge(defaults, read.values));
    if (!alone.success) throw invalid(file.path, read.text, alone.error.issues);
    merged = deepMerge(merged, read.values);
    recordOrigins(origins, read.values, { source: file.source, file: file.path });
  }

  for (const key of configKeys()) {
    const variable = envNameOf(key);
    const raw = variable === undefined ? undefined : env[variable];
    if (variable === undefined || raw === undefined) continue;
    merged = setPath(merged, key.path, parseKeyValue(key, raw, `environment variable ${variable}`));
    origins[key.path] = { source: 'env', variable };
  }

  for (const [path, raw] of Object.entries(options.flags ?? {})) {
    const key = requireKey(path);
    merged = setPath(merged, path, parseKeyValue(key, raw, `flag ${path}`));
    origins[path] = { source: 'flag' };
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    // A problem that only shows in the combination (a role naming a profile defined nowhere):
    // blame the layer that set the offending value.
    const first = result.error.issues[0]?.path.map(String) ?? [];
    let origin: ValueOrigin | undefined;
    for (let n = first.length; n > 0 && !origin; n--) origin = origins[first.slice(0, n).join('.')];
    const where = origin?.file ?? (origin?.variable ? `environment variable ${origin.variable}` : origin?.source === 'flag' ? 'the command-line flags' : 'the configuration');
    throw invalid(where, origin?.file ? texts.get(origin.file) : undefined, result.error.issues);
  }
  return { config: result.data, origins, files };
}

/** Flattens an effective config into rows of key, value and origin, for `codex-agent config`. */
export function describeConfig(effective: EffectiveConfig): { key: string; value: unknown; origin: ValueOrigin }[] {
  return leaves(effective.config as unknown as Plain).map(([key, value]) => {
    let origin = effective.origins[key];
    const parts = key.split('.');
    for (let n = parts.length - 1; n > 0 && !origin; n--) origin = effective.origins[parts.slice(0, n).join('.')];
    return { key, value, origin: origin ?? { source: 'default' } };
  });
}

export { isPlainObject };
