import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../core/task.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
});
afterEach(() => sb.cleanup());

const add = (title: string, ...args: string[]) => sb.json<Task>(['task', 'add', title, ...args], { cwd: repo });
const list = (...args: string[]) => sb.json<Task[]>(['task', 'list', ...args], { cwd: repo });

describe('task add', () => {
  it('stores every field and derives slug, branch, base and readiness', async () => {
    git(repo, 'checkout', '-q', '-b', 'develop');
    mkdirSync(join(repo, '.codex-agent', 'tasks'), { recursive: true });
    writeFileSync(join(repo, '.codex-agent', 'tasks', 'stub.md'), '# Goal\n');
    const base = await add('Theme tokens');
    expect(base).toMatchObject({ slug: 'theme-tokens', repo, branch: 'codex/theme-tokens', base: 'develop', status: 'ready', deps: [], priority: 'normal' });
    const task = await sb.json<Task>(
      ['task', 'add', 'Add dark mode', '--deps', 'theme-tokens', '--priority', 'high', '--labels', 'ui,theme', '--owner', 'ana', '--agent', 'claude', '--files', 'src/{a,b}/**,docs/*.md', '--files', 'README.md', '--goal-file', 'stub.md', '--retries', '3', '--timeout', '15m', '--base', 'main'],
      { cwd: join(repo, '.codex-agent', 'tasks') },
    );
    expect(task).toMatchObject({
      slug: 'add-dark-mode',
      title: 'Add dark mode',
      deps: ['theme-tokens'],
      priority: 'high',
      labels: ['ui', 'theme'],
      owner: 'ana',
      agent: 'claude',
      files: ['src/{a,b}/**', 'docs/*.md', 'README.md'],
      goal: null,
      goalFile: '.codex-agent/tasks/stub.md',
      retries: 3,
      timeouts: { execution: '15m' },
      base: 'main',
      status: 'todo',
      statusReason: 'waiting for theme-tokens',
    });
    expect(Date.parse(task.createdAt)).toBeGreaterThan(0);
  });

  it('makes derived slugs unique and refuses a taken explicit slug', async () => {
    expect((await add('Fix bug')).slug).toBe('fix-bug');
    expect((await add('Fix bug')).slug).toBe('fix-bug-2');
    const taken = await sb.cli(['task', 'add', 'Other', '--slug', 'fix-bug'], { cwd: repo });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/already exists/);
  });

  it('uses the configured branch pattern', async () => {
    await sb.cli(['config', 'set', 'tasks.branch_pattern', 'agents/{slug}/work'], { cwd: repo });
    expect((await add('X')).branch).toBe('agents/x/work');
  });

  it('rejects bad input with exit 2 and leaves the registry as it was (IN-1, IN-2)', async () => {
    await add('Existing');
    const before = readFileSync(sb.registryFile, 'utf8');
    const cases: [string[], RegExp][] = [
      [['--slug', 'Bad Slug'], /Invalid task slug/],
      [['--slug', '-x'], /starts with a dash/],
      [['--slug', 'a/b'], /contains "\/"/],
      [['--base', 'feat/$(touch PWNED)'], /Invalid base branch.*shell syntax/],
      [['--base', '--upload-pack=x'], /starts with "-"/],
      [['--base', 'x..y'], /contains "\.\."/],
      [['--deps', 'nope'], /Dependency "nope" is not a task of this repo/],
      [['--priority', 'asap'], /Unknown priority "asap"/],
      [['--agent', 'robot'], /Unknown agent profile "robot"/],
      [['--files', '/etc/**'], /absolute path/],
      [['--files', '../other/**'], /climbs out/],
      [['--goal-file', '/etc/hostname'], /outside the repo/],
      [['--goal-file', 'missing.md'], /does not exist/],
      [['--retries', 'many'], /whole number/],
      [['--timeout', 'forever'], /Invalid execution timeout/],
      [['--goal', 'x', '--goal-file', 'README.md'], /not both/],
    ];
    for (const [args, message] of cases) {
      const result = await sb.cli(['task', 'add', 'New task', ...args], { cwd: repo });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    const empty = await sb.cli(['task', 'add', '   '], { cwd: repo });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/title is empty/);
    const cjk = await sb.cli(['task', 'add', '日本語'], { cwd: repo });
    expect(cjk.code).toBe(2);
    expect(cjk.stderr).toMatch(/--slug/);
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(before);
  });

  it('treats text with shell syntax as plain text (IN-2 canary)', async () => {
    const canary = join(sb.dir, 'PWNED');
    const title = `$(touch ${canary}) \`touch ${canary}\``;
    const task = await add(title, '--goal', `; touch ${canary}`, '--owner', `$(touch ${canary})`, '--labels', '$(x)');
    expect(task.title).toBe(title);
    const { existsSync } = await import('node:fs');
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses to run outside a repo', async () => {
    const result = await sb.cli(['task', 'add', 'X'], { cwd: sb.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Not inside a git repository/);
  });
});

