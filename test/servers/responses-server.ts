/**
 * A scripted OpenAI Responses API server for the real Codex CLI (`POST /v1/responses`, SSE), as
 * described in /work/shared/agents/codex.md. Start it with a scenario; every request is recorded.
 *
 * ```ts
 * const server = await startResponsesServer([plan(['Look', 'Write']), exec('ls'), finish('Done.')]);
 * // config.toml: base_url = "http://127.0.0.1:<port>/v1", wire_api = "responses"
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addFilePatch, parseStepTag, ScriptPlayer, stepTag, type Action, type FaultStep, type Position, type RespondStep, type ScenarioInput } from './scenario.js';
import { approximateTokens, openSse, randomHex, sendJson, startScriptedHttp, waitOrDisconnect, type RecordedRequest, type ScriptedServer, type SseWriter } from './scripted-http.js';

/** Output tokens reported per response (the fixtures show 50 a response). */
const OUTPUT_TOKENS = 50;
/** How long exec_command waits for a command before returning a session id (ms). */
const EXEC_YIELD_MS = 10_000;

type JsonObject = Record<string, unknown>;

/** Starts the server on 127.0.0.1 (ephemeral port) and a Unix socket. */
export function startResponsesServer(input: ScenarioInput): Promise<ScriptedServer> {
  const player = new ScriptPlayer(input);
  return startScriptedHttp(async (request, response, record) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === '/v1/responses') return answerResponses(player, request, response, record);
    record.reply = { kind: 'not-found', status: 404 };
    sendJson(response, 404, { error: { message: `scripted server: no ${request.method} ${path}`, type: 'invalid_request_error' } });
  });
}

async function answerResponses(player: ScriptPlayer, _request: IncomingMessage, response: ServerResponse, record: RecordedRequest): Promise<void> {
  const body = (record.body ?? {}) as JsonObject;
  const position = codexPosition(body, record);
  const decision = player.decide(position);
  const { turn, step } = decision;
  if (decision.kind === 'unscripted') {
    record.reply = { kind: 'unscripted', status: 400, turn, step, note: decision.reason };
    sendJson(response, 400, { error: { message: `scripted server: ${decision.reason}`, type: 'invalid_request_error' } });
    return;
  }
  if (decision.kind === 'fault') return serveFault(decision.fault, body, response, record, turn, step);
  record.reply = { kind: 'respond', status: 200, turn, step };
  const { delayMs } = decision.response;
  if (delayMs) {
    await waitOrDisconnect(response, delayMs);
    if (response.destroyed) return;
  }
  streamResponse(decision.response, body, response, turn, step);
}

async function serveFault(fault: FaultStep, body: JsonObject, response: ServerResponse, record: RecordedRequest, turn: number, step: number): Promise<void> {
  if (fault.kind === 'http-error') {
    record.reply = { kind: 'http-error', status: fault.status, turn, step };
    sendJson(response, fault.status, { error: { message: fault.message, type: 'server_error', code: null } });
    return;
  }
  const stream = new ResponseStream(openSse(response), String(body.model ?? 'gpt-5.5'), stepTag(turn, step));
  stream.created();
  if (fault.kind === 'stream-error') {
    record.reply = { kind: 'stream-error', status: 200, turn, step };
    stream.send('response.failed', { response: { ...stream.envelope('failed'), error: { code: 'server_error', message: fault.message } } });
    stream.end();
    return;
  }
  record.reply = { kind: 'hang', status: 200, turn, step };
  await new Promise<void>((resolve) => response.once('close', () => resolve()));
}

function streamResponse(step: RespondStep, body: JsonObject, response: ServerResponse, turn: number, index: number): void {
  const tag = stepTag(turn, index);
  const stream = new ResponseStream(openSse(response), String(body.model ?? 'gpt-5.5'), tag);
  stream.created();
  const items = step.actions.map((action) => codexItem(action, tag));
  items.forEach((item, outputIndex) => stream.item(item, outputIndex));
  const inputTokens = approximateTokens(body.input);
  stream.send('response.completed', {
    response: {
      ...stream.envelope('completed'),
      output: items,
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: OUTPUT_TOKENS,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + OUTPUT_TOKENS,
      },
    },
  });
  stream.end();
}

/** The Responses API output item for a scenario action. */
function codexItem(action: Action, tag: string): JsonObject {
  const id = (prefix: string): string => `${prefix}_${tag}_${randomHex()}`;
  const functionCall = (name: string, args: unknown): JsonObject => ({ type: 'function_call', id: id('fc'), call_id: id('call'), name, arguments: JSON.stringify(args), status: 'completed' });
  const customCall = (input: string): JsonObject => ({ type: 'custom_tool_call', id: id('ctc'), call_id: id('call'), name: 'apply_patch', input, status: 'completed' });
  switch (action.type) {
    case 'plan':
      return functionCall('update_plan', {
        ...(action.explanation ? { explanation: action.explanation } : {}),
        plan: action.items.map((item) => ({ step: item.text, status: item.status })),
      });
    case 'exec':
      return functionCall('exec_command', { cmd: action.command, yield_time_ms: EXEC_YIELD_MS, login: false });
    case 'write-file':
      return customCall(addFilePatch(action.path, action.content));
    case 'apply-patch':
      return customCall(action.patch);
    case 'tool':
      return functionCall(action.name, action.input);
    case 'think':
      return { type: 'reasoning', id: id('rs'), summary: [{ type: 'summary_text', text: action.text }] };
    case 'say':
      return { type: 'message', id: id('msg'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: action.text, annotations: [] }] };
  }
}

