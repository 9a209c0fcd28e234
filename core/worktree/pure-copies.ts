import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { HydrationManifest } from './hydrate.js';

/**
 * Which ignored files of a worktree can go without loss: the pure hydration copies. A file is one
 * when it was copied by hydration and not changed since (its ctime — which no tool can set back —
 * is not after the hydration), or when it is byte-for-byte the main checkout's file at the same
 * path (e.g. node_modules reinstalled by `npm ci` from the same lockfile). Anything else — a `.env`
 * edited by hand, build output — would be lost.
 */

const CHUNK = 1024 * 1024;

function sameContent(a: string, b: string, size: number): boolean {
  if (size === 0) return true;
  const fa = openSync(a, 'r');
  try {
    const fb = openSync(b, 'r');
    try {
      const ba = Buffer.allocUnsafe(Math.min(CHUNK, size));
      const bb = Buffer.allocUnsafe(Math.min(CHUNK, size));
      for (let pos = 0; pos < size; ) {
        const na = readSync(fa, ba, 0, ba.length, pos);
        const nb = readSync(fb, bb, 0, bb.length, pos);
        if (na !== nb || na === 0 || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
        pos += na;
      }
      return true;
    } finally {
      closeSync(fb);
    }
  } finally {
    closeSync(fa);
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** True when the worktree's file at `rel` equals the main checkout's. */
function equalsMain(worktree: string, repoRoot: string, rel: string, stat: Stats): boolean {
  const theirs = lstatOrUndefined(join(repoRoot, rel));
  if (!theirs) return false;
  if (stat.isSymbolicLink()) return theirs.isSymbolicLink() && readlinkSync(join(worktree, rel)) === readlinkSync(join(repoRoot, rel));
  if (!stat.isFile() || !theirs.isFile() || stat.size !== theirs.size) return false;
  try {
    return sameContent(join(worktree, rel), join(repoRoot, rel), stat.size);
  } catch {
    return false;
  }
}

/** Every file under `rel` (a directory entry of `git ls-files`, e.g. a nested repository). */
function filesUnder(worktree: string, rel: string): string[] {
  const out: string[] = [];
  const stack = [rel.replace(/\/$/, '')];
  while (stack.length) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(worktree, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      const child = `${dir}/${name}`;
      if (lstatOrUndefined(join(worktree, child))?.isDirectory()) stack.push(child);
      else out.push(child);
    }
  }
  return out;
}

/**
 * The ignored files (paths relative to `worktree`, as `git ls-files --others --ignored` lists them)
 * that are not pure hydration copies, i.e. that removing the worktree would lose.
 */
export function ignoredFilesAtRisk(worktree: string, repoRoot: string, ignored: readonly string[], manifest: HydrationManifest | undefined): string[] {
  const hydrated = manifest?.paths ?? [];
  const copiedByHydration = (rel: string) => hydrated.some((p) => rel === p || rel.startsWith(`${p}/`));
  const atRisk: string[] = [];
  const files = ignored.flatMap((rel) => (rel.endsWith('/') ? filesUnder(worktree, rel) : [rel]));
  for (const rel of files) {
    const stat = lstatOrUndefined(join(worktree, rel));
    if (!stat || stat.isDirectory()) continue;
    if (manifest && copiedByHydration(rel) && Math.floor(stat.ctimeMs) <= manifest.untouchedUntil) continue;
    if (equalsMain(worktree, repoRoot, rel, stat)) continue;
    atRisk.push(rel);
  }
  return atRisk;
}
