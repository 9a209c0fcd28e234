import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { agentRepo, type AgentRepo } from './agent-repo.js';
import { commitFiles, g, lines } from './merge-repo.js';
import type { Sandbox } from './sandbox.js';
import { editTask } from './worktree-repo.js';

/** A repo whose resolver is the fake agent, with a task `feat` in review on its own worktree. */
export interface MergeTaskRepo extends AgentRepo {
  worktree: string;
  /** Appends to .codex-agent/config.local.toml (e.g. `[merge]\nverify = [...]`). */
  config(extra: string): void;
  /** HEAD, index and status of the task worktree: what "exactly as before" is checked against. */
  state(): { head: string; index: string; status: string; mergeHead: boolean };
  cli(args: string[], env?: NodeJS.ProcessEnv): ReturnType<Sandbox['cli']>;
  status(slug?: string): string;
}

export async function mergeTaskRepo(sb: Sandbox, feat: Record<string, string>, main: Record<string, string>): Promise<MergeTaskRepo> {
  const ar = await agentRepo(sb, 'codex');
  const configFile = join(ar.repo, '.codex-agent', 'config.local.toml');
  writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('worker = "fake"', 'worker = "fake"\nresolver = "fake"'));
  g(sb, ar.repo, 'add', '.gitignore');
  commitFiles(sb, ar.repo, { 'app.txt': lines(20), 'ws.txt': 'x = 1;\n' }, 'start');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => sb.cli(args, { cwd: ar.repo, env: { ...ar.env, ...env } });
  expect((await cli(['task', 'add', 'Feature', '--slug', 'feat', '--base', 'main', '--goal', 'Make the feature'])).code).toBe(0);
  const added = await cli(['task', 'worktree', 'add', 'feat', '--no-hydrate', '--no-setup']);
  expect(added.code, added.stderr).toBe(0);
  const worktree = join(sb.dir, 'app.worktrees', 'feat');
  commitFiles(sb, worktree, feat, 'feature work');
  if (Object.keys(main).length) commitFiles(sb, ar.repo, main, 'main moves on');
  editTask(sb, 'feat', (t) => (t.status = 'review'));
  return {
    ...ar,
    worktree,
    cli,
    config(extra) {
      writeFileSync(configFile, `${readFileSync(configFile, 'utf8')}\n${extra}\n`);
    },
    state() {
      return {
        head: g(sb, worktree, 'rev-parse', 'HEAD').trim(),
        index: g(sb, worktree, 'ls-files', '--stage'),
        status: g(sb, worktree, 'status', '--porcelain', '--untracked-files=all'),
        mergeHead: existsSync(join(sb.dir, 'app', '.git', 'worktrees', 'feat', 'MERGE_HEAD')),
      };
    },
    status(slug = 'feat') {
      const tasks = (JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { tasks: { slug: string; status: string }[] }).tasks;
      return tasks.find((t) => t.slug === slug)!.status;
    },
  };
}
