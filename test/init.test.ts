import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('codex-agent init', () => {
  it('creates the commented config, the prompts folder and the ignore line, then changes nothing', async () => {
    const repo = sb.repo('app');
    writeFileSync(join(repo, '.gitignore'), 'node_modules');
    const first = await sb.cli(['init'], { cwd: repo });
    expect(first.code).toBe(0);
    const config = readFileSync(join(repo, '.codex-agent', 'config.toml'), 'utf8');
    // Every key documented at its default, commented out: the file parses to empty tables.
    expect(config).toContain('# max_parallel = 4');
    expect(config).toContain('# branch_pattern = "codex/{slug}"');
    expect(config).toContain('# How many agents run at once.');
    expect(config).toContain('# [agents.codex]');
    // (Nested tables such as [validate.policy] are empty tables too: no value anywhere.)
    const values = (table: object): unknown[] => Object.values(table).flatMap((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? values(v) : [v]));
    expect(values(parse(config))).toEqual([]);
    expect(readFileSync(join(repo, '.codex-agent', 'prompts', 'README.md'), 'utf8')).toMatch(/worker\.md/);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('node_modules\n# codex-agent: personal config overrides\n/.codex-agent/config.local.toml\n');
    // git really ignores the personal file.
    writeFileSync(join(repo, '.codex-agent', 'config.local.toml'), '');
    expect(git(repo, 'status', '--porcelain', '--', '.codex-agent/config.local.toml')).toBe('');

    const snapshot = () => [config, readFileSync(join(repo, '.gitignore'), 'utf8'), readFileSync(join(repo, '.codex-agent', 'prompts', 'README.md'), 'utf8')];
    const before = snapshot();
    const second = await sb.cli(['init'], { cwd: repo });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already set up.*nothing changed/);
    expect(snapshot()).toEqual(before);
    const json = await sb.json<{ alreadyInitialized: boolean }>(['init'], { cwd: repo });
    expect(json.alreadyInitialized).toBe(true);
  });

  it('keeps an existing config file and only adds what is missing', async () => {
    const repo = sb.repo('app');
    await sb.cli(['init'], { cwd: repo });
    writeFileSync(join(repo, '.codex-agent', 'config.toml'), '[manager]\nmax_parallel = 2\n');
    writeFileSync(join(repo, '.gitignore'), '');
    const result = await sb.json<{ steps: { action: string; path: string }[] }>(['init'], { cwd: repo });
    expect(result.steps.map((s) => s.action)).toEqual(['unchanged', 'unchanged', 'updated']);
    expect(readFileSync(join(repo, '.codex-agent', 'config.toml'), 'utf8')).toBe('[manager]\nmax_parallel = 2\n');
  });

  it('refuses outside a git repository', async () => {
    const result = await sb.cli(['init'], { cwd: sb.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Not inside a git repository/);
    expect(result.stderr).toMatch(/git init/);
    expect(existsSync(join(sb.dir, '.codex-agent'))).toBe(false);
  });

  it('works from a subdirectory and sets up the repo root', async () => {
    const repo = sb.repo('app');
    const sub = join(repo, 'src');
    await import('node:fs').then((fs) => fs.mkdirSync(sub));
    expect((await sb.cli(['init'], { cwd: sub })).code).toBe(0);
    expect(existsSync(join(repo, '.codex-agent', 'config.toml'))).toBe(true);
    expect(existsSync(join(sub, '.codex-agent'))).toBe(false);
  });
});
