import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, join, resolve, sep } from 'node:path';

/**
 * The `codex` that npm installs is a Node script (`@openai/codex/bin/codex.js`) whose only job is
 * to find the native binary of the platform's package and run it. Going through it costs every
 * agent run a second Node start (30–50 ms here), and on Node 20, which has no `process.execve`, a
 * Node process that stays alive beside each agent for the whole run. So when the command an agent
 * profile names is that launcher, codex-agent runs the binary the launcher would run, with the
 * variables the launcher sets for an npm install. Anything else — another layout, another
 * platform, a wrapper of the user's own — is started exactly as named.
 */

/** Where the launcher sits in an npm install, and where the platform packages keep the binary. */
const LAUNCHER = join('@openai', 'codex', 'bin', 'codex.js');

/** The launcher's platform table (codex-cli 0.169.0), for the platforms where it can be bypassed. */
const PLATFORMS: Readonly<Record<string, { triple: string; pkg: string }>> = {
  'linux-x64': { triple: 'x86_64-unknown-linux-musl', pkg: '@openai/codex-linux-x64' },
  'linux-arm64': { triple: 'aarch64-unknown-linux-musl', pkg: '@openai/codex-linux-arm64' },
  'darwin-x64': { triple: 'x86_64-apple-darwin', pkg: '@openai/codex-darwin-x64' },
  'darwin-arm64': { triple: 'aarch64-apple-darwin', pkg: '@openai/codex-darwin-arm64' },
};

/** A command to start instead of the one named, with the variables it needs. */
export interface NativeLaunch {
  command: string;
  env: Record<string, string>;
}

/**
 * The native Codex binary behind `command` when `command` (looked up on `path` as the spawn would)
 * is the npm launcher; undefined otherwise. Looked up at every start (a few stat calls), so an
 * upgrade of codex under a running supervisor is picked up.
 */
export function codexNativeLaunch(command: string, path: string | undefined, cwd: string): NativeLaunch | undefined {
  const name = basename(command);
  if (name !== 'codex' && name !== 'codex.js') return undefined;
  return lookUp(command, path, cwd);
}

function lookUp(command: string, path: string | undefined, cwd: string): NativeLaunch | undefined {
  const platform = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!platform) return undefined;
  const file = command.includes(sep) ? resolve(cwd, command) : onPath(command, path);
  if (!file) return undefined;
  let launcher: string;
  try {
    launcher = realpathSync(file);
  } catch {
    return undefined;
  }
  if (!launcher.endsWith(sep + LAUNCHER)) return undefined;
  const packageRoot = dirname(dirname(launcher));
  // As the launcher does: the platform package resolved from the launcher, else the package's own vendor/.
  let vendor = join(packageRoot, 'vendor');
  try {
    vendor = join(dirname(createRequire(launcher).resolve(`${platform.pkg}/package.json`)), 'vendor');
  } catch {
    /* no platform package: the vendor directory inside @openai/codex, if any */
  }
  const binary = join(vendor, platform.triple, 'bin', 'codex');
  if (!isExecutable(binary)) return undefined;
  return { command: binary, env: { CODEX_MANAGED_PACKAGE_ROOT: packageRoot, CODEX_MANAGED_BY_NPM: '1' } };
}

/** The first executable `command` on `path`, as execvp finds it. */
function onPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
