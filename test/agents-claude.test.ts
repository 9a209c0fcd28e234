import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentExit, StreamParser } from '../core/agents/adapter.js';
import { buildClaudeInvocation, CLAUDE_ENV, createClaudeParser } from '../core/agents/claude.js';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../core/agents/events.js';
import { agentProfileSchema } from '../core/config/schema.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = resolve(repoRoot, '..', 'shared', 'agents', 'claude');

/** How each real run ended (shared/agents/claude.md). */
const EXITS: Record<string, number> = {
  'success.jsonl': 0,
  'resume.jsonl': 0,
  'success-partial.jsonl': 0,
  'failure-http500.jsonl': 1,
  'failure-midway.jsonl': 1,
  'failure-sse-overloaded.jsonl': 1,
  'permission-default.jsonl': 0,
};

const SUCCESS_SESSION = '6a0a8fea-e848-4298-bf5b-c23d973f9d64';

function feed(parser: StreamParser, lines: readonly string[], exit: AgentExit): AgentEvent[] {
  const events = lines.flatMap((line, i) => parser.push(line, 1000 + i));
  return [...events, ...parser.finish(exit, 9999)];
}

function run(file: string, exit: AgentExit = { code: EXITS[file] ?? 0, signal: null }) {
  const parser = createClaudeParser();
  const events = feed(parser, readFileSync(join(fixtureDir, file), 'utf8').split('\n'), exit);
  return { events, outcome: parser.outcome() };
}

function ofType<T extends AgentEventType>(events: AgentEvent[], type: T): AgentEventOf<T>[] {
  return events.filter((e): e is AgentEventOf<T> => e.type === type);
}

const line = (value: unknown) => JSON.stringify(value);
const init = line({ type: 'system', subtype: 'init', session_id: 's-1', model: 'claude-x' });
const okResult = line({ type: 'result', subtype: 'success', is_error: false, result: 'ok', session_id: 's-1' });
const toolUse = (id: string, name: string, input: unknown, parent: string | null = null) =>
  line({ type: 'assistant', message: { id: `m-${id}`, content: [{ type: 'tool_use', id, name, input }] }, parent_tool_use_id: parent, session_id: 's-1' });
const toolResult = (id: string, content: unknown, structured?: unknown, isError = false) =>
  line({ type: 'user', message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, ...(isError ? { is_error: true } : {}) }] }, ...(structured !== undefined ? { tool_use_result: structured } : {}) });

const profile = (extra: Record<string, unknown> = {}) => agentProfileSchema.parse({ kind: 'claude', ...extra });

