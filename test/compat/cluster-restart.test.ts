// A cluster node stopped and restarted from its directory (redis.conf, nodes.conf, AOF) comes back with the same
// node id, the same role and its data. Proven on real Redis 7.0.15 nodes, then asserted on redis-sim nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClusterOrThrow,
  makeEntries,
  nodeId,
  parseClusterNodes,
  pipeLoad,
  routeKeys,
  startKindNodes,
  unreadableKeys,
  waitFor,
  waitForClusterOk,
  type NodeKind,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { RespClient } from '../helpers/servers.js';

const KINDS: readonly NodeKind[] = ['real', 'sim'];

describe.each(KINDS)('restarting cluster nodes on %s nodes', (kind) => {
  let set: NodeSet;
  let nodes: readonly NodeProcess[];
  let seed: NodeProcess;
  const entries = makeEntries('restart', 3000);

  /** The node's own CLUSTER NODES line. */
  async function myLine(node: NodeProcess) {
    const lines = parseClusterNodes(String(await node.run('CLUSTER', 'NODES')));
    return lines.find((l) => l.flags.includes('myself'))!;
  }

  /** The replica (among `nodes`) of the master `master`. */
  async function replicaOf(master: NodeProcess): Promise<NodeProcess> {
    const id = await nodeId(master);
    for (const node of nodes) if ((await myLine(node)).master === id) return node;
    throw new Error(`no replica of ${master.address}`);
  }

  /** The entries whose keys `master` serves. */
  async function entriesOf(master: NodeProcess): Promise<Map<string, string>> {
    const keys = (await routeKeys(seed, [...entries.keys()])).get(master.port) ?? [];
    return new Map(keys.map((k) => [k, entries.get(k)!]));
  }

  /** Reads `wanted` from a replica (READONLY) and returns the keys that do not hold their value yet. */
  async function missingOnReplica(replica: NodeProcess, wanted: ReadonlyMap<string, string>): Promise<string[]> {
    const client = await RespClient.connect(replica.port);
    try {
      expect(await client.run('READONLY')).toBe('OK');
      const keys = [...wanted.keys()];
      const values = await Promise.all(keys.map((k) => client.run('GET', k)));
      return keys.filter((k, i) => values[i] !== wanted.get(k));
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    set = await startKindNodes(kind, 6);
    nodes = set.nodes;
    seed = nodes[1]!;
    await createClusterOrThrow(nodes, 1);
    await waitForClusterOk(seed, nodes);
    await pipeLoad(seed, entries);
  }, 120_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('a master comes back with the same id, role, slots and data', async () => {
    const master = nodes[0]!;
    const before = await myLine(master);
    expect(before.flags).toEqual(['myself', 'master']);
    const mine = await entriesOf(master);
    expect(mine.size).toBeGreaterThan(0);
    const replica = await replicaOf(master);
    // Its replica must hold the data first, or a restarted master could be told to resync from an empty one.
    await waitFor(async () => (await missingOnReplica(replica, mine)).length === 0, {
      timeoutMs: 20_000,
      message: 'replica did not catch up',
    });

    const downSince = Date.now();
    await master.halt();
    expect(master.running()).toBe(false);
    await master.restart();
    // Down for longer than cluster-node-timeout (a loaded machine), its replica may rightly have taken over.
    const context = `down for ${Date.now() - downSince} ms; its log:\n${master.output().slice(-3000)}`;

    expect(await master.run('CLUSTER', 'MYID'), context).toBe(before.id);
    const after = await myLine(master);
    expect(after.flags, context).toEqual(['myself', 'master']);
    expect(after.slots, context).toEqual(before.slots);
    expect(after.configEpoch, context).toBe(before.configEpoch);
    expect(await master.run('DBSIZE'), context).toBe(mine.size);
    await waitForClusterOk(seed, nodes, { timeoutMs: 30_000 });
    expect(await unreadableKeys(seed, entries)).toEqual([]);
    expect((await myLine(replica)).master).toBe(before.id);
  }, 90_000);

  it('a replica comes back with the same id and master, and catches up on what it missed', async () => {
    const master = nodes[2]!;
    const replica = await replicaOf(master);
    const before = await myLine(replica);
    expect(before.flags).toEqual(['myself', 'slave']);

    await replica.halt();
    // Writes it misses while it is down.
    const missed = new Map<string, string>();
    for (const [key, value] of await entriesOf(master)) missed.set(key, `${value}-rewritten`);
    const client = await RespClient.connect(master.port);
    try {
      for (const [key, value] of missed) expect(await client.run('SET', key, value)).toBe('OK');
    } finally {
      await client.close();
    }
    await replica.restart();

    expect(await replica.run('CLUSTER', 'MYID')).toBe(before.id);
    const after = await myLine(replica);
    expect(after.flags).toEqual(['myself', 'slave']);
    expect(after.master).toBe(before.master);
    await waitFor(async () => (await missingOnReplica(replica, missed)).length === 0, {
      timeoutMs: 30_000,
      message: 'restarted replica did not catch up',
    });
    expect(String(await replica.run('INFO', 'replication'))).toContain('master_link_status:up\r\n');
    await waitForClusterOk(seed, nodes, { timeoutMs: 30_000 });
  }, 90_000);
});
