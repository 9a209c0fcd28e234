import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentExit, StreamParser } from '../core/agents/adapter.js';
import { buildCodexInvocation, classifyCodexError, createCodexParser } from '../core/agents/codex.js';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../core/agents/events.js';
import { agentProfileSchema } from '../core/config/schema.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = resolve(repoRoot, '..', 'shared', 'agents', 'codex');

/** How each real run ended (shared/agents/codex.md). */
const EXITS: Record<string, number> = {
  'success.jsonl': 0,
  'resume.jsonl': 0,
  'failure.jsonl': 1,
  'failure-midturn-http500.jsonl': 1,
  'failure-response-failed.jsonl': 1,
  'failure-http500-default-retries.jsonl': 1,
  'http500-recover.jsonl': 0,
  'command-failure.jsonl': 0,
  'success-read-only-sandbox.jsonl': 0,
  'unknown-model.jsonl': 0,
};

function feed(parser: StreamParser, lines: readonly string[], exit: AgentExit): AgentEvent[] {
  const events = lines.flatMap((line, i) => parser.push(line, 1000 + i));
  return [...events, ...parser.finish(exit, 9999)];
}

function run(file: string, exit: AgentExit = { code: EXITS[file] ?? 0, signal: null }) {
  const parser = createCodexParser();
  const events = feed(parser, readFileSync(join(fixtureDir, file), 'utf8').split('\n'), exit);
  return { events, outcome: parser.outcome() };
}

function ofType<T extends AgentEventType>(events: AgentEvent[], type: T): AgentEventOf<T>[] {
  return events.filter((e): e is AgentEventOf<T> => e.type === type);
}

const profile = (extra: Record<string, unknown> = {}) => agentProfileSchema.parse({ kind: 'codex', ...extra });

