// Sentinel benchmarks of redis-sim against real Redis 7.0.15 Sentinel, measured in one run on the same machine:
//   1. simulation: wall time of one simulated Sentinel failover (1 master, 2 replicas, 3 Sentinels, quorum 2,
//      down-after BENCH_DOWN_AFTER), from the master's crash to +switch-master on every Sentinel in virtual time
//      (goal: under 100 ms of wall time; measured after warm-up runs, the cold first run is reported apart);
//   2. realtime: the same group as processes, once real `redis-server` + `redis-sentinel`, once `redis-sim server` +
//      `redis-sim sentinel-server`, same settings; the master is SIGKILLed and the time to the first +sdown, +odown and
//      +switch-master, and to +switch-master on every Sentinel, is read from the Sentinels' event channels
//      (PSUBSCRIBE *). Median of BENCH_RUNS runs each; the goal is redis-sim within ±20 % of real Redis.
// Every process is killed at the end. Prints a table and appends the run to bench/RESULTS.md unless BENCH_NO_APPEND=1.
// Run with `npm run bench:sentinel` (builds first).
//
// Environment: BENCH_DOWN_AFTER (default 5000), BENCH_FAILOVER_TIMEOUT (default 60000), BENCH_RUNS (default 5),
// BENCH_STEP_TIMEOUT_MS (one wait's limit, default 120000), BENCH_NO_APPEND=1 (print only), BENCH_TRACE=1 (print
// every Sentinel event of the realtime runs).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Simulation } from '../dist/sim/simulation.js';
import {
  CLI,
  Conn,
  HOST,
  callOnce,
  formatReport,
  freePortBlock,
  launch,
  launchServer,
  machine,
  markdownTable,
  median,
  publish,
  stopAll,
  until as untilWithin,
} from './kit.mjs';

const DOWN_AFTER = Number(process.env.BENCH_DOWN_AFTER ?? 5000);
const FAILOVER_TIMEOUT = Number(process.env.BENCH_FAILOVER_TIMEOUT ?? 60000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MS ?? 120_000);
/** BENCH_TRACE=1 prints every Sentinel event of the realtime runs with its ms since the SIGKILL. */
const TRACE = process.env.BENCH_TRACE === '1';
const QUORUM = 2;
/** Simulated failovers run before the measured ones, so the JIT has compiled the hot paths. */
const WARMUPS = 3;

// --- 1. the simulated failover ---

/**
 * One simulated failover: its wall ms, CPU ms (user + system: what a loaded machine does not inflate as much) and
 * virtual ms from the crash to +switch-master on every Sentinel.
 */
function simulatedFailover(seed) {
  const sim = new Simulation({ seed });
  sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
  for (const r of ['r1', 'r2']) {
    sim.addNode(r, [
      ['replicaof', [HOST, '6379']],
      ['repl-diskless-sync-delay', ['0']],
    ]);
  }
  const sentinels = ['s1', 's2', 's3'];
  for (const s of sentinels) {
    sim.addNode(
      s,
      [
        ['sentinel', ['monitor', 'mymaster', HOST, '6379', String(QUORUM)]],
        ['sentinel', ['down-after-milliseconds', 'mymaster', String(DOWN_AFTER)]],
        ['sentinel', ['failover-timeout', 'mymaster', String(FAILOVER_TIMEOUT)]],
      ],
      { sentinel: true },
    );
  }
  const master = (s) => sim.node(s).node.sentinel.masters.get('mymaster');
  sim.runUntil(
    () =>
      sentinels.every((s) => {
        const m = master(s);
        return m.sentinels.size === 2 && [...m.slaves.values()].filter((r) => r.infoRefresh !== 0).length === 2;
      }),
    120_000,
  );
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const virtualStart = sim.now();
  sim.crash('m');
  sim.runUntil(() => sentinels.every((s) => master(s).addr.port !== 6379), 600_000);
  const cpu = process.cpuUsage(cpuStart);
  return {
    wallMs: performance.now() - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    virtualMs: sim.now() - virtualStart,
  };
}

// --- waiting ---

/** Polls `condition` every 20 ms until it holds; throws `message` after STEP_TIMEOUT_MS or when one of `procs` died. */
function until(condition, message, procs) {
  return untilWithin(condition, message, { timeoutMs: STEP_TIMEOUT_MS, everyMs: 20, procs });
}

