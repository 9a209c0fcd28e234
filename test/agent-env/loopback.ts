/**
 * How an agent under test reaches its scripted model server without any route off the machine.
 *
 * Preferred: a private network namespace (`unshare -rn`, no root needed where user namespaces are
 * allowed). The agent runs inside it through netns-run.mjs, which brings `lo` up and forwards a
 * fixed port on the namespace's 127.0.0.1 to the server's Unix socket; the namespace has no other
 * interface, so nothing else is reachable. Fallback ("direct"): the agent runs as is against the
 * server's TCP port on 127.0.0.1 — still loopback only, because every setting points there and
 * telemetry is off, but not enforced.
 *
 * `CODEX_AGENT_NETNS=off` forces direct mode; `CODEX_AGENT_NETNS=require` makes a missing namespace
 * an error instead of a fallback.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptedServer } from '../servers/scripted-http.js';

/** The launcher started inside the namespace. */
export const NETNS_LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'netns-run.mjs');

/**
 * The first server's port inside a namespace (the next ones follow). Each run gets a namespace of
 * its own, so fixed ports never collide, and configs (CODEX_HOME/config.toml) can be written before
 * the run starts.
 */
export const NETNS_PORT = 18080;

/** Whether agents can run in a private network namespace here. */
export interface Isolation {
  mode: 'netns' | 'direct';
  /** Why (shown in test output). */
  reason: string;
}

let probed: Isolation | undefined;

/** Checks once per process whether `unshare -rn` plus the launcher work on this machine. */
export function probeIsolation(): Isolation {
  if (probed) return probed;
  const setting = process.env.CODEX_AGENT_NETNS;
  if (setting === 'off') {
    probed = { mode: 'direct', reason: 'CODEX_AGENT_NETNS=off: agents run directly against 127.0.0.1' };
    return probed;
  }
  const check = spawnSync('unshare', ['-rn', process.execPath, NETNS_LAUNCHER, '--check'], { encoding: 'utf8', timeout: 10_000 });
  if (check.status === 0) {
    probed = { mode: 'netns', reason: 'unshare -rn works: agents run in a private network namespace (loopback only)' };
  } else {
    const why = check.error?.message ?? (check.stderr.trim() || `exit ${check.status}`);
    if (setting === 'require') throw new Error(`CODEX_AGENT_NETNS=require but unshare -rn does not work here: ${why}`);
    probed = { mode: 'direct', reason: `unshare -rn unavailable (${why}); agents run directly against 127.0.0.1 with telemetry off` };
  }
  return probed;
}

/** A way for an agent to reach its scripted server(s). */
export interface AgentRoute {
  mode: Isolation['mode'];
  /** The port the agent must use for the first server (NETNS_PORT inside a namespace, its TCP port otherwise). */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** One port per server, in the order given to `routeTo`. */
  ports: number[];
  /** The command line that runs `command args` with the servers reachable at `ports`. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
}

/**
 * Routes an agent to `servers` (e.g. a Responses server for Codex and a Messages server for Claude
 * in the same run) in the given isolation mode.
 */
export function routeTo(servers: ScriptedServer | readonly ScriptedServer[], isolation: Isolation = probeIsolation()): AgentRoute {
  const list = Array.isArray(servers) ? (servers as readonly ScriptedServer[]) : [servers as ScriptedServer];
  if (list.length === 0) throw new Error('routeTo needs at least one server');
  const ports = isolation.mode === 'direct' ? list.map((server) => server.port) : list.map((_, index) => NETNS_PORT + index);
  const port = ports[0] as number;
  const base = { mode: isolation.mode, port, origin: `http://127.0.0.1:${port}`, ports };
  if (isolation.mode === 'direct') return { ...base, wrap: (command, args) => ({ command, args: [...args] }) };
  const forwards = list.flatMap((server, index) => ['--forward', `${ports[index]}=${server.socketPath}`]);
  return { ...base, wrap: (command, args) => ({ command: 'unshare', args: ['-rn', process.execPath, NETNS_LAUNCHER, ...forwards, '--', command, ...args] }) };
}
