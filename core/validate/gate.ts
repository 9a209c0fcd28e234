import { CodexAgentError } from '../errors.js';
import type { StoredValidation } from './validation-store.js';

/**
 * The validation gate of `task complete` (issue 7): a task whose latest verdict is fail is refused,
 * naming the verdict; so is one with no verdict at all when `validate.required = true`.
 * `verdict` is what {@link latestVerdict} returns.
 */
export function assertVerdictAllowsCompletion(slug: string, verdict: StoredValidation | undefined, required: boolean): void {
  if (!verdict) {
    if (!required) return;
    throw new CodexAgentError('validation-missing', `${slug} has not been validated, and this repo requires a passing verdict (validate.required = true).`, {
      hint: `Validate it first: codex-agent task validate ${slug}`,
      details: { slug },
    });
  }
  if (verdict.verdict === 'pass') return;
  const when = new Date(verdict.endedAt).toISOString().replace('T', ' ').slice(0, 19);
  throw new CodexAgentError('validation-failed', `${slug} cannot be completed: its latest verdict (#${verdict.id}, ${when}${verdict.head ? `, commit ${verdict.head.slice(0, 10)}` : ''}) is FAIL — ${verdict.summary}`, {
    hint: `Fix the findings (codex-agent task show ${slug}), or let the agent do it: codex-agent task validate ${slug} --auto-fix`,
    details: { slug, validationId: verdict.id, verdict: verdict.verdict, summary: verdict.summary },
  });
}
