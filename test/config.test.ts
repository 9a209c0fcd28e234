import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
});
afterEach(() => sb.cleanup());

const userConfig = () => join(sb.env.XDG_CONFIG_HOME!, 'codex-agents', 'config.toml');
const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

interface Shown {
  config: Record<string, Record<string, unknown>>;
  origins: Record<string, { source: string; file?: string; variable?: string }>;
}

describe('config precedence (DESIGN §3)', () => {
  it('takes flag > env > local > repo > user > default, and says where each value came from', async () => {
    const key = 'manager.max_parallel';
    const get = async (env: NodeJS.ProcessEnv = {}, extra: string[] = []) => {
      const shown = await sb.json<{ value: number; origin: { source: string } }>([...extra, 'config', 'get', key], { cwd: repo, env });
      return [shown.value, shown.origin.source];
    };
    expect(await get()).toEqual([4, 'default']);
    write(userConfig(), '[manager]\nmax_parallel = 5\n');
    expect(await get()).toEqual([5, 'user']);
    write(join(repo, '.codex-agent', 'config.toml'), '[manager]\nmax_parallel = 6\n');
    expect(await get()).toEqual([6, 'repo']);
    write(join(repo, '.codex-agent', 'config.local.toml'), '[manager]\nmax_parallel = 7\n');
    expect(await get()).toEqual([7, 'local']);
    expect(await get({ CODEX_AGENT_MANAGER_MAX_PARALLEL: '8' })).toEqual([8, 'env']);
    expect(await get({ CODEX_AGENT_MANAGER_MAX_PARALLEL: '8' }, ['-c', `${key}=9`])).toEqual([9, 'flag']);
  });

  it('reports the origin of every value in `config --json`, files included', async () => {
    write(userConfig(), '[tasks]\nretries = 3\n');
    write(join(repo, '.codex-agent', 'config.toml'), '[agents.codex]\nmodel = "gpt-5.5"\n');
    const shown = await sb.json<Shown>(['config'], { cwd: repo, env: { CODEX_AGENT_WORKTREE_HYDRATE: 'node_modules,.env' } });
    expect(shown.config.tasks!.retries).toBe(3);
    expect(shown.origins['tasks.retries']).toEqual({ source: 'user', file: userConfig() });
    expect(shown.origins['agents.codex.model']).toEqual({ source: 'repo', file: join(repo, '.codex-agent', 'config.toml') });
    expect(shown.origins['agents.codex.kind']!.source).toBe('default');
    expect(shown.config.worktree!.hydrate).toEqual(['node_modules', '.env']);
    expect(shown.origins['worktree.hydrate']).toEqual({ source: 'env', variable: 'CODEX_AGENT_WORKTREE_HYDRATE' });
    expect(shown.origins['timeouts.execution']!.source).toBe('default');
  });

  it('uses only the user config outside a repo', async () => {
    write(userConfig(), '[manager]\nmax_parallel = 5\n');
    const shown = await sb.json<{ files: { source: string }[] }>(['config', 'path'], { cwd: sb.dir });
    expect(shown.files.map((f) => f.source)).toEqual(['user']);
    expect((await sb.json<{ value: number }>(['config', 'get', 'manager.max_parallel'], { cwd: sb.dir })).value).toBe(5);
  });

  it('follows the XDG variables, with ~/.config as the default', async () => {
    const env = { XDG_CONFIG_HOME: undefined as unknown as string };
    const shown = await sb.json<{ files: { path: string }[]; registry: string }>(['config', 'path'], { cwd: repo, env: { ...env, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '' } });
    expect(shown.files[0]!.path).toBe(join(sb.env.HOME!, '.config', 'codex-agents', 'config.toml'));
    expect(shown.registry).toBe(join(sb.env.HOME!, '.local', 'share', 'codex-agents', 'tasks.json'));
  });
});

