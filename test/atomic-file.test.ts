import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepTempFiles, writeFileAtomically } from '../core/atomic-file.js';

// The atomic replace under the registry and the config edits; a writer SIGKILLed mid-write is in
// registry-concurrency.test.ts (RELIABILITY JSON-2).

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('writeFileAtomically', () => {
  it('writes a new file, in a directory it makes, private by default', () => {
    const file = join(dir, 'data', 'tasks.json');
    writeFileAtomically(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(dir, 'data'))).toBe(0o700);
    expect(readdirSync(join(dir, 'data'))).toEqual(['tasks.json']);
  });

  it('replaces a file with exactly the mode asked for, leaving no temp file', () => {
    const file = join(dir, '.gitignore');
    writeFileSync(file, 'old\n', { mode: 0o666 });
    writeFileAtomically(file, 'new\n', 0o644);
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(modeOf(file)).toBe(0o644);
    writeFileAtomically(file, 'newer\n');
    expect(modeOf(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['.gitignore']);
  });

  it('writes through a symlink: the link stays, its target changes', () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'tasks.json');
    writeFileSync(target, 'old\n');
    const link = join(dir, 'tasks.json');
    symlinkSync(target, link);
    writeFileAtomically(link, 'new\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('leaves the old content and no temp file when the replace fails', () => {
    const file = join(dir, 'taken');
    mkdirSync(file); // a directory in the way: the rename fails
    expect(() => writeFileAtomically(file, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('sweepTempFiles', () => {
  it('removes the temp files a killed writer left, and nothing else', () => {
    const file = join(dir, 'tasks.json');
    writeFileAtomically(file, '{}\n');
    for (const name of ['tasks.json.123', 'tasks.json.98765432101', 'tasks.json.lock', 'tasks.json.bak', 'other.json.123']) writeFileSync(join(dir, name), '');
    expect(sweepTempFiles(file)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['other.json.123', 'tasks.json', 'tasks.json.bak', 'tasks.json.lock']);
  });

  it('looks beside the file a symlinked registry points to', () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'tasks.json'), '{}\n');
    writeFileSync(join(dir, 'real', 'tasks.json.42'), '');
    symlinkSync(join(dir, 'real', 'tasks.json'), join(dir, 'tasks.json'));
    expect(sweepTempFiles(join(dir, 'tasks.json'))).toBe(1);
    expect(readdirSync(join(dir, 'real'))).toEqual(['tasks.json']);
  });
});
