import type { ValidationEvent } from '../core/validate/validate-round.js';
import type { ValidateTaskResult } from '../core/validate/validate-task.js';
import type { CheckResult, Finding } from '../core/validate/verdict.js';
import { describeAgentEvent } from './run-view.js';
import { paint, type Output } from './output.js';

/** How the validation of a task looks in the terminal: the live view, the verdict, and one-line summaries. */

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const CHECK_MARK: Record<CheckResult['status'], string> = { pass: '✓', fail: '✗', timeout: '⏱', error: '!' };

/** One check's result as a line. */
export function checkLine(output: Output, c: CheckResult): string {
  const text = `${CHECK_MARK[c.status]} ${c.name} ${c.status === 'pass' ? 'passed' : (c.error ?? c.status)} in ${seconds(c.durationMs)}${c.required ? '' : ' (not required)'}`;
  return paint(output, c.status === 'pass' ? 'green' : c.required ? 'red' : 'yellow', text);
}

/** One finding as a line. */
export function findingLine(output: Output, f: Finding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}  ` : '';
  return `${paint(output, f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'dim', f.severity.padEnd(7))} ${where}${f.message} ${paint(output, 'dim', `(${f.rule})`)}`;
}

/**
 * The live view of `task validate`: each check's output as it comes (stderr), then its result;
 * the policy findings; the reviewer's activity; the verdict of each round. With `--json`, JSON
 * lines on stdout (check output still goes to stderr, as it would by hand).
 */
export function makeValidationPrinter(output: Output): (event: ValidationEvent) => void {
  // A loud check prints tens of thousands of lines: write them in batches, not one write each.
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) output.err(pending.join('\n'));
    pending = [];
  };
  return (event) => {
    if (event.type === 'check-output') {
      if (pending.length === 0) setImmediate(flush);
      pending.push(event.line);
      return;
    }
    flush();
    if (output.json) {
      output.out(JSON.stringify({ at: new Date().toISOString(), ...event }));
      return;
    }
    switch (event.type) {
      case 'round':
        output.err(paint(output, 'bold', `${event.mode === 'review' ? 'Review' : 'Validation'} of ${event.slug}${event.round > 1 ? `, round ${event.round}` : ''} (run ${event.runId})`));
        break;
      case 'check-started':
        output.err(paint(output, 'cyan', `▸ ${event.name}: ${event.argv.join(' ')}`));
        break;
      case 'check-finished':
        output.err(checkLine(output, event.result));
        break;
      case 'policies':
        output.err(event.findings.length ? `policies: ${event.findings.length} finding${event.findings.length === 1 ? '' : 's'}` : paint(output, 'green', '✓ policies: nothing found'));
        for (const f of event.findings) output.err(`  ${findingLine(output, f)}`);
        break;
      case 'review-started':
        output.err(paint(output, 'cyan', `▸ review by ${event.profile} (${event.kind})`));
        break;
      case 'review-agent': {
        const line = describeAgentEvent(event.event);
        if (line) output.err(paint(output, 'dim', `  ${line}`));
        break;
      }
      case 'review-finished': {
        const r = event.review;
        const style = r.status === 'pass' ? 'green' : r.status === 'error' ? 'yellow' : 'red';
        output.err(paint(output, style, `${r.status === 'pass' ? '✓' : '✗'} review ${r.status === 'error' ? 'could not run' : `${r.status}ed`}: ${r.summary}`));
        break;
      }
      case 'verdict':
        break;
    }
  };
}

/** The final verdict of `task validate` / `task review`. */
export function printVerdict(output: Output, result: ValidateTaskResult): void {
  const { verdict } = result.rounds.at(-1)!;
  const label = verdict.pass ? paint(output, 'green', 'PASS') : paint(output, 'red', 'FAIL');
  output.out(`Verdict for ${result.slug}: ${label} — ${verdict.summary}`);
  for (const f of verdict.findings) output.out(`  ${findingLine(output, f)}`);
  if (result.rounds.length > 1) output.out(`(${result.rounds.length} rounds: ${result.rounds.map((r) => (r.verdict.pass ? 'pass' : 'fail')).join(' → ')})`);
  if (result.autoFix?.note) output.out(`Auto-fix stopped: ${result.autoFix.note}.`);
  output.out(`The task is ${result.status}.`);
}

/** A stored verdict in a few words, for `status` and `task show`. */
export function verdictWord(verdict: { verdict: 'pass' | 'fail'; review: string } | undefined): string {
  if (!verdict) return '-';
  return verdict.verdict === 'pass' ? (verdict.review === 'skipped' ? 'pass (no review)' : 'pass') : verdict.review === 'error' ? 'fail (review could not run)' : 'fail';
}

/** The task's latest stored verdict (SQLite is loaded only here, on demand). */
export async function readLatestVerdict(stateDb: string, repo: string, slug: string) {
  const { latestVerdict } = await import('../core/validate/validation-store.js');
  return latestVerdict(stateDb, repo, slug);
}

/** The latest verdict of every task of a repo, by slug. */
export async function readLatestVerdicts(stateDb: string, repo: string) {
  const { ValidationStore } = await import('../core/validate/validation-store.js');
  const store = ValidationStore.open(stateDb, { readonly: true });
  try {
    return store.latestOfRepo(repo);
  } finally {
    store.close();
  }
}
