import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configCacheFile, loadConfigCached, type CachedLoadOptions } from '../core/config/cache.js';
import { loadConfig } from '../core/config/load.js';
import { CodexAgentError } from '../core/errors.js';
import { appPaths } from '../core/paths.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
});
afterEach(() => sb.cleanup());

const repoConfig = () => join(repo, '.codex-agent', 'config.toml');
const localConfig = () => join(repo, '.codex-agent', 'config.local.toml');
const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const options = (over: Partial<CachedLoadOptions> = {}): CachedLoadOptions => ({ repoRoot: repo, env: sb.env, paths: appPaths(sb.env), ...over });
const cacheFile = (o = options()) => configCacheFile(o.paths, o.repoRoot);
const maxParallel = async (o = options()) => {
  const { config, origins } = await loadConfigCached(o);
  return [config.manager.max_parallel, origins['manager.max_parallel']?.source];
};
/** Changes the stored value behind the cache's back: seeing it proves the entry was used. */
const tamper = (file: string, value: number) => {
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  entry.effective.config.manager.max_parallel = value;
  writeFileSync(file, JSON.stringify(entry));
};

describe('the validated-config cache', () => {
  it('stores a valid configuration under the XDG cache dir and serves it while nothing changed', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    const first = await loadConfigCached(options());
    expect(first).toEqual(loadConfig(options()));
    expect(cacheFile()).toContain(join(sb.env.HOME!, '.cache', 'codex-agents', 'config'));
    expect(existsSync(cacheFile())).toBe(true);
    tamper(cacheFile(), 42);
    expect(await maxParallel()).toEqual([42, 'repo']);
  });

  it('misses when any layer is edited, created or deleted', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    expect(await maxParallel()).toEqual([6, 'repo']);
    tamper(cacheFile(), 42);
    write(repoConfig(), '[manager]\nmax_parallel = 7\n');
    expect(await maxParallel()).toEqual([7, 'repo']);
    write(localConfig(), '[manager]\nmax_parallel = 9\n');
    expect(await maxParallel()).toEqual([9, 'local']);
    write(join(sb.env.XDG_CONFIG_HOME!, 'codex-agents', 'config.toml'), '[tasks]\nretries = 5\n');
    expect((await loadConfigCached(options())).config.tasks.retries).toBe(5);
    rmSync(localConfig());
    expect(await maxParallel()).toEqual([7, 'repo']);
  });

  it('misses when a CODEX_AGENT_* variable or a -c flag changes', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    expect(await maxParallel()).toEqual([6, 'repo']);
    tamper(cacheFile(), 42);
    const env = (value: string) => options({ env: { ...sb.env, CODEX_AGENT_MANAGER_MAX_PARALLEL: value } });
    expect(await maxParallel(env('8'))).toEqual([8, 'env']);
    expect(await maxParallel(env('3'))).toEqual([3, 'env']);
    expect(await maxParallel(options({ flags: { 'manager.max_parallel': '2' } }))).toEqual([2, 'flag']);
    expect(await maxParallel(options({ flags: { 'manager.max_parallel': '5' } }))).toEqual([5, 'flag']);
    expect(await maxParallel(options({ flags: { 'tasks.retries': '1' } }))).toEqual([6, 'repo']);
    expect(await maxParallel()).toEqual([6, 'repo']);
  });

  it('ignores a corrupt or foreign cache file and replaces it with a good entry', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    await loadConfigCached(options());
    const good = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    for (const bad of ['', '{"format":1,"key":', 'null', '[]', JSON.stringify({ ...good, effective: { config: [] } }), JSON.stringify({ ...good, format: 0 })]) {
      writeFileSync(cacheFile(), bad);
      expect(await maxParallel(), bad).toEqual([6, 'repo']);
      expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).toEqual(good);
    }
  });

  it('still works when the cache cannot be written', async () => {
    const paths = appPaths(sb.env);
    write(paths.cacheDir, 'a file where the cache folder should be');
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    expect(await maxParallel()).toEqual([6, 'repo']);
    expect(await maxParallel()).toEqual([6, 'repo']);
  });

  it('reports an invalid configuration exactly as a full load does, and never caches it', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    await loadConfigCached(options());
    const stored = readFileSync(cacheFile(), 'utf8');
    for (const text of ['[manager]\nmax_parallel = 0\n', '[manager\nmax_parallel = 6\n', '[manager]\nmax_paralel = 6\n']) {
      write(repoConfig(), text);
      const expected = (() => {
        try {
          loadConfig(options());
        } catch (err) {
          return err as CodexAgentError;
        }
        throw new Error('the full load accepted it');
      })();
      for (let i = 0; i < 2; i++) {
        const err = await loadConfigCached(options()).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(CodexAgentError);
        expect((err as CodexAgentError).code).toBe('config-invalid');
        expect((err as CodexAgentError).message).toBe(expected.message);
      }
    }
    expect(readFileSync(cacheFile(), 'utf8')).toBe(stored);
  });

  it('lets a command with unchanged config run without loading smol-toml or zod', async () => {
    write(repoConfig(), '[manager]\nmax_parallel = 6\n');
    // A module hook that lists every module the CLI loads.
    const loaded = join(sb.dir, 'loaded.txt');
    const hook = join(sb.dir, 'hook.mjs');
    writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + '\\n'); return next(url, context); }\n`);
    const register = join(sb.dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    const add = (title: string) => {
      rmSync(loaded, { force: true });
      const r = spawnSync(process.execPath, ['--import', register, BIN, 'task', 'add', title], { cwd: repo, env: sb.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(loaded, 'utf8');
    };
    expect(add('First')).toMatch(/node_modules\/smol-toml\//); // a miss: the full load
    const second = add('Second');
    expect(second).toContain('/core/config/cache.js');
    expect(second).not.toMatch(/node_modules\/(zod|smol-toml)\//);
  });
});
