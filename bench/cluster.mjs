// Cluster benchmarks of redis-sim against real Redis 7.0.15, measured in one run on the same machine:
//   1. formation: from start to `cluster_state:ok` on every node of a 4 masters × 1 replica cluster
//      (redis-sim: `redis-sim cluster --masters 4 --replicas 1`; real: 8 redis-server processes and
//      `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`, as utils/create-cluster does);
//   2. reshard: `redis-cli --cluster reshard --cluster-from all --cluster-to <new> --cluster-slots 2000` with 100 000
//      keys loaded in 3 masters and a 4th master added with `redis-cli --cluster add-node`;
//   3. full sync: a replica's REPLICAOF of a master holding 1 000 000 keys, until master_link_status:up and
//      master_sync_in_progress:0.
// A step redis-sim cannot do yet is reported as failed for its row and the run goes on. Every process is killed at
// the end. Prints a table and appends the run to bench/RESULTS.md. Run with `npm run bench:cluster` (builds first).
//
// Environment: BENCH_RESHARD_KEYS (default 100000), BENCH_SYNC_KEYS (default 1000000), BENCH_CLUSTER_ROWS (a comma
// list of formation,reshard,sync; default all three), BENCH_STEP_TIMEOUT_MS (one step's limit before its row counts
// as failed, default 600000), BENCH_CLUSTER_NO_APPEND=1 (print only).

import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyHashSlot } from '../dist/cluster/key-slot.js';
import {
  CLI,
  Conn,
  HOST,
  callOnce,
  field,
  formatMs,
  formatReport,
  freePortBlock,
  launch,
  machine,
  markdownTable,
  oneLine,
  publish,
  run,
  startClusterNode,
  stopAll,
  tail,
  until as untilWithin,
  untilPing,
} from './kit.mjs';

const RESHARD_KEYS = Number(process.env.BENCH_RESHARD_KEYS ?? 100_000);
const SYNC_KEYS = Number(process.env.BENCH_SYNC_KEYS ?? 1_000_000);
const ROWS = (process.env.BENCH_CLUSTER_ROWS ?? 'formation,reshard,sync').split(',').map((s) => s.trim());
const RESHARD_SLOTS = 2000;
/** How long any one step may take before it counts as failed. */
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MS ?? 600_000);

/** Polls `condition` for at most one step's time; fails at once, with its output, when one of `procs` exits. */
function until(condition, message, procs = []) {
  return untilWithin(condition, message, { timeoutMs: STEP_TIMEOUT_MS, procs });
}

/** Waits until CLUSTER INFO says cluster_state:ok on every port (with one connection per node). */
async function untilClusterOk(ports, procs = []) {
  const conns = [];
  try {
    await until(
      async () => {
        for (let i = 0; i < ports.length; i++) {
          conns[i] ??= await Conn.open(ports[i]);
          if (field(await conns[i].call('CLUSTER', 'INFO'), 'cluster_state') !== 'ok') return false;
        }
        return true;
      },
      `cluster_state:ok on ${ports.join(',')}`,
      procs,
    );
  } finally {
    for (const c of conns) c?.close();
  }
}

/** Waits until every node lists `count` nodes, none in handshake, fail or without a link, and all agree on slots. */
function untilConverged(ports, count) {
  return until(
    async () => {
      let signature = null;
      for (const port of ports) {
        const text = String(await callOnce(port, 'CLUSTER', 'NODES'));
        const lines = text.split('\n').filter((l) => l.length > 0);
        if (lines.length !== count) return false;
        if (lines.some((l) => /handshake|fail|noaddr/.test(l.split(' ')[2]) || l.split(' ')[7] !== 'connected'))
          return false;
        const slots = lines
          .map((l) => `${l.split(' ')[0]} ${l.split(' ').slice(8).join(' ')}`)
          .sort()
          .join('\n');
        if (signature !== null && signature !== slots) return false;
        signature = slots;
      }
      return true;
    },
    `${count} nodes converged on ${ports.join(',')}`,
  );
}

// --- loading keys ---

