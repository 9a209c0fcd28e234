import { resolve } from 'node:path';
import { CodexAgentError } from '../core/errors.js';
import { findRepo, repoAround, type Repo } from '../core/git/repo.js';
import { appPaths, type AppPaths } from '../core/paths.js';
import type { EffectiveConfig } from '../core/config/load.js';

/** What every command needs, resolved lazily so cheap commands stay cheap. */
export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  paths: AppPaths;
  /** `-c key=value` overrides from the command line. */
  configFlags: Record<string, string>;
  /** The repo containing cwd, or undefined outside one. */
  repo(): Promise<Repo | undefined>;
  /** The repo containing cwd; an error outside one. */
  requireRepo(): Promise<Repo>;
  /** The effective config for the repo (or the user's alone outside a repo). */
  config(extraFlags?: Record<string, string>): Promise<EffectiveConfig>;
}

export function makeContext(options: { cwd?: string; config?: string[] }): Context {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = process.env;
  const paths = appPaths(env);
  const configFlags: Record<string, string> = {};
  for (const pair of options.config ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new CodexAgentError('usage', `-c expects KEY=VALUE, got "${pair}".`, { hint: 'For example: -c manager.max_parallel=8' });
    }
    configFlags[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  let repoPromise: Promise<Repo | undefined> | undefined;
  const repo = () => {
    repoPromise ??= repoAround(cwd);
    return repoPromise;
  };
  return {
    cwd,
    env,
    paths,
    configFlags,
    repo,
    async requireRepo() {
      const found = await repo();
      if (found) return found;
      return findRepo(cwd); // throws the not-a-repo error with its hint
    },
    async config(extraFlags = {}) {
      // Through the validated-config cache: an unchanged configuration loads neither TOML nor zod.
      const { loadConfigCached } = await import('../core/config/cache.js');
      const r = await repo();
      return loadConfigCached({ repoRoot: r?.root, env, paths, flags: { ...configFlags, ...extraFlags } });
    },
  };
}
