import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

/** Runs the generated bash completion in a real bash for the words typed so far (the last one is being completed). */
function complete(script: string, cwd: string, words: string[]): string[] {
  const bin = join(sb.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const launcher = join(bin, 'codex-agent');
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const file = join(sb.dir, 'completion.bash');
  writeFileSync(file, script);
  const line = ['codex-agent', ...words];
  const program = `source ${file}; COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _codex_agent; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', program], { cwd, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH}` }, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

describe('codex-agent completion', () => {
  it('completes commands, subcommands, options and task slugs in a real bash', async () => {
    const repo = sb.repo('app');
    await sb.json(['task', 'add', 'Dark mode'], { cwd: repo });
    await sb.json(['task', 'add', 'Dark theme'], { cwd: repo });
    const script = (await sb.cli(['completion', 'bash'])).stdout;
    expect(complete(script, repo, [''])).toEqual(expect.arrayContaining(['init', 'config', 'task', 'status', 'agents', 'completion']));
    expect(complete(script, repo, ['ta'])).toEqual(['task']);
    expect(complete(script, repo, ['task', ''])).toEqual(expect.arrayContaining(['add', 'list', 'ls', 'run', 'worktree', 'remove', 'rm']));
    expect(complete(script, repo, ['task', 'worktree', ''])).toEqual(expect.arrayContaining(['add', 'remove']));
    expect(complete(script, repo, ['task', 'list', '--s'])).toEqual(['--status']);
    expect(complete(script, repo, ['task', 'list', '--status', 'todo', '--a'])).toEqual(['--all-repos']);
    expect(complete(script, repo, ['task', 'run', 'dark-'])).toEqual(['dark-mode', 'dark-theme']);
    expect(complete(script, repo, ['task', 'show', 'dark-t'])).toEqual(['dark-theme']);
  });

  it('prints zsh and fish scripts, and explains a missing or unknown shell', async () => {
    const zsh = await sb.cli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/bashcompinit[\s\S]*complete -F _codex_agent codex-agent/);
    const fish = await sb.cli(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c codex-agent -n '__fish_use_subcommand' -a 'task'");
    expect(fish.stdout).toContain("-a '(codex-agent completion --slugs 2>/dev/null)'");
    const missing = await sb.cli(['completion']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/bash, zsh or fish/);
    const unknown = await sb.cli(['completion', 'tcsh']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No completion for the shell "tcsh"/);
  });

  it('the bash script is valid bash', async () => {
    const script = (await sb.cli(['completion', 'bash'])).stdout;
    const file = join(sb.dir, 'c.bash');
    writeFileSync(file, script);
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
  });
});
