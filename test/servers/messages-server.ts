/**
 * A scripted Anthropic Messages API server for the real Claude Code CLI
 * (`POST /v1/messages?beta=true`, SSE; also `count_tokens` and `HEAD /`), as described in
 * /work/shared/agents/claude.md. Start it with a scenario; every request is recorded.
 *
 * ```ts
 * const server = await startMessagesServer([plan(['Look', 'Write']), writeFile('hello.txt', 'hi\n'), finish('Done.')]);
 * // env: ANTHROPIC_BASE_URL=http://127.0.0.1:<port>
 * ```
 */
import { isAbsolute, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { ScriptPlayer, stepTag, type Action, type FaultStep, type Position, type RespondStep, type ScenarioInput } from './scenario.js';
import { approximateTokens, openSse, randomHex, sendJson, startScriptedHttp, waitOrDisconnect, type RecordedRequest, type ScriptedServer } from './scripted-http.js';

/** Output tokens reported per response. */
const OUTPUT_TOKENS = 50;
/** A stand-in for the signature the real API puts on thinking blocks. */
const THINKING_SIGNATURE = 'c2NyaXB0ZWQtc2lnbmF0dXJl';
/** The status of an overloaded Messages API. */
const OVERLOADED = 529;

type JsonObject = Record<string, unknown>;

/** The Messages API error `type` for an HTTP status. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/** Starts the server on 127.0.0.1 (ephemeral port) and a Unix socket. */
export function startMessagesServer(input: ScenarioInput): Promise<ScriptedServer> {
  const player = new ScriptPlayer(input);
  return startScriptedHttp(async (request, response, record) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === '/v1/messages') return answerMessages(player, response, record);
    if (request.method === 'POST' && path === '/v1/messages/count_tokens') {
      record.reply = { kind: 'auxiliary', status: 200 };
      sendJson(response, 200, { input_tokens: approximateTokens(record.body) });
      return;
    }
    if ((request.method === 'HEAD' || request.method === 'GET') && path === '/') {
      record.reply = { kind: 'auxiliary', status: 200 };
      response.writeHead(200).end();
      return;
    }
    record.reply = { kind: 'not-found', status: 404 };
    sendError(response, 404, `scripted server: no ${request.method} ${path}`);
  });
}

async function answerMessages(player: ScriptPlayer, response: ServerResponse, record: RecordedRequest): Promise<void> {
  const body = (record.body ?? {}) as JsonObject;
  const position = claudePosition(body, record);
  const decision = player.decide(position);
  const { turn, step } = decision;
  if (decision.kind === 'unscripted') return unscripted(response, record, turn, step, decision.reason);
  if (decision.kind === 'fault') return serveFault(decision.fault, body, response, record, turn, step);
  let blocks: JsonObject[];
  try {
    blocks = decision.response.actions.map((action, index) => claudeBlock(action, body, `${stepTag(turn, step)}_${index + 1}`));
  } catch (error) {
    return unscripted(response, record, turn, step, String(error instanceof Error ? error.message : error));
  }
  record.reply = { kind: 'respond', status: 200, turn, step };
  const { delayMs } = decision.response;
  if (delayMs) {
    await waitOrDisconnect(response, delayMs);
    if (response.destroyed) return;
  }
  const tag = stepTag(turn, step);
  if (body.stream === true) {
    streamMessage(decision.response, blocks, body, response, tag);
    return;
  }
  const message = { ...messageEnvelope(body, tag), content: blocks, stop_reason: stopReason(decision.response), usage: { ...usageOf(body), output_tokens: OUTPUT_TOKENS } };
  sendJson(response, 200, message, { 'request-id': `req_${tag}_${randomHex()}` });
}

/** `tool_use` when the response calls a tool, else `end_turn`. */
function stopReason(step: RespondStep): 'tool_use' | 'end_turn' {
  return step.actions.some((action) => action.type !== 'say' && action.type !== 'think') ? 'tool_use' : 'end_turn';
}

function usageOf(body: JsonObject): JsonObject {
  return { input_tokens: approximateTokens(body.messages), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
}

function unscripted(response: ServerResponse, record: RecordedRequest, turn: number, step: number, reason: string): void {
  record.reply = { kind: 'unscripted', status: 400, turn, step, note: reason };
  sendError(response, 400, `scripted server: ${reason}`);
}

function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }, { 'request-id': `req_${randomHex()}` });
}

async function serveFault(fault: FaultStep, body: JsonObject, response: ServerResponse, record: RecordedRequest, turn: number, step: number): Promise<void> {
  if (fault.kind === 'http-error') {
    record.reply = { kind: 'http-error', status: fault.status, turn, step };
    sendError(response, fault.status, fault.message);
    return;
  }
  if (fault.kind === 'stream-error' && body.stream !== true) {
    // After a broken stream Claude Code retries without streaming; an overloaded API answers 529.
    record.reply = { kind: 'stream-error', status: OVERLOADED, turn, step, note: 'non-streaming retry' };
    sendError(response, OVERLOADED, fault.message);
    return;
  }
  if (fault.kind === 'hang') {
    record.reply = { kind: 'hang', status: 200, turn, step };
    response.writeHead(200, { 'content-type': body.stream === true ? 'text/event-stream' : 'application/json' });
    response.flushHeaders();
    await new Promise<void>((resolve) => response.once('close', () => resolve()));
    return;
  }
  record.reply = { kind: 'stream-error', status: 200, turn, step };
  const sse = openSse(response, { 'request-id': `req_${stepTag(turn, step)}_${randomHex()}` });
  sse.send('message_start', { type: 'message_start', message: messageEnvelope(body, stepTag(turn, step)) });
  sse.send('error', { type: 'error', error: { type: 'overloaded_error', message: fault.message } });
  sse.end();
}