/** Writes SET commands for keys `key:<i>` (i < n) to one file per owner, and returns the files by port. */
async function writeLoadFiles(dir, n, ownerOf) {
  const streams = new Map();
  const files = new Map();
  for (let i = 0; i < n; i++) {
    const key = `key:${i}`;
    const port = ownerOf(keyHashSlot(key));
    let stream = streams.get(port);
    if (stream === undefined) {
      const file = join(dir, `load-${port}.resp`);
      stream = createWriteStream(file);
      streams.set(port, stream);
      files.set(port, file);
    }
    const value = `value:${i}`;
    const chunk = `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
    if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
  }
  await Promise.all([...streams.values()].map((s) => new Promise((r) => s.end(r))));
  return files;
}

/** Pipes a RESP file into a server with `redis-cli --pipe`. */
async function pipeLoad(port, file) {
  const out = await run('redis-cli', ['-h', HOST, '-p', String(port), '--pipe'], { input: createReadStream(file) });
  if (!/errors: 0, replies: \d+/.test(out)) throw new Error(`redis-cli --pipe to ${port}: ${tail(out)}`);
}

/** The port that owns each slot, from CLUSTER SLOTS on `seed`. */
async function slotOwners(seed) {
  const owners = new Array(16384).fill(null);
  for (const [start, end, master] of await callOnce(seed, 'CLUSTER', 'SLOTS'))
    for (let s = start; s <= end; s++) owners[s] = Number(master[1]);
  return owners;
}

// --- the measurements ---

/** Row 1: start to cluster_state:ok on all 8 nodes. Returns { ms, detail }. */
async function measureFormation(kind, dir) {
  const n = 8;
  const base = await freePortBlock(n);
  const ports = Array.from({ length: n }, (_, i) => base + i);
  const started = [];
  try {
    const t0 = performance.now();
    if (kind === 'sim') {
      const proc = launch('redis-sim cluster', process.execPath, [
        CLI,
        'cluster',
        '--masters',
        '4',
        '--replicas',
        '1',
        '--port',
        String(base),
        '--dir',
        dir,
      ]);
      started.push(proc);
      await untilClusterOk(ports, started);
      const ms = performance.now() - t0;
      return { ms, detail: `\`redis-sim cluster --masters 4 --replicas 1 --port ${base}\`` };
    }
    for (const port of ports) started.push(startClusterNode('real', port, dir));
    await untilPing(ports, { timeoutMs: STEP_TIMEOUT_MS, procs: started });
    const tStarted = performance.now();
    const addresses = ports.map((p) => `${HOST}:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes']);
    const tCreated = performance.now();
    await untilClusterOk(ports, started);
    const ms = performance.now() - t0;
    return {
      ms,
      detail: `8 × redis-server started in ${formatMs(tStarted - t0)}, \`redis-cli --cluster create\` took ${formatMs(tCreated - tStarted)}`,
    };
  } finally {
    for (const p of started) await p.stop();
  }
}

