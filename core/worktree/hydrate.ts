import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import { countTree, copyMethodsFor, copyPath, type CopyMethod } from './copy.js';
import { hydratePathProblem } from './paths.js';

/**
 * Hydration: the untracked things a build needs (node_modules, .env, build caches) copied from the
 * main checkout into a new worktree, copy-on-write where the filesystem can (DESIGN §7).
 */

/** A configured path that was not copied, and why. */
export interface SkippedPath {
  path: string;
  reason: 'absent' | 'tracked' | 'exists' | 'nested';
}

/** The paths that will be copied: they exist in the main checkout and git does not track them. */
export interface HydrationPlan {
  paths: string[];
  skipped: SkippedPath[];
}

export interface HydratedPath {
  path: string;
  method: CopyMethod;
  files: number;
  bytes: number;
  ms: number;
}

export interface HydrationReport {
  /** The method of the first copy (the one that matters: node_modules); undefined when nothing was copied. */
  method: CopyMethod | undefined;
  paths: HydratedPath[];
  skipped: SkippedPath[];
  /** Paths that no method could copy; the worktree is still usable without them. */
  failed: { path: string; message: string }[];
  files: number;
  bytes: number;
  ms: number;
  /** When the last copy finished (ms since the epoch): files untouched since are pure copies. */
  hydratedAt: number;
}

export type HydrationEvent =
  | { type: 'hydrate-path'; path: string }
  | { type: 'hydrated-path'; result: HydratedPath }
  | { type: 'hydrate-failed'; path: string; message: string };

const WILDCARD = /[*?]/;

