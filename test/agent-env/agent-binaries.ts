/**
 * Finds the real agent CLIs that .ci/install-agents.sh put in the cache directory outside the repo,
 * or says why they are not usable (the contract tests print that and skip).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The versions the contract tests are written against (keep in step with .ci/install-agents.sh). */
export const CODEX_VERSION = '0.169.0';
export const CLAUDE_VERSION = '2.1.330';

/** claude-code's bin/claude.exe is a ~500-byte stub until its postinstall links the native binary. */
const CLAUDE_MIN_BYTES = 1_000_000;

/** The cache directory, resolved exactly as .ci/install-agents.sh does. */
export function agentsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODEX_AGENT_AGENTS_CACHE) return env.CODEX_AGENT_AGENTS_CACHE;
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'codex-agent-ci', 'agents');
}

/** An installed CLI: run `command` with `args` first, then the CLI's own arguments. */
export interface AgentBinary {
  available: true;
  command: string;
  args: string[];
  version: string;
  /** The directory holding `codex` / `claude` links, to put on PATH for programs that look them up. */
  binDir: string;
}

/** A CLI that is missing, with the reason and what to run. */
export interface MissingAgent {
  available: false;
  reason: string;
}

export type LocatedAgent = AgentBinary | MissingAgent;

const INSTALL_HINT = 'run .ci/install-agents.sh';

function installedVersion(packageDir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

function checkVersion(name: string, packageDir: string, wanted: string): MissingAgent | undefined {
  const version = installedVersion(packageDir);
  if (version === undefined) return { available: false, reason: `${name} is not installed in ${packageDir} (${INSTALL_HINT})` };
  if (version !== wanted) return { available: false, reason: `${name} ${version} is installed in ${packageDir}, the tests need ${wanted} (${INSTALL_HINT})` };
  return undefined;
}

/** Locates `@openai/codex` (run through Node: `node bin/codex.js`, which finds the platform binary). */
export function locateCodex(cacheDir = agentsCacheDir()): LocatedAgent {
  const modules = join(cacheDir, 'node_modules');
  const packageDir = join(modules, '@openai', 'codex');
  const problem = checkVersion('@openai/codex', packageDir, CODEX_VERSION);
  if (problem) return problem;
  const platformPackage = join(modules, '@openai', `codex-${process.platform}-${process.arch}`);
  if (!existsSync(join(platformPackage, 'vendor'))) {
    return { available: false, reason: `codex's platform binary package ${platformPackage} is missing (optional dependency not installed; ${INSTALL_HINT})` };
  }
  return { available: true, command: process.execPath, args: [join(packageDir, 'bin', 'codex.js')], version: CODEX_VERSION, binDir: join(modules, '.bin') };
}

/** Locates `@anthropic-ai/claude-code` (its native binary at bin/claude.exe). */
export function locateClaude(cacheDir = agentsCacheDir()): LocatedAgent {
  const modules = join(cacheDir, 'node_modules');
  const packageDir = join(modules, '@anthropic-ai', 'claude-code');
  const problem = checkVersion('@anthropic-ai/claude-code', packageDir, CLAUDE_VERSION);
  if (problem) return problem;
  const binary = join(packageDir, 'bin', 'claude.exe');
  const size = existsSync(binary) ? statSync(binary).size : 0;
  if (size < CLAUDE_MIN_BYTES) {
    return { available: false, reason: `${binary} is still the install stub (the postinstall did not link the native binary; ${INSTALL_HINT})` };
  }
  return { available: true, command: binary, args: [], version: CLAUDE_VERSION, binDir: join(modules, '.bin') };
}

/**
 * `env` with the agents' bin directory first on PATH, for programs that look `codex` / `claude` up
 * by name (such as `codex-agent task run`).
 */
export function withAgentsOnPath(env: NodeJS.ProcessEnv, agent: AgentBinary): NodeJS.ProcessEnv {
  return { ...env, PATH: env.PATH ? `${agent.binDir}:${env.PATH}` : agent.binDir };
}
