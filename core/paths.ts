import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The application's folder name under each XDG base directory. */
export const APP_DIR = 'codex-agents';

/** Where codex-agent keeps its files for one user (DESIGN §3). */
export interface AppPaths {
  /** `$XDG_CONFIG_HOME/codex-agents` */
  configDir: string;
  /** `$XDG_DATA_HOME/codex-agents` */
  dataDir: string;
  /** `$XDG_STATE_HOME/codex-agents` */
  stateDir: string;
  /** The user's config file. */
  userConfig: string;
  /** The global task registry. */
  registry: string;
  /** The run history database. */
  stateDb: string;
  /** Raw agent logs. */
  logsDir: string;
  /** The user's prompt overrides. */
  userPrompts: string;
  /** `$XDG_CACHE_HOME/codex-agents`: derived data only, safe to delete at any time. */
  cacheDir: string;
}

type Env = Record<string, string | undefined>;

/**
 * An XDG base directory: the variable when it is set to an absolute path (the spec says relative
 * values are invalid and must be ignored), else the default under the home directory.
 */
function xdg(env: Env, variable: string, fallback: string[]): string {
  const value = env[variable];
  if (value && isAbsolute(value)) return value;
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, ...fallback);
}

/** Resolves every path codex-agent uses from the environment (defaults when variables are unset). */
export function appPaths(env: Env = process.env): AppPaths {
  const configDir = join(xdg(env, 'XDG_CONFIG_HOME', ['.config']), APP_DIR);
  const dataDir = join(xdg(env, 'XDG_DATA_HOME', ['.local', 'share']), APP_DIR);
  const stateDir = join(xdg(env, 'XDG_STATE_HOME', ['.local', 'state']), APP_DIR);
  return {
    configDir,
    dataDir,
    stateDir,
    userConfig: join(configDir, 'config.toml'),
    registry: join(dataDir, 'tasks.json'),
    stateDb: join(dataDir, 'state.db'),
    logsDir: join(stateDir, 'logs'),
    userPrompts: join(configDir, 'prompts'),
    cacheDir: join(xdg(env, 'XDG_CACHE_HOME', ['.cache']), APP_DIR),
  };
}

/** The repo-level config files, relative to the repo root. */
export const REPO_CONFIG_DIR = '.codex-agent';
export const REPO_CONFIG_FILE = join(REPO_CONFIG_DIR, 'config.toml');
export const REPO_LOCAL_CONFIG_FILE = join(REPO_CONFIG_DIR, 'config.local.toml');
export const REPO_PROMPTS_DIR = join(REPO_CONFIG_DIR, 'prompts');
export const REPO_TASKS_DIR = join(REPO_CONFIG_DIR, 'tasks');