function segmentMatcher(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Expands `*` and `?` within path segments (e.g. `packages/*\/node_modules`) against the directory tree. */
async function expand(root: string, pattern: string): Promise<string[]> {
  const segments = pattern.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  let found = [''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of found) {
      if (!WILDCARD.test(segment)) {
        next.push(base ? `${base}/${segment}` : segment);
        continue;
      }
      const matcher = segmentMatcher(segment);
      const names = await readdir(join(root, base)).catch(() => [] as string[]);
      for (const name of names.sort()) if (name !== '.git' && matcher.test(name)) next.push(base ? `${base}/${name}` : name);
    }
    found = next;
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Throws a config error naming the first unusable `[worktree] hydrate` path. */
export function assertHydratePaths(patterns: readonly string[]): void {
  for (const pattern of patterns) {
    const problem = hydratePathProblem(pattern);
    if (problem) {
      throw new CodexAgentError('config-invalid', `[worktree] hydrate: the path ${JSON.stringify(pattern)} is unusable: ${problem}.`, {
        hint: 'List paths relative to the repo root, e.g. hydrate = ["node_modules", ".env"].',
      });
    }
  }
}

/**
 * Decides what to copy from `source` (the main checkout): the configured paths that exist there and
 * that git does not track (a committed `.env` comes with the checkout and must not be overwritten).
 */
export async function planHydration(source: string, patterns: readonly string[], signal?: AbortSignal): Promise<HydrationPlan> {
  assertHydratePaths(patterns);
  const skipped: SkippedPath[] = [];
  let candidates: string[] = [];
  for (const pattern of patterns) {
    const expanded = await expand(source, pattern);
    for (const path of expanded) {
      if (await exists(join(source, path))) candidates.push(path);
      else if (!WILDCARD.test(pattern)) skipped.push({ path, reason: 'absent' });
    }
  }
  candidates = [...new Set(candidates)];
  // A path inside another configured path is copied with it.
  const nested = candidates.filter((p) => candidates.some((q) => q !== p && p.startsWith(`${q}/`)));
  for (const path of nested) skipped.push({ path, reason: 'nested' });
  candidates = candidates.filter((p) => !nested.includes(p));
  if (candidates.length === 0) return { paths: [], skipped };
  const tracked = await runGit(['--literal-pathspecs', 'ls-files', '-z', '--', ...candidates], { cwd: source, signal });
  const trackedFiles = tracked.stdout.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (const path of candidates) {
    if (trackedFiles.some((f) => f === path || f.startsWith(`${path}/`))) skipped.push({ path, reason: 'tracked' });
    else paths.push(path);
  }
  return { paths, skipped };
}

/**
 * Copies the planned paths from `source` into `target`. Each path is copied with the best method
 * that works (a method whose program is missing is not tried again); its files and bytes are
 * counted while the copy runs. A path no method can copy is reported, not fatal.
 */
export async function hydrate(
  plan: HydrationPlan,
  source: string,
  target: string,
  options: { methods?: readonly CopyMethod[]; signal?: AbortSignal; onEvent?: (event: HydrationEvent) => void } = {},
): Promise<HydrationReport> {
  const started = Date.now();
  let methods = [...(options.methods ?? copyMethodsFor())];
  const report: HydrationReport = { method: undefined, paths: [], skipped: [...plan.skipped], failed: [], files: 0, bytes: 0, ms: 0, hydratedAt: started };
  for (const path of plan.paths) {
    const to = join(target, path);
    if (await exists(to)) {
      report.skipped.push({ path, reason: 'exists' });
      continue;
    }
    options.onEvent?.({ type: 'hydrate-path', path });
    const t0 = Date.now();
    let counted = { files: 0, bytes: 0 };
    const from = join(source, path);
    const copied = await copyPath(from, to, methods, { signal: options.signal, whileCopying: () => (counted = countTree(from)) });
    methods = methods.filter((m) => !copied.failures.some((f) => f.method === m && f.missing));
    if (!copied.method) {
      const message = copied.failures.map((f) => `${f.method}: ${f.message}`).join('; ') || 'no copy method is available';
      report.failed.push({ path, message });
      options.onEvent?.({ type: 'hydrate-failed', path, message });
      continue;
    }
    const result: HydratedPath = { path, method: copied.method, ...counted, ms: Date.now() - t0 };
    report.method ??= copied.method;
    report.paths.push(result);
    report.files += result.files;
    report.bytes += result.bytes;
    options.onEvent?.({ type: 'hydrated-path', result });
  }
  report.hydratedAt = Date.now();
  report.ms = report.hydratedAt - started;
  return report;
}

/** What the manifest in the worktree's git dir records, for removal to recognise pure copies. */
export interface HydrationManifest {
  version: 1;
  /** When the copies were done (ms since the epoch). */
  hydratedAt: number;
  /**
   * A file under `paths` whose ctime is at or before this is untouched since it was copied. It is
   * `hydratedAt`, or the end of the previous second on a filesystem with whole-second timestamps,
   * where an edit in the same second would look as old as the copy.
   */
  untouchedUntil: number;
  paths: string[];
}

const MANIFEST_FILE = 'codex-agent-hydration.json';
const NS_PER_S = 1_000_000_000n;

/** Records a hydration in the worktree's own git dir (removed with the worktree). */
export async function writeHydrationManifest(worktree: string, worktreeGitDir: string, report: HydrationReport): Promise<void> {
  const first = report.paths[0];
  const ctime = first ? (await lstat(join(worktree, first.path), { bigint: true }).catch(() => undefined))?.ctimeNs : undefined;
  const coarse = ctime !== undefined && ctime % NS_PER_S === 0n;
  const untouchedUntil = coarse ? Math.floor(report.hydratedAt / 1000) * 1000 - 1 : report.hydratedAt;
  const manifest: HydrationManifest = { version: 1, hydratedAt: report.hydratedAt, untouchedUntil, paths: report.paths.map((p) => p.path) };
  await writeFile(join(worktreeGitDir, MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
}

/** The hydration manifest of a worktree, or undefined when it was not hydrated (or the file is unreadable). */
export async function readHydrationManifest(worktreeGitDir: string): Promise<HydrationManifest | undefined> {
  try {
    const doc = JSON.parse(await readFile(join(worktreeGitDir, MANIFEST_FILE), 'utf8')) as Partial<HydrationManifest>;
    if (doc.version !== 1 || typeof doc.hydratedAt !== 'number' || typeof doc.untouchedUntil !== 'number' || !Array.isArray(doc.paths)) return undefined;
    return { version: 1, hydratedAt: doc.hydratedAt, untouchedUntil: doc.untouchedUntil, paths: doc.paths.filter((p): p is string => typeof p === 'string') };
  } catch {
    return undefined;
  }
}
