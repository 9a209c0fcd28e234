import { CodexAgentError, ExitCode, errorToJson, formatError } from '../core/errors.js';

/** Commander's own errors, recognised without loading commander (the fast paths never load it). */
function isCommanderError(err: unknown): err is Error & { code: string } {
  const code: unknown = (err as { code?: unknown } | undefined)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('commander.');
}

/** Failures of the environment (git, files, locks) are "the operation failed"; the rest is bad input. */
function exitCodeOf(err: CodexAgentError): number {
  if (err.code === 'git-failed' || err.code === 'io' || err.code === 'registry-locked' || err.code === 'registry-lock-compromised' || err.code === 'agent-unreachable') return ExitCode.checkFailed;
  return err.exitCode;
}

/** Prints an error the way the user asked for output (text on stderr; JSON on stdout too) and returns its exit code. */
export function reportError(err: unknown, json: boolean): number {
  if (isCommanderError(err)) {
    // Help and version are "errors" to commander but successes to the user.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message: err.message } }, null, 2)}\n`);
    return ExitCode.usage;
  }
  if (json) process.stdout.write(`${JSON.stringify(errorToJson(err), null, 2)}\n`);
  if (err instanceof CodexAgentError) {
    process.stderr.write(`codex-agent: ${formatError(err)}\n`);
    return exitCodeOf(err);
  }
  process.stderr.write(`codex-agent: unexpected error: ${err instanceof Error ? (process.env.CODEX_AGENT_DEBUG ? err.stack : err.message) : String(err)}\n`);
  process.stderr.write('This is a bug; please report it with the command you ran (set CODEX_AGENT_DEBUG=1 for a stack trace).\n');
  return ExitCode.checkFailed;
}
