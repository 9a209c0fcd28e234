/**
 * `codex-agent task run` with the REAL agent CLIs (installed by .ci/install-agents.sh), each against a
 * scripted model server on loopback, inside a private network namespace where `unshare -rn` works.
 * These prove the product works with the agents people use. Skipped, with the reason printed, when
 * the binaries are absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { locateClaude, locateCodex, withAgentsOnPath, type AgentBinary } from './agent-env/agent-binaries.js';
import { makeClaudeHome, makeCodexHome } from './agent-env/agent-home.js';
import { probeIsolation, routeTo } from './agent-env/loopback.js';
import { runAgent, type AgentRun } from './agent-env/run-agent.js';
import { makeScratchRepo, type ScratchRepo } from './agent-env/scratch-repo.js';
import { BIN } from './helpers/sandbox.js';
import { startMessagesServer } from './servers/messages-server.js';
import { startResponsesServer } from './servers/responses-server.js';
import { exec, finish, httpError, plan, scenario, writeFile, type ScenarioInput } from './servers/scenario.js';
import type { ScriptedServer } from './servers/scripted-http.js';

const isolation = probeIsolation();
const codex = locateCodex();
const claude = locateClaude();
console.info(`[contract-runner] network: ${isolation.reason}`);
if (!codex.available) console.warn(`[contract-runner] skipping the codex tests: ${codex.reason}`);
if (!claude.available) console.warn(`[contract-runner] skipping the claude tests: ${claude.reason}`);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PLAN = ['Inspect the repository', 'Create hello.txt', 'Verify and report'];

interface Shown {
  status: string;
  statusReason: string;
  runs: { result: string | null; sessionId: string | null; error: string | null; summary: string | null; question: string | null }[];
  todo: { text: string; status: string }[] | null;
  question: string | null;
}

/** A repo whose worker is the real CLI, and a way to run codex-agent commands next to it. */
async function setup(kind: 'codex' | 'claude', agent: AgentBinary, input: ScenarioInput) {
  const ws: ScratchRepo = makeScratchRepo(`contract-runner-${kind}-`);
  cleanups.push(() => ws.remove());
  const server: ScriptedServer = await (kind === 'codex' ? startResponsesServer : startMessagesServer)(input);
  cleanups.push(() => server.close());
  const route = routeTo(server, isolation);
  const home = kind === 'codex' ? makeCodexHome(ws.dir, route.port) : makeClaudeHome(ws.dir, route.port);
  const env = withAgentsOnPath(home.env, agent);
  const profile =
    kind === 'codex'
      ? '[agents.real]\nkind = "codex"\nenv = ["SCRIPTED_API_KEY"]\n'
      : '[agents.real]\nkind = "claude"\npermission_mode = "acceptEdits"\n';
  mkdirSync(join(ws.repo, '.codex-agent'), { recursive: true });
  writeFileSync(join(ws.repo, '.codex-agent', 'config.toml'), `[tasks]\nbackoff = "50ms"\n\n[roles]\nworker = "real"\n\n${profile}`);
  execFileSync('git', ['-C', ws.repo, 'add', '.codex-agent'], { env });
  execFileSync('git', ['-C', ws.repo, 'commit', '-q', '-m', 'codex-agent config'], { env });
  const cli = (args: string[], timeoutMs = 60_000): Promise<AgentRun> =>
    runAgent({ command: process.execPath, args: [BIN, ...args], cwd: ws.repo, env, route, timeoutMs });
  const show = async (slug: string): Promise<Shown> => JSON.parse((await cli(['task', 'show', slug, '--json'])).stdout) as Shown;
  const git = (...args: string[]) => execFileSync('git', ['-C', ws.repo, ...args], { encoding: 'utf8', env });
  return { ws, server, cli, show, git };
}

