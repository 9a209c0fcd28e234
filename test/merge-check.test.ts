import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dryRunBatch, dryRunMerge } from '../core/merge/merge-tree.js';
import { conflictKindOf, parseMergeTree, parseMergeTreeBatch } from '../core/merge/merge-tree-parse.js';
import { branchWith, commitFiles, g, lines, realMergeConflicts } from './helpers/merge-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

const TREE = 'a'.repeat(40);

describe('merge-tree output parsing', () => {
  it('reads a conflicting merge: tree, paths, messages, kinds', () => {
    const out = `${TREE}\0f\0n\0\x001\0f\0Auto-merging\0Auto-merging f\n\x001\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\x001\0n\0CONFLICT (contents)\0CONFLICT (add/add): Merge conflict in n\n\0`;
    const r = parseMergeTree(out, 1);
    expect(r.clean).toBe(false);
    expect(r.tree).toBe(TREE);
    expect(r.conflicts).toEqual([
      { path: 'f', kinds: ['content'] },
      { path: 'n', kinds: ['add/add'] },
    ]);
    expect(r.messages).toHaveLength(3);
  });

  it('refuses exit 1 without a tree id (an unknown branch) and exit 128 (unrelated histories)', () => {
    expect(() => parseMergeTree('', 1, 'merge-tree: nosuch - not something we can merge')).toThrow(/not something we can merge/);
    expect(() => parseMergeTree('', 128, 'fatal: refusing to merge unrelated histories')).toThrow(/unrelated/);
  });

  it('reads a --stdin batch, whose status is inverted (1 clean, 0 conflict)', () => {
    const conflict = `0\0${TREE}\0f\0\x001\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0\0`;
    const clean = `1\0${'b'.repeat(40)}\0\0\0`;
    const [a, b] = parseMergeTreeBatch(conflict + clean, 2);
    expect(a).toMatchObject({ clean: false, conflicts: [{ path: 'f', kinds: ['content'] }] });
    expect(b).toMatchObject({ clean: true, conflicts: [], tree: 'b'.repeat(40) });
    expect(() => parseMergeTreeBatch(clean, 2)).toThrow(/expected 2 merges, got 1/);
  });

  it('names the kinds of conflict messages', () => {
    expect(conflictKindOf('CONFLICT (modify/delete): g deleted in t1 and modified in main.')).toBe('modify/delete');
    expect(conflictKindOf('CONFLICT (rename/delete): r renamed to r2 in main, but deleted in t1.')).toBe('rename');
    expect(conflictKindOf('CONFLICT (file/directory): …')).toBe('other');
    expect(conflictKindOf('Auto-merging f')).toBeUndefined();
  });
});

/** One scenario per conflict kind: what main does and what the topic branch does, from a shared start. */
const SCENARIOS: { name: string; main: Record<string, string | null>; mainRenames?: [string, string][]; topic: Record<string, string | null>; topicRenames?: [string, string][]; kinds: string[] }[] = [
  { name: 'clean', main: { 'a.txt': lines(20, { 2: 'main' }) }, topic: { 'a.txt': lines(20, { 18: 'topic' }), 'new.txt': 'new\n' }, kinds: [] },
  { name: 'content', main: { 'a.txt': lines(20, { 5: 'main' }) }, topic: { 'a.txt': lines(20, { 5: 'topic' }) }, kinds: ['content'] },
  { name: 'add/add', main: { 'n.txt': 'from main\n' }, topic: { 'n.txt': 'from topic\n' }, kinds: ['add/add'] },
  { name: 'modify/delete', main: { 'g.txt': 'changed on main\n' }, topic: { 'g.txt': null }, kinds: ['modify/delete'] },
  { name: 'rename/delete', main: {}, mainRenames: [['r.txt', 'r-main.txt']], topic: { 'r.txt': null }, kinds: ['rename'] },
  { name: 'rename/rename', main: {}, mainRenames: [['r.txt', 'r-main.txt']], topic: {}, topicRenames: [['r.txt', 'r-topic.txt']], kinds: ['rename'] },
];

function scenarioRepo(s: (typeof SCENARIOS)[number]): string {
  const repo = sb.repo();
  commitFiles(sb, repo, { 'a.txt': lines(20), 'g.txt': 'g\n', 'r.txt': lines(30) }, 'start');
  branchWith(sb, repo, 'topic', 'main', s.topic, s.topicRenames);
  for (const [a, b] of s.mainRenames ?? []) g(sb, repo, 'mv', a, b);
  commitFiles(sb, repo, s.main, 'main: change');
  return repo;
}

describe('dry-run merges against a real git merge (the oracle)', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: merge-tree and the worktree fallback report what git merge does`, async () => {
      const repo = scenarioRepo(s);
      const oracle = realMergeConflicts(sb, repo, 'main', 'topic');
      const viaTree = await dryRunMerge(repo, 'main', 'topic');
      const viaWorktree = await dryRunMerge(repo, 'main', 'topic', { forceWorktree: true });
      expect(viaTree.method).toBe('merge-tree');
      expect(viaWorktree.method).toBe('worktree');
      expect(viaTree.clean).toBe(oracle.length === 0);
      expect(viaTree.conflicts.map((c) => c.path).sort()).toEqual(oracle);
      expect(viaWorktree.conflicts.map((c) => c.path).sort()).toEqual(oracle);
      expect([...new Set(viaTree.conflicts.flatMap((c) => c.kinds))].sort()).toEqual(s.kinds);
      expect([...new Set(viaWorktree.conflicts.flatMap((c) => c.kinds))].sort()).toEqual(s.kinds);
      if (s.kinds.length) expect(oracle.length).toBeGreaterThan(0);
      // Nothing was touched: the main worktree is clean, no extra worktree is left.
      expect(g(sb, repo, 'status', '--porcelain')).toBe('');
      expect(g(sb, repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    });
  }

  it('a batch gives the same answers as one merge at a time, in order', async () => {
    const repo = scenarioRepo(SCENARIOS[1]!);
    branchWith(sb, repo, 'other', 'main~1', { 'z.txt': 'z\n' });
    const ids = ['main', 'topic', 'other'].map((r) => g(sb, repo, 'rev-parse', r).trim());
    const pairs = [[ids[0]!, ids[1]!], [ids[0]!, ids[2]!], [ids[1]!, ids[2]!]] as const;
    const batch = await dryRunBatch(repo, pairs);
    expect(batch.map((b) => b.clean)).toEqual([false, true, true]);
    for (const [i, [a, b]] of pairs.entries()) expect((await dryRunMerge(repo, a, b)).conflicts).toEqual(batch[i]!.conflicts);
  });

  it('an unknown branch is an error, not a conflict', async () => {
    const repo = sb.repo();
    await expect(dryRunMerge(repo, 'main', 'no-such-branch')).rejects.toThrow(/not something we can merge/);
  });
});