describe('the Codex adapter on the real fixtures', () => {
  it('knows every fixture, and none of them produces raw events or throws', () => {
    const files = readdirSync(fixtureDir).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toEqual(Object.keys(EXITS).sort());
    for (const file of files) {
      const { events } = run(file);
      expect(ofType(events, 'raw'), file).toEqual([]);
      expect(events[0]?.type, file).toBe('started');
      expect(['finished', 'failed'], file).toContain(events.at(-1)?.type);
      expect(events.filter((e) => e.type === 'finished' || e.type === 'failed'), file).toHaveLength(1);
    }
  });

  it('success: session, plan, command, file changes, usage and the final answer', () => {
    const { events, outcome } = run('success.jsonl');
    expect(events[0]).toEqual({ type: 'started', ts: 1000, sessionId: '01a1ff98-5105-79e3-983c-1ce29771a7ff' });
    expect(ofType(events, 'reasoning')[0]?.text).toContain('Planning the work');

    const todos = ofType(events, 'todo').map((e) => e.items);
    expect(todos).toEqual([
      [
        { text: 'Inspect the repository', status: 'pending' },
        { text: 'Create hello.txt', status: 'pending' },
        { text: 'Verify and report', status: 'pending' },
      ],
      [
        { text: 'Inspect the repository', status: 'completed' },
        { text: 'Create hello.txt', status: 'completed' },
        { text: 'Verify and report', status: 'completed' },
      ],
    ]);

    const commands = ofType(events, 'command');
    expect(commands.map((c) => [c.phase, c.id, c.command, c.exitCode, c.status])).toEqual([
      ['started', 'item_2', "/bin/bash -c 'ls -la'", undefined, 'in_progress'],
      ['finished', 'item_2', "/bin/bash -c 'ls -la'", 0, 'completed'],
    ]);
    expect(commands[1]?.outputTail).toContain('README.md');

    expect(ofType(events, 'file_change')).toEqual([
      {
        type: 'file_change', ts: 1007,
        changes: [
          { path: '/home/dev/project/README.md', kind: 'update' },
          { path: '/home/dev/project/hello.txt', kind: 'add' },
        ],
      },
    ]);
    expect(ofType(events, 'usage')).toEqual([
      { type: 'usage', ts: 1011, scope: 'thread', inputTokens: 6000, cachedInputTokens: 1500, outputTokens: 240, reasoningTokens: 0 },
    ]);
    const summary = 'Done. I listed the repository, created `hello.txt` and edited `README.md`.';
    expect(ofType(events, 'message').map((m) => m.text)).toEqual([summary]);
    expect(events.at(-1)).toEqual({ type: 'finished', ts: 9999, summary });
    expect(outcome).toEqual({ ok: true, summary, sessionId: '01a1ff98-5105-79e3-983c-1ce29771a7ff' });
  });

  it('resume keeps the thread id and reports cumulative usage', () => {
    const { events, outcome } = run('resume.jsonl');
    expect(outcome).toMatchObject({ ok: true, sessionId: '01a1ff98-5105-79e3-983c-1ce29771a7ff', summary: 'Follow-up done: hello.txt still contains the greeting.' });
    expect(ofType(events, 'command').at(-1)).toMatchObject({ command: "/bin/bash -c 'cat hello.txt'", exitCode: 0 });
    expect(ofType(events, 'usage')[0]).toMatchObject({ inputTokens: 8000, scope: 'thread' });
  });

  it('command-failure: a command exits 3, the run still succeeds', () => {
    const { events, outcome } = run('command-failure.jsonl');
    expect(ofType(events, 'command').at(-1)).toMatchObject({ phase: 'finished', exitCode: 3, status: 'failed' });
    expect(ofType(events, 'command').at(-1)?.outputTail).toContain('does-not-exist');
    expect(outcome.ok).toBe(true);
  });

  it('read-only sandbox: success without any file change', () => {
    const { events, outcome } = run('success-read-only-sandbox.jsonl');
    expect(ofType(events, 'file_change')).toEqual([]);
    expect(outcome.ok).toBe(true);
  });

  it('unknown model: the warning item is a warning, not a failure', () => {
    const { events, outcome } = run('unknown-model.jsonl');
    expect(ofType(events, 'warning').map((w) => w.message)).toEqual([expect.stringContaining('Model metadata for `fake-model` not found')]);
    expect(outcome.ok).toBe(true);
  });

  it('http500-recover: retries that recovered leave a plain success', () => {
    const { outcome } = run('http500-recover.jsonl');
    expect(outcome).toMatchObject({ ok: true, summary: 'Recovered after two HTTP 500s.' });
  });

  it.each([
    ['failure.jsonl', 'high demand'],
    ['failure-response-failed.jsonl', 'stream disconnected before completion'],
    ['failure-http500-default-retries.jsonl', 'high demand'],
    ['failure-midturn-http500.jsonl', 'high demand'],
  ])('%s: an API failure, retryable', (file, text) => {
    const { events, outcome } = run(file);
    expect(outcome).toMatchObject({ ok: false, reason: 'api_error', retryable: true, exitCode: 1 });
    expect(outcome.ok ? '' : outcome.message).toContain(text);
    expect(outcome.sessionId).toMatch(/^01a1ff98-/);
    expect(events.at(-1)).toMatchObject({ type: 'failed', reason: 'api_error', retryable: true, exitCode: 1 });
  });

  it('reports the reconnect attempts as warnings', () => {
    const { events } = run('failure-http500-default-retries.jsonl');
    const warnings = ofType(events, 'warning').map((w) => w.message);
    expect(warnings).toHaveLength(6);
    expect(warnings.slice(0, 5).every((m, i) => m.startsWith(`Reconnecting... ${i + 1}/5`))).toBe(true);
  });

  it('a failure mid-turn keeps what happened before it', () => {
    const { events } = run('failure-midturn-http500.jsonl');
    expect(ofType(events, 'todo').at(-1)?.items.map((i) => i.status)).toEqual(['pending', 'pending', 'pending']);
    expect(ofType(events, 'command').at(-1)).toMatchObject({ exitCode: 0, outputTail: 'README.md\n' });
  });
});

