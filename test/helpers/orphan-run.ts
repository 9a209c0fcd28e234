import { spawn } from 'node:child_process';
import type { AgentRepo } from './agent-repo.js';
import { BIN, type Sandbox } from './sandbox.js';

/**
 * A foreground `task run <slug>` killed hard (SIGKILL) once its agent has started: its run stays
 * marked active, owned by a process that is gone — what a crashed runner or supervisor leaves.
 * The agent should be scripted to take its time (a long sleep).
 */
export async function orphanRun(sb: Sandbox, ar: AgentRepo, slug: string, env: NodeJS.ProcessEnv = ar.env): Promise<void> {
  const runner = spawn(process.execPath, [BIN, 'task', 'run', slug], { cwd: ar.repo, env: { ...process.env, ...sb.env, ...env }, stdio: 'ignore' });
  const started = () => {
    try {
      return ar.invocations().length > 0;
    } catch {
      return false; // the line is being written
    }
  };
  const end = Date.now() + 20_000;
  while (Date.now() < end && !started()) await new Promise((r) => setTimeout(r, 50));
  runner.kill('SIGKILL');
  await new Promise((r) => runner.once('exit', r));
  if (!started()) throw new Error(`the agent of ${slug} never started`);
}
