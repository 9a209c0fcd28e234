/**
 * The dashboard's young generation, kept small. Every Ink frame turned each of the screen's cells
 * (200 × 50 = 10,000) into styled-character objects and diffed their styles — about 18 MB of
 * short-lived objects per frame, measured with a sampling heap profile of replayed frames. Under
 * that rate V8 doubles its new space up to its default limit (2 × 16 MB), which with the garbage
 * it then promotes put the dashboard's peak memory at the 200 MB line (README, Performance).
 * `frame-output.ts` now does that step with far less garbage; the cap still saves ≈ 12–15 MB at
 * peak (`npm run bench:tui` in session 6: 128.7–133.0 MB with it, 144.4–144.7 without).
 *
 * `--max-semi-space-size` is read only when V8 starts, but the growth step is read each time the
 * new space grows, and Node keeps V8's flags writable (its `v8.setFlagsFromString`): once the new
 * space is big enough, a growth factor of 1 stops it there. The size is a trade: more collections
 * land inside frames as it shrinks. Replayed frames (peak memory, frame p50), four runs each:
 * 32 MB (V8's own) 189–193 MB, 7.6–8.4 ms; 16 MB 167–170 MB, 8.6–9.9 ms; 8 MB 155–157 MB,
 * 9.2–10.1 ms; 2 MB (no growth) ≈ 95 MB with p90 twice as long. `npm run bench:tui`, alternated
 * runs: 16 MB 180–182 MB, frame p50 16.1–17.9 ms; 32 MB 196–198 MB, 15.4–16.0 ms (README).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * The new space (both semi-spaces) at which V8 stops growing it for the dashboard; V8's own limit
 * is 32 MB. It may end one doubling past this when two collections come before the observer hears
 * of the first (not seen in the benchmark).
 */
export const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;

function newSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops the new space growing once it holds `cap` bytes (checked after each garbage collection,
 * which is when V8 grows it). For the dashboard's process only: the setting is process-wide.
 * Returns a function that stops watching.
 */
export function capYoungGeneration(cap: number = YOUNG_GENERATION_CAP_BYTES): () => void {
  const stopGrowing = () => v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (newSpaceBytes() >= cap) {
    stopGrowing();
    return () => {};
  }
  const observer = new PerformanceObserver(() => {
    if (newSpaceBytes() < cap) return;
    stopGrowing();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
