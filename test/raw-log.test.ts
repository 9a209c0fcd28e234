import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRedactor } from '../core/redact.js';
import { RawLog } from '../core/runs/raw-log.js';

const dir = mkdtempSync(join(tmpdir(), 'codex-agent-rawlog-'));
afterEach(() => rmSync(join(dir, 'run.jsonl'), { force: true }));

describe('the raw log of a run', () => {
  it('writes the lines of one tick together, in order, redacted, private; and the rest later', async () => {
    const secret = 'sk-proj-SECRETVALUE0123456789abcdef';
    const file = join(dir, 'run.jsonl');
    const log = new RawLog(file, makeRedactor({ secrets: [secret] }));
    log.write({ stream: 'stdout', line: 'one' });
    log.write({ stream: 'stdout', line: `uses ${secret}` });
    log.write({ stream: 'stderr', line: 'three' });
    expect(() => readFileSync(file)).toThrow(); // nothing yet: the tick is not over
    await new Promise((r) => setImmediate(r));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { line: string });
    expect(lines.map((l) => l.line)).toEqual(['one', expect.stringMatching(/^uses (?!sk-proj)/), 'three']);
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    log.write({ kind: 'exit', code: 0 });
    log.flush(); // at the end of a run: at once
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(4);
  });
});