describe('task list / show', () => {
  it('filters by state and label, and separates repos', async () => {
    await add('A', '--labels', 'ui');
    await add('B', '--deps', 'a');
    const other = sb.repo('other');
    await sb.json(['task', 'add', 'A'], { cwd: other });
    expect((await list()).map((t) => t.slug)).toEqual(['a', 'b']);
    expect((await list('--status', 'todo')).map((t) => t.slug)).toEqual(['b']);
    expect((await list('--status', 'ready,todo')).map((t) => t.slug)).toEqual(['a', 'b']);
    expect((await list('--label', 'ui')).map((t) => t.slug)).toEqual(['a']);
    expect((await list('--all-repos')).map((t) => `${t.repo.split('/').pop()}/${t.slug}`)).toEqual(['app/a', 'app/b', 'other/a']);
    expect((await list('--repo', 'other')).map((t) => t.repo)).toEqual([other]);
    const bad = await sb.cli(['task', 'list', '--status', 'sleeping'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown state "sleeping"/);
    const outside = await sb.cli(['task', 'list'], { cwd: sb.dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/--all-repos/);
  });

  it('prints plain columns when piped', async () => {
    await add('Theme tokens', '--labels', 'ui');
    await add('Dark mode', '--deps', 'theme-tokens');
    const result = await sb.cli(['task', 'list'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'SLUG          STATE  PRIORITY  DEPS          LABELS  TITLE',
      'theme-tokens  ready  normal    -             ui      Theme tokens',
      'dark-mode     todo   normal    theme-tokens  -       Dark mode',
      '',
    ]);
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it('addresses tasks as slug in the repo and repo-name/slug anywhere', async () => {
    await add('A', '--goal', 'Do the thing');
    await add('B', '--deps', 'a');
    const shown = await sb.json<Task & { dependents: string[] }>(['task', 'show', 'a'], { cwd: repo });
    expect(shown).toMatchObject({ slug: 'a', goal: 'Do the thing', dependents: ['b'] });
    const anywhere = await sb.json<Task>(['task', 'show', 'app/a'], { cwd: sb.dir });
    expect(anywhere.slug).toBe('a');
    const text = await sb.cli(['task', 'show', 'b'], { cwd: repo });
    expect(text.stdout).toMatch(/deps\s+a \(ready\)/);
    const missing = await sb.cli(['task', 'show', 'c'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No task "c"/);
    const bare = await sb.cli(['task', 'show', 'a'], { cwd: sb.dir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/<repo-name>\/<slug>/);
  });

  it('says a repo-name/slug is ambiguous when two repos share a name', async () => {
    const first = join(sb.dir, 'x', 'app');
    const second = join(sb.dir, 'y', 'app');
    for (const dir of [first, second]) {
      mkdirSync(dir, { recursive: true });
      git(dir, 'init', '-q', '-b', 'main');
      git(dir, 'commit', '-q', '--allow-empty', '-m', 'init');
      await sb.json(['task', 'add', 'Same'], { cwd: dir });
    }
    const result = await sb.cli(['task', 'show', 'app/same'], { cwd: sb.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/matches tasks in 2 repos/);
  });

  it('sees the same tasks from a linked worktree of the repo', async () => {
    await add('A');
    const worktree = join(sb.dir, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', worktree);
    expect((await sb.json<Task[]>(['task', 'list'], { cwd: worktree })).map((t) => t.slug)).toEqual(['a']);
  });
});

describe('task edit', () => {
  it('changes fields, adds and removes dependencies, and refuses cycles with the cycle printed', async () => {
    await add('A');
    await add('B', '--deps', 'a');
    await add('C', '--deps', 'b');
    const cycle = await sb.cli(['task', 'edit', 'a', '--add-dep', 'c'], { cwd: repo });
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('a → c → b → a');
    const self = await sb.cli(['task', 'edit', 'a', '--deps', 'a'], { cwd: repo });
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('a → a');

    const edited = await sb.json<Task>(['task', 'edit', 'c', '--title', 'Cee', '--remove-dep', 'b', '--add-dep', 'a', '--priority', 'urgent', '--owner', ''], { cwd: repo });
    expect(edited).toMatchObject({ title: 'Cee', deps: ['a'], priority: 'urgent', owner: null, status: 'todo' });
    const freed = await sb.json<Task>(['task', 'edit', 'c', '--deps', ''], { cwd: repo });
    expect(freed).toMatchObject({ deps: [], status: 'ready' });
    const nothing = await sb.cli(['task', 'edit', 'c'], { cwd: repo });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/Nothing to change/);
    const notDep = await sb.cli(['task', 'edit', 'c', '--remove-dep', 'b'], { cwd: repo });
    expect(notDep.code).toBe(2);
    expect(notDep.stderr).toMatch(/does not depend on "b"/);
  });

  it('renames a task, its default branch and the dependencies on it', async () => {
    await add('A');
    await add('B', '--deps', 'a');
    const renamed = await sb.json<Task>(['task', 'edit', 'a', '--slug', 'alpha'], { cwd: repo });
    expect(renamed).toMatchObject({ slug: 'alpha', branch: 'codex/alpha' });
    expect((await sb.json<Task>(['task', 'show', 'b'], { cwd: repo })).deps).toEqual(['alpha']);
  });
});

describe('task remove', () => {
  it('refuses while others depend on it; --force drops those dependencies and says so', async () => {
    await add('A');
    await add('B', '--deps', 'a');
    const refused = await sb.cli(['task', 'remove', 'a'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/b depends on it/);
    expect((await list()).length).toBe(2);
    const forced = await sb.cli(['task', 'remove', 'a', '--force'], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Dropped the dependency on a from: b/);
    const remaining = await list();
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toMatchObject({ slug: 'b', deps: [], status: 'ready' });
    const gone = await sb.cli(['task', 'remove', 'a'], { cwd: repo });
    expect(gone.code).toBe(2);
  });

  it('refuses while the task has a worktree; --force keeps it as a plain git worktree', async () => {
    await add('With tree');
    expect((await sb.cli(['task', 'worktree', 'add', 'with-tree', '--no-setup'], { cwd: repo })).code).toBe(0);
    const refused = await sb.cli(['task', 'remove', 'with-tree'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/while its worktree exists[\s\S]*task worktree remove with-tree/);
    const forced = await sb.cli(['task', 'remove', 'with-tree', '--force'], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/plain git worktree: git worktree remove/);
    expect(git(repo, 'worktree', 'list')).toContain('with-tree');
  });
});
