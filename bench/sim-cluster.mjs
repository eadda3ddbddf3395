// Simulation speed of the cluster engine (issue #7's benchmark), measured in this process on the library in dist/:
//   1. idle: a formed 6-node cluster (3 masters × 1 replica) runs with nothing to do; virtual seconds per wall second;
//   2. kill a master: the same cluster, one master crashed, then 30 virtual seconds run (its replica must be promoted);
//   3. property runs: the failover property of test/property/cluster-failover.test.ts (failoverProperty with the same
//      fixed seed) for BENCH_SIM_RUNS runs;
//   4. scaling: N cluster nodes joined by CLUSTER MEET from one of them, run until every node knows every node
//      (none in handshake); then idle for a while. Printed for each N of BENCH_SIM_SIZES.
// These goals are simulation-only: virtual time has no real-Redis counterpart, so there is no sim/real ratio here.
// Prints a table and appends the run to bench/RESULTS.md unless BENCH_NO_APPEND=1. Run with `npm run bench:sim`.
//
// Environment: BENCH_SIM_ROWS (comma list of idle,kill,property,scale; default all), BENCH_SIM_RUNS (property runs,
// default 200), BENCH_SIM_SIZES (default 10,100,300), BENCH_SIM_DIST (the build to measure, default dist/; lets two
// builds be compared), BENCH_NO_APPEND=1 (print only). The event-log hashes printed for rows 1 and 2 identify the run:
// a change that only makes the engine faster must leave them as they were.

import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { ROOT, formatMs, formatReport, machine, markdownTable, oneLine, publish } from './kit.mjs';

const DIST = resolve(ROOT, process.env.BENCH_SIM_DIST ?? 'dist');
const ROWS = (process.env.BENCH_SIM_ROWS ?? 'idle,kill,property,scale').split(',').map((s) => s.trim());
const RUNS = Number(process.env.BENCH_SIM_RUNS ?? 200);
const SIZES = (process.env.BENCH_SIM_SIZES ?? '10,100,300').split(',').map(Number);
/** The seed test/property/cluster-failover.test.ts replays by default. */
const PROPERTY_SEED = 20261204;
const IDLE_VIRTUAL_MS = 600_000;
const KILL_VIRTUAL_MS = 30_000;
const KILL_REPEAT = 3;
const NODE_TIMEOUT_MS = 5000;

const lib = await import(pathToFileURL(join(DIST, 'index.js')).href);
const { Simulation, formCluster, failoverProperty } = lib;

// --- the measurements ---

/** A simulation with a formed 3 masters × 1 replica cluster whose replicas have synced. */
function sixNodeCluster(seed) {
  const sim = new Simulation({ seed });
  const names = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
  const directives = [
    ['cluster-enabled', ['yes']],
    ['cluster-node-timeout', [String(NODE_TIMEOUT_MS)]],
  ];
  for (const name of names) sim.addNode(name, directives);
  const formed = formCluster(sim, names, { replicas: 1 });
  const replicas = names.filter((_, i) => formed.nodes[i].role === 'replica');
  // A replica that never synced will not stand for election (its data age is unbounded), so wait for the links.
  sim.runUntil(() => replicas.every((n) => sim.node(n).node.replication.linkUp()), 60_000);
  return { sim, names, formed };
}

/** Row 1: virtual seconds per wall second of an idle formed 6-node cluster. */
function measureIdle() {
  const { sim } = sixNodeCluster(1);
  const t0 = performance.now();
  sim.runFor(IDLE_VIRTUAL_MS);
  const ms = performance.now() - t0;
  const rate = IDLE_VIRTUAL_MS / ms;
  return {
    value: rate,
    shown: `${Math.round(rate)} virtual s / wall s`,
    met: rate >= 1000,
    detail: `${IDLE_VIRTUAL_MS / 1000} virtual s in ${formatMs(ms)}, event log ${sim.eventLog.hash().slice(0, 16)}`,
  };
}

/**
 * Row 2: wall time of 30 virtual seconds after a master is crashed; its replica must be master at the end. The best of
 * KILL_REPEAT runs (fresh simulations, same seed), so the first run's JIT warm-up of the failover code is not counted.
 */
function measureKill() {
  const times = [];
  let detail = '';
  for (let i = 0; i < KILL_REPEAT; i++) {
    const { sim, names, formed } = sixNodeCluster(2);
    const replicaOfN1 = names.find((_, j) => formed.nodes[j].masterId === formed.nodes[0].id);
    const t0 = performance.now();
    sim.crash('n1');
    sim.runFor(KILL_VIRTUAL_MS);
    times.push(performance.now() - t0);
    const promoted = sim.node(replicaOfN1).node.cluster.state.myself.isMaster;
    if (!promoted) throw new Error(`${replicaOfN1} was not promoted within ${KILL_VIRTUAL_MS / 1000} virtual s`);
    detail = `n1 crashed, ${replicaOfN1} promoted; event log ${sim.eventLog.hash().slice(0, 16)}`;
  }
  const ms = Math.min(...times);
  return {
    value: ms,
    shown: formatMs(ms),
    met: ms < 100,
    detail: `${detail}; best of ${KILL_REPEAT} runs (${times.map((t) => formatMs(t)).join(', ')})`,
  };
}

/** Row 3: the failover property, RUNS runs from the test's fixed seed. */
function measureProperty() {
  const t0 = performance.now();
  fc.assert(failoverProperty(fc), { numRuns: RUNS, seed: PROPERTY_SEED });
  const ms = performance.now() - t0;
  return {
    value: ms,
    shown: formatMs(ms),
    met: ms < 120_000 * (RUNS / 200),
    detail: `${RUNS} runs of failoverProperty (seed ${PROPERTY_SEED}), ${formatMs(ms / RUNS)} per run`,
  };
}

