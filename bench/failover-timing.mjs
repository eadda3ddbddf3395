// Failover timing fidelity of redis-sim against real Redis 7.0.15, measured in one run on the same machine. The same
// topology for both: a 3 masters × 1 replica cluster with `cluster-node-timeout` BENCH_NODE_TIMEOUT (default 5000),
// formed with `redis-cli --cluster create … --cluster-replicas 1` out of 6 real redis-server processes, then out of
// 6 `redis-sim server` processes. In each run one master is SIGKILLed and the 5 survivors are polled every ~20 ms:
//   - FAIL: the first survivor whose CLUSTER NODES flags the dead master `fail`;
//   - promotion: the dead master's replica calls itself `master` in its CLUSTER NODES;
//   - ok: every survivor reports cluster_state:ok and lists the promoted replica as a master (after the FAIL).
// Each is timed from the SIGKILL. BENCH_RUNS runs per kind (default 5); medians and sim/real ratios are printed with
// the ±20 % goal met or MISSED, and the run is appended to bench/RESULTS.md unless BENCH_NO_APPEND=1. Every process
// is killed at the end. Run with `npm run bench:failover` (builds first).

import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplyParser } from '../dist/protocol/reply-parser.js';
import { encodeRequest } from '../dist/protocol/request-encoder.js';
import { toPlain } from '../dist/protocol/reply-text.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const RESULTS = join(ROOT, 'bench/RESULTS.md');
const NODE_TIMEOUT = Number(process.env.BENCH_NODE_TIMEOUT ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOST = '127.0.0.1';
/** The bus port of a node is its data port plus this (CLUSTER_PORT_INCR). */
const BUS_OFFSET = 10_000;
/** Interval between two polls of the survivors. */
const POLL_MS = 20;
/** How long formation, or one failover, may take before the run counts as failed. */
const STEP_TIMEOUT_MS = Math.max(60_000, NODE_TIMEOUT * 12);
/** The accepted distance of a redis-sim median from the real one. */
const TOLERANCE = 0.2;

/** Every process this run started, killed at the end whatever happens. */
const processes = new Set();

// --- processes and ports ---

/** Whether a TCP port on the loopback can be bound right now. */
function portFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, HOST, () => server.close(() => resolveFree(true)));
  });
}

/** A first port p such that p..p+n-1 and their bus ports are free, all below the ephemeral range (32768). */
async function freePortBlock(n) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (32_768 - BUS_OFFSET - n - 20_000));
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = (await portFree(base + i)) && (await portFree(base + i + BUS_OFFSET));
    if (ok) return base;
  }
  throw new Error(`no block of ${n} free ports`);
}

/** Spawns a long-running process, remembering it (and its output) for the final cleanup and for error reports. */
function launch(name, command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise((r) => child.once('exit', r));
  const proc = {
    name,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    kill: () => child.kill('SIGKILL'),
    async stop() {
      if (proc.running()) child.kill('SIGKILL');
      await exited;
      processes.delete(proc);
    },
  };
  processes.add(proc);
  return proc;
}

