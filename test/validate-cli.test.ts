import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationStore } from '../core/validate/validation-store.js';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { startChatServer, type ChatServer } from './servers/chat-server.js';

let sb: Sandbox;
let ar: AgentRepo;
let server: ChatServer | undefined;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  sb.cleanup();
});

interface Verdict {
  pass: boolean;
  summary: string;
  checks: { name: string; status: string; error?: string }[];
  findings: { source: string; rule: string; severity: string; file: string | null; line: number | null; message: string }[];
  review: { status: string; summary: string; attempts?: number };
}
interface Result {
  slug: string;
  pass: boolean;
  status: string;
  rounds: { round: number; runId: number; verdict: Verdict }[];
  verdict: Verdict;
  autoFix?: { used: number; budget: number; note?: string };
}

const CHECKS = `
[[validate.checks]]
name = "unit"
run = ["sh", "-c", "test -f hello.txt && echo unit ok"]

[[validate.checks]]
name = "lint"
run = "sh lint.sh"
required = false
`;

/** A repo whose worker is the fake agent, with a task already run to review (it wrote hello.txt). */
async function taskInReview(extraConfig: string, worker: unknown[] = [{ write: 'hello.txt', content: 'hello\n' }, { message: 'Wrote hello.txt.' }], more: unknown[][] = []): Promise<string> {
  ar = await agentRepo(sb, 'codex', extraConfig);
  writeFileSync(join(ar.repo, 'lint.sh'), 'echo "lint: 2 problems"; exit 1\n');
  git(ar.repo, 'add', 'lint.sh');
  git(ar.repo, 'commit', '-qm', 'lint script');
  ar.script([worker, ...more]);
  const { slug } = await sb.json<{ slug: string }>(['task', 'add', 'Say hello', '--goal', 'Create hello.txt with a greeting.'], { cwd: ar.repo });
  const ran = await sb.cli(['task', 'run', slug], { cwd: ar.repo, env: ar.env });
  expect(ran.code, ran.stderr).toBe(0);
  return slug;
}

async function validate(slug: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, command = 'validate') {
  const result = await sb.cli(['task', command, slug, ...args, '--json'], { cwd: ar.repo, env: { ...ar.env, ...env } });
  const lines = result.stdout.trim().split('\n');
  const parsed = JSON.parse(lines.at(-1)!) as { result?: Result; error?: { message: string } };
  return { code: result.code, stderr: result.stderr, stdout: result.stdout, result: parsed.result!, error: parsed.error };
}

const show = (slug: string) => sb.json<{ status: string; statusReason: string; verdict: { verdict: string; review: string; summary: string } | null }>(['task', 'show', slug], { cwd: ar.repo });
const rounds = (slug: string) => {
  const store = ValidationStore.open(join(sb.env.XDG_DATA_HOME!, 'codex-agents', 'state.db'), { readonly: true });
  try {
    return store.historyOf(ar.repo, slug);
  } finally {
    store.close();
  }
};