function messageEnvelope(body: JsonObject, tag: string): JsonObject {
  return {
    id: `msg_${tag}_${randomHex()}`,
    type: 'message',
    role: 'assistant',
    model: String(body.model ?? 'claude-sonnet-4-5'),
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usageOf(body),
  };
}

function streamMessage(step: RespondStep, blocks: JsonObject[], body: JsonObject, response: ServerResponse, tag: string): void {
  const sse = openSse(response, { 'request-id': `req_${tag}_${randomHex()}` });
  sse.send('message_start', { type: 'message_start', message: messageEnvelope(body, tag) });
  blocks.forEach((block, index) => {
    const start = (content: JsonObject): void => sse.send('content_block_start', { type: 'content_block_start', index, content_block: content });
    const delta = (payload: JsonObject): void => sse.send('content_block_delta', { type: 'content_block_delta', index, delta: payload });
    if (block.type === 'text') {
      start({ type: 'text', text: '' });
      delta({ type: 'text_delta', text: block.text });
    } else if (block.type === 'thinking') {
      start({ type: 'thinking', thinking: '', signature: '' });
      delta({ type: 'thinking_delta', thinking: block.thinking });
      delta({ type: 'signature_delta', signature: THINKING_SIGNATURE });
    } else {
      start({ type: 'tool_use', id: block.id, name: block.name, input: {} });
      delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
    }
    sse.send('content_block_stop', { type: 'content_block_stop', index });
  });
  sse.send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason(step), stop_sequence: null },
    usage: { output_tokens: OUTPUT_TOKENS },
  });
  sse.send('message_stop', { type: 'message_stop' });
  sse.end();
}

/** The Messages API content block for a scenario action. */
function claudeBlock(action: Action, body: JsonObject, idTag: string): JsonObject {
  const toolUse = (name: string, input: unknown): JsonObject => ({ type: 'tool_use', id: `toolu_${idTag}_${randomHex(8)}`, name, input });
  switch (action.type) {
    case 'plan':
      return toolUse('TodoWrite', {
        todos: action.items.map((item) => ({ content: item.text, status: item.status, activeForm: item.activeForm ?? item.text })),
      });
    case 'exec':
      return toolUse('Bash', { command: action.command, description: `Run ${action.command}` });
    case 'write-file':
      return toolUse('Write', { file_path: absoluteIn(body, action.path), content: action.content });
    case 'apply-patch':
      throw new Error('applyPatch() is Codex-only; use writeFile() or toolCall("Edit", …) for Claude');
    case 'tool':
      return toolUse(action.name, action.input);
    case 'think':
      return { type: 'thinking', thinking: action.text, signature: THINKING_SIGNATURE };
    case 'say':
      return { type: 'text', text: action.text };
  }
}

/** Resolves `path` against the working directory Claude Code announces in its system text. */
function absoluteIn(body: JsonObject, path: string): string {
  if (isAbsolute(path)) return path;
  const cwd = workingDirectory(body);
  if (!cwd) throw new Error('no "Primary working directory:" in the request, cannot make an absolute path');
  return join(cwd, path);
}

/** The working directory from "Primary working directory: …" anywhere in the system text or messages. */
export function workingDirectory(body: JsonObject): string | undefined {
  const text = [textOf(body.system), ...(Array.isArray(body.messages) ? (body.messages as JsonObject[]).map((m) => textOf(m.content)) : [])].join('\n');
  return /Primary working directory: *(\S[^\n]*)/.exec(text)?.[1]?.trim();
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as JsonObject[]).map((block) => (typeof block.text === 'string' ? block.text : typeof block.content === 'string' ? block.content : '')).join('\n');
}

/** A user message that carries a prompt (not tool results). */
function isPrompt(message: JsonObject): boolean {
  if (message.role !== 'user') return false;
  const content = message.content;
  return !Array.isArray(content) || !(content as JsonObject[]).some((block) => block.type === 'tool_result');
}

/**
 * Where a Claude request stands, from its `messages` alone: the turn is the number of earlier
 * prompts the model answered, the step the number of assistant messages after the last prompt.
 */
export function claudePosition(body: JsonObject, record?: RecordedRequest): Position {
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  let lastPrompt = -1;
  messages.forEach((message, index) => {
    if (isPrompt(message)) lastPrompt = index;
  });
  let turn = 0;
  let answered = false;
  for (const message of messages.slice(0, Math.max(lastPrompt, 0))) {
    if (isPrompt(message)) {
      if (answered) turn += 1;
      answered = false;
    } else if (message.role === 'assistant') answered = true;
  }
  if (answered) turn += 1;
  const step = messages.slice(lastPrompt + 1).filter((message) => message.role === 'assistant').length;
  const userText = messages.filter(isPrompt).map((message) => textOf(message.content)).join('\n');
  const sessionHeader = record?.headers['x-claude-code-session-id'];
  const conversation = typeof sessionHeader === 'string' ? sessionHeader : userText;
  return { conversation, userText, turn, step };
}
