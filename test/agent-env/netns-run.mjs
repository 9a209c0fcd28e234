#!/usr/bin/env node
// netns-run: runs a command with a scripted model server reachable on 127.0.0.1, meant to be started
// inside a fresh network namespace so nothing can leave the machine:
//
//   unshare -rn node test/agent-env/netns-run.mjs --forward 18080=/tmp/scripted-x/api.sock \
//     --env ANTHROPIC_BASE_URL=@@ORIGIN@@ -- claude -p "hi" ...
//
// A new namespace's loopback is DOWN, so this brings `lo` up first (ip, ifconfig or an ioctl through
// python3). The server itself runs outside (in the test process) on a Unix socket; socket files are
// not network-namespaced, so each `--forward PORT=SOCKET` listens on 127.0.0.1:PORT inside the
// namespace and pipes every connection to SOCKET. PORT may be 0 (ephemeral).
//
// The command gets, for the first forward, SCRIPTED_PORT and SCRIPTED_BASE_URL (http://127.0.0.1:PORT);
// `--env NAME=VALUE` sets more variables. In VALUE and in the command's argv, @@PORT@@ / @@ORIGIN@@
// name the first forward, @@PORT1@@ / @@ORIGIN1@@ the second, and so on.
// stdio is inherited; the exit code is the command's (128+n when a signal ended it). Problems of the
// launcher itself exit 125 with a line on stderr. `--check` only checks that all this works.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { constants } from 'node:os';

const LAUNCHER_FAILED = 125;

function fail(message) {
  process.stderr.write(`netns-run: ${message}\n`);
  process.exit(LAUNCHER_FAILED);
}

function parseArgs(argv) {
  const options = { forwards: [], env: [], check: false, command: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') {
      options.command = argv.slice(i + 1);
      break;
    }
    if (arg === '--check') options.check = true;
    else if (arg === '--forward' || arg === '--env') {
      const value = argv[i + 1];
      const eq = value?.indexOf('=') ?? -1;
      if (eq <= 0) fail(`${arg} needs NAME=VALUE, got ${JSON.stringify(value)}`);
      const pair = [value.slice(0, eq), value.slice(eq + 1)];
      if (arg === '--forward') options.forwards.push({ port: Number(pair[0]), socket: pair[1] });
      else options.env.push(pair);
      i += 1;
    } else fail(`unknown argument ${JSON.stringify(arg)} (usage: [--forward PORT=SOCKET]... [--env NAME=VALUE]... [--check] -- COMMAND...)`);
  }
  if (!options.check && options.command.length === 0) fail('no command after --');
  for (const forward of options.forwards) {
    if (!Number.isInteger(forward.port) || forward.port < 0 || forward.port > 65535) fail(`bad port in --forward ${forward.port}`);
  }
  return options;
}

// Whether 127.0.0.1 answers. (/sys/class/net/lo/flags would describe the namespace that mounted
// /sys, not ours; and a down lo still lets you bind, only connecting fails with ENETUNREACH.)
function loopbackWorks() {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', () => resolve(false));
    server.listen(0, '127.0.0.1', () => {
      const probe = net.connect(server.address().port, '127.0.0.1');
      const done = (ok) => {
        probe.destroy();
        server.close();
        resolve(ok);
      };
      probe.once('connect', () => done(true));
      probe.once('error', () => done(false));
    });
  });
}

// SIOCGIFFLAGS / SIOCSIFFLAGS on "lo", for machines without iproute2 or net-tools.
const PYTHON_LO_UP = [
  'import socket, fcntl, struct',
  's = socket.socket()',
  "flags = struct.unpack('16sH14s', fcntl.ioctl(s, 0x8913, struct.pack('16sH14s', b'lo', 0, b'')))[1]",
  "fcntl.ioctl(s, 0x8914, struct.pack('16sH14s', b'lo', flags | 1, b''))",
].join('\n');

async function bringLoopbackUp() {
  if (await loopbackWorks()) return;
  const attempts = [['ip', ['link', 'set', 'lo', 'up']], ['ifconfig', ['lo', 'up']], ['python3', ['-c', PYTHON_LO_UP]]];
  const errors = [];
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status === 0 && (await loopbackWorks())) return;
    errors.push(`${command}: ${result.error?.message ?? (result.stderr?.trim() || `exit ${result.status}`)}`);
  }
  fail(`cannot bring the loopback interface up (${errors.join('; ')})`);
}

function forward({ port, socket }) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((client) => {
      const upstream = net.connect(socket);
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function substitute(text, ports) {
  return text.replace(/@@(PORT|ORIGIN)(\d*)@@/g, (match, what, index) => {
    const port = ports[Number(index || 0)];
    if (port === undefined) return match;
    return what === 'PORT' ? String(port) : `http://127.0.0.1:${port}`;
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  await bringLoopbackUp();
  const servers = [];
  for (const spec of options.forwards) {
    try {
      servers.push(await forward(spec));
    } catch (error) {
      fail(`cannot listen on 127.0.0.1:${spec.port}: ${error.message}`);
    }
  }
  const ports = servers.map((server) => server.address().port);
  if (options.check) {
    process.stderr.write(`netns-run: ok (loopback up${ports.length ? `, forwarding ${ports.join(', ')}` : ''})\n`);
    if (options.command.length === 0) process.exit(0);
  }
  const env = { ...process.env };
  if (ports.length > 0) {
    env.SCRIPTED_PORT = String(ports[0]);
    env.SCRIPTED_BASE_URL = `http://127.0.0.1:${ports[0]}`;
  }
  for (const [name, value] of options.env) env[name] = substitute(value, ports);
  const [command, ...args] = options.command.map((part) => substitute(part, ports));
  const child = spawn(command, args, { stdio: 'inherit', env });
  const relay = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, relay);
  child.on('error', (error) => fail(`cannot start ${command}: ${error.message}`));
  child.on('exit', (code, signal) => {
    for (const server of servers) server.close();
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}

main().catch((error) => fail(error.stack ?? String(error)));
