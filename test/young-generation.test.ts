import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP_BYTES } from '../ui/young-generation.js';
import { ROOT } from './helpers/sandbox.js';

// A separate Node process (the setting is process-wide) that allocates the way Ink's frames do:
// many short-lived objects, some of which survive a collection or two. It prints the new space's size.
function newSpaceAfterFrames(cap: boolean): number {
  const script = `
    import v8 from 'node:v8';
    ${cap ? `const { capYoungGeneration } = await import(${JSON.stringify(join(ROOT, 'dist', 'ui', 'young-generation.js'))}); capYoungGeneration();` : ''}
    const kept = [];
    for (let frame = 0; frame < 300; frame++) {
      const cells = [];
      for (let i = 0; i < 10000; i++) cells.push({ value: ' ', styles: [...new Set([i % 3])] });
      kept.push(cells);
      if (kept.length > 3) kept.shift();
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
  `;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

it('keeps the dashboard process’s new space at the cap, where V8 alone grows it past', () => {
  const uncapped = newSpaceAfterFrames(false);
  const capped = newSpaceAfterFrames(true);
  expect(uncapped).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
  expect(capped).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  expect(capped).toBeGreaterThanOrEqual(YOUNG_GENERATION_CAP_BYTES); // it still grows that far
});
