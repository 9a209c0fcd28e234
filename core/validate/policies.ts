import { parseSize, type PolicyConfig } from '../config/validate-schema.js';
import { DEFAULT_SECRET_PATTERNS } from '../redact.js';
import type { TaskDiff } from './diff.js';
import type { CheckResult, Finding } from './verdict.js';

/**
 * The built-in policies (issue 7): pure functions of the task's diff (and of the check results),
 * each returning findings with file and line. Configured under `[validate.policy]`.
 */

/** A policy reports at most this many findings; the rest are counted in one last finding. */
export const MAX_FINDINGS_PER_POLICY = 25;

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?:\s|$)/;

function capped(rule: string, findings: Finding[]): Finding[] {
  if (findings.length <= MAX_FINDINGS_PER_POLICY) return findings;
  const rest = findings.length - MAX_FINDINGS_PER_POLICY;
  const severity = findings[0]!.severity;
  return [...findings.slice(0, MAX_FINDINGS_PER_POLICY), { source: 'policy', rule, severity, file: null, line: null, message: `…and ${rest} more like these` }];
}

const finding = (rule: string, severity: Finding['severity'], file: string | null, line: number | null, message: string): Finding => ({ source: 'policy', rule, severity, file, line, message });

/** Added lines longer than `limit` characters (warning). */
export function maxLineLength(diff: Pick<TaskDiff, 'added'>, limit: number): Finding[] {
  if (limit <= 0) return [];
  const long = diff.added.filter((a) => [...a.text].length > limit);
  return capped('max_line_length', long.map((a) => finding('max_line_length', 'warning', a.file, a.line, `line is ${[...a.text].length} characters long (limit ${limit})`)));
}

/** Added lines that are merge conflict markers (error). */
export function noConflictMarkers(diff: Pick<TaskDiff, 'added'>): Finding[] {
  const marked = diff.added.filter((a) => CONFLICT_MARKER.test(a.text));
  return capped('no_conflict_markers', marked.map((a) => finding('no_conflict_markers', 'error', a.file, a.line, `conflict marker "${a.text.slice(0, 7)}" left in the file`)));
}

/** Added or changed files over `maxBytes` (error). */
export function maxFileSize(diff: Pick<TaskDiff, 'files'>, maxBytes: number): Finding[] {
  if (maxBytes <= 0) return [];
  const big = diff.files.filter((f) => f.size !== null && f.size > maxBytes);
  return capped('max_file_size', big.map((f) => finding('max_file_size', 'error', f.path, null, `file is ${f.size} bytes (limit ${maxBytes})`)));
}

/** Added lines holding something shaped like a secret, by the redaction patterns (error). The secret itself is never repeated. */
export function noSecrets(diff: Pick<TaskDiff, 'added'>, patterns: readonly RegExp[] = DEFAULT_SECRET_PATTERNS): Finding[] {
  const plain = patterns.map((p) => new RegExp(p.source, p.flags.replace('g', '')));
  const hits = diff.added.filter((a) => plain.some((p) => p.test(a.text)));
  return capped('no_secrets', hits.map((a) => finding('no_secrets', 'error', a.file, a.line, 'line holds what looks like a secret (API key, token or private key); remove it and rotate it')));
}

/** A diff with more than `limit` added plus removed lines (warning). */
export function maxDiffLines(diff: Pick<TaskDiff, 'added' | 'removedCount'>, limit: number): Finding[] {
  if (limit <= 0) return [];
  const total = diff.added.length + diff.removedCount;
  return total > limit ? [finding('max_diff_lines', 'warning', null, null, `the change has ${total} added and removed lines (limit ${limit}); consider splitting the task`)] : [];
}

/** Names of checks that count as the tests. */
const TEST_CHECK = /^tests?$/i;

/** A check named "test" (or "tests") must be configured and pass (error). */
export function requireTestsPass(checks: readonly CheckResult[]): Finding[] {
  const tests = checks.filter((c) => TEST_CHECK.test(c.name));
  if (tests.length === 0) return [finding('require_tests_pass', 'error', null, null, 'no check named "test" is configured; add one under [[validate.checks]]')];
  return tests.filter((c) => c.status !== 'pass').map((c) => finding('require_tests_pass', 'error', null, null, `the tests (${c.argv.join(' ')}) did not pass: ${c.error ?? c.status}`));
}

/** The last number in a command's output ("Coverage: 87.5%" → 87.5), or undefined. */
export function lastNumber(output: string): number | undefined {
  const numbers = output.match(/-?\d+(?:\.\d+)?/g);
  return numbers ? Number(numbers[numbers.length - 1]) : undefined;
}

/** The policy command's result against its threshold (error below it, or when it fails or prints no number). */
export function commandThreshold(result: CheckResult, threshold: number): Finding[] {
  const rule = 'command';
  const what = result.argv.join(' ');
  if (result.status !== 'pass') return [finding(rule, 'error', null, null, `the policy command (${what}) ${result.error ?? result.status}`)];
  const value = lastNumber(result.tail);
  if (value === undefined) return [finding(rule, 'error', null, null, `the policy command (${what}) printed no number to compare with ${threshold}`)];
  return value < threshold ? [finding(rule, 'error', null, null, `the policy command (${what}) reported ${value}, below the threshold ${threshold}`)] : [];
}

/** Every diff policy that is switched on (the check-based ones are applied by the caller). */
export function diffPolicies(diff: TaskDiff, policy: PolicyConfig): Finding[] {
  return [
    ...(policy.no_conflict_markers ? noConflictMarkers(diff) : []),
    ...(policy.no_secrets ? noSecrets(diff) : []),
    ...maxFileSize(diff, parseSize(policy.max_file_size) ?? 0),
    ...maxLineLength(diff, policy.max_line_length),
    ...maxDiffLines(diff, policy.max_diff_lines),
  ];
}
