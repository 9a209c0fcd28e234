/**
 * Pure parsers of `git merge-tree --write-tree --name-only -z --messages` output (GIT.md,
 * "merge-tree"), for one merge and for `--stdin` batches. No process is started here.
 */
import { CodexAgentError } from '../errors.js';

/** The kind of a conflict, as the user thinks of it. */
export type ConflictKind = 'content' | 'add/add' | 'modify/delete' | 'rename' | 'other';

/** One conflicted path and every kind of conflict git reported for it. */
export interface FileConflict {
  path: string;
  kinds: ConflictKind[];
}

/** One informational message of the merge (`Auto-merging x`, `CONFLICT (content): …`). */
export interface MergeMessage {
  paths: string[];
  /** git's stable type string, e.g. `Auto-merging`, `CONFLICT (contents)`. */
  type: string;
  text: string;
}

/** The outcome of one dry-run merge. */
export interface MergeTreeResult {
  clean: boolean;
  /** The merged tree (with conflict markers in it when not clean); empty from the worktree fallback. */
  tree: string;
  conflicts: FileConflict[];
  messages: MergeMessage[];
}

const TREE_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The kind named by a message's text. The type field says `CONFLICT (contents)` for both content
 * and add/add conflicts, so the text (`CONFLICT (add/add): Merge conflict in n`) decides.
 */
export function conflictKindOf(text: string): ConflictKind | undefined {
  const match = /^CONFLICT \(([^)]+)\)/.exec(text);
  if (!match) return undefined;
  const name = match[1]!;
  if (name === 'content' || name === 'contents') return 'content';
  if (name === 'add/add') return 'add/add';
  if (name === 'modify/delete') return 'modify/delete';
  if (name.startsWith('rename')) return 'rename';
  return 'other';
}

/** Gives each conflicted path the kinds of the CONFLICT messages that name it. */
export function conflictsOf(paths: readonly string[], messages: readonly MergeMessage[]): FileConflict[] {
  return paths.map((path) => {
    const kinds = new Set<ConflictKind>();
    for (const m of messages) {
      const kind = conflictKindOf(m.text);
      if (kind && m.paths.includes(path)) kinds.add(kind);
    }
    return { path, kinds: kinds.size ? [...kinds] : ['other'] };
  });
}

/** Reads one merge's fields from `fields[at]`: tree, paths up to an empty field, then messages. */
function readMerge(fields: readonly string[], at: number, batch: boolean): { tree: string; paths: string[]; messages: MergeMessage[]; next: number } {
  const tree = fields[at++] ?? '';
  if (!TREE_ID.test(tree)) throw malformed(`expected a tree id, got "${tree.slice(0, 60)}"`);
  const paths: string[] = [];
  while (at < fields.length && fields[at] !== '') paths.push(fields[at++]!);
  at++; // the empty field that ends the paths
  const messages: MergeMessage[] = [];
  while (at < fields.length && fields[at] !== '') {
    const count = Number(fields[at++]);
    if (!Number.isInteger(count) || count < 0 || at + count + 2 > fields.length) throw malformed('a message header is cut off');
    const msgPaths = fields.slice(at, at + count);
    at += count;
    const type = fields[at++]!;
    const text = fields[at++]!.replace(/\n$/, '');
    messages.push({ paths: msgPaths, type, text });
  }
  if (batch) at++; // the empty field that ends this merge in a batch
  return { tree, paths, messages, next: at };
}

function malformed(what: string): CodexAgentError {
  return new CodexAgentError('git-failed', `Could not read the output of git merge-tree: ${what}.`, { hint: 'Check that git is 2.38 or newer (git --version).' });
}

/** NUL-separated fields; the output ends with a NUL, which is not a field of its own. */
function splitFields(stdout: string): string[] {
  const fields = stdout.split('\0');
  if (fields.at(-1) === '') fields.pop();
  return fields;
}

/**
 * One `git merge-tree --write-tree --name-only -z --messages A B`. Exit 0 is clean and exit 1 a
 * conflict — but only when stdout starts with a tree id: an unknown branch also exits 1 with empty
 * stdout, and unrelated histories exit 128. Those throw `git-failed` with git's own words.
 */
export function parseMergeTree(stdout: string, exitCode: number, stderr = ''): MergeTreeResult {
  const fields = splitFields(stdout);
  if ((exitCode !== 0 && exitCode !== 1) || !TREE_ID.test(fields[0] ?? '')) {
    throw new CodexAgentError('git-failed', `git merge-tree could not merge (exit ${exitCode}): ${stderr.trim() || 'no output'}`, {
      hint: 'Check that both branches exist and share history (git log --oneline <base>...<branch>).',
      details: { exitCode },
    });
  }
  const { tree, paths, messages } = readMerge(fields, 0, false);
  return { clean: exitCode === 0, tree, conflicts: exitCode === 0 ? [] : conflictsOf(paths, messages), messages };
}

/**
 * A `git merge-tree --stdin --write-tree --name-only -z --messages` batch: per merge a status
 * field — inverted with respect to the single mode: **1 clean, 0 conflict** — then the same
 * fields as a single merge, then an empty field.
 */
export function parseMergeTreeBatch(stdout: string, expected: number): MergeTreeResult[] {
  const fields = splitFields(stdout);
  const results: MergeTreeResult[] = [];
  let at = 0;
  while (at < fields.length) {
    const status = fields[at++];
    if (status !== '0' && status !== '1') throw malformed(`expected a merge status, got "${(status ?? '').slice(0, 60)}"`);
    const merge = readMerge(fields, at, true);
    at = merge.next;
    const clean = status === '1';
    results.push({ clean, tree: merge.tree, conflicts: clean ? [] : conflictsOf(merge.paths, merge.messages), messages: merge.messages });
  }
  if (results.length !== expected) throw malformed(`expected ${expected} merges, got ${results.length}`);
  return results;
}