/** One scaling point: N nodes MEET from n1 until everyone knows everyone, then 10 virtual s idle. */
function measureScale(n) {
  const sim = new Simulation({ seed: 3 });
  const names = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  for (const name of names) sim.addNode(name, [['cluster-enabled', ['yes']]]);
  const t0 = performance.now();
  const client = sim.client('n1');
  const calls = names.slice(1).map((name) => {
    const address = sim.node(name).address;
    const at = address.lastIndexOf(':');
    return client.call('CLUSTER', 'MEET', address.slice(0, at), address.slice(at + 1));
  });
  sim.runUntil(() => calls.every((c) => c.done), 10_000);
  const v0 = sim.now();
  const everyoneKnowsEveryone = () =>
    names.every((name) => {
      const nodes = sim.node(name).node.cluster.state.nodes;
      if (nodes.size !== n) return false;
      for (const node of nodes.values()) if (node.inHandshake || !node.hasAddress) return false;
      return true;
    });
  // Checked once per virtual 100 ms (a clusterCron tick), not after every event.
  while (!everyoneKnowsEveryone()) {
    if (sim.now() - v0 > 600_000) throw new Error(`${n} nodes did not converge in 600 virtual s`);
    sim.runFor(100);
  }
  const convergeWall = performance.now() - t0;
  const convergeVirtual = sim.now() - v0;
  const t1 = performance.now();
  sim.runFor(10_000);
  const idleWall = performance.now() - t1;
  return { n, convergeWall, convergeVirtual, idleRate: 10_000 / idleWall };
}

// --- the run ---

const MEASUREMENTS = [
  {
    id: 'idle',
    title: 'idle 6-node cluster (3 masters × 1 replica), virtual time rate',
    goal: '≥ 1000 virtual s / wall s',
    run: measureIdle,
  },
  {
    id: 'kill',
    title: `kill a master, ${KILL_VIRTUAL_MS / 1000} virtual s (node timeout ${NODE_TIMEOUT_MS} ms), best of ${KILL_REPEAT}`,
    goal: '< 100 ms',
    run: measureKill,
  },
  {
    id: 'property',
    title: `${RUNS} failover property runs`,
    goal: `< ${formatMs(120_000 * (RUNS / 200))}`,
    run: measureProperty,
  },
];

function main() {
  const info = machine({ redis: false });
  const rows = [];
  const notes = [];
  for (const m of MEASUREMENTS.filter((x) => ROWS.includes(x.id))) {
    process.stdout.write(`${m.id}… `);
    try {
      const r = m.run();
      console.log(`${r.shown} (${r.detail})`);
      rows.push([m.title, r.shown, m.goal, r.met ? 'met' : 'MISSED']);
      notes.push(`- ${m.id}: ${r.detail}`);
    } catch (e) {
      const message = oneLine(String(e?.message ?? e));
      console.log(`FAILED: ${message}`);
      rows.push([m.title, 'failed', m.goal, 'MISSED']);
      notes.push(`- ${m.id}: FAILED — ${message}`);
    }
  }
  const scale = [];
  if (ROWS.includes('scale')) {
    for (const n of SIZES) {
      process.stdout.write(`scale ${n}… `);
      try {
        const r = measureScale(n);
        console.log(`converged in ${formatMs(r.convergeVirtual)} virtual, ${formatMs(r.convergeWall)} wall`);
        scale.push(r);
      } catch (e) {
        console.log(`FAILED: ${e?.message ?? e}`);
        scale.push({ n, error: String(e?.message ?? e) });
      }
    }
    const hundred = scale.find((r) => r.n === 100);
    if (hundred !== undefined) {
      rows.push([
        '100-node cluster converges (all nodes know all nodes)',
        hundred.error === undefined ? formatMs(hundred.convergeWall) : 'failed',
        'converges',
        hundred.error === undefined ? 'met' : 'MISSED',
      ]);
    }
  }

  const header = ['measurement (simulation only: virtual time has no real-Redis counterpart)', 'redis-sim', 'goal', ''];
  const table = markdownTable(header, rows);
  const scaleHeader = [
    'nodes',
    'virtual ms to converge',
    'wall to converge',
    'wall per node',
    'idle virtual s / wall s',
  ];
  const scaleTable = markdownTable(
    scaleHeader,
    scale.map((r) =>
      r.error === undefined
        ? [r.n, r.convergeVirtual, formatMs(r.convergeWall), formatMs(r.convergeWall / r.n), r.idleRate.toFixed(1)]
        : [r.n, 'failed', '-', '-', '-'],
    ),
  );
  const env = ['BENCH_SIM_ROWS', 'BENCH_SIM_RUNS', 'BENCH_SIM_SIZES', 'BENCH_SIM_DIST']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`)
    .join(' ');
  const about = [
    `- Command: \`${env === '' ? '' : `${env} `}npm run bench:sim\` (bench/sim-cluster.mjs)`,
    `- Idle and kill rows: \`formCluster\` of 6 nodes, \`--cluster-node-timeout ${NODE_TIMEOUT_MS}\`, replicas synced first; the property row: \`fc.assert(failoverProperty(fc), { numRuns: ${RUNS}, seed: ${PROPERTY_SEED} })\` as test/property/cluster-failover.test.ts`,
  ];
  const blocks = [table];
  if (scale.length > 0) {
    blocks.push('Scaling: N nodes, CLUSTER MEET from n1 to every other, until each knows all N (none in handshake):');
    blocks.push(scaleTable);
  }
  publish(formatReport({ title: 'Simulated cluster', info, about, blocks, notes }));
}

main();