describe('the Claude adapter on the real fixtures', () => {
  it('knows every fixture, and none of them produces raw events or throws', () => {
    const files = readdirSync(fixtureDir).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toEqual(Object.keys(EXITS).sort());
    for (const file of files) {
      const { events } = run(file);
      expect(ofType(events, 'raw'), file).toEqual([]);
      expect(events[0]?.type, file).toBe('started');
      expect(events.filter((e) => e.type === 'finished' || e.type === 'failed'), file).toHaveLength(1);
      expect(['finished', 'failed'], file).toContain(events.at(-1)?.type);
    }
  });

  it('success: session, todos, the command, the new file, usage and the result', () => {
    const { events, outcome } = run('success.jsonl');
    expect(events[0]).toEqual({ type: 'started', ts: 1000, sessionId: SUCCESS_SESSION, model: 'claude-opus-5-5' });
    expect(ofType(events, 'todo').map((e) => e.items)).toEqual([
      [
        { text: 'List the repository files', status: 'in_progress' },
        { text: 'Create hello.txt', status: 'pending' },
        { text: 'Summarize the result', status: 'pending' },
      ],
      [
        { text: 'List the repository files', status: 'completed' },
        { text: 'Create hello.txt', status: 'completed' },
        { text: 'Summarize the result', status: 'completed' },
      ],
    ]);
    expect(ofType(events, 'command')).toEqual([
      { type: 'command', ts: 1004, id: 'toolu_fake_002_1', phase: 'started', command: 'ls', status: 'in_progress' },
      { type: 'command', ts: 1005, id: 'toolu_fake_002_1', phase: 'finished', command: 'ls', exitCode: 0, outputTail: 'README.md', status: 'completed' },
    ]);
    expect(ofType(events, 'file_change')).toEqual([
      { type: 'file_change', ts: 1008, changes: [{ path: '/home/dev/project/repo/hello.txt', kind: 'add' }] },
    ]);
    expect(ofType(events, 'message').map((m) => m.text)).toEqual([
      "I'll plan this task first.",
      "Now I'll create the file.",
      'Done. I listed the repository, created hello.txt, and completed all three todos.',
    ]);
    const usage = ofType(events, 'usage');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ scope: 'run', inputTokens: 100675, outputTokens: 315, cachedInputTokens: 0, reasoningTokens: 0 });
    expect(usage[0]?.costUsd).toBeCloseTo(0.409, 6);
    const summary = 'Done. I listed the repository, created hello.txt, and completed all three todos.';
    expect(events.at(-1)).toEqual({ type: 'finished', ts: 9999, summary });
    expect(outcome).toEqual({ ok: true, summary, sessionId: SUCCESS_SESSION });
  });

  it('partial messages add nothing: the same events as without them', () => {
    const strip = (events: AgentEvent[]) => events.map((e) => {
      const { ts: _ts, ...rest } = e;
      return 'sessionId' in rest ? { ...rest, sessionId: 'x' } : rest;
    });
    expect(strip(run('success-partial.jsonl').events)).toEqual(strip(run('success.jsonl').events));
  });

  it('resume: the same session, and the cost of this run only', () => {
    const { events, outcome } = run('resume.jsonl');
    expect(outcome).toMatchObject({ ok: true, sessionId: SUCCESS_SESSION, summary: expect.stringContaining('Resumed') });
    const usage = ofType(events, 'usage')[0];
    expect(usage).toMatchObject({ inputTokens: 20462, outputTokens: 27 });
    // total_cost_usd (0.491) covers the whole session; this run cost 0.082.
    expect(usage?.costUsd).toBeCloseTo(0.082388, 6);
  });

  it.each([
    ['failure-http500.jsonl', 'API Error: 500'],
    ['failure-midway.jsonl', 'API Error: 500'],
    ['failure-sse-overloaded.jsonl', 'API Error: 529'],
  ])('%s: is_error with subtype "success" is an API failure, retryable', (file, text) => {
    const { events, outcome } = run(file);
    expect(outcome).toMatchObject({ ok: false, reason: 'api_error', retryable: true, exitCode: 1 });
    expect(outcome.ok ? '' : outcome.message.startsWith(text)).toBe(true);
    expect(outcome.sessionId).toBeDefined();
    // The synthetic assistant message holding the error is not the agent speaking.
    expect(ofType(events, 'message').some((m) => m.text.includes('API Error'))).toBe(false);
  });

  it('failure-midway keeps the todo list written before the failure', () => {
    const { events } = run('failure-midway.jsonl');
    expect(ofType(events, 'todo').map((e) => e.items.map((i) => i.status))).toEqual([['in_progress', 'pending', 'pending']]);
  });

  it('permission-default: the refused write is one warning and no file change; the run is ok', () => {
    const { events, outcome } = run('permission-default.jsonl');
    expect(ofType(events, 'warning').map((w) => w.message)).toEqual([expect.stringContaining('/home/dev/project/repo/hello.txt')]);
    expect(ofType(events, 'file_change')).toEqual([]);
    expect(ofType(events, 'todo').at(-1)?.items.every((i) => i.status === 'completed')).toBe(true);
    expect(outcome.ok).toBe(true);
  });

  it('is_error false but a non-zero exit is a failure', () => {
    expect(run('success.jsonl', { code: 1, signal: null }).outcome).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 1 });
  });
});

