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

describe('the agent lines in the raw log', () => {
  const file = join(dir, 'run.jsonl');
  const records = () => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('keeps a JSON line as it is and any other line as a string, in order', () => {
    const log = new RawLog(file, makeRedactor());
    const event = '{"type":"item.completed","item":{"id":"item_1","type":"reasoning","text":"a \\"quoted\\" word\\nand a line"}}';
    log.writeLine(1, 'stdout', event, true);
    log.writeLine(2, 'stdout', 'Reading prompt from stdin...', false);
    log.writeLine(3, 'stderr', '{"not":"parsed by anyone"}', false);
    log.flush();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`{"ts":1,"stream":"stdout","json":${event}}`);
    expect(records()).toEqual([
      { ts: 1, stream: 'stdout', json: JSON.parse(event) },
      { ts: 2, stream: 'stdout', line: 'Reading prompt from stdin...' },
      { ts: 3, stream: 'stderr', line: '{"not":"parsed by anyone"}' },
    ]);
  });

  it('writes a JSON text that spans lines as a string, so every record stays one line', () => {
    const log = new RawLog(file, makeRedactor());
    log.writeLine(1, 'stdout', '{\n"type":"x"}', true);
    log.flush();
    expect(records()).toEqual([{ ts: 1, stream: 'stdout', line: '{\n"type":"x"}' }]);
  });

  it('redacts a secret inside a JSON line and keeps the line as JSON', () => {
    const secret = 'sk-proj-SECRETVALUE0123456789abcdef';
    const log = new RawLog(file, makeRedactor({ secrets: [secret] }));
    log.writeLine(1, 'stdout', `{"type":"error","message":"bad key ${secret}"}`, true);
    log.writeLine(2, 'stdout', '{"type":"turn.started"}', true);
    log.flush();
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(records()).toEqual([
      { ts: 1, stream: 'stdout', json: { type: 'error', message: 'bad key [REDACTED]' } },
      { ts: 2, stream: 'stdout', json: { type: 'turn.started' } },
    ]);
  });

  it('writes a JSON line as a redacted string when redaction would leave it invalid', () => {
    // A secret that is also a bare number in the line: replacing it breaks the JSON.
    const secret = '98765432109876';
    const log = new RawLog(file, makeRedactor({ secrets: [secret] }));
    log.writeLine(1, 'stdout', `{"type":"usage","input_tokens":${secret}}`, true);
    log.writeLine(2, 'stdout', '{"type":"turn.completed"}', true);
    log.flush();
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(records()).toEqual([
      { ts: 1, stream: 'stdout', line: '{"type":"usage","input_tokens":[REDACTED]}' },
      { ts: 2, stream: 'stdout', json: { type: 'turn.completed' } },
    ]);
  });
});