/** Runs a tool to completion: resolves with its output, rejects with it when it fails or overruns. */
function run(command, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(output);
      else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}:\n${_tail(output)}`));
    });
  });
}

// --- a small RESP client ---

/** One connection to a server: `call(...args)` resolves with the reply as a plain value. */
class Conn {
  constructor(socket) {
    this.socket = socket;
    this.parser = new ReplyParser();
    this.waiting = [];
    socket.on('data', (chunk) => {
      this.parser.push(chunk);
      for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) this.waiting.shift()?.resolve(r);
    });
    const fail = () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  static open(port) {
    return new Promise((resolveOpen, reject) => {
      const socket = connect(port, HOST);
      socket.once('connect', () => resolveOpen(new Conn(socket)));
      socket.once('error', reject);
    });
  }

  call(...args) {
    return new Promise((resolveCall, reject) => {
      this.waiting.push({ resolve: (r) => resolveCall(toPlain(r)), reject });
      this.socket.write(encodeRequest(args.map(String)));
    });
  }

  close() {
    this.socket.destroy();
  }
}

/** Polls `condition` every POLL_MS until it holds; throws `message` after STEP_TIMEOUT_MS. */
async function until(condition, message, procs) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    _checkRunning(procs);
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await _sleep(POLL_MS);
  }
}

/** One `field:value` of an INFO-style text. */
function field(text, name) {
  const line = String(text)
    .split('\r\n')
    .find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}

/** CLUSTER NODES as rows { id, port, flags, master, slots }. */
function parseNodes(text) {
  return String(text)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const f = l.split(' ');
      return {
        id: f[0],
        port: Number(f[1].slice(f[1].lastIndexOf(':') + 1).split('@')[0]),
        flags: f[2].split(','),
        master: f[3],
        link: f[7],
        slots: f.slice(8),
      };
    });
}

/** The cluster-node options of both kinds, as utils/create-cluster writes them (node timeout from the env). */
function clusterNodeArgs(port, dir) {
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
    String(NODE_TIMEOUT),
    '--appendonly',
    'no',
    '--save',
    '',
    '--dir',
    dir,
  ];
}

/** Starts one cluster-enabled node of `kind` (real redis-server or `redis-sim server`). */
function startNode(kind, port, dir) {
  if (kind === 'real') return launch(`redis-server :${port}`, 'redis-server', clusterNodeArgs(port, dir));
  return launch(`redis-sim server :${port}`, process.execPath, [CLI, 'server', ...clusterNodeArgs(port, dir)]);
}

// --- one run ---

/**
 * Forms a 3 × 1 cluster of `kind`, waits until it is fully up (every replica in sync, every node agreeing), kills
 * the first master and times FAIL, promotion and cluster_state:ok. Returns { fail, promotion, ok } in ms.
 */
async function measureOnce(kind, dir) {
  const base = await freePortBlock(6);
  const ports = Array.from({ length: 6 }, (_, i) => base + i);
  const started = ports.map((port) => startNode(kind, port, dir));
  const conns = new Map();
  try {
    await until(
      async () => {
        for (const port of ports) if ((await _callOnce(port, 'PING')) !== 'PONG') return false;
        return true;
      },
      `PING on ${ports.join(',')}`,
      started,
    );
    const addresses = ports.map((p) => `${HOST}:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes']);
    for (const port of ports) conns.set(port, await Conn.open(port));
    const call = (port, ...args) => conns.get(port).call(...args);

    // Fully up: state ok and 6 connected nodes (3 masters with slots, 3 replicas) on every node, replicas in sync.
    await until(
      async () => {
        for (const port of ports) {
          if (field(await call(port, 'CLUSTER', 'INFO'), 'cluster_state') !== 'ok') return false;
          const rows = parseNodes(await call(port, 'CLUSTER', 'NODES'));
          if (rows.length !== 6) return false;
          if (rows.some((r) => r.link !== 'connected' || r.flags.some((f) => /fail|handshake|noaddr/.test(f))))
            return false;
          if (rows.filter((r) => r.flags.includes('slave') && r.master !== '-').length !== 3) return false;
          const role = field(await call(port, 'INFO', 'replication'), 'role');
          if (role === 'slave' && field(await call(port, 'INFO', 'replication'), 'master_link_status') !== 'up')
            return false;
        }
        return true;
      },
      'a fully formed cluster',
      started,
    );
    const rows = parseNodes(await call(ports[0], 'CLUSTER', 'NODES'));
    const victim = rows.find((r) => r.flags.includes('myself'));
    if (!victim.flags.includes('master')) throw new Error(`${ports[0]} is not a master after --cluster create`);
    const replicaPort = rows.find((r) => r.master === victim.id).port;
    const survivors = ports.slice(1);
    // Let gossip go quiet for a moment, so the kill does not land in the middle of formation traffic.
    await _sleep(1000);

    conns.get(ports[0]).close();
    conns.delete(ports[0]);
    started[0].kill();
    const t0 = performance.now();
    const times = { fail: null, promotion: null, ok: null };
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (times.ok === null) {
      _checkRunning(started.slice(1));
      if (Date.now() > deadline) throw new Error(`timed out waiting for the failover of ${ports[0]}`);
      const polled = await Promise.all(
        survivors.map(async (port) => ({
          port,
          nodes: parseNodes(await call(port, 'CLUSTER', 'NODES')),
          state: field(await call(port, 'CLUSTER', 'INFO'), 'cluster_state'),
        })),
      );
      const now = performance.now() - t0;
      if (times.fail === null) {
        if (polled.some((p) => p.nodes.some((r) => r.id === victim.id && r.flags.includes('fail')))) times.fail = now;
      }
      if (times.promotion === null) {
        const self = polled.find((p) => p.port === replicaPort).nodes.find((r) => r.flags.includes('myself'));
        if (self.flags.includes('master')) times.promotion = now;
      }
      if (times.fail !== null && times.promotion !== null) {
        const allOk = polled.every(
          (p) => p.state === 'ok' && p.nodes.some((r) => r.port === replicaPort && r.flags.includes('master')),
        );
        if (allOk) times.ok = now;
      }
      if (times.ok === null) await _sleep(POLL_MS);
    }
    return times;
  } finally {
    for (const c of conns.values()) c.close();
    for (const p of started) await p.stop();
  }
}

