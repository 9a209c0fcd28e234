import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveBase } from '../core/merge/base-ref.js';
import { g, lines } from './helpers/merge-repo.js';
import { mergeTaskRepo, type MergeTaskRepo } from './helpers/merge-task.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask, waitForTrash } from './helpers/worktree-repo.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(async () => {
  await waitForTrash(sb.dir);
  sb.cleanup();
});

const main = (m: MergeTaskRepo) => g(sb, m.repo, 'rev-parse', 'main').trim();
/** The main checkout (which has main checked out) matches main exactly: nothing staged or modified. */
const checkoutInSync = (m: MergeTaskRepo) => {
  expect(g(sb, m.repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  expect(g(sb, m.repo, 'diff-index', '--cached', 'HEAD')).toBe('');
};

describe('task complete', () => {
  it('fast-forwards the base, updates the checkout that has it, removes the worktree, and readies dependents', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    expect((await m.cli(['task', 'add', 'Next', '--slug', 'next', '--deps', 'feat'])).code).toBe(0);
    const tip = g(sb, m.worktree, 'rev-parse', 'HEAD').trim();
    const r = await m.cli(['task', 'complete', 'feat']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('merged into main (fast-forward');
    expect(r.stdout).toContain('now ready: next');
    expect(main(m)).toBe(tip);
    expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
    checkoutInSync(m);
    expect(existsSync(m.worktree)).toBe(false);
    expect(m.status('feat')).toBe('done');
    expect(m.status('next')).toBe('ready');
    expect(g(sb, m.repo, 'reflog', '-1', '--format=%gs', 'main')).toContain('codex-agent: complete feat (fast-forward)');
  });

  it('refuses a task whose latest verdict failed, and one with no verdict when validate.required is set', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    const old = main(m);
    const missing = await m.cli(['task', 'complete', 'feat', '-c', 'validate.required=true']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has not been validated[\s\S]*task validate feat/);
    m.config('[[validate.checks]]\nname = "always-fails"\nrun = ["false"]\n');
    const validated = await m.cli(['task', 'validate', 'feat', '--no-review']);
    expect(validated.code).toBe(1);
    expect(m.status('feat')).toBe('stuck');
    const stuck = await m.cli(['task', 'complete', 'feat']);
    expect(stuck.code).toBe(2);
    // Back in review (as after an answer) with the failed verdict still the latest one: the gate refuses.
    editTask(sb, 'feat', (t) => (t.status = 'review'));
    const refused = await m.cli(['task', 'complete', 'feat']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/verdict/i);
    expect(main(m)).toBe(old);
  });

  it('makes a merge commit without a worktree when the base moved on (no conflict)', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'other.txt': 'main\n' });
    const [old, tip] = [main(m), g(sb, m.worktree, 'rev-parse', 'HEAD').trim()];
    const r = await m.cli(['task', 'complete', 'feat', '--keep-worktree', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ how: 'merge', old });
    expect(g(sb, m.repo, 'rev-list', '--parents', '-n', '1', 'main').trim()).toBe(`${main(m)} ${old} ${tip}`);
    expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
    checkoutInSync(m);
    expect(existsSync(m.worktree)).toBe(true);
  });

  it('squashes with merge.strategy = squash', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    const old = main(m);
    const r = await m.cli(['task', 'complete', 'feat', '-c', 'merge.strategy=squash']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(g(sb, m.repo, 'rev-list', '--parents', '-n', '1', 'main').trim().split(' ')).toEqual([main(m), old]);
    expect(g(sb, m.repo, 'log', '-1', '--format=%s', 'main').trim()).toBe('Feature');
    expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
    expect(existsSync(m.worktree)).toBe(false);
  });

  it('refuses on conflicts (exit 1) and leaves everything as it was', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'app.txt': lines(20, { 5: 'main' }) });
    const old = main(m);
    const r = await m.cli(['task', 'complete', 'feat']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('codex/feat conflicts with main in app.txt; nothing was merged.');
    expect(r.stderr).toContain('codex-agent merge resolve feat');
    expect(main(m)).toBe(old);
    expect(m.status()).toBe('review');
  });

  it('refuses when the base is checked out with local changes, saying how to get out', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    const old = main(m);
    writeFileSync(join(m.repo, 'app.txt'), 'my local edit\n');
    const r = await m.cli(['task', 'complete', 'feat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`main is checked out in ${m.repo} with local changes (app.txt)`);
    expect(r.stderr).toContain('stash');
    expect(main(m)).toBe(old);
    expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe('my local edit\n');
    expect(m.status()).toBe('review');
  });

  it('the base moved by someone else between the check and the move: the compare-and-swap refuses', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    const checked = main(m);
    const tip = g(sb, m.worktree, 'rev-parse', 'HEAD').trim();
    // Someone else moves main after our check.
    g(sb, m.repo, 'commit', '-q', '--allow-empty', '-m', 'someone else');
    const theirs = main(m);
    await expect(moveBase(m.repo, 'main', checked, tip, undefined, 'test')).rejects.toMatchObject({ code: 'base-moved' });
    expect(main(m)).toBe(theirs);
    // A plain re-run checks the new base and merges.
    const r = await m.cli(['task', 'complete', 'feat']);
    expect(r.code, r.stderr).toBe(0);
    expect(g(sb, m.repo, 'rev-list', '--parents', '-n', '1', 'main').trim().split(' ').slice(1)).toEqual([theirs, tip]);
  });

  it('a complete killed after moving the ref is finished by the next command (checkout brought forward)', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    const old = main(m);
    const tip = g(sb, m.worktree, 'rev-parse', 'HEAD').trim();
    // What a SIGKILL right after `update-ref` leaves: the journal, the ref moved, the checkout not.
    const journalDir = join(m.repo, '.git', 'codex-agent');
    g(sb, m.repo, 'update-ref', 'refs/heads/main', tip, old);
    (await import('node:fs')).mkdirSync(journalDir, { recursive: true });
    writeFileSync(join(journalDir, 'move-main.json'), JSON.stringify({ base: 'main', old, new: tip, worktree: m.repo }));
    expect(g(sb, m.repo, 'status', '--porcelain', '--untracked-files=no')).not.toBe('');
    const r = await m.cli(['task', 'complete', 'feat']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('was already in main');
    checkoutInSync(m);
    expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
    expect(existsSync(join(journalDir, 'move-main.json'))).toBe(false);
    expect(m.status()).toBe('done');
  });

  it('SIGKILL at any moment of complete: the base is old or new, never anything else, and a re-run finishes', async () => {
    for (const delayMs of [150, 300, 450]) {
      sb.cleanup();
      sb = makeSandbox();
      const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'other.txt': 'x\n' });
      const old = main(m);
      const child = spawn(process.execPath, [BIN, 'task', 'complete', 'feat'], { cwd: m.repo, env: { ...sb.env, ...m.env }, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await closed;
      const now = main(m);
      if (now !== old) expect(g(sb, m.repo, 'rev-list', '--parents', '-n', '1', now).trim().split(' ').slice(1)[0]).toBe(old);
      expect(existsSync(join(m.repo, '.git', 'MERGE_HEAD'))).toBe(false);
      if (m.status() !== 'done') {
        const r = await m.cli(['task', 'complete', 'feat']);
        expect(r.code, r.stderr + r.stdout).toBe(0);
      }
      checkoutInSync(m);
      expect(readFileSync(join(m.repo, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
      expect(m.status()).toBe('done');
      await waitForTrash(sb.dir);
    }
  });
});
