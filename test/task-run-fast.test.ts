import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

// `task run <task> [--json] [--no-hydrate] [--no-setup]` skips loading the command parser
// (src/fast-run.ts); these runs check it reads those flags as the parser does, and hands
// everything else to the parser.
let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

function repoWithScriptAgent(): string {
  const repo = sb.repo('app');
  mkdirSync(join(repo, '.codex-agent'), { recursive: true });
  writeFileSync(
    join(repo, '.codex-agent', 'config.toml'),
    '[roles]\nworker = "script"\n\n[agents.script]\nkind = "command"\ncommand = "sh"\nargs = ["-c", "echo done > agent.txt"]\n\n[worktree]\nhydrate = [".env"]\nsetup = ["touch setup-ran"]\n',
  );
  writeFileSync(join(repo, '.gitignore'), '.env\nsetup-ran\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'config');
  writeFileSync(join(repo, '.env'), 'SECRET=1\n');
  return repo;
}

async function worktreeOf(repo: string, slug: string): Promise<string> {
  return (await sb.json<{ worktree: string }>(['task', 'show', slug], { cwd: repo })).worktree;
}

it('reads --no-hydrate, --no-setup and --json as the command parser does', async () => {
  const repo = repoWithScriptAgent();
  await sb.json(['task', 'add', 'Bare'], { cwd: repo });
  await sb.json(['task', 'add', 'Full'], { cwd: repo });

  const bare = await sb.cli(['task', 'run', 'bare', '--no-hydrate', '--no-setup', '--json'], { cwd: repo });
  expect(bare.code, bare.stderr).toBe(0);
  const lines = bare.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.at(-1)).toMatchObject({ result: { slug: 'bare', status: 'review' } });
  const bareTree = await worktreeOf(repo, 'bare');
  expect(existsSync(join(bareTree, '.env'))).toBe(false);
  expect(existsSync(join(bareTree, 'setup-ran'))).toBe(false);
  expect(git(bareTree, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('agent.txt');

  const full = await sb.cli(['task', 'run', 'full'], { cwd: repo });
  expect(full.code, full.stderr).toBe(0);
  expect(full.stdout).toContain('full is ready for review');
  const fullTree = await worktreeOf(repo, 'full');
  expect(existsSync(join(fullTree, '.env'))).toBe(true);
  expect(existsSync(join(fullTree, 'setup-ran'))).toBe(true);
  expect(git(fullTree, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('agent.txt');
});

it('fails an unknown task as the command parser does, and leaves any other argument to the parser', async () => {
  const repo = repoWithScriptAgent();
  const fast = await sb.cli(['task', 'run', 'nope'], { cwd: repo });
  const parsed = await sb.cli(['-C', repo, 'task', 'run', 'nope'], { cwd: sb.dir });
  expect(fast.code).toBe(parsed.code);
  expect(fast.code).not.toBe(0);
  expect(fast.stderr).toBe(parsed.stderr);
  expect(fast.stderr).toMatch(/nope/);

  const unknownFlag = await sb.cli(['task', 'run', 'nope', '--bogus'], { cwd: repo });
  expect(unknownFlag.code).toBe(2);
  expect(unknownFlag.stderr).toMatch(/unknown option '--bogus'/);
  const help = await sb.cli(['task', 'run', 'nope', '--help'], { cwd: repo });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--no-hydrate[\s\S]*--no-setup[\s\S]*--json/);
});
