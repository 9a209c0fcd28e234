import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusOfTasks, type TaskGitStatus } from '../core/git/worktree-status.js';
import { Registry } from '../core/registry/registry.js';
import { reconcileWorktrees } from '../core/worktree/reconcile.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { projectRepo, readTasks, sbGit, waitForTrash } from './helpers/worktree-repo.js';

interface StatusJson {
  tasks: { slug: string; repo: string; status: string; branch: string; worktree: string | null; git: TaskGitStatus }[];
  notices: { slug: string; message: string }[];
}

let sb: Sandbox;
let repo: string;
let wt: string;

beforeEach(async () => {
  sb = makeSandbox();
  repo = await projectRepo(sb);
  wt = join(sb.dir, 'repo1.worktrees', 'dark');
});
afterEach(async () => {
  await waitForTrash(sb.dir);
  sb.cleanup();
});

/** The dark task's worktree with 2 commits (+3 -1 against main), then 1 staged, 1 modified, 2 untracked. */
async function busyWorktree(): Promise<void> {
  await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
  writeFileSync(join(wt, 'src', 'app.js'), 'export const app = 2;\nexport const b = 3;\n');
  sbGit(sb, wt, 'commit', '-q', '-am', 'change app');
  writeFileSync(join(wt, 'src', 'theme ünï.js'), 'dark\n');
  sbGit(sb, wt, 'add', '.');
  sbGit(sb, wt, 'commit', '-q', '-m', 'add theme');
  writeFileSync(join(wt, 'staged.txt'), 's\n');
  sbGit(sb, wt, 'add', 'staged.txt');
  writeFileSync(join(wt, 'src', 'app.js'), 'modified\n');
  writeFileSync(join(wt, 'u1.txt'), 'u\n');
  writeFileSync(join(wt, 'u 2.txt'), 'u\n');
  // The base moves on by one commit.
  writeFileSync(join(repo, 'base.txt'), 'b\n');
  sbGit(sb, repo, 'add', 'base.txt');
  sbGit(sb, repo, 'commit', '-q', '-m', 'base moves');
}