describe('the Codex adapter on lines it did not expect', () => {
  const started = '{"type":"thread.started","thread_id":"t-1"}';
  const completed = '{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}';

  it('keeps unknown event and item types as raw events', () => {
    const parser = createCodexParser();
    const events = feed(parser, [
      started,
      '{"type":"thread.paused","reason":"nap"}',
      '{"type":"item.completed","item":{"id":"item_9","type":"hologram","beams":3}}',
      '{"type":"item.completed","item":{"id":"item_8","type":"mcp_tool_call","server":"s","tool":"t","status":"completed"}}',
      completed,
    ], { code: 0, signal: null });
    expect(ofType(events, 'raw').map((e) => e.data)).toEqual([
      { type: 'thread.paused', reason: 'nap' },
      { type: 'item.completed', item: { id: 'item_9', type: 'hologram', beams: 3 } },
      { type: 'item.completed', item: { id: 'item_8', type: 'mcp_tool_call', server: 's', tool: 't', status: 'completed' } },
    ]);
    expect(ofType(events, 'raw').every((e) => e.source === 'codex')).toBe(true);
    expect(parser.outcome().ok).toBe(true);
  });

  it('never throws on malformed lines; non-JSON text becomes raw', () => {
    const parser = createCodexParser();
    const lines = [
      '{"type":', 'warning: not json', '', '   ', '[1,2]', '{"no_type":1}', '{"type":7}',
      '{"type":"item.completed","item":null}', '{"type":"item.started","item":{"type":"command_execution"}}',
      '{"type":"item.completed","item":{"type":"todo_list","items":"nope"}}', '{"type":"turn.completed","usage":"weird"}',
      '{"type":"turn.failed"}', '{"type":"error"}',
    ];
    let events: AgentEvent[] = [];
    expect(() => (events = feed(parser, lines, { code: 1, signal: null }))).not.toThrow();
    expect(ofType(events, 'raw').map((e) => e.data)).toEqual(expect.arrayContaining(['{"type":', 'warning: not json', [1, 2], { no_type: 1 }]));
    expect(parser.outcome()).toMatchObject({ ok: false });
  });

  it('tells whether the line it was given is, as it stands, a JSON text (for the raw log)', () => {
    const parser = createCodexParser();
    const wasJson = (line: string) => (parser.push(line), parser.lastLineWasJson);
    expect([started, '[1,2]', '{"type":7}', '"text"', 'warning: not json', '{"type":', '', `${started}\n`].map(wasJson)).toEqual([
      true, true, true, true, false, false, false, false,
    ]);
    parser.finish({ code: 0, signal: null });
    expect(wasJson(started)).toBe(false); // ignored after finish
  });

  it('reads the legacy item_type / assistant_message shape', () => {
    const parser = createCodexParser();
    const events = feed(parser, [started, '{"type":"item.completed","item":{"id":"item_0","item_type":"assistant_message","text":"old build"}}', completed], { code: 0, signal: null });
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['old build']);
    expect(parser.outcome()).toMatchObject({ ok: true, summary: 'old build' });
  });

  it('turns request_user_input into one question', () => {
    const parser = createCodexParser();
    const ask = '{"type":"request_user_input","id":"turn-1","call_id":"call-1","questions":[{"id":"q1","header":"Scope","question":"Which database?","isOther":false,"isSecret":false},{"id":"q2","header":"Name","question":"What name?"}]}';
    const events = feed(parser, [started, ask, ask, completed], { code: 0, signal: null });
    expect(ofType(events, 'question')).toEqual([{ type: 'question', ts: 1001, text: 'Which database?\nWhat name?' }]);
  });

  it('reports a failed patch as a warning and no file change', () => {
    const parser = createCodexParser();
    const events = feed(parser, [started, '{"type":"item.completed","item":{"id":"item_1","type":"file_change","changes":[{"path":"/p/a.txt","kind":"update"}],"status":"failed"}}', completed], { code: 0, signal: null });
    expect(ofType(events, 'file_change')).toEqual([]);
    expect(ofType(events, 'warning')[0]?.message).toContain('/p/a.txt');
  });

  it('keeps only the last 2 KB of a command output', () => {
    const parser = createCodexParser();
    const output = `${'x'.repeat(5000)}THE END`;
    const line = JSON.stringify({ type: 'item.completed', item: { id: 'item_1', type: 'command_execution', command: 'big', aggregated_output: output, exit_code: 0, status: 'completed' } });
    const tail = ofType(feed(parser, [started, line, completed], { code: 0, signal: null }), 'command')[0]?.outputTail ?? '';
    expect(tail).toHaveLength(2048);
    expect(tail.endsWith('THE END')).toBe(true);
  });
});

