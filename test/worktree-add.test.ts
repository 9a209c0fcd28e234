import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedWorktree } from '../core/worktree/create.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { listTree, projectRepo, readTasks, sbGit } from './helpers/worktree-repo.js';

let sb: Sandbox;
let repo: string;
let wtPath: string;

beforeEach(async () => {
  sb = makeSandbox();
  repo = await projectRepo(sb);
  wtPath = join(sb.dir, 'repo1.worktrees', 'dark');
});
afterEach(() => sb.cleanup());

function setConfig(toml: string): void {
  mkdirSync(join(repo, '.codex-agent'), { recursive: true });
  writeFileSync(join(repo, '.codex-agent', 'config.toml'), toml);
}

describe('help', () => {
  it('has --help on the worktree and status commands', async () => {
    for (const args of [['task', 'worktree'], ['task', 'worktree', 'add'], ['task', 'worktree', 'remove'], ['status']]) {
      const result = await sb.cli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain(`Usage: codex-agent ${args.join(' ')}`);
    }
    const add = await sb.cli(['task', 'worktree', 'add', '--help']);
    for (const option of ['--no-hydrate', '--no-setup', '--json']) expect(add.stdout).toContain(option);
    const remove = await sb.cli(['task', 'worktree', 'remove', '--help']);
    for (const option of ['--force', '--delete-branch', '--json']) expect(remove.stdout).toContain(option);
    const status = await sb.cli(['status', '--help']);
    for (const option of ['--all-repos', '--disk-usage', '--json']) expect(status.stdout).toContain(option);
  });
});

