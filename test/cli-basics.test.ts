import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('the CLI', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const result = await sb.cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: codex-agent');
    expect(result.stdout).toMatch(/Exit codes:\n\s+0\s+success/);
    for (const command of ['init', 'config', 'task']) expect(result.stdout).toContain(command);
  });

  it('has --help on every command', async () => {
    for (const args of [['init'], ['config'], ['config', 'get'], ['config', 'set'], ['config', 'path'], ['task'], ['task', 'add'], ['task', 'list'], ['task', 'show'], ['task', 'edit'], ['task', 'remove']]) {
      const result = await sb.cli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain(`Usage: codex-agent ${args.join(' ')}`);
    }
  });

  it('exits 2 on an unknown command or option, with a pointer to --help', async () => {
    const unknown = await sb.cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await sb.cli(['task', 'list', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--help');
  });

  it('prints its version', async () => {
    const result = await sb.cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