describe('config set', () => {
  it('writes the repo file by default, keeps comments and other keys, and validates first', async () => {
    const file = join(repo, '.codex-agent', 'config.toml');
    write(file, '# my notes\n[manager]\n# keep me\nmax_parallel = 2\n\n[tasks]\nretries = 1 # inline\n');
    const set = await sb.cli(['config', 'set', 'manager.max_parallel', '6'], { cwd: repo });
    expect(set.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('# my notes\n[manager]\n# keep me\nmax_parallel = 6\n\n[tasks]\nretries = 1 # inline\n');

    const added = await sb.cli(['config', 'set', 'agents.claude.model', 'opus'], { cwd: repo });
    expect(added.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('[agents.claude]\nmodel = "opus"\n');
    expect((await sb.json<{ value: string }>(['config', 'get', 'agents.claude.kind'], { cwd: repo })).value).toBe('claude');

    const before = readFileSync(file, 'utf8');
    for (const [key, value, message] of [
      ['manager.max_parallel', 'many', /whole number/],
      ['manager.max_parallel', '0', /too small|>=1|≥/i],
      ['merge.strategy', 'rebase', /one of merge, no-ff, squash/],
      ['tasks.branch_pattern', 'codex/$(id)', /safe branch name|shell syntax/],
      ['roles.worker', 'nobody', /not defined/],
      ['tasks.bse', 'x', /Unknown config key "tasks.bse"[\s\S]*tasks.base/],
    ] as const) {
      const bad = await sb.cli(['config', 'set', key, value], { cwd: repo });
      expect(bad.code, `${key}=${value}`).toBe(2);
      expect(bad.stderr, `${key}=${value}`).toMatch(message);
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
  });

  it('writes the user file with --user and the personal file with --local', async () => {
    expect((await sb.cli(['config', 'set', '--user', 'tasks.retries', '5'], { cwd: repo })).code).toBe(0);
    expect(readFileSync(userConfig(), 'utf8')).toBe('[tasks]\nretries = 5\n');
    expect((await sb.cli(['config', 'set', '--local', 'tasks.retries', '1'], { cwd: repo })).code).toBe(0);
    expect(readFileSync(join(repo, '.codex-agent', 'config.local.toml'), 'utf8')).toBe('[tasks]\nretries = 1\n');
    expect((await sb.json<{ value: number }>(['config', 'get', 'tasks.retries'], { cwd: repo })).value).toBe(1);
  });

  it('says when a higher layer still wins', async () => {
    const result = await sb.cli(['config', 'set', 'manager.max_parallel', '3'], { cwd: repo, env: { CODEX_AGENT_MANAGER_MAX_PARALLEL: '7' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('still 7 here, because env (CODEX_AGENT_MANAGER_MAX_PARALLEL) takes precedence');
  });

  it('refuses --repo outside a repo', async () => {
    const result = await sb.cli(['config', 'set', '--repo', 'tasks.retries', '1'], { cwd: sb.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs a git repository/);
  });
});

describe('bad config files (IN-5)', () => {
  it('names the file, line and key, exits 2, and leaves the file alone', async () => {
    const file = join(repo, '.codex-agent', 'config.toml');
    const text = '[tasks]\nretries = 2\n\n[manager]\nmax_parallel = "lots"\n';
    write(file, text);
    for (const args of [['config'], ['task', 'add', 'x'], ['config', 'set', 'tasks.retries', '3']]) {
      const result = await sb.cli(args, { cwd: repo });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toMatch(/line 5, manager\.max_parallel: .*expected number/);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('points at TOML syntax errors by line and column', async () => {
    const file = userConfig();
    write(file, '[tasks]\nretries = 2\nbase = "main\n');
    const result = await sb.cli(['config'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}, line 3, column`);
    expect(readFileSync(file, 'utf8')).toBe('[tasks]\nretries = 2\nbase = "main\n');
  });

  it('names unknown keys with a suggestion', async () => {
    write(join(repo, '.codex-agent', 'config.local.toml'), '[manager]\nmax_paralel = 3\n');
    const result = await sb.cli(['config'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 2, manager\.max_paralel: unknown key \(did you mean "manager\.max_parallel"/);
  });

  it('rejects a bad environment value by naming the variable', async () => {
    const result = await sb.cli(['config'], { cwd: repo, env: { CODEX_AGENT_TASKS_RETRIES: 'two' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable CODEX_AGENT_TASKS_RETRIES');
  });

  it('blames the file of a role that names a missing profile, even when profiles come from another file', async () => {
    write(userConfig(), '[agents.mine]\nkind = "command"\ncommand = "aider"\n');
    write(join(repo, '.codex-agent', 'config.toml'), '[roles]\nworker = "mine"\n');
    expect((await sb.json<{ value: string }>(['config', 'get', 'roles.worker'], { cwd: repo })).value).toBe('mine');
    write(join(repo, '.codex-agent', 'config.toml'), '[roles]\nworker = "yours"\n');
    const result = await sb.cli(['config'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(repo, '.codex-agent', 'config.toml'));
    expect(result.stderr).toMatch(/line 2, roles\.worker: names the agent profile "yours", which is not defined/);
  });
});
