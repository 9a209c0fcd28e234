import { CodexAgentError } from './errors.js';

/** A task slug: lowercase letters, digits and dashes, starting with a letter or digit, ≤ 63 characters. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SLUG_MAX = 63;

/** Throws a clear error unless `slug` is a valid task slug. */
export function assertSlug(slug: string): void {
  if (SLUG_PATTERN.test(slug)) return;
  let why = 'it may only contain lowercase letters, digits and dashes';
  if (slug.length === 0) why = 'it is empty';
  else if (slug.length > SLUG_MAX) why = `it is longer than ${SLUG_MAX} characters`;
  else if (slug.startsWith('-')) why = 'it starts with a dash';
  else if (slug.includes('/')) why = 'it contains "/" (use <repo-name>/<slug> only to address a task, not to name it)';
  throw new CodexAgentError('invalid-slug', `Invalid task slug ${JSON.stringify(slug)}: ${why}.`, {
    hint: 'A slug matches [a-z0-9][a-z0-9-]{0,62}, e.g. "add-dark-mode".',
  });
}

/**
 * A slug from a title: accents dropped, lowercased, everything else turned into single dashes,
 * cut at a word boundary to fit. Returns "" when nothing usable is left (e.g. a title in CJK).
 */
export function slugFromTitle(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const dashed = ascii.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (dashed.length <= SLUG_MAX) return dashed;
  const cut = dashed.slice(0, SLUG_MAX);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 20 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

/** `base`, or `base-2`, `base-3`… — the first that `taken` does not hold, kept within the length limit. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Why `name` is not a safe branch name, or undefined when it is. Follows `git check-ref-format
 * --branch` and is stricter where a name could be mistaken for an option, a path outside the repo
 * or shell syntax (RELIABILITY rule 10, IN-1): `feat/$(id)` is a valid git ref but never ours.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 200) return 'it is longer than 200 characters';
  if (name.startsWith('-')) return 'it starts with "-" and would be read as an option';
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return 'it is an absolute path';
  if (name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@') return 'it is "@"';
  if (name === 'HEAD') return 'it is "HEAD"';
  if (/[$`'"!;&|<>(){}#%]/.test(name)) return 'it contains shell syntax ($ ` \' " ! ; & | < > ( ) { } # %)';
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `the component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `the component "${part}" ends with ".lock"`;
  }
  if (name.endsWith('.')) return 'it ends with "."';
  return undefined;
}

/** Throws a clear error unless `name` is a safe branch name. */
export function assertBranchName(name: string, what = 'branch name'): void {
  const problem = branchNameProblem(name);
  if (problem) {
    throw new CodexAgentError('invalid-branch', `Invalid ${what} ${JSON.stringify(name)}: ${problem}.`, {
      hint: 'Use letters, digits, "-", "_", "." and "/" separated components, e.g. "main" or "feature/dark-mode".',
    });
  }
}

/** The branch for a task from a pattern such as `codex/{slug}`. */
export function branchForSlug(pattern: string, slug: string): string {
  const branch = pattern.replaceAll('{slug}', slug);
  assertBranchName(branch, `branch (from the pattern ${JSON.stringify(pattern)})`);
  return branch;
}

/**
 * Why a file-scope glob is unusable, or undefined. Globs are relative to the repo root and may not
 * climb out of it.
 */
export function fileGlobProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'it is empty';
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'it is an absolute path; file scopes are relative to the repo root';
  if (glob.split(/[\\/]/).includes('..')) return 'it climbs out of the repo with ".."';
  if (/[\x00-\x1f]/.test(glob)) return 'it contains a control character';
  return undefined;
}
