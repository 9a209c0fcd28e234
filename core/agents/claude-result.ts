import type { AgentEvent } from './events.js';
import { asArray, asNumber, asObject, asString, type Failure, type JsonObject } from './line-parser.js';

/**
 * Claude's `result` line: how the run ended, what it used and cost, and which tool calls were refused.
 * `{subtype, is_error, result, session_id, usage, total_cost_usd, permission_denials,
 * terminal_reason, api_error_status, errors?, model_usage_since_last_result}`.
 */

/** Result texts that mean Claude could not reach or use the API at all (infrastructure). */
const API_FAILURE_TEXT = /^API Error|Invalid API key|Please run \/login|Credit balance is too low|OAuth token/i;

/** Error subtypes of `result`: the agent stopped on a limit or failed while working (task failures). */
const RESULT_SUBTYPE_MESSAGES: Readonly<Record<string, string>> = {
  error_max_turns: 'claude reached its turn limit (--max-turns).',
  error_max_budget_usd: 'claude reached its budget limit.',
  error_during_execution: 'claude failed while working.',
  error_max_structured_output_retries: 'claude could not produce the requested structured output.',
};

/**
 * A `result` line with `is_error: true` as a failure. An API failure arrives as `subtype: "success"`
 * with `api_error_status` (500, 529, …) and `terminal_reason: "api_error"`: `api_error`, retryable.
 * Every other error is the agent's (`agent_error`, not retryable).
 */
export function classifyClaudeResult(result: JsonObject): Failure {
  const text = asString(result.result)?.trim() ?? '';
  const status = asNumber(result.api_error_status);
  if (status !== undefined || result.terminal_reason === 'api_error' || API_FAILURE_TEXT.test(text)) {
    return { ok: false, reason: 'api_error', message: text || `The API failed with status ${status ?? 'unknown'}.`, retryable: true };
  }
  const errors = asArray(result.errors).filter((e): e is string => typeof e === 'string');
  const subtype = asString(result.subtype) ?? '';
  const message = errors.join('\n') || text || RESULT_SUBTYPE_MESSAGES[subtype] || `claude failed (${subtype || 'no reason given'}).`;
  return { ok: false, reason: 'agent_error', message, retryable: false };
}

/**
 * This run's usage. Tokens are per run; `inputTokens` adds the cache reads and writes that Anthropic
 * counts apart. `total_cost_usd` covers the whole session (a resumed run includes the earlier runs:
 * resume.jsonl says 0.491 for a run that cost 0.082), so the per-run `model_usage_since_last_result`
 * wins when present.
 */
export function resultUsage(event: JsonObject, ts: number): AgentEvent[] {
  const usage = asObject(event.usage);
  if (!usage) return [];
  const fresh = asNumber(usage.input_tokens) ?? 0;
  const cacheRead = asNumber(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = asNumber(usage.cache_creation_input_tokens) ?? 0;
  const thinking = asNumber(asObject(usage.output_tokens_details)?.thinking_tokens);
  const perModel = asObject(event.model_usage_since_last_result);
  const cost = perModel && Object.keys(perModel).length
    ? Object.values(perModel).reduce<number>((sum, m) => sum + (asNumber(asObject(m)?.costUSD) ?? 0), 0)
    : asNumber(event.total_cost_usd);
  return [{
    type: 'usage', ts, scope: 'run',
    inputTokens: fresh + cacheRead + cacheWrite,
    outputTokens: asNumber(usage.output_tokens) ?? 0,
    cachedInputTokens: cacheRead,
    ...(thinking !== undefined ? { reasoningTokens: thinking } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  }];
}

/**
 * Warnings for the tool calls refused in a run that still succeeded (the run is ok; the user should
 * know what was not done), except those a `permission_denied` line already reported.
 */
export function permissionDenialWarnings(event: JsonObject, alreadyReported: ReadonlySet<string>, ts: number): AgentEvent[] {
  return asArray(event.permission_denials).flatMap((entry): AgentEvent[] => {
    const denial = asObject(entry);
    const id = asString(denial?.tool_use_id);
    if (!denial || (id !== undefined && alreadyReported.has(id))) return [];
    const input = asObject(denial.tool_input);
    const target = asString(input?.file_path) ?? asString(input?.command);
    return [{ type: 'warning', ts, message: `${asString(denial.tool_name) ?? 'A tool'} was not permitted${target ? `: ${target}` : ''}.` }];
  });
}