function explain(run: AgentRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout.slice(-3000)}\nstderr:\n${run.stderr.slice(-3000)}`;
}

describe.skipIf(!codex.available)('task run with the real Codex CLI', () => {
  const cli = codex as AgentBinary;

  it('plans, runs a command and edits a file: review, a commit on the branch, the todo list recorded', async () => {
    const t = await setup('codex', cli, [plan(PLAN), exec('ls'), writeFile('hello.txt', 'Hello!\n'), plan(PLAN, { done: 'all' }), finish('Created hello.txt and checked it.')]);
    expect((await t.cli(['task', 'add', 'Say hello', '--goal', 'Create hello.txt'])).code).toBe(0);
    const run = await t.cli(['task', 'run', 'say-hello']);
    expect(run.code, explain(run)).toBe(0);
    const shown = await t.show('say-hello');
    expect(shown.status).toBe('review');
    expect(shown.todo).toEqual(PLAN.map((text) => ({ text, status: 'completed' })));
    expect(shown.runs).toHaveLength(1);
    expect(shown.runs[0]).toMatchObject({ result: 'success', summary: 'Created hello.txt and checked it.' });
    expect(shown.runs[0]!.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.git('show', '--name-only', '--format=%s', 'codex/say-hello').trim().split('\n')).toEqual(['Say hello', '', 'hello.txt']);
    expect(t.git('show', 'codex/say-hello:hello.txt')).toBe('Hello!\n');
    expect(t.git('rev-list', '--count', 'main').trim()).toBe('2');
    // The real CLI got our worker prompt.
    const prompt = JSON.stringify(t.server.modelRequests()[0]!.body);
    expect(prompt).toContain('# Task: Say hello');
  });

  it('retries an API failure (resuming the thread), then escalates to stuck', async () => {
    const t = await setup('codex', cli, [httpError(500, { times: 1000 })]);
    await t.cli(['task', 'add', 'Doomed', '--goal', 'Anything', '--retries', '1']);
    const run = await t.cli(['task', 'run', 'doomed']);
    expect(run.code, explain(run)).toBe(1);
    const shown = await t.show('doomed');
    expect(shown.status).toBe('stuck');
    expect(shown.runs.map((r) => r.result)).toEqual(['failed', 'failed']);
    expect(shown.runs[1]!.sessionId).toBe(shown.runs[0]!.sessionId);
    expect(shown.statusReason).toMatch(/gave up after 1 retry/);
    expect(t.server.modelRequests().length).toBe(2);
  });

  it('escalates a question, and `task answer` resumes the same thread to review', async () => {
    const t = await setup('codex', cli, scenario(
      [finish('Before I start:\nQUESTION: Should hello.txt say "Hello" or "Hi"?')],
      [writeFile('hello.txt', 'Hi\n'), finish('Wrote "Hi" as asked.')],
    ));
    await t.cli(['task', 'add', 'Greeting', '--goal', 'Create hello.txt']);
    const asked = await t.cli(['task', 'run', 'greeting']);
    expect(asked.code, explain(asked)).toBe(1);
    const stuck = await t.show('greeting');
    expect(stuck).toMatchObject({ status: 'stuck', question: 'Should hello.txt say "Hello" or "Hi"?' });
    const answered = await t.cli(['task', 'answer', 'greeting', 'Hi, please.']);
    expect(answered.code, explain(answered)).toBe(0);
    const done = await t.show('greeting');
    expect(done.status).toBe('review');
    expect(done.runs[1]!.sessionId).toBe(stuck.runs[0]!.sessionId);
    expect(JSON.stringify(t.server.modelRequests().at(-2)!.body)).toContain('The developer answers: Hi, please.');
    expect(t.git('show', 'codex/greeting:hello.txt')).toBe('Hi\n');
  });
});

describe.skipIf(!claude.available)('task run with the real Claude Code CLI', () => {
  const cli = claude as AgentBinary;

  it('plans, runs a command and edits a file: review, a commit on the branch, the todo list recorded', async () => {
    const t = await setup('claude', cli, [plan(PLAN), exec('ls'), writeFile('hello.txt', 'Hello!\n'), plan(PLAN, { done: 'all' }), finish('Created hello.txt.')]);
    await t.cli(['task', 'add', 'Say hello', '--goal', 'Create hello.txt']);
    const run = await t.cli(['task', 'run', 'say-hello']);
    expect(run.code, explain(run)).toBe(0);
    const shown = await t.show('say-hello');
    expect(shown.status).toBe('review');
    expect(shown.todo).toEqual(PLAN.map((text) => ({ text, status: 'completed' })));
    expect(t.git('show', 'codex/say-hello:hello.txt')).toBe('Hello!\n');
  });

  it('retries an API failure, then escalates to stuck', async () => {
    const t = await setup('claude', cli, [httpError(500, { times: 1000 })]);
    await t.cli(['task', 'add', 'Doomed', '--goal', 'Anything', '--retries', '1']);
    const run = await t.cli(['task', 'run', 'doomed']);
    expect(run.code, explain(run)).toBe(1);
    const shown = await t.show('doomed');
    expect(shown.status).toBe('stuck');
    expect(shown.runs.map((r) => r.result)).toEqual(['failed', 'failed']);
  });

  it('escalates a question, and `task answer` resumes the same session to review', async () => {
    const t = await setup('claude', cli, scenario(
      [finish('QUESTION: Hello or Hi?')],
      [writeFile('hello.txt', 'Hi\n'), finish('Wrote Hi.')],
    ));
    await t.cli(['task', 'add', 'Greeting', '--goal', 'Create hello.txt']);
    expect((await t.cli(['task', 'run', 'greeting'])).code).toBe(1);
    const stuck = await t.show('greeting');
    expect(stuck.status).toBe('stuck');
    const answered = await t.cli(['task', 'answer', 'greeting', 'Hi.']);
    expect(answered.code, explain(answered)).toBe(0);
    const done = await t.show('greeting');
    expect(done.status).toBe('review');
    expect(done.runs[1]!.sessionId).toBe(stuck.runs[0]!.sessionId);
    expect(t.git('show', 'codex/greeting:hello.txt')).toBe('Hi\n');
  });
});
