// Real cluster clients — ioredis 5 `Cluster`, node-redis 4 and 5 `createCluster`, redis-py 4.3.4 `RedisCluster` — write
// and read 10 000 keys while `redis-cli --cluster reshard` moves slots under them, with no error reaching the user;
// then `redis-benchmark --cluster` runs. Proven on real Redis 7.0.15 nodes, then asserted on redis-sim nodes.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Cluster as IoRedisCluster } from 'ioredis5';
import { createCluster as createCluster4 } from 'redis4';
import { createCluster as createCluster5 } from 'redis5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterTool,
  createClusterOrThrow,
  makeEntries,
  nodeId,
  pipeLoad,
  startKindNodes,
  shown,
  waitFor,
  waitForClusterOk,
  type NodeKind,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { tempDir } from '../helpers/servers.js';
import { runTool } from './targets.js';

const KINDS: readonly NodeKind[] = ['real', 'sim'];

/** Debian's interpreter: the `python3` on PATH may lack the redis module. */
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = resolve(import.meta.dirname, 'cluster-py-client.py');

/** Keys each client writes and reads back per round. */
const CLIENT_KEYS = 10_000;

/** How many requests a Node client keeps in flight. */
const IN_FLIGHT = 100;

/** Slots each reshard moves. */
const SLOTS_PER_RESHARD = '500';

