import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';

/**
 * The `[validate]` section of the config (issue 7, DESIGN §10): the repo's own check commands,
 * the built-in policies on the diff, and how strict the verdict is.
 */

/** Finding severities, least severe first. */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Characters that only mean something to a shell: a string command holding one is refused. */
const SHELL_SYNTAX = /["'`$|&;<>(){}\\*?[\]~#]/;

/**
 * The argv of a check given as one string: split on whitespace. Quoting, pipes, variables and
 * globs are refused rather than guessed at (checks never run through a shell), with a hint to
 * write the argv as an array. Undefined when the string holds shell syntax.
 */
export function splitCommand(text: string): string[] | undefined {
  if (SHELL_SYNTAX.test(text)) return undefined;
  const argv = text.trim().split(/\s+/).filter(Boolean);
  return argv.length ? argv : undefined;
}

const commandLine = z
  .union([
    z.array(z.string().min(1)).min(1, 'needs at least the program to run'),
    z.string().refine((text) => splitCommand(text) !== undefined, {
      error: 'holds shell syntax (quotes, |, &, ;, $, globs…); checks run without a shell, so write the argv as an array, e.g. ["sh", "-c", "a | b"]',
    }),
  ])
  .transform((value) => (typeof value === 'string' ? splitCommand(value)! : value));

const duration = z.string().regex(DURATION_PATTERN, 'a duration such as "90s", "8m" or "1h"');

/** One `[[validate.checks]]` entry. */
export const checkSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'a name of letters, digits, ".", ":", "-" and "_"').describe('A short name, e.g. "test" or "lint".'),
  run: commandLine.describe('The command as an argv array, e.g. ["npm", "test"]; run in the task\'s worktree without a shell. A string is split on spaces and may not hold shell syntax.'),
  timeout: duration.optional().describe('How long the check may run before its process group is killed; default timeouts.verification.'),
  required: z.boolean().default(true).describe('Whether the verdict fails when this check fails (false: reported only).'),
});
export type CheckConfig = z.infer<typeof checkSchema>;

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes in a size such as "500KB" or "1MB", or undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text.trim());
  return match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!) : undefined;
}

export const policySchema = z.strictObject({
  max_line_length: z.number().int().min(0).default(160).describe('Longest allowed added line, in characters (a warning finding); 0 turns it off.'),
  no_conflict_markers: z.boolean().default(true).describe('Added lines may not hold merge conflict markers (<<<<<<<, =======, >>>>>>>) (an error finding).'),
  max_file_size: z.string().regex(SIZE_PATTERN, 'a size such as "500KB" or "1MB"').default('1MB').describe('Largest allowed added or changed file (an error finding); "0B" turns it off.'),
  no_secrets: z.boolean().default(true).describe('Added lines may not hold secrets matching the redaction patterns (an error finding).'),
  max_diff_lines: z.number().int().min(0).default(2000).describe('Most added plus removed lines in the whole diff (a warning finding); 0 turns it off.'),
  require_tests_pass: z.boolean().default(false).describe('A check named "test" or "tests" must be configured and pass (an error finding otherwise).'),
  command: z.array(z.string().min(1)).default([]).describe('An optional policy command (coverage, docs…) as an argv array, run in the worktree; the last number it prints is compared with threshold.'),
  threshold: z.number().default(0).describe('The least value the policy command must print (e.g. 80 for 80% coverage) (an error finding below it).'),
});
export type PolicyConfig = z.infer<typeof policySchema>;

export const validateSchema = z.strictObject({
  required: z.boolean().default(false).describe('task complete refuses a task that has no passing verdict (true) or only one that failed (false).'),
  fail_on: z.enum(SEVERITIES).default('error').describe('The least severity of a policy finding that fails the verdict.'),
  checks: z.array(checkSchema).default([]).describe('The repo\'s check commands ([[validate.checks]] tables with name, run, timeout, required); init proposes them.'),
  policy: policySchema.prefault({}).describe('Built-in policies applied to the lines the task added.'),
});
export type ValidateConfig = z.infer<typeof validateSchema>;
