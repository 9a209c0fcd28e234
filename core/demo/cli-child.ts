/**
 * Runs the built codex-agent CLI as a child process for the demo, so the demo goes through exactly
 * the commands a user types.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/bin.js, relative to this module (dist/core/demo/). */
export const CLI_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'bin.js');

export interface CliResult {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** `codex-agent <argv…>` in `cwd`; never throws on a non-zero exit. */
export function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI_BIN, ...argv], { cwd, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ argv, code, stdout, stderr });
    });
  });
}

/** The JSON a `--json` command printed, or undefined. */
export function jsonOf<T>(result: CliResult): T | undefined {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    return undefined;
  }
}