describe('codex-agent status', () => {
  it('reports branch, ahead/behind, changes, +/- and the last commit of each task', async () => {
    await busyWorktree();
    await sb.json(['task', 'add', 'Only a branch', '--slug', 'branchy'], { cwd: repo });
    sbGit(sb, repo, 'branch', 'codex/branchy', 'HEAD~1');
    await sb.json(['task', 'add', 'Nothing yet', '--slug', 'idle'], { cwd: repo });
    const { tasks, notices } = await sb.json<StatusJson>(['status'], { cwd: repo });
    expect(notices).toEqual([]);
    const dark = tasks.find((t) => t.slug === 'dark')!.git;
    expect(dark).toMatchObject({
      source: 'worktree',
      worktree: wt,
      worktreeExists: true,
      branch: 'codex/dark',
      detached: false,
      base: 'main',
      ahead: 2,
      behind: 1,
      staged: 1,
      unstaged: 1,
      untracked: 2,
      conflicted: 0,
      filesChanged: 2,
      insertions: 3,
      deletions: 1,
    });
    expect(dark.lastCommit).toMatchObject({ subject: 'add theme', hash: sbGit(sb, wt, 'rev-parse', 'HEAD').trim() });
    expect(dark.lastCommit!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(dark.diskBytes).toBeUndefined();
    const branchy = tasks.find((t) => t.slug === 'branchy')!.git;
    expect(branchy).toMatchObject({ source: 'branch', worktreeExists: false, ahead: 0, behind: 1, staged: 0, insertions: 0 });
    expect(branchy.lastCommit?.subject).toBe('project');
    expect(tasks.find((t) => t.slug === 'idle')!.git).toMatchObject({ source: 'none', ahead: null, lastCommit: null });
  });

  it('prints one row per task', async () => {
    await busyWorktree();
    await sb.json(['task', 'add', 'Nothing yet', '--slug', 'idle'], { cwd: repo });
    const result = await sb.cli(['status'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^SLUG\s+STATE\s+BRANCH\s+AHEAD\/BEHIND\s+CHANGES\s+\+\/-\s+VERDICT\s+LAST COMMIT$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^dark\s+ready\s+codex\/dark\s+↑2 ↓1\s+1 staged, 1 modified, 2 untracked\s+\+3 -1\s+-\s+[0-9a-f]{7} add theme \(\d+s ago\)$/);
    expect(rows[1]).toMatch(/^idle\s+ready\s+codex\/idle\s+-\s+-\s+-\s+-\s+-$/);
  });

  it('shows a detached HEAD, conflicts and disk use on request', async () => {
    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    writeFileSync(join(repo, 'src', 'app.js'), 'main\n');
    sbGit(sb, repo, 'commit', '-q', '-am', 'main side');
    writeFileSync(join(wt, 'src', 'app.js'), 'task\n');
    sbGit(sb, wt, 'commit', '-q', '-am', 'task side');
    expect(() => sbGit(sb, wt, 'merge', '-q', 'main')).toThrow();
    let git = (await sb.json<StatusJson>(['status', '--disk-usage'], { cwd: repo })).tasks[0]!.git;
    expect(git.conflicted).toBe(1);
    expect(git.diskBytes).toBeGreaterThan(0);
    sbGit(sb, wt, 'merge', '--abort');
    sbGit(sb, wt, 'switch', '-q', '--detach', 'HEAD~1');
    git = (await sb.json<StatusJson>(['status'], { cwd: repo })).tasks[0]!.git;
    expect(git).toMatchObject({ detached: true, branch: null, ahead: 0, behind: 1, conflicted: 0 });
  });

  it('lists every repo with --all-repos and only this repo without', async () => {
    const other = await projectRepo(sb, 'other');
    const here = await sb.json<StatusJson>(['status'], { cwd: other });
    expect(here.tasks.map((t) => t.repo)).toEqual([other]);
    const all = await sb.json<StatusJson>(['status', '--all-repos'], { cwd: sb.dir });
    expect(all.tasks.map((t) => t.repo).sort()).toEqual([other, repo].sort());
    const text = await sb.cli(['status', '--all-repos'], { cwd: sb.dir });
    expect(text.stdout).toMatch(/^REPO\s+SLUG/);
    const outside = await sb.cli(['status'], { cwd: sb.dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--all-repos');
  });

  it('gives the same answer sequentially and concurrently', async () => {
    await busyWorktree();
    for (const slug of ['a1', 'a2', 'a3']) {
      await sb.json(['task', 'add', slug, '--slug', slug], { cwd: repo });
      await sb.json(['task', 'worktree', 'add', slug, '--no-hydrate'], { cwd: repo });
    }
    const tasks = readTasks(sb);
    const now = Math.floor(Date.now() / 1000);
    const sequential = await statusOfTasks(tasks, { concurrency: 1, now });
    const concurrent = await statusOfTasks(tasks, { concurrency: 4, now });
    expect(concurrent).toEqual(sequential);
    expect(sequential.map((s) => s.source)).toEqual(['worktree', 'worktree', 'worktree', 'worktree']);
  });
});

describe('a worktree deleted behind the tool\'s back (RELIABILITY IN-4)', () => {
  it('is noticed by the next command, pruned, its branch kept and the record cleared', async () => {
    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    rmSync(wt, { recursive: true, force: true });
    const result = await sb.cli(['status'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Worktree of dark at ${wt} was deleted outside codex-agent; pruned it, kept branch codex/dark.`);
    expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBeNull();
    expect(sbGit(sb, repo, 'worktree', 'list', '--porcelain')).not.toContain(wt);
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toContain('codex/dark');
    expect(result.stdout).toMatch(/^dark\s+ready\s+codex\/dark\s+↑0 ↓0\s+no worktree/m);
    // Said once: the next command has nothing to report.
    const again = await sb.cli(['status'], { cwd: repo });
    expect(again.stderr).not.toContain('deleted outside');
    // And the worktree can be made again on the kept branch.
    const recreated = await sb.json<{ branchCreated: boolean; path: string }>(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(recreated).toMatchObject({ branchCreated: false, path: wt });
  });

  it('is reconciled by the worktree commands too, and reported in --json', async () => {
    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    rmSync(wt, { recursive: true, force: true });
    const removed = await sb.cli(['task', 'worktree', 'remove', 'dark'], { cwd: repo });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain('was deleted outside codex-agent');
    expect(removed.stdout).toContain('No worktree left to remove for dark.');

    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    rmSync(wt, { recursive: true, force: true });
    const notices = await reconcileWorktrees(new Registry(sb.registryFile), { repoRoot: repo });
    expect(notices).toEqual([expect.objectContaining({ slug: 'dark', path: wt, branch: 'codex/dark', branchExists: true, pruned: true })]);
  });

  it('still deletes the branch with --delete-branch, refusing unmerged work without --force', async () => {
    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    writeFileSync(join(wt, 'feature.txt'), 'x\n');
    sbGit(sb, wt, 'add', 'feature.txt');
    sbGit(sb, wt, 'commit', '-q', '-m', 'unmerged work');
    rmSync(wt, { recursive: true, force: true });
    const refused = await sb.cli(['task', 'worktree', 'remove', 'dark', '--delete-branch'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was deleted outside codex-agent; pruned it, kept branch codex/dark.');
    expect(refused.stderr).toMatch(/Refusing to delete branch codex\/dark:\n {2}- branch codex\/dark has 1 commit not merged into main: [0-9a-f]+ unmerged work/);
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toContain('codex/dark');
    const forced = await sb.cli(['task', 'worktree', 'remove', 'dark', '--delete-branch', '--force'], { cwd: repo });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('No worktree left to remove for dark; deleted branch codex/dark.');
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toBe('');
  });
});