/** Row 2: a 2000-slot reshard to a freshly added 4th master with RESHARD_KEYS keys loaded. */
async function measureReshard(kind, dir) {
  const base = await freePortBlock(4);
  const ports = [base, base + 1, base + 2, base + 3];
  const started = [];
  try {
    for (const port of ports) started.push(startClusterNode(kind, port, dir));
    await untilPing(ports, { timeoutMs: STEP_TIMEOUT_MS, procs: started });
    const addresses = ports.map((p) => `${HOST}:${p}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses.slice(0, 3),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await untilClusterOk(ports.slice(0, 3), started);
    await run('redis-cli', ['--cluster', 'add-node', addresses[3], addresses[0]]);
    await untilConverged(ports, 4);
    // The new master turns its state ok only after its own writable delay; MIGRATE into it fails before that.
    await untilClusterOk(ports, started);

    const owners = await slotOwners(ports[0]);
    const files = await writeLoadFiles(dir, RESHARD_KEYS, (slot) => owners[slot]);
    await Promise.all([...files].map(([port, file]) => pipeLoad(port, file)));
    const sizes = await Promise.all(ports.map((p) => callOnce(p, 'DBSIZE')));
    const loaded = sizes.reduce((a, b) => a + b, 0);
    if (loaded !== RESHARD_KEYS) throw new Error(`loaded ${loaded} keys, expected ${RESHARD_KEYS}`);
    const target = String(await callOnce(ports[3], 'CLUSTER', 'MYID'));

    const args = ['--cluster', 'reshard', addresses[0], '--cluster-from', 'all', '--cluster-to', target];
    args.push('--cluster-slots', String(RESHARD_SLOTS), '--cluster-yes');
    const t0 = performance.now();
    await run('redis-cli', args);
    const ms = performance.now() - t0;

    // The reshard must have done its job: the new master owns the slots and every key is still there.
    await untilConverged(ports, 4);
    const after = await Promise.all(ports.map((p) => callOnce(p, 'DBSIZE')));
    const total = after.reduce((a, b) => a + b, 0);
    const movedSlots = (await slotOwners(ports[0])).filter((p) => p === ports[3]).length;
    if (total !== RESHARD_KEYS) throw new Error(`after the reshard ${total} keys, expected ${RESHARD_KEYS}`);
    // redis-cli rounds each source's share down (2000 slots from 3 masters moves 1999).
    if (movedSlots < RESHARD_SLOTS - 3 || movedSlots > RESHARD_SLOTS) {
      const nodes = String(await callOnce(ports[0], 'CLUSTER', 'NODES'));
      throw new Error(`the new master owns ${movedSlots} slots; CLUSTER NODES:\n${nodes}`);
    }
    return { ms, detail: `${after[3]} keys moved in ${movedSlots} slots` };
  } finally {
    for (const p of started) await p.stop();
  }
}

/** Row 3: a full sync of SYNC_KEYS keys from a master to a new replica. */
async function measureSync(kind, dir) {
  const [masterPort, replicaPort] = [await freePortBlock(1), await freePortBlock(1)];
  const started = [];
  const common = (port, sub) => {
    mkdirSync(join(dir, sub), { recursive: true });
    return ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', join(dir, sub)];
  };
  // Diskless sync (the 7.0 default) without its 5 s wait for more replicas: the transfer, not the delay, is measured.
  const masterArgs = [...common(masterPort, 'master'), '--repl-diskless-sync-delay', '0'];
  const replicaArgs = common(replicaPort, 'replica');
  try {
    if (kind === 'real') {
      started.push(launch('redis-server master', 'redis-server', masterArgs));
      started.push(launch('redis-server replica', 'redis-server', replicaArgs));
    } else {
      started.push(launch('redis-sim master', process.execPath, [CLI, 'server', ...masterArgs]));
      started.push(launch('redis-sim replica', process.execPath, [CLI, 'server', ...replicaArgs]));
    }
    await untilPing([masterPort, replicaPort], { timeoutMs: STEP_TIMEOUT_MS, procs: started });
    const files = await writeLoadFiles(dir, SYNC_KEYS, () => masterPort);
    await pipeLoad(masterPort, files.get(masterPort));
    const size = await callOnce(masterPort, 'DBSIZE');
    if (size !== SYNC_KEYS) throw new Error(`master holds ${size} keys, expected ${SYNC_KEYS}`);

    const replica = await Conn.open(replicaPort);
    try {
      const t0 = performance.now();
      const reply = await replica.call('REPLICAOF', HOST, masterPort);
      if (reply !== 'OK') throw new Error(`REPLICAOF answered ${JSON.stringify(reply)}`);
      await until(
        async () => {
          const info = await replica.call('INFO', 'replication');
          return field(info, 'master_link_status') === 'up' && field(info, 'master_sync_in_progress') === '0';
        },
        'replica in sync',
        started,
      );
      const ms = performance.now() - t0;
      const synced = await replica.call('DBSIZE');
      if (synced !== SYNC_KEYS) throw new Error(`replica holds ${synced} keys after the sync, expected ${SYNC_KEYS}`);
      return { ms, detail: `${SYNC_KEYS.toLocaleString('en-US')} keys on the replica` };
    } finally {
      replica.close();
    }
  } finally {
    for (const p of started) await p.stop();
  }
}

const MEASUREMENTS = [
  {
    id: 'formation',
    title: 'start → cluster_state:ok, 4 masters × 1 replica',
    goal: 'sim < 1 s',
    met: (real, sim) => sim < 1000,
    run: measureFormation,
  },
  {
    id: 'reshard',
    title: `reshard ${RESHARD_SLOTS} slots, ${RESHARD_KEYS.toLocaleString('en-US')} keys, 3 → 4 masters`,
    goal: 'sim ≤ real',
    met: (real, sim) => sim <= real,
    run: measureReshard,
  },
  {
    id: 'sync',
    title: `full sync of ${SYNC_KEYS.toLocaleString('en-US')} keys to a replica`,
    goal: '(report)',
    met: () => null,
    run: measureSync,
  },
];

async function main() {
  const info = machine();
  const root = mkdtempSync(join(tmpdir(), 'redis-sim-bench-cluster-'));
  const rows = [];
  const notes = [];
  try {
    for (const m of MEASUREMENTS.filter((x) => ROWS.includes(x.id))) {
      const result = {};
      for (const kind of ['real', 'sim']) {
        const dir = join(root, `${m.id}-${kind}`);
        mkdirSync(dir, { recursive: true });
        const label = kind === 'real' ? 'redis-server' : 'redis-sim';
        process.stdout.write(`${m.id} on ${label}… `);
        try {
          result[kind] = await m.run(kind, dir);
          console.log(`${formatMs(result[kind].ms)} (${result[kind].detail})`);
          notes.push(`- ${m.id}, ${label}: ${result[kind].detail}`);
        } catch (e) {
          result[kind] = { error: String(e?.message ?? e) };
          console.log(`FAILED: ${result[kind].error}`);
          notes.push(`- ${m.id}, ${label}: FAILED — ${oneLine(result[kind].error)}`);
        } finally {
          await stopAll();
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const { real, sim } = result;
      const both = real.ms !== undefined && sim.ms !== undefined;
      const met = sim.ms === undefined ? false : m.met(real.ms, sim.ms);
      rows.push([
        m.title,
        real.ms === undefined ? 'failed' : formatMs(real.ms),
        sim.ms === undefined ? 'failed' : formatMs(sim.ms),
        both ? (sim.ms / real.ms).toFixed(2) : '-',
        m.goal,
        met === null ? '' : met ? 'met' : 'MISSED',
      ]);
    }
  } finally {
    await stopAll();
    rmSync(root, { recursive: true, force: true });
  }

  const header = ['measurement', 'redis-server', 'redis-sim', 'sim/real', 'goal', ''];
  const table = markdownTable(header, rows);
  const about = [
    `- Command: \`npm run bench:cluster\` (bench/cluster.mjs; BENCH_RESHARD_KEYS=${RESHARD_KEYS}, BENCH_SYNC_KEYS=${SYNC_KEYS})`,
    "- Cluster nodes: `--cluster-enabled yes --cluster-node-timeout 5000 --appendonly no --save ''` (as utils/create-cluster);" +
      ' real formation: 8 × redis-server + `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`, redis-sim: `redis-sim cluster --masters 4 --replicas 1`',
    `- Reshard: \`redis-cli --cluster create\` of 3 masters, \`redis-cli --cluster add-node\` of a 4th, keys \`key:<i>\` loaded with \`redis-cli --pipe\` into each owner, then \`redis-cli --cluster reshard <seed> --cluster-from all --cluster-to <new id> --cluster-slots ${RESHARD_SLOTS} --cluster-yes\` timed`,
    "- Sync: master `--save '' --appendonly no --repl-diskless-sync-delay 0` loaded with `redis-cli --pipe`, then `REPLICAOF` on an empty replica, timed until `master_link_status:up` and `master_sync_in_progress:0`",
  ];
  publish(formatReport({ title: 'Cluster', info, about, blocks: [table], notes }), 'BENCH_CLUSTER_NO_APPEND');
}

await main();
