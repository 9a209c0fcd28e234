/**
 * A scripted OpenAI-compatible Chat Completions server on 127.0.0.1, for the `openai` agent kind
 * (validator, resolver, planner). Each request takes the next reply from the script; the last repeats.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatReply = { content: string } | { status: number; body?: string } | { hangMs: number };

export interface ChatServer {
  baseUrl: string;
  requests: { body: { model: string; messages: { role: string; content: string }[]; response_format?: unknown } }[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

export async function startChatServer(script: ChatReply[]): Promise<ChatServer> {
  const requests: ChatServer['requests'] = [];
  const server = createServer(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || '{}');
    const reply = script[Math.min(requests.length, script.length - 1)]!;
    requests.push({ body });
    if ('hangMs' in reply) {
      await new Promise((r) => setTimeout(r, reply.hangMs));
      response.destroy();
      return;
    }
    if ('status' in reply) {
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body ?? JSON.stringify({ error: { message: `scripted ${reply.status}` } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content } }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
