/**
 * The scripted model servers on their own (no agent binaries): how a request body maps to a
 * scenario step, and the HTTP/SSE they answer with.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { claudePosition, startMessagesServer } from './messages-server.js';
import { codexPosition, startResponsesServer } from './responses-server.js';
import { applyPatch, exec, finish, forPrompt, httpError, plan, say, ScriptPlayer, streamError, think, together, writeFile } from './scenario.js';
import type { ScriptedServer } from './scripted-http.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track(server: Promise<ScriptedServer>): Promise<ScriptedServer> {
  const started = await server;
  servers.push(started);
  return started;
}

/** Splits an SSE body into `{ event, data }` frames. */
function frames(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text.split('\n\n').filter(Boolean).map((frame) => {
    const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
    const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as Record<string, unknown>;
    return { event, data };
  });
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// Input items shaped like /work/shared/agents/codex/responses-api-requests-sample.json (real ids are untagged).
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const CODEX_PREFIX = [{ type: 'message', role: 'developer', content: [] }, user('<environment_context>…</environment_context>'), user('Create hello.txt')];
const call = (name: string, id: string) => [
  { type: 'function_call', id: `fc_${id}`, name, arguments: '{}', call_id: `call_${id}` },
  { type: 'function_call_output', call_id: `call_${id}`, output: 'ok' },
];

describe('codexPosition', () => {
  it('counts model responses after the last user message, as in the real requests', () => {
    expect(codexPosition({ input: CODEX_PREFIX })).toMatchObject({ turn: 0, step: 0 });
    const afterPlan = [...CODEX_PREFIX, { type: 'reasoning', id: 'rs_9e89c2', summary: [] }, ...call('update_plan', '0e79')];
    expect(codexPosition({ input: afterPlan })).toMatchObject({ turn: 0, step: 1 });
    const patch = [{ type: 'custom_tool_call', id: 'ctc_33b5', call_id: 'call_c437', name: 'apply_patch', input: '' }, { type: 'custom_tool_call_output', call_id: 'call_c437', output: 'ok' }];
    const afterFour = [...afterPlan, ...call('exec_command', '368f'), ...patch, ...call('update_plan', 'e378')];
    expect(codexPosition({ input: afterFour })).toMatchObject({ turn: 0, step: 4 });
    const resumed = [...afterFour, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }, user('follow-up')];
    expect(codexPosition({ input: resumed, prompt_cache_key: 'thread-1' })).toMatchObject({ turn: 1, step: 0, conversation: 'thread-1' });
  });

  it('counts the parallel calls of one scripted response once (by their step tag)', () => {
    const input = [...CODEX_PREFIX, ...call('exec_command', 't0s0_aa'), ...call('exec_command', 't0s0_bb')];
    expect(codexPosition({ input })).toMatchObject({ turn: 0, step: 1 });
  });
});

describe('claudePosition', () => {
  it('counts assistant messages after the last prompt; tool results are not prompts', () => {
    const prompt = { role: 'user', content: [{ type: 'text', text: '<system-reminder>…</system-reminder>' }, { type: 'text', text: 'Create hello.txt' }] };
    const system = { role: 'system', content: 'Primary working directory: /w/repo' };
    const toolRound = [{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'README.md' }] }];
    expect(claudePosition({ messages: [system, prompt] })).toMatchObject({ turn: 0, step: 0 });
    expect(claudePosition({ messages: [system, prompt, ...toolRound] })).toMatchObject({ turn: 0, step: 1 });
    const followUp = [system, prompt, ...toolRound, { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }, { role: 'user', content: 'follow-up' }];
    expect(claudePosition({ messages: followUp })).toMatchObject({ turn: 1, step: 0, userText: expect.stringContaining('follow-up') });
  });
});

describe('ScriptPlayer', () => {
  const at = (conversation: string, step = 0) => ({ conversation, userText: 'task alpha', turn: 0, step });

  it('serves a fault `times` times per conversation, then the next response', () => {
    const player = new ScriptPlayer([httpError(500, { times: 2 }), finish('ok')]);
    expect([1, 2, 3].map(() => player.decide(at('a')).kind)).toEqual(['fault', 'fault', 'respond']);
    expect(player.decide(at('b')).kind).toBe('fault');
    expect(player.decide(at('a', 1))).toMatchObject({ kind: 'unscripted', reason: 'turn 0 of the scenario has no step 1' });
  });

  it('picks the scenario whose match is in the user text', () => {
    const player = new ScriptPlayer([forPrompt('beta', [finish('beta')]), forPrompt(/alpha/, [finish('alpha')])]);
    expect(player.decide(at('a'))).toMatchObject({ kind: 'respond', response: finish('alpha') });
    expect(player.decide({ ...at('b'), userText: 'gamma' })).toMatchObject({ kind: 'unscripted' });
  });
});

