import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemovedWorktree } from '../core/worktree/remove.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask, listTree, projectRepo, readTasks, sbGit, waitForTrash } from './helpers/worktree-repo.js';

let sb: Sandbox;
let repo: string;
let wt: string;

beforeEach(async () => {
  sb = makeSandbox();
  repo = await projectRepo(sb);
  wt = join(sb.dir, 'repo1.worktrees', 'dark');
  await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
});
afterEach(async () => {
  await waitForTrash(sb.dir);
  sb.cleanup();
});

const remove = (...args: string[]) => sb.cli(['task', 'worktree', 'remove', 'dark', ...args], { cwd: repo });

/** Runs a removal that must be refused and proves nothing was touched. */
async function expectRefused(reason: string | RegExp, options: { cwd?: string; args?: string[] } = {}): Promise<void> {
  const before = listTree(wt);
  const result = await sb.cli(['task', 'worktree', 'remove', 'dark', ...(options.args ?? [])], { cwd: options.cwd ?? repo });
  expect(result.code, result.stdout).toBe(2);
  expect(result.stderr).toContain('Refusing to remove the worktree of dark');
  if (typeof reason === 'string') expect(result.stderr).toContain(reason);
  else expect(result.stderr).toMatch(reason);
  expect(listTree(wt)).toEqual(before);
  expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBe(wt);
  expect(sbGit(sb, repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${wt}\n`);
}

describe('task worktree remove: what is safe', () => {
  it('removes a clean worktree whose ignored files are pure hydration copies, keeping the branch', async () => {
    const result = await remove('--json');
    expect(result.code, result.stderr).toBe(0);
    const removed = JSON.parse(result.stdout) as RemovedWorktree;
    expect(removed).toMatchObject({ slug: 'dark', path: wt, branch: 'codex/dark', branchDeleted: false, forced: false, findings: [] });
    expect(existsSync(wt)).toBe(false);
    expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBeNull();
    expect(sbGit(sb, repo, 'worktree', 'list', '--porcelain')).not.toContain(wt);
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toContain('codex/dark');
    // Moved to the trash beside it, which is emptied in the background.
    await waitForTrash(sb.dir);
    expect(listTree(join(sb.dir, 'repo1.worktrees'))).toEqual(['.codex-agent-trash']);
    // The main checkout's own copies are untouched.
    expect(existsSync(join(repo, 'node_modules', 'react', 'index.js'))).toBe(true);
    expect(existsSync(join(repo, '.env'))).toBe(true);
  });

  it('counts files rewritten with identical content (a reinstall) as pure copies', async () => {
    rmSync(join(wt, 'node_modules'), { recursive: true });
    cpSync(join(repo, 'node_modules'), join(wt, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    const result = await remove();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Removed the worktree of dark');
    expect(result.stdout).toContain('kept branch codex/dark');
  });

  it('deletes a merged branch with --delete-branch', async () => {
    const result = await remove('--delete-branch');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('deleted branch codex/dark');
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toBe('');
  });
});

describe('task worktree remove: refusals (RELIABILITY IN-3), nothing deleted', () => {
  it('refuses modified tracked files', async () => {
    writeFileSync(join(wt, 'src', 'app.js'), 'export const app = 2;\n');
    await expectRefused('1 modified file: src/app.js');
  });

  it('refuses staged changes', async () => {
    writeFileSync(join(wt, 'src', 'new.js'), 'x\n');
    sbGit(sb, wt, 'add', 'src/new.js');
    await expectRefused('1 modified file: src/new.js');
  });

  it('refuses merge conflicts and a merge in progress', async () => {
    writeFileSync(join(repo, 'src', 'app.js'), 'export const app = "main";\n');
    sbGit(sb, repo, 'commit', '-q', '-am', 'main side');
    writeFileSync(join(wt, 'src', 'app.js'), 'export const app = "task";\n');
    sbGit(sb, wt, 'commit', '-q', '-am', 'task side');
    expect(() => sbGit(sb, wt, 'merge', '-q', 'main')).toThrow();
    await expectRefused('1 file with merge conflicts: src/app.js');
    await expectRefused('a merge is in progress in it');
  });

  it('refuses untracked files', async () => {
    writeFileSync(join(wt, 'notes with space.md'), 'ideas\n');
    await expectRefused('1 untracked file: notes with space.md');
  });

  it('refuses a hand-edited ignored .env', async () => {
    writeFileSync(join(wt, '.env'), 'API_URL=http://staging\n');
    await expectRefused("1 ignored file that is not a copy of the main checkout's: .env");
  });

  it('refuses new ignored files (build output) and edited files inside node_modules', async () => {
    mkdirSync(join(wt, 'dist'));
    writeFileSync(join(wt, 'dist', 'app.min.js'), 'built\n');
    writeFileSync(join(wt, 'node_modules', 'react', 'index.js'), 'patched\n');
    await expectRefused(/2 ignored files that are not copies of the main checkout's: (dist\/app\.min\.js, node_modules\/react\/index\.js|node_modules\/react\/index\.js, dist\/app\.min\.js)/);
  });

  it('refuses commits that are not on the base or any remote', async () => {
    writeFileSync(join(wt, 'feature.txt'), 'done\n');
    sbGit(sb, wt, 'add', 'feature.txt');
    sbGit(sb, wt, 'commit', '-q', '-m', 'feature work');
    await expectRefused(/1 commit on codex\/dark not on main or any remote: [0-9a-f]+ feature work/);
  });

  it('accepts commits that are on a remote, but --delete-branch still refuses them as unmerged', async () => {
    const remote = join(sb.dir, 'remote.git');
    sbGit(sb, sb.dir, 'init', '-q', '--bare', remote);
    sbGit(sb, repo, 'remote', 'add', 'origin', remote);
    writeFileSync(join(wt, 'feature.txt'), 'done\n');
    sbGit(sb, wt, 'add', 'feature.txt');
    sbGit(sb, wt, 'commit', '-q', '-m', 'pushed work');
    sbGit(sb, wt, 'push', '-q', 'origin', 'codex/dark');
    await expectRefused(/branch codex\/dark has 1 commit not merged into main: [0-9a-f]+ pushed work/, { args: ['--delete-branch'] });
    const kept = await remove();
    expect(kept.code, kept.stderr).toBe(0);
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toContain('codex/dark');
  });

  it('refuses a locked worktree and one where git is running', async () => {
    sbGit(sb, repo, 'worktree', 'lock', '--reason', 'agent at work', wt);
    await expectRefused('it is locked (agent at work)');
    sbGit(sb, repo, 'worktree', 'unlock', wt);
    writeFileSync(join(repo, '.git', 'worktrees', 'dark', 'index.lock'), '');
    await expectRefused('a git command is running in it');
  });

  it('refuses the current directory, even with --force', async () => {
    await expectRefused('it is the current directory', { cwd: join(wt, 'src'), args: ['--force'] });
  });

  it('refuses the main worktree, even with --force', async () => {
    editTask(sb, 'dark', (t) => (t.worktree = repo));
    const before = listTree(repo);
    const result = await remove('--force');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${repo} is the repository's main worktree, which codex-agent never removes`);
    expect(listTree(repo)).toEqual(before);
  });

  it('refuses a directory that is not a worktree of the repo, even with --force', async () => {
    const stranger = join(sb.dir, 'somebody-elses');
    mkdirSync(stranger);
    writeFileSync(join(stranger, 'thesis.tex'), '…');
    editTask(sb, 'dark', (t) => (t.worktree = stranger));
    const result = await remove('--force');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${stranger} is not a worktree of ${repo}, so codex-agent will not delete it`);
    expect(listTree(stranger)).toEqual(['thesis.tex']);
  });

  it('--force prints everything it deletes, then deletes it', async () => {
    writeFileSync(join(wt, 'src', 'app.js'), 'changed\n');
    writeFileSync(join(wt, 'scratch.txt'), 'x\n');
    writeFileSync(join(wt, '.env'), 'EDITED=1\n');
    writeFileSync(join(wt, 'feature.txt'), 'done\n');
    sbGit(sb, wt, 'add', 'feature.txt');
    sbGit(sb, wt, 'commit', '-q', '-m', 'unpushed');
    const result = await remove('--force', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('--force: deleting the worktree of dark');
    for (const what of ['1 modified file: src/app.js', '1 untracked file: scratch.txt', '.env', 'unpushed']) expect(result.stderr).toContain(what);
    const removed = JSON.parse(result.stdout) as RemovedWorktree;
    expect(removed.forced).toBe(true);
    expect(removed.findings.map((f) => f.kind).sort()).toEqual(['ignored', 'modified', 'unpushed-commits', 'untracked']);
    expect(existsSync(wt)).toBe(false);
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toContain('codex/dark');
  });
});