/** The calls these tests make on any of the Node cluster clients. */
interface KvClient {
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

/** What a client saw while a reshard ran. */
interface Outcome {
  rounds: number;
  errors: string[];
  wrong: number;
}

/** Writes then reads CLIENT_KEYS keys, round after round until `running()` turns false (at least one round). */
async function exercise(client: KvClient, prefix: string, running: () => boolean): Promise<Outcome> {
  const outcome: Outcome = { rounds: 0, errors: [], wrong: 0 };
  const keys = Array.from({ length: CLIENT_KEYS }, (_, i) => `${prefix}:${i}`);
  do {
    const round = outcome.rounds;
    for (let i = 0; i < keys.length; i += IN_FLIGHT) {
      const chunk = keys.slice(i, i + IN_FLIGHT);
      await Promise.all(
        chunk.map((key) =>
          client.set(key, `${round}:${key}`).catch((e: unknown) => outcome.errors.push(`SET ${key}: ${String(e)}`)),
        ),
      );
    }
    for (let i = 0; i < keys.length; i += IN_FLIGHT) {
      const chunk = keys.slice(i, i + IN_FLIGHT);
      await Promise.all(
        chunk.map(async (key) => {
          try {
            if ((await client.get(key)) !== `${round}:${key}`) outcome.wrong++;
          } catch (e) {
            outcome.errors.push(`GET ${key}: ${String(e)}`);
          }
        }),
      );
    }
    outcome.rounds++;
  } while (running());
  return outcome;
}

describe.each(KINDS)('cluster clients during a reshard on %s nodes', (kind) => {
  let set: NodeSet;
  let masters: NodeProcess[];
  let seed: NodeProcess;

  /** How many MOVED and ASK redirections the masters have replied so far (INFO errorstats). */
  async function redirections(): Promise<number> {
    let total = 0;
    for (const node of set.nodes) {
      const stats = String(await node.run('INFO', 'errorstats'));
      for (const m of stats.matchAll(/^errorstat_(?:MOVED|ASK):count=(\d+)\r$/gm)) total += Number(m[1]);
    }
    return total;
  }

  /**
   * Runs `work` while a reshard moves SLOTS_PER_RESHARD slots from `from` to `to`; checks the reshard succeeded and
   * that the client was redirected meanwhile (so it really ran against a moving cluster).
   */
  async function duringReshard<T>(
    from: NodeProcess,
    to: NodeProcess,
    work: (running: () => boolean) => Promise<T>,
  ): Promise<T> {
    await waitForClusterOk(seed, set.nodes, { timeoutMs: 60_000 });
    const redirectedBefore = await redirections();
    const args = ['--cluster-from', await nodeId(from), '--cluster-to', await nodeId(to)];
    let done = false;
    const reshard = clusterTool(
      'reshard',
      [seed.address, ...args, '--cluster-slots', SLOTS_PER_RESHARD, '--cluster-yes'],
      { timeoutMs: 300_000 },
    ).finally(() => (done = true));
    const [outcome, result] = await Promise.all([work(() => !done), reshard]);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout).toContain(`Ready to move ${SLOTS_PER_RESHARD} slots.`);
    await waitForClusterOk(seed, set.nodes, { timeoutMs: 60_000 });
    expect(await redirections()).toBeGreaterThan(redirectedBefore);
    return outcome;
  }

  beforeAll(async () => {
    set = await startKindNodes(kind, 6);
    masters = set.nodes.slice(0, 3);
    seed = masters[0]!;
    await createClusterOrThrow(set.nodes, 1);
    await waitForClusterOk(seed, set.nodes);
    // Keys in every slot, so that each reshard has keys to MIGRATE and takes a while.
    await pipeLoad(seed, makeEntries('bulk', 30_000));
  }, 120_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('ioredis 5 Cluster reads and writes through a reshard without errors', async () => {
    const errors: string[] = [];
    const cluster = new IoRedisCluster([{ host: '127.0.0.1', port: seed.port }], {
      clusterRetryStrategy: () => null,
    });
    cluster.on('error', (e: Error) => errors.push(`error event: ${e.message}`));
    try {
      await new Promise<void>((ready, fail) => {
        cluster.once('ready', () => ready());
        cluster.once('end', () => fail(new Error(`ioredis cluster ended: ${errors.join('; ')}`)));
      });
      const outcome = await duringReshard(masters[0]!, masters[1]!, (running) => exercise(cluster, 'ioredis', running));
      expect(outcome.errors.slice(0, 5)).toEqual([]);
      expect(outcome.wrong).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      cluster.disconnect();
    }
  }, 360_000);

  const NODE_REDIS = [
    { name: 'node-redis 4', create: createCluster4, from: 1, to: 2 },
    { name: 'node-redis 5', create: createCluster5, from: 2, to: 0 },
  ] as const;

  it.each(NODE_REDIS)(
    '$name createCluster reads and writes through a reshard without errors',
    async (flavour) => {
      const errors: string[] = [];
      const cluster = (flavour.create as typeof createCluster5)({
        rootNodes: [{ socket: { host: '127.0.0.1', port: seed.port } }],
      });
      cluster.on('error', (e: Error) => errors.push(`error event: ${e.message}`));
      await cluster.connect();
      try {
        const outcome = await duringReshard(masters[flavour.from]!, masters[flavour.to]!, (running) =>
          exercise(cluster as unknown as KvClient, flavour.name.replace(' ', '-'), running),
        );
        expect(outcome.errors.slice(0, 5)).toEqual([]);
        expect(outcome.wrong).toBe(0);
        expect(errors).toEqual([]);
      } finally {
        await (cluster as unknown as { disconnect?: () => Promise<void>; destroy?: () => void }).disconnect?.();
      }
    },
    360_000,
  );

  it('redis-py RedisCluster reads and writes through a reshard without errors', async () => {
    const { dir, cleanup } = tempDir('redis-sim-py-cluster-');
    const readyFile = join(dir, 'ready');
    const stopFile = join(dir, 'stop');
    // The script connects (learning the slots before they move), then runs rounds until the stop file appears,
    // which the end of the reshard creates.
    const py = runTool(PYTHON, [PY_SCRIPT, String(seed.port), 'py', String(CLIENT_KEYS), readyFile, stopFile], {
      timeoutMs: 300_000,
    });
    try {
      let exited = false;
      void py.finally(() => (exited = true)).catch(() => {});
      await waitFor(() => existsSync(readyFile) || exited, { timeoutMs: 20_000, message: 'redis-py did not connect' });
      await duringReshard(masters[0]!, masters[2]!, async (running) => {
        while (running()) await new Promise((r) => setTimeout(r, 50));
        writeFileSync(stopFile, '');
      });
      const done = await py;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const out = JSON.parse(done.stdout) as { rounds: number; writes: number; reads: number; errors: string[] };
      expect(out).toMatchObject({ errors: [], wrong: 0 });
      expect(out.rounds).toBeGreaterThanOrEqual(1);
      expect(out.writes).toBe(out.rounds * CLIENT_KEYS);
      expect(out.reads).toBe(out.rounds * CLIENT_KEYS);
    } finally {
      if (!existsSync(stopFile)) writeFileSync(stopFile, '');
      await py.catch(() => {});
      cleanup();
    }
  }, 360_000);

  it('redis-benchmark --cluster -t set,get -n 10000 -q completes', async () => {
    await waitForClusterOk(seed, set.nodes, { timeoutMs: 60_000 });
    const result = await runTool(
      'redis-benchmark',
      ['--cluster', '-h', '127.0.0.1', '-p', String(seed.port), '-t', 'set,get', '-n', '10000', '-q'],
      { timeoutMs: 120_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Cluster has 3 master nodes:');
    expect(result.stdout).toMatch(/^SET: [\d.]+ requests per second/m);
    expect(result.stdout).toMatch(/^GET: [\d.]+ requests per second/m);
    expect(result.stdout + result.stderr).not.toMatch(/error/i);
  }, 150_000);
});
