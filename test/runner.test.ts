import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../core/runs/proc.js';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { BIN, git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let ar: AgentRepo;
beforeEach(async () => {
  sb = makeSandbox();
  ar = await agentRepo(sb);
});
afterEach(() => sb.cleanup());

interface Shown {
  status: string;
  statusReason: string;
  worktree: string | null;
  runs: { id: number; attempt: number; result: string | null; sessionId: string | null; error: string | null; summary: string | null; question: string | null; profile: string; pid: number | null; pgid: number | null }[];
  todo: { text: string; status: string }[] | null;
  question: string | null;
}

const run = (slug: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => sb.cli(['task', 'run', slug, ...extra], { cwd: ar.repo, env: { ...ar.env, ...env } });
const show = (slug: string) => sb.json<Shown>(['task', 'show', slug], { cwd: ar.repo });
const add = (title: string, ...args: string[]) => sb.json<{ slug: string }>(['task', 'add', title, '--goal', `Do: ${title}`, ...args], { cwd: ar.repo });
const jsonLines = (text: string) => text.trim().split('\n').filter((l) => l.startsWith('{"at"')).map((l) => JSON.parse(l));

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('task run', () => {
  it('runs the agent in a hydrated worktree, records its plan and events, commits its work and moves to review', async () => {
    ar.script([[{ todo: ['Inspect', 'Write hello'] }, { exec: 'ls' }, { write: 'hello.txt', content: 'hello\n' }, { done: 2 }, { message: 'Created hello.txt with a greeting.' }]]);
    const { slug } = await add('Say hello');
    const result = await run(slug);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/running \(launched\)[\s\S]*plan 0\/2[\s\S]*\$ .*ls.*exit 0[\s\S]*✎ add .*hello\.txt[\s\S]*committed [0-9a-f]{10} \(1 file\)[\s\S]*review \(agent done\)/);

    const shown = await show(slug);
    expect(shown.status).toBe('review');
    expect(shown.worktree).toBe(join(sb.dir, 'app.worktrees', slug));
    expect(shown.todo).toEqual([
      { text: 'Inspect', status: 'completed' },
      { text: 'Write hello', status: 'completed' },
    ]);
    expect(shown.runs).toHaveLength(1);
    expect(shown.runs[0]).toMatchObject({ attempt: 1, result: 'success', profile: 'fake', summary: 'Created hello.txt with a greeting.' });
    expect(shown.runs[0]!.sessionId).toMatch(/^session-1-/);

    // The commit is on the task branch, with the summary and trailers; the base is untouched.
    expect(git(ar.repo, 'show', '--format=%B', '--no-patch', `codex/${slug}`)).toBe(`Say hello\n\nCreated hello.txt with a greeting.\n\nCodex-Agent-Task: ${slug}\nCodex-Agent-Profile: fake\n\n`);
    expect(git(ar.repo, 'show', '--name-only', '--format=', `codex/${slug}`).trim()).toBe('hello.txt');
    expect(git(ar.repo, 'rev-list', '--count', 'main').trim()).toBe('1');
    // The agent was started in the worktree with the worker prompt.
    const [invocation] = ar.invocations();
    expect(invocation!.argv.slice(0, 4)).toEqual(['exec', '--json', '-s', 'workspace-write']);
    expect(invocation!.prompt).toContain('# Task: Say hello');
    expect(invocation!.prompt).toContain('Do: Say hello');
    // The raw stream is logged, and `task log` replays the stored events.
    const logDir = join(sb.env.XDG_STATE_HOME!, 'codex-agents', 'logs', 'app', slug);
    // The agent's JSON lines are kept as they are, beside its stderr and our start/exit records.
    const records = readFileSync(join(logDir, `${shown.runs[0]!.id}.jsonl`), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const printed = records.filter((r) => r.stream === 'stdout');
    expect(printed[0]).toMatchObject({ stream: 'stdout', json: { type: 'thread.started' } });
    expect(printed.every((r) => typeof r.ts === 'number' && typeof r.json === 'object' && !('line' in r))).toBe(true);
    expect(records.map((r) => r.kind ?? r.stream)).toEqual(expect.arrayContaining(['start', 'stdout', 'exit']));
    const log = await sb.cli(['task', 'log', slug], { cwd: ar.repo });
    expect(log.stdout).toMatch(/plan 2\/2 — all done[\s\S]*» Created hello\.txt/);
    const logJson = await sb.cli(['task', 'log', slug, '--json'], { cwd: ar.repo });
    expect(logJson.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['started', 'todo', 'command', 'command', 'file_change', 'todo', 'message', 'usage', 'finished']);
  });

  it('moves to review without a commit when the agent changed nothing', async () => {
    ar.script([[{ message: 'Nothing needed changing.' }]]);
    const { slug } = await add('Check only');
    const result = await run(slug);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/the agent changed nothing/);
    expect(git(ar.repo, 'rev-parse', `codex/${slug}`)).toBe(git(ar.repo, 'rev-parse', 'main'));
    expect((await show(slug)).statusReason).toBe('agent done (no changes)');
  });

  it('PROC-5: retries transient failures with growing jittered delays, resuming the session, then succeeds', async () => {
    ar.script([[{ finish: 'api_error' }], [{ finish: 'crash' }], [{ write: 'a.txt', content: 'a' }, { message: 'Done on the third try.' }]]);
    const { slug } = await add('Flaky');
    const result = await run(slug, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(25);
    expect(retries[0].delayMs).toBeLessThanOrEqual(50);
    expect(retries[1].delayMs).toBeGreaterThanOrEqual(50);
    expect(retries[1].delayMs).toBeLessThanOrEqual(100);
    expect(retries[0].reason).toMatch(/500/);
    const calls = ar.invocations();
    expect(calls).toHaveLength(3);
    const first = (await show(slug)).runs[0]!.sessionId;
    expect(calls[1]!.argv).toContain('resume');
    expect(calls[1]!.resumeId).toBe(first);
    expect(calls[2]!.resumeId).toBe(first);
    expect(calls[1]!.prompt).toMatch(/previous attempt was interrupted/);
    expect((await show(slug)).runs.map((r) => r.result)).toEqual(['failed', 'failed', 'success']);
  });

  it('puts the task in stuck when retries run out, and `task answer` resumes the same session to review', async () => {
    ar.script([[{ finish: 'api_error' }], [{ finish: 'api_error' }], [{ write: 'b.txt', content: 'b' }, { message: 'Fixed after the answer.' }]]);
    const { slug } = await add('Broken API', '--retries', '1');
    const result = await run(slug);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/is stuck: .*500.*gave up after 1 retry/);
    const stuck = await show(slug);
    expect(stuck.status).toBe('stuck');
    expect(ar.invocations()).toHaveLength(2);

    const answered = await sb.cli(['task', 'answer', slug, 'The API is back; go on.'], { cwd: ar.repo, env: ar.env });
    expect(answered.code, answered.stderr).toBe(0);
    const calls = ar.invocations();
    expect(calls[2]!.resumeId).toBe(stuck.runs[0]!.sessionId);
    expect(calls[2]!.prompt).toContain('The developer answers: The API is back; go on.');
    expect((await show(slug)).status).toBe('review');
  });

  it('escalates a question to stuck, shows it, and continues the same session with the answer', async () => {
    ar.script([[{ finish: 'ask', text: 'Should the button be blue or green?' }], [{ write: 'button.css', content: '.b{color:blue}' }, { message: 'Made it blue.' }]]);
    const { slug } = await add('Button colour');
    const asked = await run(slug);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain('the agent asks\n  Should the button be blue or green?');
    expect(asked.stdout).toContain(`codex-agent task answer ${slug}`);
    const stuck = await show(slug);
    expect(stuck).toMatchObject({ status: 'stuck', question: 'Should the button be blue or green?' });
    expect(stuck.runs[0]!.result).toBe('stuck');
    const text = await sb.cli(['task', 'show', slug], { cwd: ar.repo });
    expect(text.stdout).toMatch(/Question: Should the button be blue or green\?/);

    const wrong = await sb.cli(['task', 'answer', 'nope', 'x'], { cwd: ar.repo, env: ar.env });
    expect(wrong.code).toBe(2);
    const answered = await sb.cli(['task', 'answer', slug, 'Blue.'], { cwd: ar.repo, env: ar.env });
    expect(answered.code, answered.stderr).toBe(0);
    const call = ar.invocations()[1]!;
    expect(call.resumeId).toBe(stuck.runs[0]!.sessionId);
    expect(call.prompt).toContain('You asked: Should the button be blue or green?');
    expect(call.prompt).toContain('The developer answers: Blue.');
    expect((await show(slug)).status).toBe('review');
    const again = await sb.cli(['task', 'answer', slug, 'More.'], { cwd: ar.repo, env: ar.env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is review, so it cannot be moved to running now[\s\S]*stuck/);
  });

  it('does not retry a task failure (the agent says it cannot do it)', async () => {
    ar.script([[{ finish: 'cannot', text: 'the payments API has no refunds endpoint' }]]);
    const { slug } = await add('Refunds');
    const result = await run(slug);
    expect(result.code).toBe(1);
    expect(ar.invocations()).toHaveLength(1);
    expect(await show(slug)).toMatchObject({ status: 'stuck', statusReason: 'agent could not complete it: the payments API has no refunds endpoint' });
  });

  it('PROC-1: a timeout stops the agent and its grandchildren, and is retried within the budget', async () => {
    ar.script([[{ grandchild: true }, { grandchild: true }, { finish: 'hang' }]]);
    const { slug } = await add('Slow', '--timeout', '1s', '--retries', '1');
    const result = await run(slug, ['--json']);
    expect(result.code).toBe(1);
    const failed = jsonLines(result.stdout).filter((e) => e.type === 'agent' && e.event.type === 'failed');
    expect(failed.map((e) => e.event.reason)).toEqual(['timeout', 'timeout']);
    const pids = readFileSync(join(ar.stateDir, 'grandchildren'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(4);
    expect(await eventually(() => pids.every((pid) => !isProcessAlive(pid)), 2000)).toBe(true);
    expect((await show(slug)).status).toBe('stuck');
  });

  it('uses the fallback profile when the agent cannot start at all', async () => {
    const repo2 = await agentRepo(sb, 'codex', '');
    void repo2;
    const { writeFileSync } = await import('node:fs');
    const local = join(ar.repo, '.codex-agent', 'config.local.toml');
    writeFileSync(local, readFileSync(local, 'utf8').replace('[agents.fake]', '[agents.broken]\nkind = "codex"\ncommand = "/nonexistent/codex"\nfallback = ["fake"]\n\n[agents.fake]').replace('worker = "fake"', 'worker = "broken"'));
    ar.script([[{ write: 'c.txt', content: 'c' }, { message: 'Done by the fallback.' }]]);
    const { slug } = await add('Fallback');
    const result = await run(slug);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/broken could not run \(could not start \/nonexistent\/codex: not found on PATH\); trying fake/);
    expect((await show(slug)).runs.map((r) => [r.profile, r.result])).toEqual([
      ['broken', 'failed'],
      ['fake', 'success'],
    ]);
  });

  it('refuses a task whose dependencies are not done, and one that is already running', async () => {
    await add('First');
    const { slug } = await add('Second', '--deps', 'first');
    const result = await run(slug);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/waiting for first/);
  });

  it('a run history it cannot open (a newer state.db) leaves the task ready, and no agent starts', async () => {
    const { slug } = await add('Blocked by the store');
    const db = new Database(join(sb.dir, 'data', 'codex-agents', 'state.db'));
    db.pragma('user_version = 999');
    db.close();
    const result = await run(slug);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/written by a newer codex-agent/);
    expect(result.stderr).toMatch(/running \(launched\)/); // claimed while the store opened, then given back
    const [task] = await sb.json<{ status: string }[]>(['task', 'list', '--json'], { cwd: ar.repo });
    expect(task!.status).toBe('ready');
    expect(ar.invocations()).toEqual([]);
  });

  it('gives the agent an allow-listed environment, never ours whole', async () => {
    ar.script([[{ message: 'ok' }]]);
    const { slug } = await add('Env');
    await run(slug, [], { MY_PRIVATE_TOKEN_X: 'nope', CODEX_AGENT_MANAGER_MAX_PARALLEL: '3', OPENAI_API_KEY: 'sk-test-1234567890abcdef' });
    const env = ar.invocations()[0]!.env;
    expect(env).toContain('FAKE_AGENT_SCENARIO');
    expect(env).toContain('PATH');
    expect(env).toContain('OPENAI_API_KEY');
    expect(env).not.toContain('MY_PRIVATE_TOKEN_X');
    expect(env).not.toContain('CODEX_AGENT_MANAGER_MAX_PARALLEL');
  });
});

