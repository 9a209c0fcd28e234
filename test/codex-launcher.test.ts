import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codexNativeLaunch } from '../core/agents/codex-launcher.js';
import { startAgentProcess } from '../core/runs/agent-process.js';
import { locateCodex } from './agent-env/agent-binaries.js';

const PLATFORM = { 'linux-x64': ['x86_64-unknown-linux-musl', '@openai/codex-linux-x64'], 'linux-arm64': ['aarch64-unknown-linux-musl', '@openai/codex-linux-arm64'] }[`${process.platform}-${process.arch}`];
const installed = locateCodex();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-launcher-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/**
 * An npm install of codex as npm lays it out: node_modules/.bin/codex → the launcher script, the
 * platform package beside it with the native binary. Each program says which one it is.
 */
function npmInstall(options: { platformBinary: boolean }): { bin: string; launcher: string; native: string } {
  const modules = join(dir, 'node_modules');
  const launcher = join(modules, '@openai', 'codex', 'bin', 'codex.js');
  executable(launcher, '#!/bin/sh\necho "launcher $*"\n');
  writeFileSync(join(modules, '@openai', 'codex', 'package.json'), '{"name":"@openai/codex","version":"0.169.0"}');
  const [triple, pkg] = PLATFORM!;
  writeFileSync(join(mkdirp(join(modules, pkg)), 'package.json'), `{"name":"${pkg}","version":"0.169.0"}`);
  const native = join(modules, pkg, 'vendor', triple, 'bin', 'codex');
  if (options.platformBinary) executable(native, '#!/bin/sh\necho "native $* root=$CODEX_MANAGED_PACKAGE_ROOT npm=$CODEX_MANAGED_BY_NPM"\n');
  const bin = mkdirp(join(modules, '.bin'));
  symlinkSync(join('..', '@openai', 'codex', 'bin', 'codex.js'), join(bin, 'codex'));
  return { bin, launcher, native };
}

function mkdirp(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

async function run(command: string, path: string): Promise<string[]> {
  const lines: string[] = [];
  const agent = startAgentProcess({ command, args: ['exec', '--json'], cwd: dir, env: { PATH: `${path}:/usr/bin:/bin` }, graceMs: 500, onStdoutLine: (l) => lines.push(l) });
  const exit = await agent.done;
  expect(exit.code).toBe(0);
  return lines;
}

describe.skipIf(!PLATFORM)('codex installed by npm runs without its Node launcher', () => {
  it('runs the platform binary the launcher would run, with the launcher\'s variables', async () => {
    const { bin, native } = npmInstall({ platformBinary: true });
    expect(codexNativeLaunch('codex', `${bin}:/usr/bin`, dir)?.command).toBe(native);
    expect(await run('codex', bin)).toEqual([`native exec --json root=${join(dir, 'node_modules', '@openai', 'codex')} npm=1`]);
  });

  it('runs the launcher when the platform binary is missing, so its own error reaches the user', async () => {
    const { bin } = npmInstall({ platformBinary: false });
    expect(codexNativeLaunch('codex', bin, dir)).toBeUndefined();
    expect(await run('codex', bin)).toEqual(['launcher exec --json']);
  });

  it('leaves any other codex alone: a wrapper of the user\'s own, or a path to the launcher\'s copy', async () => {
    const own = mkdirp(join(dir, 'own'));
    executable(join(own, 'codex'), '#!/bin/sh\necho "mine $*"\n');
    npmInstall({ platformBinary: true });
    expect(await run('codex', own)).toEqual(['mine exec --json']);
    expect(codexNativeLaunch('codex', join(dir, 'nowhere'), dir)).toBeUndefined();
    expect(codexNativeLaunch('claude', own, dir)).toBeUndefined();
  });

  it('follows a command given as a path to the launcher', async () => {
    const { launcher, native } = npmInstall({ platformBinary: true });
    expect(codexNativeLaunch(launcher, '', dir)?.command).toBe(native);
  });
});

describe.skipIf(!installed.available)('against the real @openai/codex install', () => {
  it('finds the same binary, and it reports the same version as through the launcher', () => {
    if (!installed.available) return;
    const launch = codexNativeLaunch('codex', installed.binDir, dir);
    expect(launch).toBeDefined();
    const direct = execFileSync(launch!.command, ['--version'], { encoding: 'utf8' });
    const viaLauncher = execFileSync(installed.command, [...installed.args, '--version'], { encoding: 'utf8' });
    expect(direct).toBe(viaLauncher);
    expect(direct).toContain(installed.version);
  });
});
