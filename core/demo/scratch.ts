/**
 * The demo's scratch repository (issue 9): the textkit project committed on `main`, its untracked
 * dependency, a codex-agent config whose worker, validator and resolver are the demo agent, and
 * private XDG directories so the demo never touches the user's tasks, state or supervisor.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGit } from '../git/run.js';
import { PROJECT_FILES, UNTRACKED_FILES } from './project.js';

export interface Scratch {
  /** The folder holding everything (removed at the end unless kept). */
  dir: string;
  /** The git repository of the demo project. */
  repo: string;
  /** Environment of every codex-agent command of the demo: the private XDG directories. */
  env: NodeJS.ProcessEnv;
  /** The demo agent's launcher. */
  agent: string;
}

/** The demo agent's compiled entry point, next to this module in dist/. */
export const DEMO_AGENT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'agent.js');

function writeAll(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const tomlString = (text: string) => JSON.stringify(text);

/** The `.codex-agent/config.toml` of the demo repo. */
export function demoConfig(agent: string): string {
  return [
    '# codex-agent demo: the worker, validator and resolver are the scripted DEMO AGENT, not an AI.',
    '[roles]',
    'worker = "demo-agent"',
    'validator = "demo-agent"',
    'resolver = "demo-agent"',
    'planner = "demo-agent"',
    '',
    '[agents.demo-agent]',
    'kind = "codex"',
    `command = ${tomlString(agent)}`,
    '',
    '[tasks]',
    'retries = 1',
    'backoff = "1s"',
    '',
    '[manager]',
    'max_parallel = 4',
    '',
    '[merge]',
    'verify = ["node --test"]',
    '',
    '[[validate.checks]]',
    'name = "test"',
    'run = ["node", "--test"]',
    '',
  ].join('\n');
}

/** Creates the scratch folder (`dir`, or a new temp folder) with the demo repo committed. */
export async function createScratch(dir: string | undefined, env: NodeJS.ProcessEnv): Promise<Scratch> {
  const root = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'codex-agent-demo-'));
  mkdirSync(root, { recursive: true });
  const repo = join(root, 'textkit');
  const xdg = join(root, 'xdg');
  for (const sub of ['config', 'state', 'data', 'cache']) mkdirSync(join(xdg, sub), { recursive: true });
  const agent = join(root, 'demo-agent');
  // A launcher, because a codex-kind profile's command is one executable.
  writeFileSync(agent, `#!/bin/sh\n# The codex-agent DEMO AGENT (scripted, not an AI).\nexec ${tomlString(process.execPath)} ${tomlString(DEMO_AGENT_SCRIPT)} "$@"\n`);
  chmodSync(agent, 0o755);

  mkdirSync(repo, { recursive: true });
  writeAll(repo, PROJECT_FILES);
  writeAll(repo, { '.codex-agent/config.toml': demoConfig(agent) });
  await runGit(['init', '-q', '-b', 'main'], { cwd: repo });
  await runGit(['config', 'user.name', 'codex-agent demo'], { cwd: repo });
  await runGit(['config', 'user.email', 'demo@codex-agent.invalid'], { cwd: repo });
  await runGit(['add', '-A'], { cwd: repo });
  await runGit(['commit', '-q', '-m', 'textkit: words()'], { cwd: repo });
  writeAll(repo, UNTRACKED_FILES);
  const scratchEnv: NodeJS.ProcessEnv = {
    ...env,
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_STATE_HOME: join(xdg, 'state'),
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
  };
  return { dir: root, repo, env: scratchEnv, agent };
}
