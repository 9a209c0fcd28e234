import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI that the tests run, as users do (`npm test` builds it first). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'dist', 'src', 'bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp home for one test: its own XDG dirs, so tests run in parallel without touching $HOME. */
export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  registryFile: string;
  /** Creates a git repo with one commit on `main` and returns its path. */
  repo(name?: string): string;
  /** Runs the built CLI. */
  cli(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult>;
  /** Runs the CLI and parses its stdout as JSON (and fails loudly when the exit code is not 0). */
  json<T = unknown>(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<T>;
  cleanup(): void;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/** Deterministic identity for commits made by tests. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function makeSandbox(): Sandbox {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'codex-agent-test-')));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    ...GIT_ENV,
    NO_COLOR: '1',
  };
  writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.invalid\n');
  let repos = 0;
  const sandbox: Sandbox = {
    dir,
    env,
    registryFile: join(dir, 'data', 'codex-agents', 'tasks.json'),
    repo(name = `repo${++repos}`) {
      const path = join(dir, name);
      mkdirSync(path, { recursive: true });
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: path, env });
      writeFileSync(join(path, 'README.md'), `# ${name}\n`);
      execFileSync('git', ['add', '.'], { cwd: path, env });
      execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: path, env });
      return path;
    },
    cli(args, options = {}) {
      return runNode([BIN, ...args], { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, input: options.input });
    },
    async json(args, options = {}) {
      const result = await sandbox.cli([...args, '--json'], options);
      if (result.code !== 0) throw new Error(`codex-agent ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
      return JSON.parse(result.stdout);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sandbox;
}

/** Runs `node <args>` and collects its output. */
export function runNode(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