// --- the report ---

/** Describes this machine. */
function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  let load = '';
  if (existsSync('/proc/loadavg')) load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { cpus: availableParallelism(), model, node: process.version, redisVersion, load };
}

const METRICS = [
  { id: 'fail', title: 'SIGKILL → first node flags the master `fail`' },
  { id: 'promotion', title: 'SIGKILL → its replica is `master`' },
  { id: 'ok', title: 'SIGKILL → cluster_state:ok on every survivor' },
];

async function main() {
  const info = machine();
  const root = mkdtempSync(join(tmpdir(), 'redis-sim-bench-failover-'));
  const samples = { real: [], sim: [] };
  const notes = [];
  try {
    for (const kind of ['real', 'sim']) {
      const label = kind === 'real' ? 'redis-server' : 'redis-sim';
      for (let i = 1; i <= RUNS; i++) {
        const dir = join(root, `${kind}-${i}`);
        mkdirSync(dir, { recursive: true });
        process.stdout.write(`${label} run ${i}/${RUNS}… `);
        try {
          const times = await measureOnce(kind, dir);
          samples[kind].push(times);
          console.log(METRICS.map((m) => `${m.id} ${_ms(times[m.id])}`).join(', '));
        } catch (e) {
          const message = _oneLine(String(e?.message ?? e));
          console.log(`FAILED: ${message}`);
          notes.push(`- ${label} run ${i}: FAILED — ${message}`);
        } finally {
          for (const p of [...processes]) await p.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    for (const p of [...processes]) await p.stop();
    rmSync(root, { recursive: true, force: true });
  }

  const rows = METRICS.map((m) => {
    const real = _median(samples.real.map((s) => s[m.id]));
    const sim = _median(samples.sim.map((s) => s[m.id]));
    const both = real !== null && sim !== null;
    const ratio = both ? sim / real : null;
    const met = ratio !== null && Math.abs(ratio - 1) <= TOLERANCE;
    return [
      m.title,
      real === null ? 'failed' : _ms(real),
      sim === null ? 'failed' : _ms(sim),
      ratio === null ? '-' : ratio.toFixed(2),
      '±20 %',
      met ? 'met' : 'MISSED',
    ];
  });
  for (const kind of ['real', 'sim']) {
    const label = kind === 'real' ? 'redis-server' : 'redis-sim';
    for (const m of METRICS) notes.push(`- ${label} ${m.id}: ${samples[kind].map((s) => _ms(s[m.id])).join(', ')}`);
  }
  const header = ['median of runs', 'redis-server', 'redis-sim', 'sim/real', 'goal', ''];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const report = [
    `## Failover timing ${new Date().toISOString()}`,
    '',
    `- Machine: ${info.cpus} CPUs (${info.model}), load average at start ${info.load || 'n/a'}`,
    `- Node ${info.node}; ${info.redisVersion}`,
    `- Command: \`npm run bench:failover\` (bench/failover-timing.mjs; BENCH_RUNS=${RUNS}, BENCH_NODE_TIMEOUT=${NODE_TIMEOUT})`,
    `- Both: 6 processes (\`redis-server\` / \`redis-sim server\`) with \`--cluster-enabled yes --cluster-node-timeout ${NODE_TIMEOUT} --appendonly no --save ''\`,` +
      ' formed by `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`; the first master is SIGKILLed' +
      ` once every replica is in sync, and the survivors are polled every ${POLL_MS} ms`,
    '',
    table,
    '',
    ...notes,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (process.env.BENCH_NO_APPEND !== '1') appendFileSync(RESULTS, `${report}\n`);
}

/** Calls one command on a fresh connection; null when the server is not reachable. */
async function _callOnce(port, ...args) {
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

/** Throws, with its last output, when a process that should be serving has exited. */
function _checkRunning(procs) {
  const dead = procs.find((p) => !p.running());
  if (dead !== undefined) throw new Error(`${dead.name} exited:\n${_tail(dead.output())}`);
}

function _median(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function _sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function _ms(ms) {
  return ms === null || ms === undefined ? '-' : `${Math.round(ms)} ms`;
}

function _tail(text) {
  return String(text).split('\n').slice(-15).join('\n');
}

function _oneLine(text) {
  return String(text).split('\n').filter(Boolean).slice(0, 3).join(' / ').slice(0, 300);
}

process.on('SIGINT', () => {
  for (const p of processes) p.kill();
  process.exit(130);
});

await main();