describe('the Claude adapter on tools and lines beyond the fixtures', () => {
  const runLines = (lines: string[], exit: AgentExit = { code: 0, signal: null }) => {
    const parser = createClaudeParser();
    const events = feed(parser, lines, exit);
    return { events, outcome: parser.outcome() };
  };

  it('Edit, MultiEdit, NotebookEdit and Write over a file are updates', () => {
    const { events } = runLines([
      init,
      toolUse('e1', 'Edit', { file_path: '/r/a.ts', old_string: 'a', new_string: 'b' }), toolResult('e1', 'The file /r/a.ts has been updated.'),
      toolUse('e2', 'MultiEdit', { file_path: '/r/b.ts', edits: [] }), toolResult('e2', 'ok'),
      toolUse('e3', 'NotebookEdit', { notebook_path: '/r/c.ipynb', new_source: 'x' }), toolResult('e3', 'ok'),
      toolUse('e4', 'Write', { file_path: '/r/d.md', content: 'x' }), toolResult('e4', 'The file /r/d.md has been updated.', { type: 'update', filePath: '/r/d.md' }),
      toolUse('e5', 'Edit', { file_path: '/r/e.ts', old_string: 'a', new_string: 'b' }), toolResult('e5', 'String not found', undefined, true),
      okResult,
    ]);
    expect(ofType(events, 'file_change').flatMap((e) => e.changes)).toEqual([
      { path: '/r/a.ts', kind: 'update' }, { path: '/r/b.ts', kind: 'update' }, { path: '/r/c.ipynb', kind: 'update' }, { path: '/r/d.md', kind: 'update' },
    ]);
  });

  it('a failed Bash call has its exit code; an interrupted one has none', () => {
    const { events } = runLines([
      init,
      toolUse('b1', 'Bash', { command: 'npm test' }), toolResult('b1', 'Exit code 3\nFAIL src/a.test.ts', undefined, true),
      toolUse('b2', 'Bash', { command: 'sleep 100' }), toolResult('b2', 'interrupted', { stdout: '', stderr: '', interrupted: true }),
      okResult,
    ]);
    const finished = ofType(events, 'command').filter((c) => c.phase === 'finished');
    expect(finished.map((c) => [c.command, c.exitCode, c.status])).toEqual([['npm test', 3, 'failed'], ['sleep 100', null, 'failed']]);
    expect(finished[0]?.outputTail).toContain('FAIL src/a.test.ts');
  });

  it('keeps a running list from TaskCreate, TaskUpdate and TaskList', () => {
    const { events } = runLines([
      init,
      toolUse('t1', 'TaskCreate', { subject: 'Read the README', description: 'd' }), toolResult('t1', 'Task #1 created successfully: Read the README', { task: { id: '1', subject: 'Read the README' } }),
      toolUse('t2', 'TaskCreate', { subject: 'Fix the bug', description: 'd' }), toolResult('t2', 'Task #2 created successfully: Fix the bug'),
      toolUse('t3', 'TaskUpdate', { taskId: '1', status: 'in_progress' }), toolResult('t3', 'Updated task #1 status', { success: true, taskId: '1', updatedFields: ['status'], statusChange: { from: 'pending', to: 'in_progress' } }),
      toolUse('t4', 'TaskUpdate', { taskId: '1', status: 'completed' }), toolResult('t4', 'Updated', { success: true, taskId: '1', updatedFields: ['status'] }),
      toolUse('t5', 'TaskList', {}), toolResult('t5', '#1 …', { tasks: [{ id: '1', subject: 'Read the README', status: 'completed', blockedBy: [] }, { id: '2', subject: 'Fix the bug', status: 'pending', blockedBy: [] }] }),
      toolUse('t6', 'TaskUpdate', { taskId: '7', status: 'in_progress' }), toolResult('t6', 'Updated', { success: true, taskId: '7' }),
      toolUse('t7', 'TaskUpdate', { taskId: '2', status: 'deleted' }), toolResult('t7', 'Deleted', { success: true, taskId: '2' }),
      toolUse('t8', 'TaskUpdate', { taskId: '1', status: 'pending' }), toolResult('t8', 'No such task', { success: false, taskId: '1' }),
      okResult,
    ]);
    expect(ofType(events, 'todo').map((e) => e.items)).toEqual([
      [{ text: 'Read the README', status: 'pending' }],
      [{ text: 'Read the README', status: 'pending' }, { text: 'Fix the bug', status: 'pending' }],
      [{ text: 'Read the README', status: 'in_progress' }, { text: 'Fix the bug', status: 'pending' }],
      [{ text: 'Read the README', status: 'completed' }, { text: 'Fix the bug', status: 'pending' }],
      // TaskList confirmed the list: no change, no event.
      [{ text: 'Read the README', status: 'completed' }, { text: 'Fix the bug', status: 'pending' }, { text: 'Task #7', status: 'in_progress' }],
      [{ text: 'Read the README', status: 'completed' }, { text: 'Task #7', status: 'in_progress' }],
    ]);
  });

  it('turns AskUserQuestion into a question and thinking into reasoning', () => {
    const { events } = runLines([
      init,
      line({ type: 'assistant', message: { id: 'm1', content: [{ type: 'thinking', thinking: 'Which one?', signature: 's' }] }, parent_tool_use_id: null }),
      toolUse('q1', 'AskUserQuestion', { questions: [{ question: 'Postgres or SQLite?', header: 'DB', options: [], multiSelect: false }] }),
      okResult,
    ]);
    expect(ofType(events, 'reasoning').map((e) => e.text)).toEqual(['Which one?']);
    expect(ofType(events, 'question').map((e) => e.text)).toEqual(['Postgres or SQLite?']);
  });

  it("reports a subagent's commands and edits but not its words or its todo list", () => {
    const { events } = runLines([
      init,
      toolUse('a1', 'Task', { description: 'explore', prompt: 'look around', subagent_type: 'Explore' }),
      line({ type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'subagent chatter' }] }, parent_tool_use_id: 'a1' }),
      toolUse('s1', 'TodoWrite', { todos: [{ content: 'sub step', status: 'pending', activeForm: 'x' }] }, 'a1'), toolResult('s1', 'ok'),
      toolUse('s2', 'Bash', { command: 'grep -r foo' }, 'a1'), toolResult('s2', 'a.ts:foo', { stdout: 'a.ts:foo', stderr: '', interrupted: false }),
      toolResult('a1', 'The subagent found foo in a.ts'),
      okResult,
    ]);
    expect(ofType(events, 'message')).toEqual([]);
    expect(ofType(events, 'todo')).toEqual([]);
    expect(ofType(events, 'command').map((c) => [c.phase, c.command, c.exitCode])).toEqual([['started', 'grep -r foo', undefined], ['finished', 'grep -r foo', 0]]);
  });

  it('reports API retries as warnings', () => {
    const { events } = runLines([init, line({ type: 'system', subtype: 'api_retry', attempt: 1, max_retries: 10, retry_delay_ms: 500, error_status: 529, error: 'overloaded' }), okResult]);
    expect(ofType(events, 'warning').map((w) => w.message)).toEqual(['API request failed (529): overloaded; retrying (1/10).']);
  });

  it('a turn limit is the agent failing, not retryable', () => {
    const { outcome } = runLines([init, line({ type: 'result', subtype: 'error_max_turns', is_error: true, session_id: 's-1', num_turns: 3 })], { code: 1, signal: null });
    expect(outcome).toEqual({ ok: false, reason: 'agent_error', message: 'claude reached its turn limit (--max-turns).', retryable: false, exitCode: 1, sessionId: 's-1' });
  });

  it('an API error message without a result line, then exit 1, is an API failure', () => {
    const apiError = line({ type: 'assistant', message: { id: 'x', content: [{ type: 'text', text: 'API Error: 503 upstream' }] }, error: 'server_error', is_api_error_message: true, api_error_status: 503 });
    expect(runLines([init, apiError], { code: 1, signal: null }).outcome).toMatchObject({ ok: false, reason: 'api_error', retryable: true, message: 'API Error: 503 upstream' });
    expect(runLines([init], { code: 1, signal: null }).outcome).toMatchObject({ ok: false, reason: 'exit_code', retryable: true });
    expect(runLines([init], { code: null, signal: 'SIGTERM', cancelled: true }).outcome).toMatchObject({ ok: false, reason: 'cancelled', retryable: false });
    expect(runLines([init], { code: null, signal: 'SIGTERM', timedOut: true }).outcome).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
  });

  it('keeps unknown types and non-JSON lines as raw, and never throws', () => {
    const lines = [
      init, 'Some banner line', '{"type":"rate_limit_event","rate_limit_info":{}}', '{"type":"system","subtype":"brand_new"}',
      '{broken', '{"type":"assistant","message":null}', '{"type":"user","message":{"content":"plain text"}}',
      '{"type":"assistant","message":{"content":[null,7,{"type":"tool_use"}]}}', '{"type":"result"}', okResult,
    ];
    let events: AgentEvent[] = [];
    const parser = createClaudeParser();
    expect(() => (events = feed(parser, lines, { code: 0, signal: null }))).not.toThrow();
    expect(ofType(events, 'raw').map((e) => e.data)).toEqual([
      'Some banner line', { type: 'rate_limit_event', rate_limit_info: {} }, { type: 'system', subtype: 'brand_new' }, '{broken',
    ]);
    expect(parser.outcome()).toMatchObject({ ok: true, summary: 'ok' });
  });
});