describe('startResponsesServer', () => {
  it('streams output items the way the Responses API does, with step-tagged ids', async () => {
    const server = await track(startResponsesServer([together(think('Planning'), plan(['a', 'b'])), finish('Done.')]));
    const response = await post(`${server.origin}/v1/responses`, { model: 'gpt-5.5', input: CODEX_PREFIX });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = frames(await response.text());
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, index) => index));
    const done = events.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item as Record<string, unknown>);
    expect(done[1]).toMatchObject({ type: 'function_call', name: 'update_plan', call_id: expect.stringMatching(/^call_t0s0_/) });
    expect(JSON.parse(String(done[1]?.arguments))).toEqual({ plan: [{ step: 'a', status: 'in_progress' }, { step: 'b', status: 'pending' }] });
    expect(server.requests[0]?.reply).toEqual({ kind: 'respond', status: 200, turn: 0, step: 0 });
  });

  it('plays exec and writeFile as exec_command and an apply_patch Add File', async () => {
    const server = await track(startResponsesServer([together(exec('ls -la'), writeFile('hello.txt', 'hi\nthere\n'))]));
    const events = frames(await (await post(`${server.origin}/v1/responses`, { input: CODEX_PREFIX })).text());
    const items = events.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item as Record<string, unknown>);
    expect(JSON.parse(String(items[0]?.arguments))).toMatchObject({ cmd: 'ls -la', login: false });
    expect(items[1]).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: hello.txt\n+hi\n+there\n*** End Patch\n' });
  });

  it('answers faults: an HTTP status, response.failed, and 400 past the end of the script', async () => {
    const server = await track(startResponsesServer([httpError(503, { times: 1 }), streamError('boom', { times: 1 })]));
    const body = { input: CODEX_PREFIX };
    expect((await post(`${server.origin}/v1/responses`, body)).status).toBe(503);
    const failed = frames(await (await post(`${server.origin}/v1/responses`, body)).text());
    expect(failed.map((e) => e.event)).toEqual(['response.created', 'response.failed']);
    expect(failed[1]?.data.response).toMatchObject({ status: 'failed', error: { message: 'boom' } });
    expect((await post(`${server.origin}/v1/responses`, body)).status).toBe(400);
    expect((await fetch(`${server.origin}/v1/models`)).status).toBe(404);
    expect(server.requests.map((r) => r.reply.kind)).toEqual(['http-error', 'stream-error', 'unscripted', 'not-found']);
    expect(server.modelRequests()).toHaveLength(3);
  });

  it('answers on its Unix socket too (what netns-run.mjs forwards to)', async () => {
    const server = await track(startResponsesServer([finish('over the socket')]));
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ socketPath: server.socketPath, path: '/v1/responses', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (data += chunk)).on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ input: CODEX_PREFIX }));
    });
    expect(text).toContain('"text":"over the socket"');
  });
});

describe('startMessagesServer', () => {
  const system = 'You are Claude Code.\n - Primary working directory: /w/repo\n - Is a git repository: true';
  const body = (stream: boolean) => ({ model: 'claude-test', stream, system: [{ type: 'text', text: system }], messages: [{ role: 'user', content: 'Create hello.txt' }] });

  it('streams a Messages API reply; Write gets an absolute path in the working directory', async () => {
    const server = await track(startMessagesServer([together(say('Writing.'), writeFile('hello.txt', 'hi\n'))]));
    const response = await post(`${server.origin}/v1/messages?beta=true`, body(true));
    expect(response.headers.get('request-id')).toMatch(/^req_t0s0_/);
    const events = frames(await response.text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events[0]?.data.message).toMatchObject({ role: 'assistant', model: 'claude-test', usage: { input_tokens: expect.any(Number) } });
    expect(events[4]?.data.content_block).toMatchObject({ type: 'tool_use', name: 'Write', id: expect.stringMatching(/^toolu_t0s0_2_/) });
    expect(JSON.parse(String((events[5]?.data.delta as Record<string, unknown>).partial_json))).toEqual({ file_path: '/w/repo/hello.txt', content: 'hi\n' });
    expect(events[7]?.data.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('answers a non-streaming request with the whole message, and a broken stream retried so with 529', async () => {
    const server = await track(startMessagesServer([plan(['a']), finish('done')]));
    const message = (await (await post(`${server.origin}/v1/messages`, body(false))).json()) as Record<string, unknown>;
    expect(message).toMatchObject({ type: 'message', stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'TodoWrite', input: { todos: [{ content: 'a', status: 'in_progress', activeForm: 'a' }] } }] });

    const broken = await track(startMessagesServer([streamError('Overloaded (scripted)')]));
    const stream = frames(await (await post(`${broken.origin}/v1/messages`, body(true))).text());
    expect(stream.map((e) => e.event)).toEqual(['message_start', 'error']);
    const retry = await post(`${broken.origin}/v1/messages`, body(false));
    expect(retry.status).toBe(529);
    expect(await retry.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (scripted)' } });
  });

  it('answers count_tokens and HEAD /, and rejects Codex-only actions with a 400 that says why', async () => {
    const server = await track(startMessagesServer([applyPatch('*** Begin Patch\n*** End Patch\n')]));
    expect(await (await post(`${server.origin}/v1/messages/count_tokens?beta=true`, body(false))).json()).toEqual({ input_tokens: expect.any(Number) });
    expect((await fetch(server.origin, { method: 'HEAD' })).status).toBe(200);
    const rejected = await post(`${server.origin}/v1/messages?beta=true`, body(true));
    expect(rejected.status).toBe(400);
    expect(JSON.stringify(await rejected.json())).toContain('Codex-only');
    expect(server.modelRequests().map((r) => r.reply.kind)).toEqual(['unscripted']);
  });
});
