import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitCommand } from '../core/config/validate-schema.js';
import { makeRedactor } from '../core/redact.js';
import { isProcessAlive } from '../core/runs/proc.js';
import { CHECK_TAIL_LINES, runCheck, type CheckToRun } from '../core/validate/checks.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-checks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const check = (name: string, argv: string[], timeoutMs = 20_000): CheckToRun => ({ name, argv, required: true, timeoutMs });
const options = (name: string, lines: string[] = []) => ({
  cwd: dir,
  env: process.env,
  graceMs: 300,
  logFile: join(dir, 'logs', `${name}.log`),
  redact: makeRedactor(),
  onLine: (line: string) => lines.push(line),
});

describe('check commands in the worktree', () => {
  it('passes a command that exits 0, in the given directory, streaming its output and logging it', async () => {
    writeFileSync(join(dir, 'marker.txt'), 'here\n');
    const lines: string[] = [];
    const result = await runCheck(check('ok', ['sh', '-c', 'cat marker.txt; echo to-stderr >&2']), options('ok', lines));
    expect(result).toMatchObject({ name: 'ok', status: 'pass', exitCode: 0, required: true });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines.sort()).toEqual(['here', 'to-stderr']);
    expect(readFileSync(result.logFile, 'utf8').split('\n').sort()).toEqual(['', 'here', 'to-stderr']);
    expect(result.tail).toContain('here');
  });

  it('fails a command that exits non-zero, with its exit code and output tail', async () => {
    const result = await runCheck(check('bad', ['sh', '-c', 'echo "2 tests failed"; exit 3']), options('bad'));
    expect(result).toMatchObject({ status: 'fail', exitCode: 3, error: 'exited with 3' });
    expect(result.tail).toBe('2 tests failed');
  });

  it('reports a program that cannot start as an error, not a pass', async () => {
    const result = await runCheck(check('missing', ['no-such-program-xyz']), options('missing'));
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/could not start: no-such-program-xyz was not found/);
  });

  it('kills the whole process group of a check that hangs past its timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The check starts a grandchild that would outlive it, then hangs.
    const script = `sleep 600 & echo $! > ${pidFile}; sleep 600`;
    const result = await runCheck(check('hang', ['sh', '-c', script], 500), options('hang'));
    expect(result.status).toBe('timeout');
    expect(result.error).toMatch(/timed out after 500ms; its process group was killed/);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 3000;
    while (isProcessAlive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isProcessAlive(grandchild)).toBe(false);
  });

  it('keeps every line of a check that prints a lot in its log, and only the tail with the result', async () => {
    const lines: string[] = [];
    const result = await runCheck(check('loud', [process.execPath, '-e', 'for (let i = 1; i <= 20000; i++) console.log(`line ${i} ` + "x".repeat(60))']), options('loud', lines));
    expect(result.status).toBe('pass');
    expect(lines).toHaveLength(20000);
    const logged = readFileSync(result.logFile, 'utf8').trimEnd().split('\n');
    expect(logged).toHaveLength(20000);
    expect(logged[0]).toMatch(/^line 1 x/);
    const tail = result.tail.split('\n');
    expect(tail).toHaveLength(CHECK_TAIL_LINES);
    expect(tail.at(-1)).toMatch(/^line 20000 /);
  });

  it('redacts secrets in the log and the tail', async () => {
    const secret = `sk-${'a'.repeat(30)}`;
    const result = await runCheck(check('leak', ['sh', '-c', `echo key=${secret}`]), options('leak'));
    expect(readFileSync(result.logFile, 'utf8')).not.toContain(secret);
    expect(result.tail).not.toContain(secret);
    expect(result.tail).toContain('[REDACTED]');
  });
});

describe('check commands given as a string', () => {
  it('are split on whitespace; shell syntax is refused rather than guessed at', () => {
    expect(splitCommand('npm  run lint')).toEqual(['npm', 'run', 'lint']);
    expect(splitCommand('make test')).toEqual(['make', 'test']);
    for (const bad of ['npm test && rm -rf /', 'echo "a b"', 'ls | wc', 'echo $(id)', 'ls *.ts', 'a; b', '   ']) {
      expect(splitCommand(bad), bad).toBeUndefined();
    }
  });
});
