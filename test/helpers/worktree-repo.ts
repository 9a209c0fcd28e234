import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../core/task.js';
import type { Sandbox } from './sandbox.js';

/** git in `cwd` with the sandbox's identity and config, English messages. */
export function sbGit(sb: Sandbox, cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...sb.env, LC_ALL: 'C' } });
}

/**
 * A repo like a real project: tracked sources, an ignored node_modules (with a .bin symlink), an
 * ignored .env, and a task `dark` registered on branch codex/dark.
 */
export async function projectRepo(sb: Sandbox, name?: string): Promise<string> {
  const repo = sb.repo(name);
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.env\ndist/\n');
  mkdirSync(join(repo, 'src'), { recursive: true });
  writeFileSync(join(repo, 'src', 'app.js'), 'export const app = 1;\n');
  sbGit(sb, repo, 'add', '-A');
  sbGit(sb, repo, 'commit', '-q', '-m', 'project');
  for (const pkg of ['left-pad', 'react']) {
    mkdirSync(join(repo, 'node_modules', pkg), { recursive: true });
    writeFileSync(join(repo, 'node_modules', pkg, 'index.js'), `module.exports = ${JSON.stringify(pkg)};\n`);
    writeFileSync(join(repo, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, version: '1.0.0' }));
  }
  mkdirSync(join(repo, 'node_modules', '.bin'));
  symlinkSync('../left-pad/index.js', join(repo, 'node_modules', '.bin', 'left-pad'));
  writeFileSync(join(repo, '.env'), 'API_URL=http://localhost\n');
  const added = await sb.cli(['task', 'add', 'Dark mode', '--slug', 'dark', '--base', 'main'], { cwd: repo });
  if (added.code !== 0) throw new Error(`task add failed: ${added.stderr}`);
  return repo;
}

/** The registered tasks, straight from tasks.json. */
export function readTasks(sb: Sandbox): Task[] {
  return (JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { tasks: Task[] }).tasks;
}

/** Rewrites tasks.json by hand (what a user with an editor could do). */
export function editTask(sb: Sandbox, slug: string, change: (task: Task) => void): void {
  const doc = JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { tasks: Task[] };
  change(doc.tasks.find((t) => t.slug === slug)!);
  writeFileSync(sb.registryFile, JSON.stringify(doc, null, 2));
}

/** Every path under `dir` (relative, sorted), symlinks not followed: to prove nothing was deleted. */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]).map(String).sort();
}

/** Waits until the background deletion of removed worktrees is done, so the sandbox can go. */
export async function waitForTrash(root: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  const trashDirs = () =>
    existsSync(root)
      ? readdirSync(root, { withFileTypes: true })
          .filter((d) => d.isDirectory() && d.name.endsWith('.worktrees'))
          .map((d) => join(root, d.name, '.codex-agent-trash'))
      : [];
  while (Date.now() < deadline) {
    if (trashDirs().every((t) => !existsSync(t) || readdirSync(t).length === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
