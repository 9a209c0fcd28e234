import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/sandbox.js';

/** STYLE.md rule 1: the lint rule really keeps core/ free of UI, upward imports, printing and exits. */
describe('the core/ layering lint rule', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (code: string, file: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
    return result!.messages.map((m) => m.message);
  };

  it.each([
    ["import { render } from 'ink';", /must not import React or Ink/],
    ["import React from 'react';", /must not import React or Ink/],
    ["import { Table } from '@alcalzone/ink-table';", /must not import React or Ink/],
    ["import { main } from '../src/cli.js';", /must not import from src\/ or ui\//],
    ["import { App } from '../ui/App.js';", /must not import from src\/ or ui\//],
    ['process.exit(1);', /never exits/],
    ["console.log('x');", /never prints/],
  ])('rejects %s in core/', async (code, message) => {
    const messages = await lint(code, 'core/example.ts');
    expect(messages.some((m) => message.test(m))).toBe(true);
  });

  it('allows the same in src/', async () => {
    expect(await lint("import { render } from 'ink';\nexport const r = render;\n", 'src/example.ts')).toEqual([]);
  });

  it('passes on the real core/', async () => {
    const results = await eslint.lintFiles(['core/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
