// What every benchmark script shares: paths, free ports, spawned processes that are all killed at the end (servers and
// cluster nodes of both kinds among them), a small RESP client on the project's own parser, polling, the machine's
// description and the RESULTS.md report.

import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplyParser } from '../dist/protocol/reply-parser.js';
import { toPlain } from '../dist/protocol/reply-text.js';
import { encodeRequest } from '../dist/protocol/request-encoder.js';

/** The repository root, the built CLI and the results file. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist/cli/main.js');
export const RESULTS = join(ROOT, 'bench/RESULTS.md');
/** Every server of a benchmark listens on the loopback. */
export const HOST = '127.0.0.1';
/** The bus port of a cluster node is its data port plus this (CLUSTER_PORT_INCR). */
export const BUS_OFFSET = 10_000;

/** Every process a run started, killed at the end whatever happens (see `stopAll`). */
const processes = new Set();

/** Whether a TCP port on the loopback can be bound right now. */
export function portFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, HOST, () => server.close(() => resolveFree(true)));
  });
}

/**
 * A first port p such that p..p+n-1 (and, with `bus`, their bus ports +10000) were free a moment ago, below the
 * ephemeral range so that outgoing connections cannot take them.
 */
export async function freePortBlock(n, { bus = true } = {}) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const top = (bus ? 32_768 - BUS_OFFSET : 32_768) - n;
    const base = 20_000 + Math.floor(Math.random() * (top - 20_000));
    let ok = true;
    for (let i = 0; i < n && ok; i++)
      ok = (await portFree(base + i)) && (!bus || (await portFree(base + i + BUS_OFFSET)));
    if (ok) return base;
  }
  throw new Error(`no block of ${n} free ports`);
}

/** Spawns a long-running process, remembering it (and the tail of its output) for `stopAll` and error reports. */
export function launch(name, command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise((r) => child.once('exit', r));
  const proc = {
    name,
    child,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    /** Sends SIGKILL without waiting for the exit, so that a timed crash starts its clock at once. */
    kill: () => child.kill('SIGKILL'),
    /** Kills the process with `signal` (SIGKILL by default) and waits for it to exit. */
    async stop(signal = 'SIGKILL') {
      if (proc.running()) child.kill(signal);
      await exited;
      processes.delete(proc);
    },
  };
  processes.add(proc);
  return proc;
}

/** Kills every process `launch` started and not yet stopped. */
export async function stopAll() {
  for (const p of [...processes]) await p.stop();
}

// A run interrupted with Ctrl-C leaves nothing behind.
process.on('SIGINT', () => {
  for (const p of processes) p.child.kill('SIGKILL');
  process.exit(130);
});

/** Launches a server of `kind`: real `redis-server`, or `redis-sim server` (any other kind), with `args`. */
export function launchServer(kind, port, args) {
  if (kind === 'real') return launch(`redis-server :${port}`, 'redis-server', args);
  return launch(`redis-sim server :${port}`, process.execPath, [CLI, 'server', ...args]);
}

/** The cluster-node options of both kinds, as utils/create-cluster writes them (with `nodeTimeoutMs`). */
function clusterNodeArgs(port, dir, nodeTimeoutMs = 5000) {
  return [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    '--appendonly',
    'no',
    '--save',
    '',
    '--dir',
    dir,
  ];
}

/** Starts one cluster-enabled node of `kind` (real redis-server or `redis-sim server`). */
export function startClusterNode(kind, port, dir, nodeTimeoutMs = 5000) {
  return launchServer(kind, port, clusterNodeArgs(port, dir, nodeTimeoutMs));
}

