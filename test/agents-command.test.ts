import { describe, expect, it } from 'vitest';
import { buildAgentInvocation, createStreamParser } from '../core/agents/adapter.js';
import { buildCommandInvocation, commandPlaceholders, createCommandParser, spawnFailure } from '../core/agents/command.js';
import { outputTail, todoProgress } from '../core/agents/events.js';
import { agentProfileSchema } from '../core/config/schema.js';

const profile = (extra: Record<string, unknown> = {}) => agentProfileSchema.parse({ kind: 'command', command: 'my-agent', ...extra });

describe('the command adapter', () => {
  it('makes every output line a message and succeeds on exit 0 with the last line as summary', () => {
    const parser = createCommandParser();
    const events = [
      ...parser.push('working on it\n', 1),
      ...parser.push('', 2),
      ...parser.push('   ', 3),
      ...parser.push('done: 3 files\r\n', 4),
      ...parser.finish({ code: 0, signal: null }, 5),
    ];
    expect(events).toEqual([
      { type: 'message', ts: 1, text: 'working on it' },
      { type: 'message', ts: 4, text: 'done: 3 files' },
      { type: 'finished', ts: 5, summary: 'done: 3 files' },
    ]);
    expect(parser.outcome()).toEqual({ ok: true, summary: 'done: 3 files' });
  });

  it('fails on a non-zero exit, not retryable', () => {
    const parser = createCommandParser();
    parser.push('{"type":"looks like json"}', 1);
    expect(parser.finish({ code: 2, signal: null }, 2)).toEqual([
      { type: 'failed', ts: 2, reason: 'exit_code', message: 'The command exited with code 2.', exitCode: 2, retryable: false },
    ]);
    expect(parser.outcome()).toMatchObject({ ok: false, reason: 'exit_code', retryable: false });
  });

  it('tells a stop, a timeout and a kill apart', () => {
    const outcome = (exit: Parameters<ReturnType<typeof createCommandParser>['finish']>[0]) => {
      const parser = createCommandParser();
      parser.finish(exit);
      return parser.outcome();
    };
    expect(outcome({ code: null, signal: 'SIGTERM', cancelled: true })).toMatchObject({ reason: 'cancelled', retryable: false });
    expect(outcome({ code: null, signal: 'SIGTERM', timedOut: true })).toMatchObject({ reason: 'timeout', retryable: true });
    expect(outcome({ code: null, signal: 'SIGKILL' })).toMatchObject({ reason: 'exit_code', message: 'The command was killed by SIGKILL.', exitCode: null });
  });

  it('ignores lines after finish and throws on outcome() before it', () => {
    const parser = createCommandParser();
    expect(() => parser.outcome()).toThrow(/before finish/);
    parser.finish({ code: 0, signal: null });
    expect(parser.push('late', 1)).toEqual([]);
    expect(parser.finish({ code: 1, signal: null })).toEqual([]);
    expect(parser.outcome().ok).toBe(true);
  });

  it('describes a program that could not start', () => {
    expect(spawnFailure('aider', Object.assign(new Error('spawn aider ENOENT'), { code: 'ENOENT' }))).toEqual({
      ok: false, reason: 'exit_code', message: 'Could not start "aider": it was not found on PATH.', retryable: false, exitCode: null,
    });
    expect(spawnFailure('x', new Error('boom')).message).toBe('Could not start "x": boom.');
  });
});

describe('the command line of a command profile', () => {
  it('puts the prompt on stdin when no placeholder appears', () => {
    const invocation = buildCommandInvocation(profile({ args: ['--yes'] }), { prompt: 'Fix it', cwd: '/wt' });
    expect(invocation).toEqual({ command: 'my-agent', args: ['--yes'], stdin: 'Fix it', env: {} });
    expect(commandPlaceholders(profile({ args: ['--yes'] }))).toEqual({ prompt: false, promptFile: false });
  });

  it('replaces {prompt} as a whole argument or inside one, literally', () => {
    const prompt = '- cost is $& and $1 {prompt_file}';
    const invocation = buildCommandInvocation(profile({ args: ['run', '{prompt}', '--message={prompt}', '--keep'] }), { prompt, cwd: '/wt' });
    expect(invocation.args).toEqual(['run', prompt, `--message=${prompt}`, '--keep']);
    expect(invocation.stdin).toBeUndefined();
  });

  it('replaces {prompt_file} with the file the runner wrote', () => {
    const p = profile({ args: ['--file', '{prompt_file}', '--input=@{prompt_file}'] });
    expect(commandPlaceholders(p)).toEqual({ prompt: false, promptFile: true });
    const invocation = buildCommandInvocation(p, { prompt: 'Fix it', cwd: '/wt', promptFile: '/tmp/run-1/prompt.md' });
    expect(invocation.args).toEqual(['--file', '/tmp/run-1/prompt.md', '--input=@/tmp/run-1/prompt.md']);
    expect(invocation.stdin).toBeUndefined();
    expect(() => buildCommandInvocation(p, { prompt: 'Fix it', cwd: '/wt' })).toThrow(/prompt file/);
  });

  it('needs a command', () => {
    expect(() => buildCommandInvocation(agentProfileSchema.parse({ kind: 'command' }), { prompt: 'x', cwd: '/wt' })).toThrow(/needs a command/);
  });
});

describe('the adapter entry points', () => {
  it('dispatch on the profile kind', () => {
    expect(buildAgentInvocation(agentProfileSchema.parse({ kind: 'codex' }), { prompt: 'p', cwd: '/wt' }).command).toBe('codex');
    expect(buildAgentInvocation(agentProfileSchema.parse({ kind: 'claude' }), { prompt: 'p', cwd: '/wt' }).command).toBe('claude');
    expect(buildAgentInvocation(profile(), { prompt: 'p', cwd: '/wt' }).stdin).toBe('p');
    expect(() => buildAgentInvocation(agentProfileSchema.parse({ kind: 'openai' }), { prompt: 'p', cwd: '/wt' })).toThrow(/API client/);
    expect(createStreamParser('codex').push('{"type":"thread.started","thread_id":"t"}', 1)).toEqual([{ type: 'started', ts: 1, sessionId: 't' }]);
    expect(createStreamParser('claude').push('{"type":"system","subtype":"init","session_id":"s"}', 1)).toEqual([{ type: 'started', ts: 1, sessionId: 's' }]);
    expect(createStreamParser('command').push('hello', 1)).toEqual([{ type: 'message', ts: 1, text: 'hello' }]);
  });

  it('stamp events with the current time when no ts is given', () => {
    const before = Date.now();
    const [event] = createStreamParser('command').push('hello');
    expect(event?.ts).toBeGreaterThanOrEqual(before);
  });

  it('count todo progress and cut output tails', () => {
    expect(todoProgress([])).toEqual({ done: 0, total: 0 });
    expect(todoProgress([{ text: 'a', status: 'completed' }, { text: 'b', status: 'in_progress' }, { text: 'c', status: 'pending' }])).toEqual({ done: 1, total: 3 });
    expect(outputTail('short')).toBe('short');
    // Never half of a surrogate pair at the cut.
    expect(outputTail(`a${'😀'.repeat(3)}`, 5)).toBe('😀😀');
  });
});
