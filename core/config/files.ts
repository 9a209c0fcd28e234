import { join } from 'node:path';
import { REPO_CONFIG_FILE, REPO_LOCAL_CONFIG_FILE, type AppPaths } from '../paths.js';

/**
 * The config layers on disk. Kept apart from load.ts, which loads smol-toml and zod, so that the
 * config cache can find the files without paying for either.
 */

export interface ConfigFile {
  source: 'user' | 'repo' | 'local';
  path: string;
  exists: boolean;
}

/** The config files that apply to a repo (or only the user's outside a repo), lowest precedence first. */
export function configFiles(paths: AppPaths, repoRoot?: string): ConfigFile[] {
  const files: ConfigFile[] = [{ source: 'user', path: paths.userConfig, exists: false }];
  if (repoRoot) {
    files.push({ source: 'repo', path: join(repoRoot, REPO_CONFIG_FILE), exists: false });
    files.push({ source: 'local', path: join(repoRoot, REPO_LOCAL_CONFIG_FILE), exists: false });
  }
  return files;
}
