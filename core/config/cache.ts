/**
 * The validated-config cache: the resolved configuration and its origins, kept as JSON under
 * `$XDG_CACHE_HOME/codex-agents/config/`, so that a command whose configuration has not changed
 * loads neither the TOML parser nor zod (together ~60–100 ms, more than Node's own start-up).
 *
 * An entry is used only when its key matches exactly. The key is a hash of everything the result
 * depends on: the code that loads and validates configuration (and codex-agent's package.json),
 * every config layer's path and content (or its absence), every `CODEX_AGENT_*` variable and the
 * `-c` flags. Anything else is a miss, which loads and validates in full — with the same errors —
 * and stores the result. Only valid configurations are stored. An unreadable, corrupt or
 * unwritable cache is ignored: the cache can be deleted at any time.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../atomic-file.js';
import type { AppPaths } from '../paths.js';
import { configFiles } from './files.js';
import type { EffectiveConfig } from './load.js';

/** Bumped when the stored shape changes. */
const FORMAT = 1;

/** Environment variables that configure codex-agent (a superset of those loadConfig reads). */
const ENV_PREFIX = 'CODEX_AGENT_';

export interface CachedLoadOptions {
  repoRoot?: string;
  env: Record<string, string | undefined>;
  flags?: Record<string, string>;
  paths: AppPaths;
}

/** What one load depends on: the cache key and the file texts it was computed from. */
interface Snapshot {
  key: string;
  file: string;
  texts: Map<string, string | null>;
}

interface Entry {
  format: number;
  key: string;
  effective: EffectiveConfig;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * {@link loadConfig} through the cache: the stored result when nothing it depends on changed,
 * otherwise a full load (which throws the usual `config-invalid` errors) that is then stored.
 */
export async function loadConfigCached(options: CachedLoadOptions): Promise<EffectiveConfig> {
  const snap = snapshot(options);
  const hit = snap && readEntry(snap);
  if (hit) return hit;
  const { loadConfig } = await import('./load.js');
  // The texts the key was computed from, so the stored result matches the key even when a file
  // changes meanwhile.
  const effective = loadConfig({ ...options, fileTexts: snap?.texts });
  if (snap) writeEntry(snap, effective);
  return effective;
}

/** The cache file for one set of layers (the user's config, and the repo's when inside one). */
export function configCacheFile(paths: AppPaths, repoRoot?: string): string {
  return join(paths.cacheDir, 'config', `${sha256(`${paths.userConfig}\0${repoRoot ?? ''}`).slice(0, 32)}.json`);
}

function snapshot(options: CachedLoadOptions): Snapshot | undefined {
  const code = codeIdentity();
  if (code === undefined) return undefined;
  const texts = new Map<string, string | null>();
  for (const f of configFiles(options.paths, options.repoRoot)) {
    try {
      texts.set(f.path, readFileSync(f.path, 'utf8'));
    } catch (err) {
      // Anything but a missing file is left to the full load, which reports it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      texts.set(f.path, null);
    }
  }
  const byName = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const env = Object.entries(options.env).filter(([name, value]) => name.startsWith(ENV_PREFIX) && value !== undefined).sort(byName);
  const flags = Object.entries(options.flags ?? {}).sort(byName);
  const key = sha256(JSON.stringify([FORMAT, code, [...texts], env, flags]));
  return { key, file: configCacheFile(options.paths, options.repoRoot), texts };
}

function readEntry(snap: Snapshot): EffectiveConfig | undefined {
  let entry: Partial<Entry>;
  try {
    entry = JSON.parse(readFileSync(snap.file, 'utf8')) as Partial<Entry>;
  } catch {
    return undefined; // missing, unreadable or corrupt: a miss
  }
  const e = entry?.effective;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (entry?.format !== FORMAT || entry.key !== snap.key || !isObject(e) || !isObject(e!.config) || !isObject(e!.origins) || !Array.isArray(e!.files)) return undefined;
  return e;
}

function writeEntry(snap: Snapshot, effective: EffectiveConfig): void {
  const temp = `${snap.file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(snap.file), { recursive: true, mode: PRIVATE_DIR_MODE });
    // Renamed into place so a concurrent reader sees the old entry or the new one; no fsync: a
    // torn entry after a crash is only a miss.
    writeFileSync(temp, JSON.stringify({ format: FORMAT, key: snap.key, effective } satisfies Entry), { mode: PRIVATE_FILE_MODE });
    renameSync(temp, snap.file);
  } catch {
    // An unwritable cache only costs the full load next time.
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/** Relative imports in compiled or source modules: `from './x.js'`, `import('./x.js')`. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*'(\.\.?\/[^']+)'/g;

let identity: string | null | undefined;

/**
 * A hash of the code that turns config files into a configuration: load.js and every module it
 * imports (schema, keys, validation rules…), plus codex-agent's package.json (its version and
 * dependencies). Undefined when the code cannot be read, which turns the cache off.
 */
function codeIdentity(): string | undefined {
  if (identity !== undefined) return identity ?? undefined;
  try {
    const hash = createHash('sha256');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      hash.update(text).update('\0');
      for (const match of text.matchAll(RELATIVE_IMPORT)) visit(sourceOf(join(dirname(file), match[1]!)));
    };
    const here = dirname(fileURLToPath(import.meta.url));
    visit(sourceOf(join(here, 'load.js')));
    hash.update(readFileSync(packageJsonAbove(here), 'utf8'));
    identity = hash.digest('hex');
  } catch {
    identity = null;
  }
  return identity ?? undefined;
}

/** The module file itself: `x.js` when compiled, `x.ts` when run from source (the tests). */
function sourceOf(path: string): string {
  if (existsSync(path) || !path.endsWith('.js')) return path;
  return `${path.slice(0, -3)}.ts`;
}

function packageJsonAbove(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) throw new Error('no package.json above the config code');
  }
}