/** A flat `[k, v, k, v…]` reply as an object. */
function fields(flat) {
  const out = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

// --- 2. the realtime failover ---

/** Starts a server (`kind` real or sim) on `port`, optionally replicating `masterPort`. */
function startServer(kind, port, dir, masterPort) {
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--repl-diskless-sync-delay', '0');
  if (masterPort !== undefined) args.push('--replicaof', HOST, String(masterPort));
  return launchServer(kind, port, args);
}

/** Starts a Sentinel (`kind` real or sim) on `port` from a fresh config file monitoring `masterPort`. */
function startSentinel(kind, port, dir, masterPort) {
  const file = join(dir, `sentinel-${port}.conf`);
  writeFileSync(
    file,
    [
      `port ${port}`,
      `bind ${HOST}`,
      `dir ${dir}`,
      `sentinel monitor mymaster ${HOST} ${masterPort} ${QUORUM}`,
      `sentinel down-after-milliseconds mymaster ${DOWN_AFTER}`,
      `sentinel failover-timeout mymaster ${FAILOVER_TIMEOUT}`,
      '',
    ].join('\n'),
  );
  if (kind === 'real') return launch(`redis-sentinel :${port}`, 'redis-sentinel', [file]);
  return launch(`redis-sim sentinel-server :${port}`, process.execPath, [CLI, 'sentinel-server', file]);
}

/** One realtime failover: ms from SIGKILL of the master to the first +sdown, +odown, +switch-master, and the last. */
async function realtimeFailover(kind, root, run) {
  const dir = join(root, `${kind}-${run}`);
  mkdirSync(dir, { recursive: true });
  const base = await freePortBlock(6, { bus: false });
  const [mPort, r1Port, r2Port, ...sPorts] = [0, 1, 2, 3, 4, 5].map((i) => base + i);
  const conns = [];
  try {
    const master = startServer(kind, mPort, dir);
    const servers = [master, startServer(kind, r1Port, dir, mPort), startServer(kind, r2Port, dir, mPort)];
    const sentinels = sPorts.map((p) => startSentinel(kind, p, dir, mPort));
    const procs = [...servers, ...sentinels];
    // Ready: both replicas linked, and every Sentinel knows both replicas and the two other Sentinels.
    await until(
      async () => {
        for (const p of [r1Port, r2Port]) {
          if (!String(await callOnce(p, 'INFO', 'replication')).includes('master_link_status:up')) return false;
        }
        for (const p of sPorts) {
          const m = fields(await callOnce(p, 'SENTINEL', 'MASTER', 'mymaster'));
          if (m['num-slaves'] !== '2' || m['num-other-sentinels'] !== '2' || m.flags !== 'master') return false;
        }
        return true;
      },
      'Sentinel discovery',
      procs,
    );
    const seen = {};
    const switched = new Set();
    let t0 = 0;
    for (const p of sPorts) {
      const conn = await Conn.open(p);
      conns.push(conn);
      await conn.call('PSUBSCRIBE', '*');
      conn.onPush = (push) => {
        if (!Array.isArray(push) || push[0] !== 'pmessage') return;
        const [, , channel, message] = push;
        const at = performance.now() - t0;
        if (t0 === 0) return;
        if (TRACE && channel !== '__sentinel__:hello')
          console.log(`  ${kind} :${p} ${Math.round(at)} ${channel} ${message}`);
        if ((channel === '+sdown' || channel === '+odown') && message.startsWith('master mymaster ')) {
          seen[channel] ??= at;
        } else if (channel === '+switch-master' && message.startsWith('mymaster ')) {
          seen[channel] ??= at;
          switched.add(p);
          if (switched.size === sPorts.length) seen.all ??= at;
        }
      };
    }
    t0 = performance.now();
    master.kill();
    await until(async () => seen.all !== undefined, '+switch-master on every Sentinel', procs.slice(1));
    return { sdown: seen['+sdown'], odown: seen['+odown'], switchFirst: seen['+switch-master'], switchAll: seen.all };
  } finally {
    for (const c of conns) c.close();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- report ---

async function main() {
  const info = machine();
  const notes = [];
  const rows = [];

  // 1. Simulation: warm-up runs first (module loading, JIT; the first is reported apart), then the median of RUNS
  // seeds.
  const cold = simulatedFailover(0);
  for (let i = 0; i < WARMUPS - 1; i++) simulatedFailover(1000 + i);
  const simRuns = Array.from({ length: RUNS }, (_, i) => simulatedFailover(i + 1));
  const simWall = median(simRuns.map((r) => r.wallMs));
  console.log(`simulated failover: ${simRuns.map((r) => `${r.wallMs.toFixed(1)} ms`).join(', ')}`);
  const simCpu = median(simRuns.map((r) => r.cpuMs));
  notes.push(
    `- simulated failover, the first (cold) run: ${cold.wallMs.toFixed(1)} ms; then ${WARMUPS - 1} more warm-up runs; wall ms per measured run: ${simRuns.map((r) => r.wallMs.toFixed(1)).join(', ')}; CPU ms (user + system) per run: ${simRuns.map((r) => r.cpuMs.toFixed(1)).join(', ')} (median ${simCpu.toFixed(1)}); virtual ms from the crash to +switch-master everywhere: ${simRuns.map((r) => r.virtualMs).join(', ')}`,
  );
  rows.push([
    `simulated failover (down-after ${DOWN_AFTER}), wall time`,
    '-',
    `${simWall.toFixed(1)} ms`,
    '-',
    'sim < 100 ms',
    simWall < 100 ? 'met' : 'MISSED',
  ]);

  // 2. Realtime, alternating real and sim runs so that load changes hit both alike.
  const root = mkdtempSync(join(tmpdir(), 'redis-sim-bench-sentinel-'));
  const results = { real: [], sim: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const kind of ['real', 'sim']) {
        const r = await realtimeFailover(kind, root, run);
        results[kind].push(r);
        const fmt = (ms) => `${Math.round(ms)}`;
        console.log(
          `${kind} run ${run + 1}: +sdown ${fmt(r.sdown)} ms, +odown ${fmt(r.odown)} ms, +switch-master ${fmt(r.switchFirst)} ms (all ${fmt(r.switchAll)} ms)`,
        );
      }
    }
  } finally {
    await stopAll();
    rmSync(root, { recursive: true, force: true });
  }
  const measures = [
    ['sdown', 'SIGKILL of the master → first +sdown'],
    ['odown', 'SIGKILL of the master → first +odown'],
    ['switchFirst', 'SIGKILL of the master → first +switch-master'],
    ['switchAll', 'SIGKILL of the master → +switch-master on all 3 Sentinels'],
  ];
  for (const [key, title] of measures) {
    const real = median(results.real.map((r) => r[key]));
    const sim = median(results.sim.map((r) => r[key]));
    const ratio = sim / real;
    rows.push([
      title,
      `${Math.round(real)} ms`,
      `${Math.round(sim)} ms`,
      ratio.toFixed(2),
      '±20 %',
      Math.abs(ratio - 1) <= 0.2 ? 'met' : 'MISSED',
    ]);
    notes.push(
      `- ${key}: redis-sentinel ${results.real.map((r) => Math.round(r[key])).join(', ')} ms; redis-sim ${results.sim.map((r) => Math.round(r[key])).join(', ')} ms`,
    );
  }

  const header = ['measurement', 'redis-sentinel', 'redis-sim', 'sim/real', 'goal', ''];
  const table = markdownTable(header, rows);
  const about = [
    `- Command: \`npm run bench:sentinel\` (bench/sentinel.mjs; BENCH_DOWN_AFTER=${DOWN_AFTER}, BENCH_FAILOVER_TIMEOUT=${FAILOVER_TIMEOUT}, BENCH_RUNS=${RUNS})`,
    `- Group: 1 master + 2 replicas (\`--save '' --appendonly no --repl-diskless-sync-delay 0\`), 3 Sentinels with \`sentinel monitor mymaster … ${QUORUM}\`, down-after-milliseconds ${DOWN_AFTER}, failover-timeout ${FAILOVER_TIMEOUT}; real: redis-server + redis-sentinel, redis-sim: \`redis-sim server\` + \`redis-sim sentinel-server\`; times are medians of ${RUNS} runs, read from PSUBSCRIBE * on every Sentinel`,
  ];
  publish(formatReport({ title: 'Sentinel', info, about, blocks: [table], notes }));
}

await main();
