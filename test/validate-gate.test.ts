import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodexAgentError } from '../core/errors.js';
import { makeRedactor } from '../core/redact.js';
import { StateStore } from '../core/store/state-store.js';
import { assertVerdictAllowsCompletion } from '../core/validate/gate.js';
import { latestVerdict, ValidationStore, type NewValidation } from '../core/validate/validation-store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-gate-'));
  file = join(dir, 'state.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const round = (over: Partial<NewValidation>): NewValidation => ({
  repo: '/r', slug: 't', runId: null, round: 1, mode: 'validate', pass: true, review: 'pass', summary: 'ok', base: 'main', head: 'abc1234567890', findings: [], checks: [], startedAt: 1, endedAt: 2, ...over,
});

describe('stored verdicts and the completion gate', () => {
  it('gives the latest full validation (not a review alone) and gates completion on it', () => {
    const store = StateStore.open(file);
    const validations = ValidationStore.open(file);
    expect(latestVerdict(store, '/r', 't')).toBeUndefined();
    expect(() => assertVerdictAllowsCompletion('t', undefined, false)).not.toThrow();
    expect(() => assertVerdictAllowsCompletion('t', undefined, true)).toThrow(expect.objectContaining({ code: 'validation-missing' }));

    validations.save(round({ pass: true }));
    validations.save(round({ pass: false, round: 2, summary: '1/2 checks passed (test failed)' }));
    validations.save(round({ pass: true, mode: 'review' }));
    const latest = latestVerdict(store, '/r', 't')!;
    expect(latest).toMatchObject({ verdict: 'fail', round: 2, mode: 'validate', summary: '1/2 checks passed (test failed)' });
    let error: CodexAgentError | undefined;
    try {
      assertVerdictAllowsCompletion('t', latest, false);
    } catch (err) {
      error = err as CodexAgentError;
    }
    expect(error?.code).toBe('validation-failed');
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toMatch(/^t cannot be completed: its latest verdict \(#2, .*commit abc1234567\) is FAIL — 1\/2 checks passed \(test failed\)$/);

    validations.save(round({ pass: true, round: 1 }));
    expect(() => assertVerdictAllowsCompletion('t', latestVerdict(file, '/r', 't'), true)).not.toThrow();
    expect(validations.historyOf('/r', 't').map((v) => [v.mode, v.verdict])).toEqual([['validate', 'pass'], ['validate', 'fail'], ['review', 'pass'], ['validate', 'pass']]);
    expect([...validations.latestOfRepo('/r').keys()]).toEqual(['t']);
    validations.close();
    store.close();
  });

  it('redacts secrets in what it stores', () => {
    const secret = 'super-secret-value-123';
    const validations = ValidationStore.open(file, { redact: makeRedactor({ secrets: [secret] }) });
    validations.save(round({ summary: `leaked ${secret}`, checks: [{ name: 'x', argv: ['x'], required: true, status: 'fail', exitCode: 1, durationMs: 1, tail: `token ${secret}`, logFile: '/l' }] }));
    validations.close();
    const stored = latestVerdict(file, '/r', 't')!;
    expect(stored.summary).toBe('leaked [REDACTED]');
    expect(stored.checks[0]!.tail).toBe('token [REDACTED]');
    for (const path of [file, `${file}-wal`]) if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(secret))).toBe(false);
  });
});