describe('task worktree add', () => {
  it('creates the branch and the worktree beside the repo, hydrates copy-on-write and records it', async () => {
    const result = await sb.cli(['task', 'worktree', 'add', 'dark', '--json'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as CreatedWorktree;
    expect(created).toMatchObject({ slug: 'dark', path: wtPath, branch: 'codex/dark', base: 'main', branchCreated: true });
    expect(created.head).toBe(sbGit(sb, repo, 'rev-parse', 'main').trim());
    // Checked out: tracked files are there and the tree is clean.
    expect(readFileSync(join(wtPath, 'src', 'app.js'), 'utf8')).toBe('export const app = 1;\n');
    expect(sbGit(sb, wtPath, 'status', '--porcelain')).toBe('');
    expect(sbGit(sb, wtPath, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('codex/dark');
    // Hydrated: the ignored paths, with the symlink kept as a symlink.
    expect(readFileSync(join(wtPath, 'node_modules', 'react', 'index.js'), 'utf8')).toContain('react');
    expect(readFileSync(join(wtPath, '.env'), 'utf8')).toBe('API_URL=http://localhost\n');
    expect(lstatSync(join(wtPath, 'node_modules', '.bin', 'left-pad')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(wtPath, 'node_modules', '.bin', 'left-pad'))).toBe('../left-pad/index.js');
    const h = created.hydration!;
    expect(h.method).toBe(process.platform === 'darwin' ? 'clonefile' : 'reflink');
    expect(h.paths.map((p) => p.path)).toEqual(['node_modules', '.env']);
    expect(h.files).toBe(6); // 4 package files + the .bin symlink + .env
    expect(h.bytes).toBeGreaterThan(0);
    expect(h.skipped).toContainEqual({ path: '.venv', reason: 'absent' });
    // Progress on stderr.
    expect(result.stderr).toContain('copied node_modules: 5 files');
    expect(result.stderr).toMatch(/checked out in \d+/);
    // Recorded in the registry and known to git.
    expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBe(wtPath);
    expect(sbGit(sb, repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${wtPath}\n`);
  });

  it('prints a one-line summary without --json', async () => {
    const result = await sb.cli(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Worktree of dark ready at .*dark \(branch codex\/dark from main\) in .*; hydrated node_modules, \.env \(6 files, .*\)/);
  });

  it('never overwrites a tracked file that is also on the hydrate list', async () => {
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    writeFileSync(join(repo, '.env'), 'COMMITTED=1\n');
    sbGit(sb, repo, 'add', '-A');
    sbGit(sb, repo, 'commit', '-q', '-m', 'commit .env');
    writeFileSync(join(repo, '.env'), 'LOCAL_EDIT=1\n');
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(readFileSync(join(wtPath, '.env'), 'utf8')).toBe('COMMITTED=1\n');
    expect(created.hydration!.skipped).toContainEqual({ path: '.env', reason: 'tracked' });
    expect(sbGit(sb, wtPath, 'status', '--porcelain')).toBe('');
  });

  it('hydrates configured paths with wildcards, and nothing with --no-hydrate', async () => {
    setConfig('[worktree]\nhydrate = ["packages/*/node_modules"]\n');
    for (const pkg of ['a', 'b']) {
      mkdirSync(join(repo, 'packages', pkg, 'node_modules', 'dep'), { recursive: true });
      writeFileSync(join(repo, 'packages', pkg, 'node_modules', 'dep', 'index.js'), pkg);
    }
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(created.hydration!.paths.map((p) => p.path)).toEqual(['packages/a/node_modules', 'packages/b/node_modules']);
    expect(readFileSync(join(wtPath, 'packages', 'b', 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('b');
    expect(existsSync(join(wtPath, 'node_modules'))).toBe(false);

    await sb.json(['task', 'add', 'Other', '--slug', 'other'], { cwd: repo });
    const bare = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'other', '--no-hydrate'], { cwd: repo });
    expect(bare.hydration).toBeNull();
    expect(existsSync(join(bare.path, 'packages'))).toBe(false);
    expect(existsSync(join(bare.path, 'src', 'app.js'))).toBe(true);
  });

  it('runs the setup commands in the worktree with their output shown live', async () => {
    setConfig('[worktree]\nsetup = ["echo setting up in $(basename \\"$PWD\\")", "echo to-stderr >&2"]\n');
    const result = await sb.cli(['task', 'worktree', 'add', 'dark', '--json'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('setup: echo setting up');
    expect(result.stderr).toContain('│ setting up in dark');
    expect(result.stderr).toContain('│ to-stderr');
    const created = JSON.parse(result.stdout) as CreatedWorktree;
    expect(created.setup).toMatchObject({ ok: true, commands: [{ exitCode: 0 }, { exitCode: 0 }] });
  });

  it('skips setup with --no-setup', async () => {
    setConfig('[worktree]\nsetup = ["touch setup-ran"]\n');
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'dark', '--no-setup'], { cwd: repo });
    expect(created.setup).toBeNull();
    expect(existsSync(join(wtPath, 'setup-ran'))).toBe(false);
  });

  it('reports a failing setup command clearly, exits 1 and keeps the worktree', async () => {
    setConfig('[worktree]\nsetup = ["echo about to fail; exit 3", "touch never-runs"]\n');
    const result = await sb.cli(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('│ about to fail');
    expect(result.stderr).toContain(`Setup command "echo about to fail; exit 3" failed (exit 3) in ${wtPath}.`);
    expect(result.stderr).toContain('codex-agent task worktree remove dark --force');
    expect(existsSync(join(wtPath, 'never-runs'))).toBe(false);
    expect(existsSync(join(wtPath, 'node_modules', 'react', 'index.js'))).toBe(true);
    expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBe(wtPath);

    await sb.json(['task', 'add', 'Other', '--slug', 'other'], { cwd: repo });
    const json = await sb.cli(['task', 'worktree', 'add', 'other', '--json'], { cwd: repo });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'setup-failed', details: { setup: { ok: false, failed: { exitCode: 3 } } } });
  });

  it('reuses an existing task branch', async () => {
    sbGit(sb, repo, 'branch', 'codex/dark');
    sbGit(sb, repo, 'switch', '-q', 'codex/dark');
    writeFileSync(join(repo, 'feature.txt'), 'work in progress\n');
    sbGit(sb, repo, 'add', 'feature.txt');
    sbGit(sb, repo, 'commit', '-q', '-m', 'earlier work');
    const tip = sbGit(sb, repo, 'rev-parse', 'HEAD').trim();
    sbGit(sb, repo, 'switch', '-q', 'main');
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(created.branchCreated).toBe(false);
    expect(created.head).toBe(tip);
    expect(readFileSync(join(wtPath, 'feature.txt'), 'utf8')).toBe('work in progress\n');
  });

  it('refuses an existing path, naming it, and leaves it alone', async () => {
    mkdirSync(wtPath, { recursive: true });
    writeFileSync(join(wtPath, 'precious.txt'), 'mine\n');
    const result = await sb.cli(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot create the worktree of dark at ${wtPath}: a directory with 1 entry is in the way.`);
    expect(listTree(wtPath)).toEqual(['precious.txt']);
    expect(readTasks(sb).find((t) => t.slug === 'dark')?.worktree).toBeNull();
    expect(sbGit(sb, repo, 'branch', '--list', 'codex/dark')).toBe('');
  });

  it('refuses a second worktree for the same task and a branch checked out elsewhere', async () => {
    await sb.json(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    const again = await sb.cli(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Task dark already has a worktree at ${wtPath}.`);

    await sb.json(['task', 'add', 'Other', '--slug', 'other'], { cwd: repo });
    sbGit(sb, repo, 'switch', '-q', '-c', 'codex/other');
    const busy = await sb.cli(['task', 'worktree', 'add', 'other'], { cwd: repo });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`Branch codex/other is already checked out in ${repo}.`);
  });

  it('refuses a base branch that does not exist', async () => {
    await sb.json(['task', 'add', 'Other', '--slug', 'other', '--base', 'no-such-base'], { cwd: repo });
    const result = await sb.cli(['task', 'worktree', 'add', 'other'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The base branch no-such-base of other does not exist');
  });

  it('never runs shell syntax from hydrate paths or the worktree root (RELIABILITY IN-2)', async () => {
    const canary = join(sb.dir, 'PWNED');
    const evil = `$(touch ${canary})`;
    mkdirSync(join(repo, evil), { recursive: true });
    writeFileSync(join(repo, evil, 'x'), 'x');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.env\ndist/\n$*\n');
    sbGit(sb, repo, 'commit', '-q', '-am', 'ignore it');
    setConfig(`[worktree]\nroot = ${JSON.stringify(`../trees \`touch ${canary}\``)}\nhydrate = [${JSON.stringify(evil)}, "\`touch ${canary}\`"]\n`);
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'dark'], { cwd: repo });
    expect(created.path).toBe(join(sb.dir, `trees \`touch ${canary}\``, 'dark'));
    expect(readFileSync(join(created.path, evil, 'x'), 'utf8')).toBe('x');
    const removed = await sb.cli(['task', 'worktree', 'remove', 'dark'], { cwd: repo });
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(canary)).toBe(false);
  });

  it('addresses a task as repo-name/slug from outside the repo, and honours [worktree] root', async () => {
    setConfig('[worktree]\nroot = "../trees"\n');
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'repo1/dark'], { cwd: sb.dir });
    expect(created.path).toBe(join(sb.dir, 'trees', 'dark'));
    expect(existsSync(join(sb.dir, 'trees', 'dark', 'src', 'app.js'))).toBe(true);
  });
});