describe('task validate: checks and policies (--no-review)', () => {
  it('passes when every required check passes, reports a failed optional one, streams output, stores the verdict and shows it', async () => {
    const slug = await taskInReview(CHECKS);
    const run = await validate(slug, ['--no-review']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.pass).toBe(true);
    expect(run.result.verdict.checks.map((c) => [c.name, c.status])).toEqual([['unit', 'pass'], ['lint', 'fail']]);
    expect(run.result.verdict.summary).toBe('1/2 checks passed (lint failed (not required)); policies ok; review skipped');
    expect(run.stderr).toContain('unit ok');
    expect(run.stderr).toContain('lint: 2 problems');
    expect(run.result.status).toBe('review');

    const shown = await show(slug);
    expect(shown.verdict).toMatchObject({ verdict: 'pass', review: 'skipped' });
    const text = await sb.cli(['task', 'show', slug], { cwd: ar.repo });
    expect(text.stdout).toMatch(/Verdict PASS \(NO REVIEW\)[\s\S]*✓ unit passed[\s\S]*✗ lint exited with 1 .*\(not required\)/);
    const status = await sb.json<{ tasks: { slug: string; verdict: { verdict: string } | null }[] }>(['status'], { cwd: ar.repo });
    expect(status.tasks[0]!.verdict!.verdict).toBe('pass');
    const table = await sb.cli(['status'], { cwd: ar.repo });
    expect(table.stdout).toMatch(/VERDICT[\s\S]*pass \(no review\)/);
    // A verification run is recorded, and the worker's session is still the one to resume.
    const runs = (await sb.json<{ runs: { role: string; profile: string; phase: string; result: string }[] }>(['task', 'show', slug], { cwd: ar.repo })).runs;
    expect(runs.map((r) => [r.role, r.phase, r.result])).toEqual([['worker', 'finalize', 'success'], ['validator', 'verification', 'success']]);
  });

  it('fails on a required check that fails or times out and on a policy finding, moves the task to stuck, and back to review once fixed', async () => {
    const slug = await taskInReview(`${CHECKS}
[[validate.checks]]
name = "slow"
run = ["sleep", "30"]
timeout = "300ms"
`, [{ write: 'hello.txt', content: `hello\n<<<<<<< HEAD\n` }, { message: 'Done.' }]);
    const failed = await validate(slug, ['--no-review']);
    expect(failed.code).toBe(1);
    expect(failed.result.pass).toBe(false);
    expect(failed.result.verdict.checks.find((c) => c.name === 'slow')).toMatchObject({ status: 'timeout', error: 'timed out after 300ms; its process group was killed' });
    expect(failed.result.verdict.findings).toEqual([{ source: 'policy', rule: 'no_conflict_markers', severity: 'error', file: 'hello.txt', line: 2, message: 'conflict marker "<<<<<<<" left in the file' }]);
    expect(failed.result.status).toBe('stuck');
    expect((await show(slug)).statusReason).toMatch(/^validation failed: 1\/3 checks passed \(lint failed \(not required\), slow timed out\); 1 policy finding at error or worse/);

    // Fixed by hand in the worktree, with the slow check made optional: validation passes, the task is back in review.
    const worktree = join(sb.dir, 'app.worktrees', slug);
    writeFileSync(join(worktree, 'hello.txt'), 'hello\n');
    git(worktree, 'commit', '-qam', 'fix');
    const passed = await validate(slug, ['--no-review'], { CODEX_AGENT_VALIDATE_CHECKS: '[{"name":"unit","run":["test","-f","hello.txt"]}]' });
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.result.status).toBe('review');
    expect((await show(slug)).statusReason).toBe('validation passed');
    expect(rounds(slug).map((r) => r.verdict)).toEqual(['fail', 'pass']);
  });

  it('refuses a task that is not in review or stuck', async () => {
    ar = await agentRepo(sb, 'codex');
    const { slug } = await sb.json<{ slug: string }>(['task', 'add', 'Not yet'], { cwd: ar.repo });
    const result = await sb.cli(['task', 'validate', slug], { cwd: ar.repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is ready; only a task in review or stuck can be validated/);
  });
});

const judge = (baseUrl: string) => `
[agents.judge]
kind = "openai"
base_url = "${baseUrl}"
model = "judge-model"
`;
const asJudge = { CODEX_AGENT_ROLES_VALIDATOR: 'judge' };
const reply = (value: unknown) => ({ content: JSON.stringify(value) });

describe('the review by an openai-kind validator', () => {
  it('passes with the goal, the diff and the check results in the request', async () => {
    server = await startChatServer([reply({ pass: true, summary: 'The greeting file is there.', findings: [] })]);
    const slug = await taskInReview(`${CHECKS}${judge(server.baseUrl)}`);
    const run = await validate(slug, [], asJudge);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.verdict.review).toMatchObject({ status: 'pass', summary: 'The greeting file is there.', attempts: 1 });
    const prompt = server.requests[0]!.body.messages.map((m) => m.content).join('\n');
    expect(server.requests[0]!.body.model).toBe('judge-model');
    expect(prompt).toContain('Create hello.txt with a greeting.');
    expect(prompt).toContain('+hello');
    expect(prompt).toMatch(/- unit \(`sh -c test -f hello.txt && echo unit ok`\): passed/);
    expect(prompt).toMatch(/- lint \(`sh lint.sh`\): exited with 1 .*\(not required\)\n {4}lint: 2 problems/);
  });

  it('fails with the reviewer\'s findings, stored and shown', async () => {
    server = await startChatServer([reply({ pass: false, summary: 'The greeting is missing punctuation.', findings: [{ severity: 'error', file: 'hello.txt', line: 1, message: 'say "hello!"' }] })]);
    const slug = await taskInReview(judge(server.baseUrl));
    const run = await validate(slug, [], asJudge);
    expect(run.code).toBe(1);
    expect(run.result.verdict.findings).toEqual([{ source: 'review', rule: 'review', severity: 'error', file: 'hello.txt', line: 1, message: 'say "hello!"' }]);
    expect(run.result.status).toBe('stuck');
    const text = await sb.cli(['task', 'show', slug], { cwd: ar.repo });
    expect(text.stdout).toMatch(/Verdict FAIL[\s\S]*error {3}hello\.txt:1 {2}say "hello!" \(review\)/);
  });

  it('retries a malformed reply once, then fails clearly — never a pass', async () => {
    server = await startChatServer([{ content: 'Looks fine to me!' }, { content: '{"pass": "yes"}' }]);
    const slug = await taskInReview(judge(server.baseUrl));
    const run = await validate(slug, [], asJudge);
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(run.result.verdict.review.status).toBe('error');
    expect(run.result.verdict.review.summary).toMatch(/did not match its schema after 2 tries/);
    expect(run.result.verdict.summary).toMatch(/the review could not run/);
    expect((await show(slug)).verdict).toMatchObject({ verdict: 'fail', review: 'error' });
  });

  it('says the review could not run when the server is unreachable — never a pass', async () => {
    server = await startChatServer([reply({ pass: true, summary: 'x', findings: [] })]);
    const deadUrl = server.baseUrl;
    await server.close();
    server = undefined;
    const slug = await taskInReview(judge(deadUrl));
    const run = await validate(slug, [], asJudge, 'review');
    expect(run.code).toBe(1);
    expect(run.result.pass).toBe(false);
    expect(run.result.verdict.review.status).toBe('error');
    expect(run.result.verdict.summary).toMatch(/the review could not run: The verdict request to http:\/\/127\.0\.0\.1:\d+\/v1 failed/);
    // `task review` stores its verdict but neither moves the task nor counts as a full validation.
    expect(run.result.status).toBe('review');
    expect((await show(slug)).verdict).toBeNull();
    expect(rounds(slug).map((r) => [r.mode, r.verdict, r.review])).toEqual([['review', 'fail', 'error']]);
  });
});

