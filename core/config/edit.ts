import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import { CodexAgentError } from '../errors.js';
import { appPaths, REPO_CONFIG_FILE, REPO_LOCAL_CONFIG_FILE, type AppPaths } from '../paths.js';
import { parseKeyValue, requireKey } from './keys.js';
import { loadConfig, parseTomlText } from './load.js';
import { setTomlValue } from './toml-edit.js';

export type ConfigTarget = 'user' | 'repo' | 'local';

export interface SetConfigOptions {
  key: string;
  /** The value as typed; read as the key's type. */
  value: string;
  target: ConfigTarget;
  repoRoot?: string;
  env?: Record<string, string | undefined>;
  paths?: AppPaths;
}

export interface SetConfigResult {
  file: string;
  key: string;
  value: unknown;
  /** False when the file had to be rewritten whole (its comments were lost). */
  keptLayout: boolean;
  /** False when the file already had this value. */
  changed: boolean;
}

/** The file a target names. */
export function targetFile(target: ConfigTarget, paths: AppPaths, repoRoot?: string): string {
  if (target === 'user') return paths.userConfig;
  if (!repoRoot) {
    throw new CodexAgentError('not-a-repo', `--${target} needs a git repository, and this is not inside one.`, {
      hint: 'Run it inside the repository, or use --user for your own config.',
    });
  }
  return join(repoRoot, target === 'repo' ? REPO_CONFIG_FILE : REPO_LOCAL_CONFIG_FILE);
}

/**
 * Sets one key in one config file, keeping the rest of the file as it was. The edited file and the
 * whole effective configuration are validated before anything is written: an invalid value changes
 * nothing.
 */
export async function setConfigValue(options: SetConfigOptions): Promise<SetConfigResult> {
  const env = options.env ?? process.env;
  const paths = options.paths ?? appPaths(env);
  const key = requireKey(options.key);
  const value = parseKeyValue(key, options.value, 'config set');
  const file = targetFile(options.target, paths, options.repoRoot);

  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CodexAgentError('io', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  parseTomlText(file, text); // refuse to edit a file that does not parse
  const edit = setTomlValue(text, options.key, value);
  if (edit.text === text) return { file, key: options.key, value, keptLayout: true, changed: false };

  // Validate exactly what would be in effect after the write; throws naming the problem.
  loadConfig({ repoRoot: options.repoRoot, env: {}, paths, fileTexts: new Map([[file, edit.text]]) });
  writeFileAtomically(file, edit.text, 0o644);
  return { file, key: options.key, value, keptLayout: edit.keptLayout, changed: true };
}
