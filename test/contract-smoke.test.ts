/**
 * Contract smoke tests against the REAL agent CLIs (@openai/codex 0.169.0, @anthropic-ai/claude-code
 * 2.1.330) installed by .ci/install-agents.sh, each driven by a scripted model server on loopback
 * and, where `unshare -rn` works, inside a private network namespace. Skipped, with the reason
 * printed, when the binaries are not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { locateClaude, locateCodex, type AgentBinary, type LocatedAgent } from './agent-env/agent-binaries.js';
import { makeClaudeHome, makeCodexHome } from './agent-env/agent-home.js';
import { probeIsolation, routeTo } from './agent-env/loopback.js';
import { runAgent, type AgentRun } from './agent-env/run-agent.js';
import { claudeSkeleton, codexItem, codexSkeleton, dumpRun, explainRun } from './agent-env/run-inspection.js';
import { makeScratchRepo, type ScratchRepo } from './agent-env/scratch-repo.js';
import { startMessagesServer } from './servers/messages-server.js';
import { startResponsesServer } from './servers/responses-server.js';
import { exec, finish, hang, httpError, plan, say, scenario, streamError, think, together, writeFile, type ScenarioInput } from './servers/scenario.js';
import type { ScriptedServer } from './servers/scripted-http.js';

/**
 * Event skeletons of the real CLIs' recorded runs (the fixtures in /work/shared/agents/{codex,claude}:
 * success, failure, resume, …), which these runs must reproduce.
 */
const FIXTURE = {
  codexSuccess: ['thread.started', 'turn.started', 'item.completed:reasoning', 'item.started:todo_list', 'item.started:command_execution', 'item.completed:command_execution', 'item.started:file_change', 'item.completed:file_change', 'item.updated:todo_list', 'item.completed:agent_message', 'item.completed:todo_list', 'turn.completed'],
  codexFailure: ['thread.started', 'turn.started', 'error', 'turn.failed'],
  codexResume: ['thread.started', 'turn.started', 'item.started:command_execution', 'item.completed:command_execution', 'item.completed:agent_message', 'turn.completed'],
  /** The last two lines of codex/failure-response-failed.jsonl, verbatim. */
  codexResponseFailedTail: [
    { type: 'error', message: 'stream disconnected before completion: fake in-stream failure' },
    { type: 'turn.failed', error: { message: 'stream disconnected before completion: fake in-stream failure' } },
  ],
  claudeSuccess: ['system:init', 'assistant:text', 'assistant:tool_use(TodoWrite)', 'user:tool_result', 'assistant:tool_use(Bash)', 'user:tool_result', 'assistant:text', 'assistant:tool_use(Write)', 'user:tool_result', 'assistant:tool_use(TodoWrite)', 'user:tool_result', 'assistant:text', 'result:success'],
  /** failure-http500, failure-sse-overloaded and resume: an (error) text, then the result. */
  claudeOneMessage: ['system:init', 'assistant:text', 'result:success'],
};

const isolation = probeIsolation();
const codex = locateCodex();
const claude = locateClaude();
const timings: string[] = [];

