import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Sandbox } from './sandbox.js';

export const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');

/** A repo whose worker role is the scripted fake agent, speaking as `kind`. */
export interface AgentRepo {
  repo: string;
  /** Sets what the fake agent does on each invocation (run N = invocation N; the last repeats). */
  script(runs: unknown[][]): void;
  /** The fake agent's invocations so far (argv, prompt, resumed session…). */
  invocations(): { invocation: number; argv: string[]; prompt: string; resumeId?: string; env: string[] }[];
  env: NodeJS.ProcessEnv;
  stateDir: string;
}

export async function agentRepo(sb: Sandbox, kind: 'codex' | 'claude' | 'command' = 'codex', extraConfig = ''): Promise<AgentRepo> {
  const repo = sb.repo('app');
  const scenarioFile = join(sb.dir, 'scenario.json');
  const stateDir = join(sb.dir, 'agent-state');
  const args = kind === 'command' ? 'args = ["--plain"]\n' : '';
  const config = `[tasks]\nbackoff = "50ms"\n\n[timeouts]\ngrace = "500ms"\n\n[roles]\nworker = "fake"\n\n[agents.fake]\nkind = "${kind}"\ncommand = "${FAKE_AGENT}"\nenv = ["FAKE_AGENT_SCENARIO", "FAKE_AGENT_STATE"]\n${args}${extraConfig}`;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(repo, '.codex-agent'), { recursive: true });
  writeFileSync(join(repo, '.codex-agent', 'config.local.toml'), config);
  writeFileSync(join(repo, '.gitignore'), '.codex-agent/config.local.toml\n');
  const env = { FAKE_AGENT_SCENARIO: scenarioFile, FAKE_AGENT_STATE: stateDir };
  return {
    repo,
    env,
    stateDir,
    script(runs) {
      writeFileSync(scenarioFile, JSON.stringify({ runs }));
    },
    invocations() {
      const file = join(stateDir, 'invocations.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    },
  };
}