describe('the Codex outcome when the process ends oddly', () => {
  const partial = ['{"type":"thread.started","thread_id":"t-2"}', '{"type":"turn.started"}'];
  const outcomeOf = (lines: string[], exit: AgentExit) => {
    const parser = createCodexParser();
    const events = feed(parser, lines, exit);
    return { events, outcome: parser.outcome() };
  };

  it('SIGINT without turn.completed: cancelled when we stopped it, else a crash', () => {
    expect(outcomeOf(partial, { code: null, signal: 'SIGINT', cancelled: true }).outcome).toEqual({
      ok: false, reason: 'cancelled', message: 'codex was stopped.', retryable: false, exitCode: null, sessionId: 't-2',
    });
    expect(outcomeOf(partial, { code: null, signal: 'SIGTERM' }).outcome).toMatchObject({ ok: false, reason: 'exit_code', retryable: true, exitCode: null });
  });

  it('timed out: a retryable timeout, unless the turn had completed', () => {
    expect(outcomeOf(partial, { code: null, signal: 'SIGTERM', timedOut: true }).outcome).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
    const late = outcomeOf([...partial, '{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}'], { code: null, signal: 'SIGKILL', timedOut: true });
    expect(late.outcome.ok).toBe(true);
    expect(ofType(late.events, 'warning')[0]?.message).toContain('time limit');
  });

  it('exit 1 after turn.completed is a failure', () => {
    const { outcome } = outcomeOf([...partial, '{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}'], { code: 1, signal: null });
    expect(outcome).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 1, retryable: false });
  });

  it('exit 1 with a stream error but no turn.failed is an API failure', () => {
    const { outcome } = outcomeOf([...partial, '{"type":"error","message":"stream disconnected before completion: eof"}'], { code: 1, signal: null });
    expect(outcome).toMatchObject({ ok: false, reason: 'api_error', retryable: true });
  });

  it('exit 0 without completing the turn is an agent error', () => {
    expect(outcomeOf(partial, { code: 0, signal: null }).outcome).toMatchObject({ ok: false, reason: 'agent_error', retryable: false });
  });

  it('a full context window is the task failing, not the API', () => {
    const { outcome } = outcomeOf([...partial, '{"type":"turn.failed","error":{"message":"Codex ran out of room in the model\'s context window. Start a new conversation."}}'], { code: 1, signal: null });
    expect(outcome).toMatchObject({ ok: false, reason: 'agent_error', retryable: false });
    expect(classifyCodexError('unexpected status 401 Unauthorized: bad key')).toMatchObject({ reason: 'api_error', retryable: true });
  });

  it('outcome() needs finish(); lines after finish and a second finish change nothing', () => {
    const parser = createCodexParser();
    expect(() => parser.outcome()).toThrow(/before finish/);
    parser.push(partial[0]!, 1);
    expect(parser.finish({ code: 0, signal: null, cancelled: true }, 2)).toHaveLength(1);
    expect(parser.push('{"type":"turn.completed","usage":{}}', 3)).toEqual([]);
    expect(parser.finish({ code: 0, signal: null }, 4)).toEqual([]);
    expect(parser.outcome().ok).toBe(false);
  });
});

describe('the Codex command line', () => {
  it('runs exec --json in the worktree with the workspace-write sandbox, the prompt after --', () => {
    const invocation = buildCodexInvocation(profile({ model: 'gpt-5.5', args: ['-c', 'model_reasoning_effort="high"'] }), {
      prompt: 'Add dark mode', cwd: '/wt/dark', outputFile: '/logs/1.last.txt',
    });
    expect(invocation).toEqual({
      command: 'codex',
      args: ['exec', '--json', '-s', 'workspace-write', '-C', '/wt/dark', '-m', 'gpt-5.5', '-c', 'model_reasoning_effort="high"', '-o', '/logs/1.last.txt', '--', 'Add dark mode'],
      env: {},
    });
    expect(invocation.stdin).toBeUndefined();
  });

  it('keeps a prompt that starts with "-" (or names a subcommand) a prompt', () => {
    for (const prompt of ['- first do this\n- then that', '--help', 'resume']) {
      const { args } = buildCodexInvocation(profile(), { prompt, cwd: '/wt' });
      expect(args.at(-2)).toBe('--');
      expect(args.at(-1)).toBe(prompt);
      expect(args.indexOf('--')).toBe(args.length - 2);
    }
  });

  it('resumes with -C before resume, the sandbox as -c, then thread id and prompt after --', () => {
    const { args, command } = buildCodexInvocation(profile({ command: '/opt/codex', model: 'gpt-5.5' }), {
      prompt: '-continue', cwd: '/wt', resumeSessionId: '01a1ff98-5105', outputFile: '/o.txt', model: 'o4',
    });
    expect(command).toBe('/opt/codex');
    expect(args).toEqual(['exec', '-C', '/wt', 'resume', '--json', '-c', 'sandbox_mode="workspace-write"', '-m', 'o4', '-o', '/o.txt', '--', '01a1ff98-5105', '-continue']);
    expect(args).not.toContain('-s');
  });

  it('refuses prompts no command line can carry', () => {
    expect(() => buildCodexInvocation(profile(), { prompt: '  ', cwd: '/wt' })).toThrow(/empty/);
    expect(() => buildCodexInvocation(profile(), { prompt: '-', cwd: '/wt' })).toThrow(/stdin/);
    expect(() => buildCodexInvocation(profile(), { prompt: 'a\0b', cwd: '/wt' })).toThrow(/NUL/);
  });
});
