/**
 * Pure parsers of git's machine-readable output (STYLE rule 5). No git is run here: callers pass
 * the text, tests pass real output captured from real repositories.
 */

/** One changed path from `git status --porcelain=v2 -z`. */
export interface StatusEntry {
  /** `changed` (type 1), `renamed` (type 2: rename or copy), `unmerged` (u), `untracked` (?), `ignored` (!). */
  kind: 'changed' | 'renamed' | 'unmerged' | 'untracked' | 'ignored';
  /** The two-letter XY code (`.` = unchanged); `??` / `!!` for untracked and ignored paths. */
  xy: string;
  /** Path relative to the worktree root, exactly as git wrote it (no quoting with -z). */
  path: string;
  /** The path before a rename or copy. */
  origPath?: string;
}

/** The `# branch.*` headers of `git status --porcelain=v2 --branch`. */
export interface StatusBranch {
  /** The commit checked out; undefined on an unborn branch (`(initial)`). */
  oid: string | undefined;
  /** The branch name; undefined on a detached HEAD. */
  head: string | undefined;
  detached: boolean;
  upstream: string | undefined;
  /** Against the upstream, when one is set and exists. */
  ahead: number | undefined;
  behind: number | undefined;
}

/** What `git status --porcelain=v2 --branch -z` says about a worktree. */
export interface StatusSummary {
  branch: StatusBranch;
  /** Paths with a change in the index. */
  staged: number;
  /** Paths with a change in the worktree not yet staged. */
  unstaged: number;
  untracked: number;
  ignored: number;
  /** Paths with a merge conflict. */
  conflicted: number;
  entries: StatusEntry[];
}

/** Number of space-separated fields before the path in each entry type. */
const FIELDS_BEFORE_PATH = { '1': 8, '2': 9, u: 10 } as const;

/** The rest of `line` after `count` space-separated fields: the path, which may itself contain spaces. */
function afterFields(line: string, count: number): string {
  let at = 0;
  for (let i = 0; i < count; i++) {
    at = line.indexOf(' ', at);
    if (at < 0) throw new Error(`Unexpected git status line: ${JSON.stringify(line)}`);
    at += 1;
  }
  return line.slice(at);
}

function parseBranchHeader(field: string, branch: StatusBranch): void {
  const [, key = '', ...rest] = field.split(' ');
  const value = rest.join(' ');
  if (key === 'branch.oid') branch.oid = value === '(initial)' ? undefined : value;
  else if (key === 'branch.head') {
    branch.detached = value === '(detached)';
    branch.head = branch.detached ? undefined : value;
  } else if (key === 'branch.upstream') branch.upstream = value;
  else if (key === 'branch.ab') {
    const match = /^\+(\d+) -(\d+)$/.exec(value);
    if (match) {
      branch.ahead = Number(match[1]);
      branch.behind = Number(match[2]);
    }
  }
}

/**
 * Parses `git status --porcelain=v2 [--branch] -z`. Every record ends with NUL; a rename or copy
 * (type 2) is followed by one more NUL-terminated field, the original path.
 */
export function parseStatusV2(text: string): StatusSummary {
  const branch: StatusBranch = { oid: undefined, head: undefined, detached: false, upstream: undefined, ahead: undefined, behind: undefined };
  const summary: StatusSummary = { branch, staged: 0, unstaged: 0, untracked: 0, ignored: 0, conflicted: 0, entries: [] };
  const fields = text.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === '') continue;
    const type = field[0];
    if (type === '#') {
      parseBranchHeader(field, branch);
    } else if (type === '1' || type === '2' || type === 'u') {
      const xy = field.slice(2, 4);
      const path = afterFields(field, FIELDS_BEFORE_PATH[type]);
      if (type === 'u') {
        summary.conflicted++;
        summary.entries.push({ kind: 'unmerged', xy, path });
        continue;
      }
      if (xy[0] !== '.') summary.staged++;
      if (xy[1] !== '.') summary.unstaged++;
      if (type === '2') {
        summary.entries.push({ kind: 'renamed', xy, path, origPath: fields[++i] ?? '' });
      } else {
        summary.entries.push({ kind: 'changed', xy, path });
      }
    } else if (type === '?') {
      summary.untracked++;
      summary.entries.push({ kind: 'untracked', xy: '??', path: field.slice(2) });
    } else if (type === '!') {
      summary.ignored++;
      summary.entries.push({ kind: 'ignored', xy: '!!', path: field.slice(2) });
    } else {
      throw new Error(`Unexpected git status record: ${JSON.stringify(field)}`);
    }
  }
  return summary;
}

/** Commits on each side of `git rev-list --left-right --count A...B`. */
export interface LeftRight {
  /** Commits reachable from A only. */
  left: number;
  /** Commits reachable from B only. */
  right: number;
}

/** Parses the `<left>\t<right>` line of `git rev-list --left-right --count`. */
export function parseLeftRightCount(text: string): LeftRight {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`Unexpected git rev-list --count output: ${JSON.stringify(text)}`);
  return { left: Number(match[1]), right: Number(match[2]) };
}

/** The totals of `git diff --shortstat`. */
export interface ShortStat {
  files: number;
  insertions: number;
  deletions: number;
}

/**
 * Parses `git diff --shortstat`: ` 3 files changed, 10 insertions(+), 2 deletions(-)`, where either
 * count may be missing, and empty output means no difference. Needs git's English messages
 * (runGit sets LC_ALL=C).
 */
export function parseShortStat(text: string): ShortStat {
  const trimmed = text.trim();
  if (trimmed === '') return { files: 0, insertions: 0, deletions: 0 };
  const count = (pattern: RegExp) => Number(pattern.exec(trimmed)?.[1] ?? 0);
  const files = /(\d+) files? changed/.exec(trimmed);
  if (!files) throw new Error(`Unexpected git diff --shortstat output: ${JSON.stringify(text)}`);
  return { files: Number(files[1]), insertions: count(/(\d+) insertions?\(\+\)/), deletions: count(/(\d+) deletions?\(-\)/) };
}

/** The last commit, from `git log -1 --format=%H%x00%s%x00%ct`. */
export interface CommitInfo {
  hash: string;
  subject: string;
  /** Committer time in seconds since the epoch. */
  time: number;
}

/** The git format string that `parseCommitLine` reads. */
export const COMMIT_FORMAT = '--format=%H%x00%s%x00%ct';

/** Parses one commit printed with COMMIT_FORMAT; undefined for empty output (no commit). */
export function parseCommitLine(text: string): CommitInfo | undefined {
  const line = text.replace(/\n$/, '');
  if (line === '') return undefined;
  const [hash = '', subject = '', time = ''] = line.split('\0');
  if (!/^[0-9a-f]{40,64}$/.test(hash) || !/^\d+$/.test(time)) throw new Error(`Unexpected git log output: ${JSON.stringify(text)}`);
  return { hash, subject, time: Number(time) };
}