describe('stopping', () => {
  async function startHanging(): Promise<{ slug: string; child: ReturnType<typeof spawn>; exited: Promise<number | null> }> {
    ar.script([[{ todo: ['wait'] }, { grandchild: true }, { finish: 'hang' }]]);
    const { slug } = await add('Hang');
    const child = spawn(process.execPath, [BIN, 'task', 'run', slug], { cwd: ar.repo, env: { ...sb.env, ...ar.env }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await eventually(async () => (await show(slug)).runs[0]?.pid != null && existsSync(join(ar.stateDir, 'grandchildren')))).toBe(true);
    return { slug, child, exited };
  }

  it('`task stop` from another process stops the agent group and cancels the task; the runner exits 1', async () => {
    const { slug, exited } = await startHanging();
    const agentPid = (await show(slug)).runs[0]!.pid!;
    const stop = await sb.cli(['task', 'stop', slug], { cwd: ar.repo });
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/Stopped hang: it is cancelled/);
    expect(await exited).toBe(1);
    const grandchild = Number(readFileSync(join(ar.stateDir, 'grandchildren'), 'utf8').trim());
    expect(await eventually(() => !isProcessAlive(agentPid) && !isProcessAlive(grandchild), 3000)).toBe(true);
    const shown = await show(slug);
    expect(shown.status).toBe('cancelled');
    expect(shown.runs[0]!.result).toBe('cancelled');
    expect(ar.invocations()).toHaveLength(1);
    const again = await sb.cli(['task', 'stop', slug], { cwd: ar.repo });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing to stop/);
  });

  it('PROC-2: Ctrl-C on `task run` stops the agent group and cancels the task', async () => {
    const { slug, child, exited } = await startHanging();
    const agentPid = (await show(slug)).runs[0]!.pid!;
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    const grandchild = Number(readFileSync(join(ar.stateDir, 'grandchildren'), 'utf8').trim());
    expect(await eventually(() => !isProcessAlive(agentPid) && !isProcessAlive(grandchild), 2000)).toBe(true);
    const shown = await show(slug);
    expect(shown.status).toBe('cancelled');
    expect(shown.runs[0]!.result).toBe('cancelled');
    // A cancelled task can be run again.
    ar.script([[{ message: 'second time' }]]);
    const rerun = await run(slug);
    expect(rerun.code, rerun.stderr).toBe(0);
  });
});

