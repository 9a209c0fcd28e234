import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { branchWith, commitFiles, lines } from './helpers/merge-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask } from './helpers/worktree-repo.js';

/**
 * `merge check` starts git (rev-parse, for-each-ref, and with --fresh the merge itself) before
 * state.db is open, and opens SQLite while git runs: the results, what is stored, and the errors
 * must be the same as when everything happened one step after another.
 */

let sb: Sandbox;
let repo: string;
beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo('app');
  commitFiles(sb, repo, { 'x.txt': lines(20) }, 'start');
  branchWith(sb, repo, 'codex/a', 'main', { 'x.txt': lines(20, { 5: 'a' }) });
  branchWith(sb, repo, 'codex/b', 'main', { 'x.txt': lines(20, { 5: 'b' }) });
  for (const slug of ['a', 'b', 'ghost']) {
    const added = await sb.cli(['task', 'add', `Task ${slug}`, '--slug', slug, '--base', 'main'], { cwd: repo });
    expect(added.code, added.stderr).toBe(0);
    editTask(sb, slug, (t) => (t.status = 'review'));
  }
});
afterEach(() => sb.cleanup());

interface Radar {
  pairs: { left: string; right: string | null; clean: boolean; cached: boolean }[];
  computed: number;
}

describe('merge check while state.db opens', () => {
  it('--fresh merges at once and stores the result, which a later check then reuses', async () => {
    const fresh = await sb.json<{ clean: boolean; cached: boolean }>(['merge', 'check', 'a', '--fresh'], { cwd: repo });
    expect(fresh).toMatchObject({ clean: true, cached: false });
    expect(await sb.json(['merge', 'check', 'a'], { cwd: repo })).toMatchObject({ clean: true, cached: true });

    const all = await sb.cli(['merge', 'check', '--all', '--fresh', '--json'], { cwd: repo });
    expect(all.code, all.stderr).toBe(1);
    const first = JSON.parse(all.stdout) as Radar;
    expect(first.computed).toBe(3);
    expect(first.pairs.map((p) => [p.left, p.right, p.clean])).toEqual([
      ['a', null, true],
      ['b', null, true],
      ['a', 'b', false],
    ]);
    const again = JSON.parse((await sb.cli(['merge', 'check', '--all', '--json'], { cwd: repo })).stdout) as Radar;
    expect(again.computed).toBe(0);
    expect(again.pairs.map((p) => [p.left, p.right, p.clean, p.cached])).toEqual(first.pairs.map((p) => [p.left, p.right, p.clean, true]));
  });

  it('reports a branch that does not exist as such, with the store still opening', async () => {
    for (const args of [['merge', 'check', 'ghost'], ['merge', 'check', 'ghost', '--fresh']]) {
      const r = await sb.cli(args, { cwd: repo });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('No such branch or commit: codex/ghost');
      expect(r.stderr).not.toMatch(/unexpected|Unhandled/i);
    }
  });

  it('reports a state.db that is not SQLite, even when git has already started merging', async () => {
    const db = join(sb.dir, 'data', 'codex-agents', 'state.db');
    mkdirSync(join(db, '..'), { recursive: true });
    writeFileSync(db, 'not a database, but long enough to be read as one '.repeat(100));
    for (const args of [['merge', 'check', 'a'], ['merge', 'check', 'a', '--fresh'], ['merge', 'check', '--all', '--fresh']]) {
      const r = await sb.cli(args, { cwd: repo });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(db);
      expect(r.stderr).not.toMatch(/unexpected|Unhandled/i);
    }
  });
});