describe('the Claude command line', () => {
  it('prints stream-json with the profile permission mode, the prompt last after --', () => {
    const invocation = buildClaudeInvocation(profile({ permission_mode: 'plan', model: 'sonnet', args: ['--allowedTools', 'Read', 'Bash'] }), {
      prompt: 'Add dark mode', cwd: '/wt/dark',
    });
    expect(invocation).toEqual({
      command: 'claude',
      args: ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'plan', '--model', 'sonnet', '--allowedTools', 'Read', 'Bash', '--', 'Add dark mode'],
      env: { ...CLAUDE_ENV },
    });
    expect(invocation.stdin).toBeUndefined();
  });

  it('defaults to acceptEdits and resumes by session id', () => {
    const { args } = buildClaudeInvocation(agentProfileSchema.parse({ kind: 'claude' }), { prompt: '- a list item first', cwd: '/wt', resumeSessionId: SUCCESS_SESSION, model: 'opus' });
    expect(args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--model', 'opus', '--resume', SUCCESS_SESSION, '--', '- a list item first']);
  });

  it('keeps subcommand names and option-like prompts as the prompt', () => {
    for (const prompt of ['update', '--help', '-p']) {
      const { args } = buildClaudeInvocation(profile(), { prompt, cwd: '/wt' });
      expect(args.slice(-2)).toEqual(['--', prompt]);
    }
    expect(() => buildClaudeInvocation(profile(), { prompt: '', cwd: '/wt' })).toThrow(/empty/);
  });
});