/** Runs a tool to completion: resolves with its output, rejects with it when it fails or overruns. */
export function run(command, args, { input, timeoutMs = 600_000 } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    if (input !== undefined) {
      child.stdin.on('error', () => {});
      input.pipe(child.stdin);
    }
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(output);
      else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}:\n${tail(output)}`));
    });
  });
}

/** One connection to a server: `call(...args)` resolves with the reply as a plain value; pushes go to `onPush`. */
export class Conn {
  constructor(socket) {
    this.socket = socket;
    this.parser = new ReplyParser();
    this.waiting = [];
    this.onPush = null;
    socket.on('data', (chunk) => {
      this.parser.push(chunk);
      for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) {
        const call = this.waiting.shift();
        if (call !== undefined) call.resolve(r);
        else this.onPush?.(toPlain(r));
      }
    });
    const fail = () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  /** Connects to `port` on the loopback. */
  static open(port) {
    return new Promise((resolveOpen, reject) => {
      const socket = connect(port, HOST);
      socket.once('connect', () => resolveOpen(new Conn(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a command; resolves with its reply as a plain value. */
  call(...args) {
    return new Promise((resolveCall, reject) => {
      this.waiting.push({ resolve: (r) => resolveCall(toPlain(r)), reject });
      this.socket.write(encodeRequest(args.map(String)));
    });
  }

  /** Closes the connection. */
  close() {
    this.socket.destroy();
  }
}

/** Calls one command on a fresh connection; null when the server is not reachable. */
export async function callOnce(port, ...args) {
  let conn;
  try {
    conn = await Conn.open(port);
    return await conn.call(...args);
  } catch {
    return null;
  } finally {
    conn?.close();
  }
}

/** A failure that polling must not retry (a process died). */
export class UnrecoverableStep extends Error {
  name = 'UnrecoverableStep';
}

/**
 * Polls `condition` every `everyMs` until it holds; throws `message` after `timeoutMs`, and at once, with its output,
 * when one of `procs` has exited.
 */
export async function until(condition, message, { timeoutMs = 600_000, everyMs = 10, procs = [] } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkRunning(procs);
    try {
      if (await condition()) return;
    } catch (e) {
      if (e instanceof UnrecoverableStep) throw e;
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await sleep(everyMs);
  }
}

/** Waits until every port answers PING (`options` as for `until`). */
export function untilPing(ports, options) {
  return until(
    async () => {
      for (const port of ports) if ((await callOnce(port, 'PING')) !== 'PONG') return false;
      return true;
    },
    `PING on ${ports.join(',')}`,
    options,
  );
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Throws, with its last output, when a process that should be serving has exited. */
export function checkRunning(procs) {
  const dead = procs.find((p) => !p.running());
  if (dead !== undefined) throw new UnrecoverableStep(`${dead.name} exited:\n${tail(dead.output())}`);
}

/** One `field:value` of an INFO-style text. */
export function field(text, name) {
  const line = String(text)
    .split('\r\n')
    .find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}

/** The median of a list of numbers (the mean of the middle two for an even count); null for an empty list. */
export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Describes this machine: CPUs, model, Node version, load average now and, unless `redis` is false (a
 * simulation-only benchmark), the Redis version.
 */
export function machine({ redis = true } = {}) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  let redisVersion;
  if (redis) {
    try {
      redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      redisVersion = 'redis-server not installed';
    }
  }
  let load = '';
  if (existsSync('/proc/loadavg')) load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { cpus: availableParallelism(), model, node: process.version, redisVersion, load };
}

/** The two "Machine" and "Node" lines every report starts with (the Node line names Redis when `info` does). */
export function machineLines(info) {
  return [
    `- Machine: ${info.cpus} CPUs (${info.model}), load average at start ${info.load || 'n/a'}`,
    info.redisVersion === undefined ? `- Node ${info.node}` : `- Node ${info.node}; ${info.redisVersion}`,
  ];
}

/**
 * A report as bench/RESULTS.md keeps it: a `## <title> <time>` heading, the machine lines, the `about` lines, then
 * each of `blocks` (a table or a paragraph) followed by a blank line, then the `notes`.
 */
export function formatReport({ title, info, about, blocks, notes }) {
  const body = blocks.flatMap((block) => [block, '']);
  return [
    `## ${title} ${new Date().toISOString()}`,
    '',
    ...machineLines(info),
    ...about,
    '',
    ...body,
    ...notes,
    '',
  ].join('\n');
}

/** A Markdown table from a header row and body rows. */
export function markdownTable(header, rows) {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Prints a report and appends it to bench/RESULTS.md, unless the environment variable `noAppendVar` is 1. */
export function publish(report, noAppendVar = 'BENCH_NO_APPEND') {
  console.log(`\n${report}`);
  if (process.env[noAppendVar] !== '1') appendFileSync(RESULTS, `${report}\n`);
}

/** Milliseconds as `123 ms` below 10 s, `12.3 s` above. */
export function formatMs(ms) {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The last lines of a process's output, for error messages. */
export function tail(text) {
  return String(text).split('\n').slice(-15).join('\n');
}

/** The first lines of a message squeezed onto one line, for report notes. */
export function oneLine(text) {
  return String(text).split('\n').filter(Boolean).slice(0, 3).join(' / ').slice(0, 300);
}