console.info(`[contract-smoke] network: ${isolation.reason}`);
if (!codex.available) console.warn(`[contract-smoke] skipping the codex tests: ${codex.reason}`);
if (!claude.available) console.warn(`[contract-smoke] skipping the claude tests: ${claude.reason}`);
afterAll(() => {
  if (timings.length > 0) console.info(`[contract-smoke] timings (${isolation.mode}):\n  ${timings.join('\n  ')}`);
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspace(): ScratchRepo {
  const scratch = makeScratchRepo('contract-smoke-');
  cleanups.push(() => scratch.remove());
  return scratch;
}

async function serve(start: (input: ScenarioInput) => Promise<ScriptedServer>, input: ScenarioInput): Promise<ScriptedServer> {
  const server = await start(input);
  cleanups.push(() => server.close());
  return server;
}

function binary(agent: LocatedAgent): AgentBinary {
  if (!agent.available) throw new Error(agent.reason);
  return agent;
}

/** Records the run's duration; with CONTRACT_SMOKE_DUMP=<dir>, also its stdout and the server's requests. */
function timed(label: string, run: AgentRun, server: ScriptedServer): AgentRun {
  timings.push(`${label}: ${run.durationMs} ms (exit ${run.code})`);
  if (process.env.CONTRACT_SMOKE_DUMP) dumpRun(process.env.CONTRACT_SMOKE_DUMP, label, run, server);
  return run;
}

describe('the loopback route (no agent binaries needed)', () => {
  // Reports the network interfaces it can see, then asks each server (origins in argv) for a response.
  const PROBE = `
    const interfaces = require('node:fs').readFileSync('/proc/self/net/dev', 'utf8').split('\\n').slice(2)
      .map((line) => line.split(':')[0].trim()).filter(Boolean);
    const ask = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (response) => ({ status: response.status, body: await response.text() }));
    Promise.all([
      ask(process.argv[1] + '/v1/responses', { input: [] }),
      ask(process.argv[2] + '/v1/messages?beta=true', { stream: true, messages: [{ role: 'user', content: 'ping' }] }),
    ]).then((answers) => console.log(JSON.stringify({ interfaces, answers })));`;

  it(`runs any command with the scripted servers at route.ports (${isolation.mode})`, async () => {
    const ws = workspace();
    const codexServer = await serve(startResponsesServer, [finish('pong')]);
    const claudeServer = await serve(startMessagesServer, [finish('pong')]);
    const route = routeTo([codexServer, claudeServer], isolation);
    const origins = route.ports.map((port) => `http://127.0.0.1:${port}`);
    const run = await runAgent({ command: process.execPath, args: ['-e', PROBE, ...origins], cwd: ws.dir, env: { PATH: process.env.PATH }, route });

    expect(run.code, explainRun(run, codexServer)).toBe(0);
    const report = run.events[0] as { interfaces: string[]; answers: Array<{ status: number; body: string }> };
    expect(report.answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(report.answers[0]?.body).toContain('event: response.completed');
    expect(report.answers[1]?.body).toContain('event: message_stop');
    if (isolation.mode === 'netns') expect(report.interfaces).toEqual(['lo']);
    expect([codexServer.modelRequests().length, claudeServer.modelRequests().length]).toEqual([1, 1]);
  });
});

const PLAN = ['Inspect the repository', 'Create hello.txt', 'Verify and report'];

describe.skipIf(!codex.available)(`codex exec (real @openai/codex ${codex.available ? codex.version : ''})`, () => {
  async function runCodex(ws: ScratchRepo, server: ScriptedServer, args: string[], label: string, timeoutMs?: number): Promise<AgentRun> {
    const cli = binary(codex);
    const route = routeTo(server, isolation);
    const { env } = makeCodexHome(ws.dir, route.port);
    return timed(label, await runAgent({ command: cli.command, args: [...cli.args, ...args], cwd: ws.repo, env, route, timeoutMs }), server);
  }

  it('plays plan → exec → apply_patch → plan done → message, like the success fixture', async () => {
    const ws = workspace();
    const server = await serve(startResponsesServer, [
      together(think('**Planning the work**\n\nI will make a short plan first.'), plan(PLAN)),
      exec('ls -la'),
      writeFile('hello.txt', 'Hello from the fake model!\n'),
      plan(PLAN, { done: 'all' }),
      finish('Done. I created `hello.txt`.'),
    ]);
    const lastMessage = join(ws.dir, 'last-message.txt');
    const run = await runCodex(ws, server, ['exec', '--json', '-s', 'workspace-write', '-C', ws.repo, '-o', lastMessage, 'Create hello.txt'], 'codex success (5 steps)');

    expect(run.code, explainRun(run, server)).toBe(0);
    expect(codexSkeleton(run.events)).toEqual(FIXTURE.codexSuccess);
    expect(run.events[0]).toMatchObject({ type: 'thread.started', thread_id: expect.any(String) });
    const todos = run.events.filter((e) => codexItem(e).type === 'todo_list').map((e) => codexItem(e).items);
    expect(todos[0]).toEqual(PLAN.map((text) => ({ text, completed: false })));
    expect(todos.at(-1)).toEqual(PLAN.map((text) => ({ text, completed: true })));
    const command = run.events.find((e) => e.type === 'item.completed' && codexItem(e).type === 'command_execution');
    expect(codexItem(command)).toMatchObject({ exit_code: 0, status: 'completed', aggregated_output: expect.stringContaining('README.md') });
    const change = run.events.find((e) => e.type === 'item.completed' && codexItem(e).type === 'file_change');
    expect(codexItem(change).changes).toEqual([{ path: join(ws.repo, 'hello.txt'), kind: 'add' }]);
    expect(run.events.at(-1)).toMatchObject({ type: 'turn.completed', usage: { input_tokens: expect.any(Number) } });
    expect(readFileSync(join(ws.repo, 'hello.txt'), 'utf8')).toBe('Hello from the fake model!\n');
    expect(readFileSync(lastMessage, 'utf8')).toBe('Done. I created `hello.txt`.');
    expect(server.modelRequests().map((r) => [r.reply.turn, r.reply.step])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]]);
    expect(server.requests.every((r) => r.method === 'POST' && r.url === '/v1/responses')).toBe(true);
  });

  it('exits 1 with turn.failed when the model server answers HTTP 500', async () => {
    const ws = workspace();
    const server = await serve(startResponsesServer, [httpError(500)]);
    const run = await runCodex(ws, server, ['exec', '--json', '-s', 'workspace-write', 'Create hello.txt'], 'codex HTTP 500');

    expect(run.code, explainRun(run, server)).toBe(1);
    expect(codexSkeleton(run.events)).toEqual(FIXTURE.codexFailure);
    expect(run.events.at(-1)).toMatchObject({ type: 'turn.failed', error: { message: expect.any(String) } });
    expect(server.modelRequests()).toHaveLength(1);
  });

  it('exits 1 when the stream ends with response.failed', async () => {
    const ws = workspace();
    const server = await serve(startResponsesServer, [streamError('fake in-stream failure')]);
    const run = await runCodex(ws, server, ['exec', '--json', '-s', 'workspace-write', 'Create hello.txt'], 'codex response.failed');

    expect(run.code, explainRun(run, server)).toBe(1);
    expect(codexSkeleton(run.events)).toEqual(FIXTURE.codexFailure);
    expect(run.events.slice(-2)).toEqual(FIXTURE.codexResponseFailedTail);
  });

  it('stops the whole process group when a model request hangs', async () => {
    const ws = workspace();
    const server = await serve(startResponsesServer, [plan(PLAN), hang()]);
    const run = await runCodex(ws, server, ['exec', '--json', '-s', 'workspace-write', 'Create hello.txt'], 'codex hang, stopped after 1.5 s', 1_500);

    expect(run.timedOut, explainRun(run, server)).toBe(true);
    expect(server.modelRequests().map((r) => r.reply.kind)).toEqual(['respond', 'hang']);
    expect(run.events.some((e) => codexItem(e).type === 'todo_list')).toBe(true);
    expect(run.events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed')).toBe(false);
    expect(() => process.kill(-(run.pid ?? 0), 0)).toThrow();
  });

  it('resumes a thread by id: the follow-up plays turn 1 of the scenario', async () => {
    const ws = workspace();
    const server = await serve(startResponsesServer, scenario(
      [writeFile('hello.txt', 'Hello!\n'), finish('Created hello.txt.')],
      [exec('cat hello.txt'), finish('Follow-up done: hello.txt still contains the greeting.')],
    ));
    const first = await runCodex(ws, server, ['exec', '--json', '-s', 'workspace-write', 'Create hello.txt'], 'codex first turn (2 steps)');
    expect(first.code, explainRun(first, server)).toBe(0);
    const threadId = first.events.find((e) => e.type === 'thread.started')?.thread_id;
    expect(threadId).toEqual(expect.any(String));

    const resumed = await runCodex(ws, server, ['exec', 'resume', '--json', '-c', 'sandbox_mode="workspace-write"', String(threadId), 'follow-up'], 'codex resume (2 steps)');
    expect(resumed.code, explainRun(resumed, server)).toBe(0);
    expect(codexSkeleton(resumed.events)).toEqual(FIXTURE.codexResume);
    expect(resumed.events[0]).toEqual({ type: 'thread.started', thread_id: threadId });
    const output = resumed.events.find((e) => e.type === 'item.completed' && codexItem(e).type === 'command_execution');
    expect(codexItem(output).aggregated_output).toBe('Hello!\n');
    expect(server.modelRequests().map((r) => [r.reply.turn, r.reply.step])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });
});

describe.skipIf(!claude.available)(`claude -p (real @anthropic-ai/claude-code ${claude.available ? claude.version : ''})`, () => {
  async function runClaude(ws: ScratchRepo, server: ScriptedServer, args: string[], label: string): Promise<AgentRun> {
    const cli = binary(claude);
    const route = routeTo(server, isolation);
    const { env } = makeClaudeHome(ws.dir, route.port);
    const fullArgs = [...cli.args, ...args, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    return timed(label, await runAgent({ command: cli.command, args: fullArgs, cwd: ws.repo, env, route }), server);
  }
  const result = (run: AgentRun): Record<string, unknown> => run.events.find((e) => e.type === 'result') ?? {};
  const TODOS = ['List the repository files', 'Create hello.txt', 'Summarize the result'];

  it('plays TodoWrite → Bash → Write → TodoWrite done → text, like the success fixture', async () => {
    const ws = workspace();
    const server = await serve(startMessagesServer, [
      together(say("I'll plan this task first."), plan(TODOS)),
      exec('ls'),
      together(say("Now I'll create the file."), writeFile('hello.txt', 'Hello from the fake Anthropic server!\n')),
      plan(TODOS, { done: 'all' }),
      finish('Done. I listed the repository, created hello.txt, and completed all three todos.'),
    ]);
    const run = await runClaude(ws, server, ['-p', 'Create hello.txt'], 'claude success (5 steps)');

    expect(run.code, explainRun(run, server)).toBe(0);
    expect(result(run)).toMatchObject({ type: 'result', subtype: 'success', is_error: false, num_turns: 5, result: expect.stringContaining('Done.') });
    expect(claudeSkeleton(run.events)).toEqual(FIXTURE.claudeSuccess);
    expect(readFileSync(join(ws.repo, 'hello.txt'), 'utf8')).toBe('Hello from the fake Anthropic server!\n');
    const bash = run.events.find((e) => (e.tool_use_result as { stdout?: string } | undefined)?.stdout !== undefined);
    expect(bash?.tool_use_result).toMatchObject({ stdout: 'README.md' });
    expect(server.modelRequests().map((r) => [r.reply.turn, r.reply.step])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]]);
  });

  it('reports is_error and exits 1 when the API answers HTTP 500', async () => {
    const ws = workspace();
    const server = await serve(startMessagesServer, [httpError(500)]);
    const run = await runClaude(ws, server, ['-p', 'Create hello.txt'], 'claude HTTP 500');

    expect(run.code, explainRun(run, server)).toBe(1);
    expect(result(run)).toMatchObject({ subtype: 'success', is_error: true, api_error_status: 500 });
    expect(claudeSkeleton(run.events)).toEqual(FIXTURE.claudeOneMessage);
  });

  it('reports is_error when the stream carries an error event', async () => {
    const ws = workspace();
    const server = await serve(startMessagesServer, [streamError('Overloaded (scripted)')]);
    const run = await runClaude(ws, server, ['-p', 'Create hello.txt'], 'claude in-stream error');

    expect(run.code, explainRun(run, server)).toBe(1);
    expect(result(run)).toMatchObject({ is_error: true, api_error_status: 529 });
    expect(claudeSkeleton(run.events)).toEqual(FIXTURE.claudeOneMessage);
  });

  it('recovers from a broken stream through its non-streaming retry (even with retries off)', async () => {
    const ws = workspace();
    const server = await serve(startMessagesServer, [streamError('Overloaded (scripted)', { times: 1 }), finish('Recovered.')]);
    const run = await runClaude(ws, server, ['-p', 'Say something'], 'claude broken stream, then recovery');

    expect(run.code, explainRun(run, server)).toBe(0);
    expect(result(run)).toMatchObject({ is_error: false, result: 'Recovered.' });
    expect(server.modelRequests().map((r) => [r.reply.kind, (r.body as { stream?: boolean }).stream])).toEqual([['stream-error', true], ['respond', false]]);
  });

  it('resumes a session by id: the follow-up plays turn 1 of the scenario', async () => {
    const ws = workspace();
    const server = await serve(startMessagesServer, scenario(
      [writeFile('hello.txt', 'Hello!\n'), finish('Created hello.txt.')],
      [finish('Resumed: earlier I wrote hello.txt.')],
    ));
    const first = await runClaude(ws, server, ['-p', 'Create hello.txt'], 'claude first turn (2 steps)');
    expect(first.code, explainRun(first, server)).toBe(0);
    const sessionId = result(first).session_id;
    expect(sessionId).toEqual(expect.any(String));

    const resumed = await runClaude(ws, server, ['--resume', String(sessionId), '-p', 'follow-up'], 'claude resume (1 step)');
    expect(resumed.code, explainRun(resumed, server)).toBe(0);
    expect(result(resumed)).toMatchObject({ is_error: false, session_id: sessionId, result: 'Resumed: earlier I wrote hello.txt.' });
    expect(claudeSkeleton(resumed.events)).toEqual(FIXTURE.claudeOneMessage);
    expect(server.modelRequests().map((r) => [r.reply.turn, r.reply.step])).toEqual([[0, 0], [0, 1], [1, 0]]);
    expect(existsSync(join(ws.repo, 'hello.txt'))).toBe(true);
  });
});
