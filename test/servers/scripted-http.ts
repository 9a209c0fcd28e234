/**
 * The HTTP side shared by the scripted model servers: listens on 127.0.0.1 (ephemeral port) and on
 * a Unix socket (which test/agent-env/netns-run.mjs forwards into a private network namespace),
 * records every request, and writes SSE frames.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** How the server answered a request. */
export interface ReplyInfo {
  kind: 'respond' | 'http-error' | 'stream-error' | 'hang' | 'unscripted' | 'auxiliary' | 'not-found' | 'crash';
  status: number;
  /** Scenario position the request was mapped to (model requests only). */
  turn?: number;
  step?: number;
  note?: string;
}

/** One request as the agent sent it. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  n: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON (`undefined` when empty). */
  body: unknown;
  /** Milliseconds since the server started. */
  at: number;
  reply: ReplyInfo;
}

/** A running scripted server. */
export interface ScriptedServer {
  /** TCP port on 127.0.0.1 (used when the agent runs outside a network namespace). */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Unix socket answering the same API, for agents inside a private network namespace. */
  socketPath: string;
  /** Every request so far, in arrival order (live). */
  requests: RecordedRequest[];
  /** The requests that asked the scripted model for a response. */
  modelRequests(): RecordedRequest[];
  /** Writes the recorded requests as JSON (for debugging or fixtures). */
  writeRequests(file: string): void;
  close(): Promise<void>;
}

/** Answers one request; sets `record.reply` to say what it did. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse, record: RecordedRequest) => void | Promise<void>;

/** Reply kinds that come from the scenario (as opposed to count_tokens, HEAD /, …). */
const MODEL_REPLY_KINDS = new Set<ReplyInfo['kind']>(['respond', 'http-error', 'stream-error', 'hang', 'unscripted']);

/** Starts a server that records requests and lets `handler` answer them. */
export async function startScriptedHttp(handler: RequestHandler): Promise<ScriptedServer> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const socketDir = mkdtempSync(join(tmpdir(), 'scripted-'));
  const socketPath = join(socketDir, 'api.sock');

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    void readBody(request).then(async (body) => {
      const record: RecordedRequest = {
        n: requests.length + 1,
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body,
        at: Date.now() - started,
        reply: { kind: 'not-found', status: 404 },
      };
      requests.push(record);
      try {
        await handler(request, response, record);
      } catch (error) {
        record.reply = { kind: 'crash', status: 500, note: String(error) };
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `scripted server crashed: ${String(error)}` } }));
      }
    });
  };

  const tcp = createServer(onRequest);
  const unix = createServer(onRequest);
  await listen(tcp, (s, done) => s.listen(0, '127.0.0.1', done));
  await listen(unix, (s, done) => s.listen(socketPath, done));
  const address = tcp.address();
  if (address === null || typeof address === 'string') throw new Error('scripted server: no TCP address');

  return {
    port: address.port,
    origin: `http://127.0.0.1:${address.port}`,
    socketPath,
    requests,
    modelRequests: () => requests.filter((r) => MODEL_REPLY_KINDS.has(r.reply.kind)),
    writeRequests: (file) => writeFileSync(file, `${JSON.stringify(requests, null, 1)}\n`),
    async close() {
      await Promise.all([tcp, unix].map((server) => new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      })));
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function listen(server: Server, start: (server: Server, done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    start(server, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let raw = Buffer.concat(chunks);
  if (raw.length === 0) return undefined;
  const encoding = request.headers['content-encoding'];
  if (encoding === 'gzip') raw = gunzipSync(raw);
  else if (encoding === 'br') raw = brotliDecompressSync(raw);
  else if (encoding === 'deflate') raw = inflateSync(raw);
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Writes Server-Sent Events: `event: <type>\ndata: <json>\n\n`. */
export interface SseWriter {
  send(event: string, data: unknown): void;
  end(): void;
}

/** Starts an SSE response (status 200). */
export function openSse(response: ServerResponse, headers: Record<string, string> = {}): SseWriter {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  return {
    send(event, data) {
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      response.end();
    },
  };
}

/** Answers with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Resolves after `ms`, or when the client disconnects. */
export function waitOrDisconnect(response: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    response.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A rough token count for a request body (about 4 characters a token), for realistic usage. */
export function approximateTokens(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4));
}

/** A random hex string for ids. */
export function randomHex(length = 24): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}
