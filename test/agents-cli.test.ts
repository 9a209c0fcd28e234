import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

interface AgentsJson {
  roles: { role: string; profile: string; from: string; template: string; templateSource: string }[];
  profiles: { name: string; kind: string; command: string; usedBy: string[]; fallback: string[] }[];
  instructions: { path: string; note: string }[];
}

describe('codex-agent agents', () => {
  it('lists roles with their profiles, the prompt template in effect for each, and the instruction files', async () => {
    const repo = sb.repo('app');
    mkdirSync(join(repo, '.codex-agent', 'prompts'), { recursive: true });
    writeFileSync(join(repo, '.codex-agent', 'prompts', 'worker.md'), 'Repo worker: {{task.title}}');
    mkdirSync(join(sb.env.XDG_CONFIG_HOME!, 'codex-agents', 'prompts'), { recursive: true });
    writeFileSync(join(sb.env.XDG_CONFIG_HOME!, 'codex-agents', 'prompts', 'validator.md'), 'User validator');
    writeFileSync(join(repo, 'AGENTS.md'), '# Be careful\n');
    writeFileSync(join(repo, '.codex-agent', 'config.toml'), '[roles]\nresolver = "claude"\n\n[agents.aider]\nkind = "command"\ncommand = "aider"\nfallback = ["codex"]\n');
    const shown = await sb.json<AgentsJson>(['agents'], { cwd: repo });
    const role = (name: string) => shown.roles.find((r) => r.role === name)!;
    expect(role('worker')).toMatchObject({ profile: 'codex', from: 'default', templateSource: 'repo', template: join(repo, '.codex-agent', 'prompts', 'worker.md') });
    expect(role('validator')).toMatchObject({ templateSource: 'user' });
    expect(role('resolver')).toMatchObject({ profile: 'claude', from: 'repo', templateSource: 'shipped' });
    expect(role('resolver').template).toMatch(/prompts\/resolver\.md$/);
    expect(shown.profiles.find((p) => p.name === 'aider')).toMatchObject({ kind: 'command', command: 'aider', fallback: ['codex'], usedBy: [] });
    expect(shown.profiles.find((p) => p.name === 'codex')!.usedBy).toEqual(['worker', 'validator', 'planner']);
    expect(shown.instructions).toEqual([{ path: join(repo, 'AGENTS.md'), note: expect.stringMatching(/Codex itself/) }]);
    const text = await sb.cli(['agents'], { cwd: repo });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Roles[\s\S]*worker\s+codex\s+default[\s\S]*Profiles[\s\S]*aider\s+command\s+aider[\s\S]*Instruction files[\s\S]*AGENTS\.md/);
  });

  it('fails a run whose prompt override uses an unknown placeholder, naming the file', async () => {
    const repo = sb.repo('app');
    mkdirSync(join(repo, '.codex-agent', 'prompts'), { recursive: true });
    writeFileSync(join(repo, '.codex-agent', 'prompts', 'worker.md'), 'Do {{task.titel}}');
    writeFileSync(join(repo, '.codex-agent', 'config.toml'), '[roles]\nworker = "fake"\n[agents.fake]\nkind = "command"\ncommand = "true"\n');
    await sb.json(['task', 'add', 'X', '--goal', 'x'], { cwd: repo });
    const run = await sb.cli(['task', 'run', 'x'], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/worker\.md uses unknown placeholder \{\{task\.titel\}\}[\s\S]*\{\{task\.title\}\}/);
    expect((await sb.json<{ status: string }>(['task', 'show', 'x'], { cwd: repo })).status).toBe('stuck');
  });
});
