import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractJson, structuredReply } from '../core/agents/openai.js';
import { agentProfileSchema } from '../core/config/schema.js';
import { CodexAgentError } from '../core/errors.js';
import { startChatServer, type ChatReply, type ChatServer } from './servers/chat-server.js';

const verdict = z.strictObject({ pass: z.boolean(), summary: z.string(), findings: z.array(z.strictObject({ severity: z.enum(['info', 'warning', 'error']), message: z.string() })) });
let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ask(script: ChatReply[], timeoutMs?: number) {
  server = await startChatServer(script);
  const profile = agentProfileSchema.parse({ kind: 'openai', base_url: server.baseUrl, model: 'scripted-model', api_key_env: 'TEST_KEY' });
  return structuredReply({ profile, env: { TEST_KEY: 'sk-test' }, system: 'You review code.', user: 'Review this diff.', schema: verdict, schemaName: 'verdict', timeoutMs });
}

const good = JSON.stringify({ pass: true, summary: 'Looks right.', findings: [] });

describe('structured replies from an OpenAI-compatible server', () => {
  it('sends the schema, parses and validates the reply', async () => {
    const reply = await ask([{ content: good }]);
    expect(reply).toEqual({ value: { pass: true, summary: 'Looks right.', findings: [] }, attempts: 1, usage: { inputTokens: 100, outputTokens: 20 } });
    const request = server!.requests[0]!.body;
    expect(request.model).toBe('scripted-model');
    expect(request.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'verdict', schema: { type: 'object', required: ['pass', 'summary', 'findings'] } } });
    expect(request.messages[0]!.content).toContain('"pass"');
  });

  it('accepts JSON inside a fenced block or surrounding prose', async () => {
    const reply = await ask([{ content: `Here is my verdict:\n\`\`\`json\n${good}\n\`\`\`\nThanks.` }]);
    expect(reply.value.pass).toBe(true);
  });

  it('retries once with the reason when the reply is malformed or off-schema, then succeeds', async () => {
    const reply = await ask([{ content: '{"pass": "yes"}' }, { content: good }]);
    expect(reply.attempts).toBe(2);
    const second = server!.requests[1]!.body.messages;
    expect(second.at(-1)!.content).toMatch(/does not match the schema \(pass: .*boolean/);
  });

  it('fails clearly after two bad replies, never passing', async () => {
    const error = await ask([{ content: 'I think it is fine!' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodexAgentError);
    expect((error as CodexAgentError).code).toBe('agent-reply-invalid');
    expect((error as CodexAgentError).message).toMatch(/after 2 tries/);
    expect(server!.requests).toHaveLength(2);
  });

  it('reports a server error or an unreachable server as such', async () => {
    const error = await ask([{ status: 500 }]).catch((e: unknown) => e);
    expect((error as CodexAgentError).code).toBe('agent-unreachable');
    await server!.close();
    const profile = agentProfileSchema.parse({ kind: 'openai', base_url: server!.baseUrl, model: 'm' });
    server = undefined;
    const unreachable = await structuredReply({ profile, env: {}, system: 's', user: 'u', schema: verdict, schemaName: 'verdict' }).catch((e: unknown) => e);
    expect((unreachable as CodexAgentError).code).toBe('agent-unreachable');
    expect((unreachable as CodexAgentError).message).toMatch(/Connection error|ECONNREFUSED/i);
  });

  it('extracts JSON from the common shapes', () => {
    expect(extractJson(' {"a":1} ')).toEqual({ a: 1 });
    expect(extractJson('text ```\n{"a":2}\n``` more')).toEqual({ a: 2 });
    expect(extractJson('so {"a":3} ok')).toEqual({ a: 3 });
    expect(() => extractJson('none')).toThrow(SyntaxError);
  });
});