describe('task log --follow', () => {
  it('prints events as they come and stops when the run ends', async () => {
    ar.script([[{ todo: ['slow step'] }, { sleep: 600 }, { message: 'halfway' }, { sleep: 600 }, { done: 1 }, { message: 'finished slowly' }]]);
    const { slug } = await add('Slow log');
    const running = run(slug);
    expect(await eventually(async () => (await show(slug)).runs.length > 0)).toBe(true);
    const follow = await sb.cli(['task', 'log', slug, '--follow'], { cwd: ar.repo });
    expect(follow.code).toBe(0);
    expect(follow.stdout).toMatch(/plan 0\/1 — slow step[\s\S]*» halfway[\s\S]*plan 1\/1 — all done[\s\S]*» finished slowly/);
    expect((await running).code).toBe(0);
    const none = await sb.cli(['task', 'log', (await add('Never ran')).slug], { cwd: ar.repo });
    expect(none.stderr).toMatch(/has not run yet/);
  });
});

describe('other agent kinds', () => {
  it('runs a Claude-kind agent through the same machine', async () => {
    sb.cleanup();
    sb = makeSandbox();
    ar = await agentRepo(sb, 'claude');
    ar.script([[{ todo: ['one', 'two'] }, { write: 'x.txt', content: 'x' }, { done: 2 }, { message: 'Claude did it.' }]]);
    const { slug } = await add('Claude task');
    const result = await run(slug);
    expect(result.code, result.stderr).toBe(0);
    const shown = await show(slug);
    expect(shown.todo?.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(shown.runs[0]!.summary).toBe('Claude did it.');
    expect(ar.invocations()[0]!.argv).toEqual(expect.arrayContaining(['-p', '--output-format', 'stream-json', '--verbose']));
  });

  it('runs any CLI as a command-kind agent: the prompt on stdin, lines as messages, the exit code decides', async () => {
    sb.cleanup();
    sb = makeSandbox();
    ar = await agentRepo(sb, 'command');
    ar.script([[{ write: 'y.txt', content: 'y' }, { message: 'plain agent done' }]]);
    const { slug } = await add('Plain task');
    const result = await run(slug);
    expect(result.code, result.stderr).toBe(0);
    expect(ar.invocations()[0]!.prompt).toContain('# Task: Plain task');
    expect(git(ar.repo, 'show', '--name-only', '--format=', `codex/${slug}`).trim()).toBe('y.txt');
  });
});

describe('secrets (SEC-1)', () => {
  it('never stores a secret from the environment or the agent output in state.db, its WAL, logs or tasks.json', async () => {
    const secret = 'sk-proj-SECRETVALUE0123456789abcdef';
    const pattern = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    ar.script([[{ exec: `echo "key=$OPENAI_API_KEY token=${pattern}"` }, { message: `I used ${secret} and ${pattern}` }]]);
    const { slug } = await add('Leaky');
    const result = await run(slug, [], { OPENAI_API_KEY: secret });
    expect(result.code, result.stderr).toBe(0);
    const files: string[] = [sb.registryFile];
    const data = join(sb.env.XDG_DATA_HOME!, 'codex-agents');
    for (const name of readdirSync(data)) if (name.startsWith('state.db')) files.push(join(data, name));
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(join(sb.env.XDG_STATE_HOME!, 'codex-agents'));
    expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
    let sawRedacted = false;
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(secret), file).toBe(false);
      expect(bytes.includes(pattern), file).toBe(false);
      if (bytes.includes('[REDACTED]')) sawRedacted = true;
    }
    expect(sawRedacted).toBe(true);
  });
});
