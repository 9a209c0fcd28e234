import { loadTemplate, renderTemplate } from '../prompts/template.js';
import { taskPlaceholders } from '../prompts/worker-prompt.js';
import type { Task } from '../task.js';
import type { CheckResult, Finding } from './verdict.js';

/** The diff is cut to this many characters in the prompt, whole files first, so one huge file cannot crowd out the rest. */
export const MAX_DIFF_CHARS = 60_000;
/** Lines of a failed check's output shown to the reviewer. */
const CHECK_LINES = 15;

/** What the reviewer must end with, for agent kinds that reply in free text (codex, claude, command). */
export const JSON_REPLY_FORMAT = `End your reply with your verdict as one fenced JSON block, exactly in this shape and nothing after it:

\`\`\`json
{"pass": true, "summary": "one or two sentences", "findings": [{"severity": "error", "file": "src/x.ts", "line": 12, "message": "what is wrong"}]}
\`\`\`

"pass" is true only when the change is ready to merge; "severity" is "error", "warning" or "info"; "file" and "line" may be null.`;

const STRUCTURED_REPLY_FORMAT = 'Reply with the verdict in the JSON format you are given.';

/** The diff for the prompt: whole when it fits, else whole files until the budget, then the names of the rest. */
export function truncateDiff(diff: string, max = MAX_DIFF_CHARS): string {
  if (diff.trim() === '') return '(no changes: the branch adds nothing to its base)';
  if (diff.length <= max) return `\`\`\`diff\n${diff.trimEnd()}\n\`\`\``;
  const sections = diff.split(/^(?=diff --git )/m);
  const kept: string[] = [];
  const left: string[] = [];
  let used = 0;
  for (const section of sections) {
    if (used + section.length <= max) {
      kept.push(section);
      used += section.length;
    } else left.push(/^diff --git a\/(\S+)/.exec(section)?.[1] ?? '(a file)');
  }
  if (kept.length === 0) kept.push(`${sections[0]!.slice(0, max)}\n… (cut)\n`);
  return `\`\`\`diff\n${kept.join('').trimEnd()}\n\`\`\`\n(The diff is too long to show whole: ${left.length} more file(s) changed and not shown: ${left.join(', ')}. Read them in the worktree if you can.)`;
}

/** The checks as the reviewer reads them. */
export function describeChecks(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '(no checks configured)';
  return checks
    .map((c) => {
      const head = `- ${c.name} (\`${c.argv.join(' ')}\`): ${c.status === 'pass' ? 'passed' : (c.error ?? c.status)} in ${(c.durationMs / 1000).toFixed(1)} s${c.required ? '' : ' (not required)'}`;
      if (c.status === 'pass') return head;
      const tail = c.tail.split('\n').slice(-CHECK_LINES).map((l) => `    ${l}`).join('\n');
      return `${head}\n${tail}`;
    })
    .join('\n');
}

/** Findings as a list. */
export function describeFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return '(none)';
  return findings.map((f) => `- [${f.severity}] ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : ''}${f.message} (${f.rule})`).join('\n');
}

/**
 * The validator's prompt from the role's template (repo override, user override or shipped). A
 * free-text agent is told to end with a JSON block; when an override leaves out `{{reply_format}}`,
 * those instructions are appended so the reply can still be read.
 */
export function buildReviewPrompt(options: {
  task: Task;
  diff: string;
  checks: readonly CheckResult[];
  policyFindings: readonly Finding[];
  structured: boolean;
  userPromptsDir: string;
}): string {
  const { task } = options;
  const template = loadTemplate('validator', task.repo, options.userPromptsDir);
  const format = options.structured ? STRUCTURED_REPLY_FORMAT : JSON_REPLY_FORMAT;
  const text = renderTemplate(template, {
    ...taskPlaceholders(task),
    diff: truncateDiff(options.diff),
    checks: describeChecks(options.checks),
    policies: describeFindings(options.policyFindings),
    reply_format: format,
  });
  return /\{\{\s*reply_format\s*\}\}/.test(template.text) ? text : `${text.trimEnd()}\n\n${format}\n`;
}