const jsonBlock = (value: unknown) => `Reviewed.\n\`\`\`json\n${JSON.stringify(value)}\n\`\`\``;

describe('the review by a CLI-kind validator (the fake agent)', () => {
  it('reads the verdict from the JSON block its reply ends with', async () => {
    const slug = await taskInReview('', undefined, [[{ message: jsonBlock({ pass: false, summary: 'No tests.', findings: [{ severity: 'warning', file: 'hello.txt', line: null, message: 'add a test' }] }) }]]);
    const run = await validate(slug, [], { CODEX_AGENT_ROLES_VALIDATOR: 'fake' });
    expect(run.code).toBe(1);
    expect(run.result.verdict.review).toMatchObject({ status: 'fail', summary: 'No tests.', attempts: 1 });
    expect(run.result.verdict.findings).toEqual([{ source: 'review', rule: 'review', severity: 'warning', file: 'hello.txt', line: null, message: 'add a test' }]);
    const [, reviewer] = ar.invocations();
    expect(reviewer!.prompt).toContain('Create hello.txt with a greeting.');
    expect(reviewer!.prompt).toContain('End your reply with your verdict as one fenced JSON block');
  });

  it('asks once more in the same session when the reply has no valid JSON block', async () => {
    const slug = await taskInReview('', undefined, [[{ message: 'It all looks fine.' }], [{ message: jsonBlock({ pass: true, summary: 'Fine.', findings: [] }) }]]);
    const run = await validate(slug, [], { CODEX_AGENT_ROLES_VALIDATOR: 'fake' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.verdict.review).toMatchObject({ status: 'pass', attempts: 2 });
    const calls = ar.invocations();
    expect(calls).toHaveLength(3);
    expect(calls[2]!.resumeId).toMatch(/^session-2-/);
    expect(calls[2]!.prompt).toMatch(/did not end with a valid JSON verdict/);
  });
});

describe('task validate --auto-fix', () => {
  it('gives the findings to the worker in its own session and validates again, storing every round', async () => {
    const slug = await taskInReview(`
[[validate.checks]]
name = "greeting"
run = ["grep", "-q", "hello", "hello.txt"]
`, [{ write: 'hello.txt', content: 'bye\n' }, { message: 'Wrote it.' }], [[{ write: 'hello.txt', content: 'hello\n' }, { message: 'Fixed the greeting.' }]]);
    const run = await validate(slug, ['--no-review', '--auto-fix']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.rounds.map((r) => r.verdict.pass)).toEqual([false, true]);
    expect(run.result.autoFix).toEqual({ used: 1, budget: 2 });
    expect(run.result.status).toBe('review');
    const [worker, fixer] = ar.invocations();
    expect(fixer!.resumeId).toMatch(/^session-1-/);
    expect(worker!.resumeId).toBeUndefined();
    expect(fixer!.prompt).toMatch(/Validation of your change failed[\s\S]*check "greeting" \(grep -q hello hello\.txt\) exited with 1/);
    expect(rounds(slug).map((r) => [r.round, r.verdict])).toEqual([[1, 'fail'], [2, 'pass']]);
    expect(git(ar.repo, 'show', `codex/${slug}:hello.txt`)).toBe('hello\n');
  });

  it('stops when the retry budget is spent, leaving the task stuck', async () => {
    const slug = await taskInReview(`
[[validate.checks]]
name = "never"
run = ["false"]
`, undefined, [[{ message: 'Tried.' }]]);
    await sb.cli(['task', 'edit', slug, '--retries', '1'], { cwd: ar.repo });
    const run = await validate(slug, ['--no-review', '--auto-fix']);
    expect(run.code).toBe(1);
    expect(run.result.rounds).toHaveLength(2);
    expect(run.result.autoFix).toMatchObject({ used: 1, budget: 1, note: expect.stringMatching(/auto-fix budget \(1 round, the task's retries\) is spent/) });
    expect(run.result.status).toBe('stuck');
  });
});
