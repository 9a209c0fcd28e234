import { z } from 'zod';
import type { AgentProfile } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';

/** One structured question to an OpenAI-compatible API: the reply must match `schema`. */
export interface StructuredRequest<T> {
  profile: AgentProfile;
  /** Where the API key variable (`api_key_env`, default OPENAI_API_KEY) is read from. */
  env: NodeJS.ProcessEnv;
  system: string;
  user: string;
  schema: z.ZodType<T>;
  /** A name for the reply's JSON schema, e.g. "verdict". */
  schemaName: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StructuredReply<T> {
  value: T;
  /** How many requests it took (2 when the first reply did not match the schema). */
  attempts: number;
  usage?: { inputTokens: number; outputTokens: number };
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** A reply that does not match the schema gets one more chance, with the reason (then it is an error). */
const MAX_ATTEMPTS = 2;

/** The JSON in a reply: the whole text, or the last fenced ```json block, or the outermost {…}. */
export function extractJson(text: string): unknown {
  const fenced = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].at(-1)?.[1];
  const candidates = [text.trim(), fenced?.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      /* try the next form */
    }
  }
  throw new SyntaxError('the reply holds no JSON object');
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 8).map((i) => `${i.path.map(String).join('.') || '(reply)'}: ${i.message}`).join('; ');
}

/**
 * Asks an OpenAI-compatible chat API (OpenAI, Ollama, vLLM, LM Studio — `base_url` in the profile)
 * for a reply that matches a zod schema: the schema is sent as the response format, the reply is
 * parsed and validated, and a reply that does not match is retried once with the reason. Used by
 * the validator, resolver and planner roles. The `openai` package is loaded only here.
 */
export async function structuredReply<T>(request: StructuredRequest<T>): Promise<StructuredReply<T>> {
  const { profile } = request;
  if (!profile.model) {
    throw new CodexAgentError('invalid-value', 'An openai-kind agent profile needs a model.', { hint: 'Set model = "…" in its [agents.<name>] section.' });
  }
  const { default: OpenAI } = await import('openai');
  const keyVariable = profile.api_key_env ?? 'OPENAI_API_KEY';
  const client = new OpenAI({
    baseURL: profile.base_url,
    // Local servers (Ollama, vLLM) accept any key; the client insists on one.
    apiKey: request.env[keyVariable] ?? 'not-needed',
    maxRetries: 0,
    timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const jsonSchema = z.toJSONSchema(request.schema, { target: 'draft-7' });
  const messages: { role: 'system' | 'user' | 'assistant'; content: string }[] = [
    { role: 'system', content: `${request.system}\n\nReply with one JSON object that matches this JSON schema, and nothing else:\n${JSON.stringify(jsonSchema)}` },
    { role: 'user', content: request.user },
  ];
  let usage: StructuredReply<T>['usage'];
  let lastProblem = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let content: string;
    try {
      const completion = await client.chat.completions.create(
        { model: profile.model, messages, response_format: { type: 'json_schema', json_schema: { name: request.schemaName, schema: jsonSchema as Record<string, unknown> } } },
        { signal: request.signal },
      );
      content = completion.choices[0]?.message?.content ?? '';
      if (completion.usage) {
        usage = { inputTokens: (usage?.inputTokens ?? 0) + completion.usage.prompt_tokens, outputTokens: (usage?.outputTokens ?? 0) + completion.usage.completion_tokens };
      }
    } catch (err) {
      throw new CodexAgentError('agent-unreachable', `The ${request.schemaName} request to ${profile.base_url ?? 'the OpenAI API'} failed: ${err instanceof Error ? err.message : String(err)}`, {
        hint: 'Check base_url, model and the API key variable of the agent profile, and that the server is running.',
        cause: err,
      });
    }
    let parsed: unknown;
    try {
      parsed = extractJson(content);
    } catch (err) {
      lastProblem = `${(err as Error).message}: ${content.slice(0, 200)}`;
      messages.push({ role: 'assistant', content }, { role: 'user', content: 'That was not valid JSON. Reply again with only the JSON object.' });
      continue;
    }
    const result = request.schema.safeParse(parsed);
    if (result.success) return { value: result.data, attempts: attempt, usage };
    lastProblem = describeIssues(result.error);
    messages.push({ role: 'assistant', content }, { role: 'user', content: `That JSON does not match the schema (${lastProblem}). Reply again with a corrected JSON object only.` });
  }
  throw new CodexAgentError('agent-reply-invalid', `The ${request.schemaName} reply did not match its schema after ${MAX_ATTEMPTS} tries: ${lastProblem}`, {
    hint: 'The model may be too small for structured replies; try another model for this role.',
  });
}
