import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policySchema } from '../core/config/validate-schema.js';
import { parseUnifiedDiff, readTaskDiff, type TaskDiff } from '../core/validate/diff.js';
import {
  commandThreshold, diffPolicies, lastNumber, MAX_FINDINGS_PER_POLICY, maxDiffLines, maxFileSize, maxLineLength, noConflictMarkers, noSecrets, requireTestsPass,
} from '../core/validate/policies.js';
import type { CheckResult } from '../core/validate/verdict.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
  writeFileSync(join(repo, 'keep.ts'), 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
});
afterEach(() => sb.cleanup());

/** Commits `files` on a new branch `task` off main and returns the task's diff as the validator reads it. */
async function change(files: Record<string, string>): Promise<TaskDiff> {
  git(repo, 'checkout', '-qb', 'task');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'change');
  return readTaskDiff(repo, 'main', 'task');
}

const check = (name: string, status: CheckResult['status'], tail = ''): CheckResult => ({ name, argv: [name], required: true, status, exitCode: status === 'pass' ? 0 : 1, durationMs: 1, tail, logFile: '/dev/null' });

describe('the task diff', () => {
  it('gives added lines with their new line numbers, removed counts, and file sizes from the branch', async () => {
    const diff = await change({ 'keep.ts': 'export const a = 1;\nexport const B = 22;\nexport const c = 3;\nexport const d = 4;\n', 'src/new file.ts': 'x\n' });
    expect(diff.added).toEqual([
      { file: 'keep.ts', line: 2, text: 'export const B = 22;' },
      { file: 'keep.ts', line: 4, text: 'export const d = 4;' },
      { file: 'src/new file.ts', line: 1, text: 'x' },
    ]);
    expect(diff.removedCount).toBe(1);
    expect(diff.files).toEqual([
      { path: 'keep.ts', deleted: false, binary: false, size: 81 },
      { path: 'src/new file.ts', deleted: false, binary: false, size: 2 },
    ]);
    expect(diff.text).toContain('+export const d = 4;');
  });

  it('marks deleted files, which have no size', () => {
    const parsed = parseUnifiedDiff('diff --git a/x b/x\ndeleted file mode 100644\nindex 1..0\n--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n');
    expect(parsed.files).toEqual([{ path: 'x', deleted: true, binary: false }]);
    expect(parsed.removedCount).toBe(1);
  });
});

describe('policies on the added lines', () => {
  it('max_line_length: trips on a long added line, not on a long line that was already there', async () => {
    const diff = await change({ 'long.ts': `const ok = 1;\nconst s = "${'y'.repeat(200)}";\n` });
    expect(maxLineLength(diff, 160)).toEqual([{ source: 'policy', rule: 'max_line_length', severity: 'warning', file: 'long.ts', line: 2, message: 'line is 213 characters long (limit 160)' }]);
    expect(maxLineLength(diff, 300)).toEqual([]);
    expect(maxLineLength(diff, 0)).toEqual([]);
  });

  it('no_conflict_markers: trips on markers left in a file, not on similar text', async () => {
    const tripped = await change({ 'm.ts': 'a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n' });
    expect(noConflictMarkers(tripped).map((f) => [f.file, f.line, f.severity])).toEqual([['m.ts', 2, 'error'], ['m.ts', 4, 'error'], ['m.ts', 6, 'error']]);
    expect(noConflictMarkers({ added: [{ file: 'doc.md', line: 1, text: '<<<<<< six' }, { file: 'doc.md', line: 2, text: '// ======= banner' }] })).toEqual([]);
  });

  it('max_file_size: trips on a big added file, not on small ones', async () => {
    const diff = await change({ 'big.bin': 'z'.repeat(5000), 'small.txt': 'tiny\n' });
    expect(maxFileSize(diff, 4096)).toEqual([{ source: 'policy', rule: 'max_file_size', severity: 'error', file: 'big.bin', line: null, message: 'file is 5000 bytes (limit 4096)' }]);
    expect(maxFileSize(diff, 10_000)).toEqual([]);
  });

  it('no_secrets: trips on a token matching the redaction patterns without repeating it, not on ordinary code', async () => {
    const token = `ghp_${'A1b2C3d4'.repeat(5)}`;
    const diff = await change({ 'config.ts': `export const url = "https://example.com";\nexport const token = "${token}";\n` });
    const findings = noSecrets(diff);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'no_secrets', severity: 'error', file: 'config.ts', line: 2 });
    expect(JSON.stringify(findings)).not.toContain(token);
    expect(noSecrets({ added: [{ file: 'a.ts', line: 1, text: 'const skip = "sk-short";' }] })).toEqual([]);
  });

  it('max_diff_lines: trips on a change with too many added and removed lines', async () => {
    const diff = await change({ 'many.txt': Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') });
    expect(maxDiffLines(diff, 20)).toEqual([{ source: 'policy', rule: 'max_diff_lines', severity: 'warning', file: null, line: null, message: 'the change has 30 added and removed lines (limit 20); consider splitting the task' }]);
    expect(maxDiffLines(diff, 30)).toEqual([]);
  });

  it('caps the findings of one policy and counts the rest', () => {
    const added = Array.from({ length: MAX_FINDINGS_PER_POLICY + 7 }, (_, i) => ({ file: 'm.ts', line: i + 1, text: '>>>>>>> x' }));
    const findings = noConflictMarkers({ added });
    expect(findings).toHaveLength(MAX_FINDINGS_PER_POLICY + 1);
    expect(findings.at(-1)!.message).toBe('…and 7 more like these');
  });

  it('applies the configured ones together, and nothing on a clean change', async () => {
    const clean = await change({ 'ok.ts': 'export const fine = true;\n' });
    expect(diffPolicies(clean, policySchema.parse({}))).toEqual([]);
    const dirty: TaskDiff = { ...clean, added: [{ file: 'x.ts', line: 1, text: '=======' }] };
    expect(diffPolicies(dirty, policySchema.parse({})).map((f) => f.rule)).toEqual(['no_conflict_markers']);
    expect(diffPolicies(dirty, policySchema.parse({ no_conflict_markers: false }))).toEqual([]);
  });
});

describe('policies on the checks', () => {
  it('require_tests_pass: trips when no test check exists or it failed, not when it passed', () => {
    expect(requireTestsPass([check('lint', 'pass')])[0]!.message).toMatch(/no check named "test" is configured/);
    expect(requireTestsPass([check('test', 'fail')])[0]!.message).toMatch(/the tests \(test\) did not pass/);
    expect(requireTestsPass([check('tests', 'pass'), check('lint', 'fail')])).toEqual([]);
  });

  it('command + threshold: trips below the threshold, on a failed command and on no number; passes at or above it', () => {
    expect(lastNumber('Statements: 91.2%\nLines: 87.5%')).toBe(87.5);
    expect(commandThreshold(check('policy-command', 'pass', 'Coverage: 79.9%'), 80)[0]!.message).toMatch(/reported 79.9, below the threshold 80/);
    expect(commandThreshold(check('policy-command', 'pass', 'Coverage: 80%'), 80)).toEqual([]);
    expect(commandThreshold(check('policy-command', 'fail', '99'), 80)[0]!.message).toMatch(/policy command \(policy-command\) fail/);
    expect(commandThreshold(check('policy-command', 'pass', 'no figures'), 80)[0]!.message).toMatch(/printed no number/);
  });
});