/** Emits the SSE events of one response, numbered as the real API does. */
class ResponseStream {
  private sequence = 0;
  private readonly id: string;
  private readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(private readonly sse: SseWriter, private readonly model: string, tag: string) {
    this.id = `resp_${tag}_${randomHex()}`;
  }

  envelope(status: string): JsonObject {
    return { id: this.id, object: 'response', created_at: this.createdAt, status, model: this.model, output: [] };
  }

  send(type: string, fields: JsonObject): void {
    this.sse.send(type, { type, sequence_number: this.sequence++, ...fields });
  }

  created(): void {
    this.send('response.created', { response: this.envelope('in_progress') });
  }

  /** `output_item.added`, the item's deltas, then `output_item.done` (the one Codex acts on). */
  item(item: JsonObject, outputIndex: number): void {
    const itemId = String(item.id);
    const at = { item_id: itemId, output_index: outputIndex };
    this.send('response.output_item.added', { output_index: outputIndex, item: startedItem(item) });
    if (item.type === 'message') {
      const text = firstText(item);
      const part = { content_index: 0 };
      this.send('response.content_part.added', { ...at, ...part, part: { type: 'output_text', text: '', annotations: [] } });
      this.send('response.output_text.delta', { ...at, ...part, delta: text });
      this.send('response.output_text.done', { ...at, ...part, text });
      this.send('response.content_part.done', { ...at, ...part, part: { type: 'output_text', text, annotations: [] } });
    } else if (item.type === 'function_call') {
      this.send('response.function_call_arguments.delta', { ...at, delta: item.arguments });
      this.send('response.function_call_arguments.done', { ...at, arguments: item.arguments });
    } else if (item.type === 'custom_tool_call') {
      this.send('response.custom_tool_call_input.delta', { ...at, delta: item.input });
      this.send('response.custom_tool_call_input.done', { ...at, input: item.input });
    } else if (item.type === 'reasoning') {
      const text = (item.summary as Array<{ text: string }>)[0]?.text ?? '';
      const part = { summary_index: 0 };
      this.send('response.reasoning_summary_part.added', { ...at, ...part, part: { type: 'summary_text', text: '' } });
      this.send('response.reasoning_summary_text.delta', { ...at, ...part, delta: text });
      this.send('response.reasoning_summary_text.done', { ...at, ...part, text });
      this.send('response.reasoning_summary_part.done', { ...at, ...part, part: { type: 'summary_text', text } });
    }
    this.send('response.output_item.done', { output_index: outputIndex, item });
  }

  end(): void {
    this.sse.end();
  }
}

function startedItem(item: JsonObject): JsonObject {
  switch (item.type) {
    case 'message':
      return { ...item, status: 'in_progress', content: [] };
    case 'function_call':
      return { ...item, status: 'in_progress', arguments: '' };
    case 'custom_tool_call':
      return { ...item, status: 'in_progress', input: '' };
    case 'reasoning':
      return { ...item, summary: [] };
    default:
      return item;
  }
}

function firstText(item: JsonObject): string {
  const content = item.content as Array<{ text?: string }> | undefined;
  return content?.[0]?.text ?? '';
}

/** Model-produced item types in a Responses API `input` history. */
const MODEL_ITEM_TYPES = new Set(['reasoning', 'function_call', 'custom_tool_call', 'local_shell_call', 'web_search_call', 'tool_search_call']);

function isUserMessage(item: JsonObject): boolean {
  return item.type === 'message' && item.role === 'user';
}

function isModelItem(item: JsonObject): boolean {
  return MODEL_ITEM_TYPES.has(String(item.type)) || (item.type === 'message' && item.role === 'assistant');
}

/**
 * Where a Codex request stands, from its `input` alone: the turn is the number of earlier
 * user-prompt segments the model answered, the step the number of model responses after the last
 * user message (items of one response share a step tag; untagged calls count one each).
 */
export function codexPosition(body: JsonObject, record?: RecordedRequest): Position {
  const input = Array.isArray(body.input) ? (body.input as JsonObject[]) : [];
  let lastUser = -1;
  input.forEach((item, index) => {
    if (isUserMessage(item)) lastUser = index;
  });
  let turn = 0;
  let segmentHasModel = false;
  for (const item of input.slice(0, Math.max(lastUser, 0))) {
    if (isUserMessage(item)) {
      if (segmentHasModel) turn += 1;
      segmentHasModel = false;
    } else if (isModelItem(item)) segmentHasModel = true;
  }
  if (segmentHasModel) turn += 1;
  const responses = new Set<string>();
  input.slice(lastUser + 1).forEach((item, index) => {
    if (!isModelItem(item)) return;
    const tag = parseStepTag(item.call_id) ?? parseStepTag(item.id);
    if (tag) responses.add(tag);
    else if (item.type !== 'reasoning') responses.add(`untagged-${index}`);
  });
  const userText = input.filter(isUserMessage).map(messageText).join('\n');
  const sessionHeader = record?.headers['session-id'];
  const conversation = String(body.prompt_cache_key ?? (typeof sessionHeader === 'string' ? sessionHeader : userText));
  return { conversation, userText, turn, step: responses.size };
}

function messageText(item: JsonObject): string {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Array<{ text?: unknown }>).map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n');
}
