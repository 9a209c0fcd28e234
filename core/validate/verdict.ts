import { z } from 'zod';
import { SEVERITIES, type Severity } from '../config/validate-schema.js';

/**
 * The vocabulary of validation (DESIGN §10): check results, findings, the review and the verdict
 * that combines them. Types and pure functions only.
 */

export { SEVERITIES, type Severity };

/** One problem found in the change, by a policy, a check or the reviewer. */
export interface Finding {
  source: 'policy' | 'check' | 'review';
  /** The policy's name (`max_line_length`…), the check's name, or `review`. */
  rule: string;
  severity: Severity;
  /** Repo-relative path, when the finding is about one file. */
  file: string | null;
  line: number | null;
  message: string;
}

/** How one check command ended. */
export type CheckStatus = 'pass' | 'fail' | 'timeout' | 'error';

export interface CheckResult {
  name: string;
  argv: string[];
  required: boolean;
  status: CheckStatus;
  exitCode: number | null;
  durationMs: number;
  /** The last lines of its output (stdout and stderr interleaved). */
  tail: string;
  /** The full output. */
  logFile: string;
  /** What went wrong, in a sentence, when it did not pass. */
  error?: string;
}

/** The reviewer's reply, as every agent kind must give it (validated with zod). */
export const reviewReplySchema = z.object({
  pass: z.boolean().describe('true when the change is ready to merge'),
  summary: z.string().describe('one or two sentences: the judgement and the main reason'),
  findings: z
    .array(
      z.object({
        severity: z.enum(SEVERITIES),
        file: z.string().nullable().optional(),
        line: z.number().int().nullable().optional(),
        message: z.string(),
      }),
    )
    .default([]),
});
export type ReviewReply = z.infer<typeof reviewReplySchema>;

/** The review's part of a verdict. `error`: it could not run or gave no valid reply — never a pass. */
export interface ReviewResult {
  status: 'pass' | 'fail' | 'error' | 'skipped';
  summary: string;
  findings: Finding[];
  profile?: string;
  kind?: string;
  /** How many replies it took (2 after a malformed first reply). */
  attempts?: number;
}

/** One validation round's outcome. */
export interface Verdict {
  pass: boolean;
  summary: string;
  checks: CheckResult[];
  /** Policy and review findings together, the most severe first. */
  findings: Finding[];
  review: ReviewResult;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Whether `severity` reaches the configured `fail_on`. */
export function reaches(severity: Severity, failOn: Severity): boolean {
  return severityRank(severity) >= severityRank(failOn);
}

/** Turns a reviewer's reply into a review result with findings. */
export function reviewFromReply(reply: ReviewReply, meta: Pick<ReviewResult, 'profile' | 'kind' | 'attempts'>): ReviewResult {
  return {
    status: reply.pass ? 'pass' : 'fail',
    summary: reply.summary.trim() || (reply.pass ? 'The reviewer passed the change.' : 'The reviewer failed the change.'),
    findings: reply.findings.map((f) => ({ source: 'review', rule: 'review', severity: f.severity, file: f.file ?? null, line: f.line ?? null, message: f.message })),
    ...meta,
  };
}

/**
 * The verdict: pass only when every required check passed, no policy finding reaches `failOn`,
 * and the review passed (or was skipped on purpose). A review that could not run fails it.
 */
export function decideVerdict(checks: CheckResult[], policyFindings: Finding[], review: ReviewResult, failOn: Severity): Verdict {
  const failedChecks = checks.filter((c) => c.required && c.status !== 'pass');
  const blocking = policyFindings.filter((f) => reaches(f.severity, failOn));
  const reviewOk = review.status === 'pass' || review.status === 'skipped';
  const pass = failedChecks.length === 0 && blocking.length === 0 && reviewOk;
  const parts: string[] = [];
  if (checks.length) {
    const passed = checks.filter((c) => c.status === 'pass').length;
    const failedNames = checks.filter((c) => c.status !== 'pass').map((c) => `${c.name} ${c.status === 'fail' ? 'failed' : c.status === 'timeout' ? 'timed out' : 'could not run'}${c.required ? '' : ' (not required)'}`);
    parts.push(`${passed}/${checks.length} checks passed${failedNames.length ? ` (${failedNames.join(', ')})` : ''}`);
  } else parts.push('no checks configured');
  parts.push(blocking.length ? `${blocking.length} policy finding${blocking.length === 1 ? '' : 's'} at ${failOn} or worse` : `policies ok${policyFindings.length ? ` (${policyFindings.length} below ${failOn})` : ''}`);
  if (review.status === 'skipped') parts.push('review skipped');
  else if (review.status === 'error') parts.push(`the review could not run: ${review.summary}`);
  else parts.push(`review ${review.status}ed: ${review.summary}`);
  const findings = [...policyFindings, ...review.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  return { pass, summary: parts.join('; '), checks, findings, review };
}

/** The findings as a message for the worker agent (auto-fix). */
export function findingsForWorker(verdict: Verdict): string {
  const lines = ['Validation of your change failed. Fix these problems, then finish with your summary as before:'];
  for (const check of verdict.checks.filter((c) => c.status !== 'pass' && c.required)) {
    lines.push(`- check "${check.name}" (${check.argv.join(' ')}) ${check.error ?? check.status}. Last output:\n${check.tail.split('\n').slice(-20).map((l) => `    ${l}`).join('\n')}`);
  }
  for (const f of verdict.findings) lines.push(`- [${f.severity}] ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : ''}${f.message} (${f.rule})`);
  if (verdict.review.status === 'fail') lines.push(`Reviewer's summary: ${verdict.review.summary}`);
  return lines.join('\n');
}
