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

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Conn,
  HOST,
  checkRunning,
  field,
  formatReport,
  freePortBlock,
  machine,
  markdownTable,
  median,
  oneLine,
  publish,
  run,
  sleep,
  startClusterNode,
  stopAll,
  until,
  untilPing,
} from './kit.mjs';

const NODE_TIMEOUT = Number(process.env.BENCH_NODE_TIMEOUT ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Interval between two polls of the survivors. */
const POLL_MS = 20;
/** How long formation, or one failover, may take before the run counts as failed. */
const STEP_TIMEOUT_MS = Math.max(60_000, NODE_TIMEOUT * 12);
/** The accepted distance of a redis-sim median from the real one. */
const TOLERANCE = 0.2;

/** What every wait of a run allows: a poll every POLL_MS for at most STEP_TIMEOUT_MS. */
const STEP = { timeoutMs: STEP_TIMEOUT_MS, everyMs: POLL_MS };

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

// --- one run ---

/**
 * Forms a 3 × 1 cluster of `kind`, waits until it is fully up (every replica in sync, every node agreeing), kills
 * the first master and times FAIL, promotion and cluster_state:ok. Returns { fail, promotion, ok } in ms.
 */
async function measureOnce(kind, dir) {
  const base = await freePortBlock(6);
  const ports = Array.from({ length: 6 }, (_, i) => base + i);
  const started = ports.map((port) => startClusterNode(kind, port, dir, NODE_TIMEOUT));
  const conns = new Map();
  try {
    await untilPing(ports, { ...STEP, procs: started });
    const addresses = ports.map((p) => `${HOST}:${p}`);
    const create = ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'];
    await run('redis-cli', create, { timeoutMs: STEP_TIMEOUT_MS });
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
      { ...STEP, procs: started },
    );
    const rows = parseNodes(await call(ports[0], 'CLUSTER', 'NODES'));
    const victim = rows.find((r) => r.flags.includes('myself'));
    if (!victim.flags.includes('master')) throw new Error(`${ports[0]} is not a master after --cluster create`);
    const replicaPort = rows.find((r) => r.master === victim.id).port;
    const survivors = ports.slice(1);
    // Let gossip go quiet for a moment, so the kill does not land in the middle of formation traffic.
    await sleep(1000);

    conns.get(ports[0]).close();
    conns.delete(ports[0]);
    started[0].kill();
    const t0 = performance.now();
    const times = { fail: null, promotion: null, ok: null };
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (times.ok === null) {
      checkRunning(started.slice(1));
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
      if (times.ok === null) await sleep(POLL_MS);
    }
    return times;
  } finally {
    for (const c of conns.values()) c.close();
    for (const p of started) await p.stop();
  }
}

// --- the report ---

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
          const message = oneLine(String(e?.message ?? e));
          console.log(`FAILED: ${message}`);
          notes.push(`- ${label} run ${i}: FAILED — ${message}`);
        } finally {
          await stopAll();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await stopAll();
    rmSync(root, { recursive: true, force: true });
  }

  const rows = METRICS.map((m) => {
    const real = median(samples.real.map((s) => s[m.id]));
    const sim = median(samples.sim.map((s) => s[m.id]));
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
  const table = markdownTable(header, rows);
  const about = [
    `- Command: \`npm run bench:failover\` (bench/failover-timing.mjs; BENCH_RUNS=${RUNS}, BENCH_NODE_TIMEOUT=${NODE_TIMEOUT})`,
    `- Both: 6 processes (\`redis-server\` / \`redis-sim server\`) with \`--cluster-enabled yes --cluster-node-timeout ${NODE_TIMEOUT} --appendonly no --save ''\`,` +
      ' formed by `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`; the first master is SIGKILLed' +
      ` once every replica is in sync, and the survivors are polled every ${POLL_MS} ms`,
  ];
  publish(formatReport({ title: 'Failover timing', info, about, blocks: [table], notes }));
}

/** Milliseconds rounded to whole ms (`-` for a missing sample), in every column of this report. */
function _ms(ms) {
  return ms === null || ms === undefined ? '-' : `${Math.round(ms)} ms`;
}

await main();
