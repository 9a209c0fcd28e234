import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../core/runs/proc.js';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

// Issue 5 (and 4): after a SIGKILL of the supervisor, the retry continues the interrupted agent
// session where the adapter can (Codex: `exec resume <thread>`; Claude: `--resume <session>`),
// and starts afresh where no session was recorded.

let sb: Sandbox;
let ar: AgentRepo;
afterEach(async () => {
  const status = await sb.cli(['manager', 'status', '--json'], { cwd: ar.repo });
  const pid = status.code === 0 ? (JSON.parse(status.stdout) as Status).supervisor?.pid : undefined;
  if (pid) process.kill(pid, 'SIGKILL');
  sb.cleanup();
});

interface Run { id: number; result: string | null; pid: number | null; sessionId: string | null }
interface Shown { status: string; runs: Run[] }
interface Status { running: boolean; supervisor: { pid: number } | null }
interface Launched { supervisor: { pid: number } }

const cli = (...args: string[]) => sb.cli(args, { cwd: ar.repo, env: ar.env });
const json = <T>(...args: string[]) => sb.json<T>(args, { cwd: ar.repo, env: ar.env });
const show = (slug: string) => json<Shown>('task', 'show', slug);

async function eventually(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/**
 * Launches `long` (whose first agent hangs), SIGKILLs the supervisor once the agent runs (and, with
 * `session`, once its session is recorded), launches again and waits for everything to finish.
 */
async function killAndRelaunch(session: boolean): Promise<{ long: Shown; stderr: string }> {
  ar.script([[{ message: 'working on it' }, { finish: 'hang' }], [{ message: 'finished after the interruption' }]]);
  await json('task', 'add', 'long', '--slug', 'long', '--goal', 'Do the long thing');
  const first = await json<Launched>('manager', 'launch');
  const recorded = async () => {
    const run = (await show('long')).runs[0];
    return run?.pid != null && (!session || run.sessionId != null) && ar.invocations().length === 1;
  };
  expect(await eventually(recorded)).toBe(true);
  const agentPid = (await show('long')).runs[0]!.pid!;
  process.kill(first.supervisor.pid, 'SIGKILL');
  expect(await eventually(() => !isProcessAlive(first.supervisor.pid))).toBe(true);

  const again = await cli('manager', 'launch');
  expect(again.code, again.stderr).toBe(0);
  expect(await eventually(async () => !(await json<Status>('manager', 'status')).running, 60_000)).toBe(true);
  expect(isProcessAlive(agentPid)).toBe(false);
  return { long: await show('long'), stderr: again.stderr };
}

describe('manager launch after a SIGKILL of the supervisor', () => {
  it.each(['codex', 'claude'] as const)('resumes the interrupted %s session recorded on the run', async (kind) => {
    sb = makeSandbox();
    ar = await agentRepo(sb, kind);
    const { long, stderr } = await killAndRelaunch(true);
    const session = long.runs[0]!.sessionId!;
    expect(session).toMatch(/^session-1-/);
    expect(stderr).toMatch(new RegExp(`long: run \\d+ was left by a supervisor that is gone — marked interrupted, .*task ready \\(its next run resumes agent session ${session}\\)`));
    expect(long.status).toBe('review');
    expect(long.runs.map((r) => r.result)).toEqual(['interrupted', 'success']);
    expect(long.runs[1]!.sessionId).toBe(session);

    const [before, after] = ar.invocations();
    expect(before!.resumeId).toBeUndefined();
    expect(after!.resumeId).toBe(session);
    expect(after!.argv).toContain(kind === 'codex' ? 'resume' : '--resume');
    expect(after!.prompt).toMatch(/^Your previous attempt was interrupted \(its supervisor is gone\)\. Continue the task/);
  });

  it('starts a fresh session when the interrupted run recorded none', async () => {
    sb = makeSandbox();
    ar = await agentRepo(sb, 'command'); // a plain command has no session to resume
    const { long, stderr } = await killAndRelaunch(false);
    expect(long.runs[0]!.sessionId).toBeNull();
    expect(stderr).toMatch(/long: run \d+ was left by a supervisor that is gone — marked interrupted, .*task ready\.$/m);
    expect(long.status).toBe('review');
    expect(long.runs.map((r) => r.result)).toEqual(['interrupted', 'success']);

    const [before, after] = ar.invocations();
    expect(after!.resumeId).toBeUndefined();
    expect(after!.prompt).not.toMatch(/previous attempt was interrupted/);
    expect(after!.prompt).toContain('Do the long thing');
    expect(after!.prompt).toBe(before!.prompt);
  });
});
