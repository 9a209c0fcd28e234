import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../core/config/keys.js';
import { configReference, REFERENCE_END, REFERENCE_START } from '../core/config/reference.js';
import { ROOT } from './helpers/sandbox.js';

describe('README.md', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('carries the configuration reference generated from the schema (run `npm run docs:config` when this fails)', () => {
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + REFERENCE_START.length, end).trim()).toBe(configReference());
    for (const key of configKeys()) expect(readme).toContain(`\`${key.path}\``);
  });

  it('gives the two quick-start commands, and the test command is the one CI runs', () => {
    expect(readme).toContain('npm ci && npm test');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
