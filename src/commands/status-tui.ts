import { fileURLToPath } from 'node:url';
import { repoNameOf } from '../../core/task.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

/**
 * Ends the process the way a program whose terminal hung up ends. A normal exit would make Node 20
 * restore the lost terminal's settings and abort when that fails (nodejs/node#51519, fixed in later
 * Node releases by nodejs/node#58200); everything is closed by now, so nothing is lost.
 */
function endAsHungUp(): void {
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}

interface StatusTuiOptions {
  allRepos?: boolean;
}

/**
 * `codex-agent status --tui`: the live dashboard (DESIGN §11). Only on a terminal: without one it
 * says so and exits 2. Ink and React are loaded here, never by the plain commands.
 */
export async function statusTuiCommand(ctx: Context, output: Output, options: StatusTuiOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    output.err('status --tui needs a terminal (stdin and stdout must be a TTY). Without one, use `codex-agent status` (or --json).');
    return 2;
  }
  const repo = options.allRepos ? undefined : await ctx.requireRepo();
  const { config } = await ctx.config();
  // Runs left active by a dead supervisor or runner would show as running forever: settle them
  // first (as `manager status` does), and say so in the status line rather than before the screen.
  const reconciled: string[] = [];
  const { reconcileOrphans } = await import('./manager.js');
  await reconcileOrphans(ctx, { ...output, err: (line) => reconciled.push(line) });
  // React's development build is several times slower and larger; a CLI user never wants it.
  process.env.NODE_ENV ??= 'production';
  // Ink's frames are garbage-heavy: without a cap V8's young generation alone takes 32 MB.
  const { capYoungGeneration } = await import('../../ui/young-generation.js');
  capYoungGeneration();
  const { runDashboard, TERMINAL_GONE } = await import('../../ui/run-dashboard.js');
  const code = await runDashboard({
    repoRoot: repo?.root,
    scope: repo ? repoNameOf(repo.root) : 'all repos',
    registryFile: ctx.paths.registry,
    stateDb: ctx.paths.stateDb,
    logsDir: ctx.paths.logsDir,
    config,
    env: ctx.env,
    cli: [process.execPath, fileURLToPath(new URL('../bin.js', import.meta.url))],
    ...(reconciled.length ? { initialStatus: reconciled.length === 1 ? reconciled[0]! : `${reconciled.length} runs left by a supervisor that is gone were marked interrupted (codex-agent manager status tells more)` } : {}),
  });
  if (code === TERMINAL_GONE) endAsHungUp();
  return code;
}
