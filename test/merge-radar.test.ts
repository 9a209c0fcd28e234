import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflictingPairs } from '../core/merge/merge-check-store.js';
import { openStateStore } from '../core/store/open.js';
import { branchWith, commitFiles, g, lines } from './helpers/merge-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask } from './helpers/worktree-repo.js';

let sb: Sandbox;
let repo: string;
beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo('app');
  commitFiles(sb, repo, { 'x.txt': lines(20), 'y.txt': lines(20) }, 'start');
  // a and b edit the same line; c and d add the same file; e collides with its base; f is alone.
  const changes: Record<string, Record<string, string>> = {
    a: { 'x.txt': lines(20, { 5: 'a' }) },
    b: { 'x.txt': lines(20, { 5: 'b' }) },
    c: { 'n.txt': 'c\n' },
    d: { 'n.txt': 'd\n' },
    e: { 'y.txt': lines(20, { 3: 'e' }) },
    f: { 'f.txt': 'f\n' },
  };
  for (const [slug, files] of Object.entries(changes)) {
    branchWith(sb, repo, `codex/${slug}`, 'main', files);
    const added = await sb.cli(['task', 'add', `Task ${slug}`, '--slug', slug, '--base', 'main'], { cwd: repo });
    expect(added.code, added.stderr).toBe(0);
    editTask(sb, slug, (t) => (t.status = slug === 'f' ? 'running' : 'review'));
  }
  commitFiles(sb, repo, { 'y.txt': lines(20, { 3: 'main' }) }, 'main moves on');
});
afterEach(() => sb.cleanup());

interface Radar {
  tasks: { slug: string }[];
  pairs: { left: string; right: string | null; clean: boolean; conflicts: { path: string; kinds: string[] }[]; cached: boolean }[];
  order: string[];
  computed: number;
}

const radar = async () => {
  const r = await sb.cli(['merge', 'check', '--all', '--json'], { cwd: repo });
  expect(r.code, r.stderr).toBe(1);
  return JSON.parse(r.stdout) as Radar;
};

describe('merge check --all (the conflict radar)', () => {
  it('checks every pair of 6 active branches and each against its base, and suggests an order', async () => {
    const r = await radar();
    expect(r.tasks.map((t) => t.slug)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.pairs).toHaveLength(6 + 15);
    expect(r.computed).toBe(21);
    const conflicting = r.pairs.filter((p) => !p.clean).map((p) => [p.left, p.right, p.conflicts.map((c) => `${c.path}:${c.kinds.join('+')}`)]);
    expect(conflicting).toEqual([
      ['e', null, ['y.txt:content']],
      ['a', 'b', ['x.txt:content']],
      ['c', 'd', ['n.txt:add/add']],
    ]);
    expect(r.order).toEqual(['f', 'a', 'b', 'c', 'd', 'e']);

    const store = await openStateStore(join(sb.dir, 'data', 'codex-agents', 'state.db'), { readonly: true });
    try {
      expect(conflictingPairs(store, repo)).toEqual([
        ['a', 'b', ['x.txt']],
        ['c', 'd', ['n.txt']],
      ]);
    } finally {
      store.close();
    }

    const text = await sb.cli(['merge', 'check', '--all'], { cwd: repo });
    expect(text.stdout).toMatch(/a\s+b\s+x\.txt \(content\)/);
    expect(text.stdout).toMatch(/e\s+\(base main\)\s+y\.txt \(content\)/);
    expect(text.stdout).toContain('Suggested merge order: f → a → b → c → d → e');
  });

  it('recomputes only the pairs whose commits moved', async () => {
    await radar();
    const again = await radar();
    expect(again.computed).toBe(0);
    expect(again.pairs.every((p) => p.cached)).toBe(true);

    // a moves: its base check and its 5 pairs are new; the other 15 are not merged again.
    const dir = join(sb.dir, 'wt-a');
    g(sb, repo, 'worktree', 'add', '-q', dir, 'codex/a');
    commitFiles(sb, dir, { 'x.txt': lines(20, { 5: 'b' }) }, 'a agrees with b');
    const moved = await radar();
    expect(moved.computed).toBe(6);
    expect(moved.pairs.filter((p) => !p.cached).every((p) => p.left === 'a' || p.right === 'a')).toBe(true);
    expect(moved.pairs.find((p) => p.left === 'a' && p.right === 'b')).toMatchObject({ clean: true, cached: false });
  });

  it('a finished task leaves the radar and the planner\'s pairs', async () => {
    await radar();
    editTask(sb, 'a', (t) => (t.status = 'done'));
    const r = await radar();
    expect(r.tasks.map((t) => t.slug)).not.toContain('a');
    const store = await openStateStore(join(sb.dir, 'data', 'codex-agents', 'state.db'), { readonly: true });
    try {
      expect(conflictingPairs(store, repo)).toEqual([['c', 'd', ['n.txt']]]);
    } finally {
      store.close();
    }
  });

  it('merge check <task>: exit 1 with the files and kinds, exit 0 when clean, cached by commit pair', async () => {
    const e = await sb.cli(['merge', 'check', 'e'], { cwd: repo });
    expect(e.code, e.stderr + e.stdout).toBe(1);
    expect(e.stdout).toContain('e: codex/e conflicts with main in 1 file(s)');
    expect(e.stdout).toMatch(/y\.txt\s+content/);
    const f = await sb.json<{ clean: boolean; cached: boolean; method: string }>(['merge', 'check', 'f'], { cwd: repo });
    expect(f).toMatchObject({ clean: true, cached: false, method: 'merge-tree' });
    expect(await sb.json(['merge', 'check', 'f'], { cwd: repo })).toMatchObject({ clean: true, cached: true });
    const viaWorktree = await sb.cli(['merge', 'check', 'e', '--worktree'], { cwd: repo });
    expect(viaWorktree.stdout).toContain('older than 2.38: checked in a throw-away worktree');
    const usage = await sb.cli(['merge', 'check'], { cwd: repo });
    expect(usage.code).toBe(2);
  });
});
