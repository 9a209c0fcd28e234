import { runGit } from '../git/run.js';

/**
 * The change a task made: `git diff <base>...<branch>` (what the branch added since it forked),
 * read as added lines with their line numbers, for the policies, and as text, for the reviewer.
 */

export interface AddedLine {
  file: string;
  /** Line number in the new version of the file. */
  line: number;
  text: string;
}

export interface FileChange {
  path: string;
  deleted: boolean;
  binary: boolean;
  /** Size in the branch (bytes), for files that still exist. */
  size: number | null;
}

export interface TaskDiff {
  files: FileChange[];
  added: AddedLine[];
  removedCount: number;
  /** The full unified diff, for the reviewer. */
  text: string;
}

/** Unquotes a path as git prints it (`"a\tb"` for unusual characters), or returns it as it is. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path.slice(1, -1);
  }
}

/** Parses `git diff -U0` output. Pure. */
export function parseUnifiedDiff(text: string): { files: Omit<FileChange, 'size'>[]; added: AddedLine[]; removedCount: number } {
  const files: Omit<FileChange, 'size'>[] = [];
  const added: AddedLine[] = [];
  let removedCount = 0;
  let current: Omit<FileChange, 'size'> | undefined;
  let next = 0;
  let inHunk = false;
  for (const raw of text.split('\n')) {
    if (raw.startsWith('diff --git ')) {
      const match = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?$/.exec(raw);
      current = { path: unquote(match ? match[2]! : raw.slice(11)), deleted: false, binary: false };
      files.push(current);
      inHunk = false;
    } else if (!current) continue;
    else if (!inHunk && raw.startsWith('+++ ')) {
      // git ends the name with a tab when it holds a space (so that patch can find its end).
      const target = raw.slice(4).replace(/\t$/, '');
      if (target === '/dev/null') current.deleted = true;
      else current.path = unquote(target).replace(/^b\//, '');
    } else if (!inHunk && raw.startsWith('deleted file mode')) current.deleted = true;
    else if (!inHunk && raw.startsWith('Binary files ')) current.binary = true;
    else if (raw.startsWith('@@')) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
      next = match ? Number(match[1]) : 0;
      inHunk = true;
    } else if (inHunk && raw.startsWith('+')) added.push({ file: current.path, line: next++, text: raw.slice(1) });
    else if (inHunk && raw.startsWith('-')) removedCount++;
    else if (inHunk && raw.startsWith(' ')) next++;
  }
  return { files, added, removedCount };
}

/** Parses `git ls-tree -l -z` output into path → size. Pure. */
export function parseTreeSizes(text: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const entry of text.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const size = Number(entry.slice(0, tab).trim().split(/\s+/)[3]);
    if (Number.isFinite(size)) sizes.set(entry.slice(tab + 1), size);
  }
  return sizes;
}

const LS_TREE_BATCH = 400;

/** The task's change: `<base>...<branch>` in the repo at `cwd`. */
export async function readTaskDiff(cwd: string, base: string, branch: string): Promise<TaskDiff> {
  const range = `${base}...${branch}`;
  const common = ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--no-renames'];
  const [zero, full] = await Promise.all([
    runGit([...common, '-U0', range, '--'], { cwd }),
    runGit([...common, range, '--'], { cwd }),
  ]);
  const parsed = parseUnifiedDiff(zero.stdout);
  const present = parsed.files.filter((f) => !f.deleted).map((f) => f.path);
  const sizes = new Map<string, number>();
  for (let i = 0; i < present.length; i += LS_TREE_BATCH) {
    const listed = await runGit(['ls-tree', '-l', '-z', branch, '--', ...present.slice(i, i + LS_TREE_BATCH)], { cwd });
    for (const [path, size] of parseTreeSizes(listed.stdout)) sizes.set(path, size);
  }
  return {
    files: parsed.files.map((f) => ({ ...f, size: f.deleted ? null : (sizes.get(f.path) ?? null) })),
    added: parsed.added,
    removedCount: parsed.removedCount,
    text: full.stdout,
  };
}
