// Managing a loaded cluster with the real `redis-cli --cluster` subcommands: add-node (master, and replica without a
// master id), reshard, rebalance, del-node, call, info, set-timeout, fix on a half-migrated slot, and import from a
// standalone node. Each must exit 0 and leave `--cluster check` clean, with every key still readable. Proven on real
// Redis 7.0.15 nodes, then asserted on redis-sim nodes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkIsClean,
  clusterCheck,
  clusterTool,
  createClusterOrThrow,
  freePortBlock,
  makeEntries,
  nodeId,
  parseClusterNodes,
  pipeLoad,
  startKindNodes,
  startNode,
  unreadableKeys,
  shown,
  waitForClusterOk,
  type NodeKind,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import type { ToolResult } from './targets.js';

const KINDS: readonly NodeKind[] = ['real', 'sim'];

/** How many keys the cluster holds while it is resharded and rebalanced. */
const KEY_COUNT = 100_000;

describe.each(KINDS)('redis-cli --cluster management on %s nodes', (kind) => {
  let set: NodeSet;
  let standalone: NodeProcess;
  /** The three masters --cluster create builds. */
  let first: NodeProcess[];
  let seed: NodeProcess;
  let newMaster: NodeProcess;
  let newReplica: NodeProcess;
  /** The nodes that are cluster members right now. */
  let members: NodeProcess[];
  const entries = makeEntries('manage', KEY_COUNT);

  /** Expects a tool run to have exited 0, showing its output otherwise. */
  function expectOk(result: ToolResult): void {
    expect(result.code, shown(result)).toBe(0);
  }

  /** Waits until the members agree, then asserts `--cluster check` from every member is clean. */
  async function expectClean(): Promise<void> {
    await waitForClusterOk(seed, members, { timeoutMs: 60_000 });
    for (const node of members) {
      const check = await clusterCheck(node);
      expect(checkIsClean(check), `check from ${node.address}:\n${shown(check)}`).toBe(true);
    }
  }

  /** Each master's slot count, per `seed`'s CLUSTER NODES. */
  async function slotCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const line of parseClusterNodes(String(await seed.run('CLUSTER', 'NODES')))) {
      if (!line.flags.includes('master')) continue;
      let n = 0;
      for (const token of line.slots) {
        if (token.startsWith('[')) continue;
        const [from, to = from] = token.split('-').map(Number) as [number, number?];
        n += to - from + 1;
      }
      counts.set(line.id, n);
    }
    return counts;
  }

  beforeAll(async () => {
    set = await startKindNodes(kind, 5);
    first = set.nodes.slice(0, 3);
    [seed] = first as [NodeProcess];
    newMaster = set.nodes[3]!;
    newReplica = set.nodes[4]!;
    members = [...first];
    await createClusterOrThrow(first, 0);
    await waitForClusterOk(seed, members);
    standalone = await startNode(kind, await freePortBlock(1), ['cluster-enabled no']);
  }, 120_000);
  afterAll(async () => {
    await set?.stop();
    await standalone?.stop();
  });

  it(`loads ${KEY_COUNT} keys into their masters with redis-cli --pipe`, async () => {
    await pipeLoad(seed, entries);
    let total = 0;
    for (const node of first) total += Number(await node.run('DBSIZE'));
    expect(total).toBe(KEY_COUNT);
  }, 60_000);

  it('add-node adds an empty master', async () => {
    const result = await clusterTool('add-node', [newMaster.address, seed.address]);
    expectOk(result);
    expect(result.stdout).toContain(`>>> Adding node ${newMaster.address} to cluster ${seed.address}`);
    expect(result.stdout).toContain('[OK] New node added correctly.');
    members.push(newMaster);
    await expectClean();
    const lines = parseClusterNodes(String(await newMaster.run('CLUSTER', 'NODES')));
    const mine = lines.find((l) => l.flags.includes('myself'))!;
    expect(mine.flags).toEqual(['myself', 'master']);
    expect(mine.slots).toEqual([]);
  }, 90_000);

  it('add-node --cluster-slave, with no master id, attaches a replica to a master', async () => {
    const result = await clusterTool('add-node', [newReplica.address, seed.address, '--cluster-slave']);
    expectOk(result);
    expect(result.stdout).toMatch(/Automatically selected master 127\.0\.0\.1:\d+/);
    expect(result.stdout).toContain('>>> Configure node as replica of 127.0.0.1:');
    expect(result.stdout).toContain('[OK] New node added correctly.');
    members.push(newReplica);
    await expectClean();
    const master = /Automatically selected master 127\.0\.0\.1:(\d+)/.exec(result.stdout)![1];
    const masterNode = members.find((n) => String(n.port) === master)!;
    const lines = parseClusterNodes(String(await newReplica.run('CLUSTER', 'NODES')));
    const mine = lines.find((l) => l.flags.includes('myself'))!;
    expect(mine.flags).toEqual(['myself', 'slave']);
    expect(mine.master).toBe(await nodeId(masterNode));
  }, 90_000);

  it('reshards 2000 slots from all masters to the new one, keeping every key', async () => {
    // Redis's own pitfall: right after add-node, some node may not know the new one yet ("Unknown node"); a user
    // re-runs check until it is clean before resharding, as expectClean does.
    await expectClean();
    const target = await nodeId(newMaster);
    const result = await clusterTool(
      'reshard',
      [seed.address, '--cluster-from', 'all', '--cluster-to', target, '--cluster-slots', '2000', '--cluster-yes'],
      { timeoutMs: 300_000 },
    );
    expectOk(result);
    expect(result.stdout).toContain('Ready to move 2000 slots.');
    expect(result.stdout).toMatch(/^Moving slot \d+ from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+: /m);
    await expectClean();
    // redis-cli splits the 2000 between the sources by their share, rounding the first up and the others down
    // (clusterManagerComputeReshardTable): 667 + 666 + 666 here.
    const moved = new Set([...result.stdout.matchAll(/^Moving slot (\d+) from /gm)].map((m) => m[1]));
    expect(moved.size).toBe(1999);
    expect((await slotCounts()).get(target)).toBe(1999);
    expect(Number(await newMaster.run('DBSIZE'))).toBeGreaterThan(0);
    expect(await unreadableKeys(seed, entries)).toEqual([]);
  }, 360_000);

  it('rebalances the masters, keeping every key', async () => {
    const result = await clusterTool('rebalance', [seed.address], { timeoutMs: 300_000 });
    expectOk(result);
    expect(result.stdout).toContain('>>> Rebalancing across 4 nodes. Total weight = 4.00');
    await expectClean();
    for (const count of (await slotCounts()).values()) expect(Math.abs(count - 4096)).toBeLessThanOrEqual(82);
    expect(await unreadableKeys(seed, entries)).toEqual([]);
  }, 360_000);

  it('del-node removes the replica from the cluster', async () => {
    const id = await nodeId(newReplica);
    const result = await clusterTool('del-node', [seed.address, id]);
    expectOk(result);
    expect(result.stdout).toContain(`>>> Removing node ${id} from cluster ${seed.address}`);
    expect(result.stdout).toContain('>>> Sending CLUSTER FORGET messages to the cluster...');
    expect(result.stdout).toContain('>>> Sending CLUSTER RESET SOFT to the deleted node.');
    members = members.filter((n) => n !== newReplica);
    await expectClean();
    for (const node of members) expect(String(await node.run('CLUSTER', 'NODES'))).not.toContain(id);
    // The deleted node was reset: it knows only itself, and is empty.
    expect(String(await newReplica.run('CLUSTER', 'INFO'))).toContain('cluster_known_nodes:1\r\n');
  }, 90_000);

  it('call runs a command on every node', async () => {
    const result = await clusterTool('call', [seed.address, 'DBSIZE']);
    expectOk(result);
    expect(result.stdout).toContain('>>> Calling DBSIZE');
    let total = 0;
    for (const node of members) {
      const match = new RegExp(`^${node.address.replace(/\./g, '\\.')}: (\\d+)$`, 'm').exec(result.stdout);
      expect(match, result.stdout).not.toBeNull();
      total += Number(match![1]);
    }
    expect(total).toBe(KEY_COUNT);
  });

  it('info summarises keys, slots and replicas per master', async () => {
    const result = await clusterTool('info', [seed.address]);
    expectOk(result);
    const rows = [
      ...result.stdout.matchAll(
        /^127\.0\.0\.1:(\d+) \(([0-9a-f]{8})\.\.\.\) -> (\d+) keys \| (\d+) slots \| (\d+) slaves\.$/gm,
      ),
    ];
    expect(rows).toHaveLength(4);
    expect(rows.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(KEY_COUNT);
    expect(rows.reduce((sum, row) => sum + Number(row[4]), 0)).toBe(16_384);
    expect(result.stdout).toContain(`[OK] ${KEY_COUNT} keys in 4 masters.`);
    expect(result.stdout).toContain(`${(KEY_COUNT / 16_384).toFixed(2)} keys per slot on average.`);
  });

  it('set-timeout sets and persists cluster-node-timeout on every node', async () => {
    const result = await clusterTool('set-timeout', [seed.address, '6000']);
    expectOk(result);
    expect(result.stdout).toContain('>>> Reconfiguring node timeout in every cluster node...');
    expect(result.stdout).toContain(`>>> New node timeout set. ${members.length} OK, 0 ERR.`);
    for (const node of members) {
      expect(await node.run('CONFIG', 'GET', 'cluster-node-timeout')).toEqual(['cluster-node-timeout', '6000']);
      expect(readFileSync(join(node.dir, 'redis.conf'), 'latin1')).toMatch(/^cluster-node-timeout 6000$/m);
    }
    await expectClean();
  });

  it('fix closes a half-migrated slot, keeping its keys', async () => {
    // A slot of the seed's with keys in it, left open: IMPORTING on the destination, MIGRATING on the seed, one of
    // its keys already moved.
    const seedId = await nodeId(seed);
    const dest = members.find((n) => n !== seed && n !== newReplica)!;
    const destId = await nodeId(dest);
    const slot = (await seedOwnedSlots())[0]!;
    const keys = (await seed.run('CLUSTER', 'GETKEYSINSLOT', slot, 1000)) as string[];
    expect(keys.length).toBeGreaterThan(1);
    expect(await dest.run('CLUSTER', 'SETSLOT', slot, 'IMPORTING', seedId)).toBe('OK');
    expect(await seed.run('CLUSTER', 'SETSLOT', slot, 'MIGRATING', destId)).toBe('OK');
    expect(await seed.run('MIGRATE', '127.0.0.1', dest.port, keys[0]!, 0, 5000)).toBe('OK');

    const broken = await clusterCheck(seed);
    expect(broken.stdout).toContain(`[WARNING] Node ${seed.address} has slots in migrating state ${slot}.`);
    expect(broken.stdout).toContain(`[WARNING] Node ${dest.address} has slots in importing state ${slot}.`);
    expect(broken.stdout).toContain(`[WARNING] The following slots are open: ${slot}.`);

    const result = await clusterTool('fix', [seed.address, '--cluster-yes'], { input: 'yes\n' });
    expectOk(result);
    expect(result.stdout).toContain(`>>> Fixing open slot ${slot}`);
    await expectClean();
    const slotEntries = new Map(keys.map((k) => [k, entries.get(k)!]));
    expect(await unreadableKeys(seed, slotEntries)).toEqual([]);
    expect(await unreadableKeys(seed, entries)).toEqual([]);

    /** The slots the seed's own CLUSTER NODES line lists. */
    async function seedOwnedSlots(): Promise<number[]> {
      const line = parseClusterNodes(String(await seed.run('CLUSTER', 'NODES'))).find((l) =>
        l.flags.includes('myself'),
      )!;
      const slots: number[] = [];
      for (const token of line.slots) {
        const [from, to = from] = token.split('-').map(Number) as [number, number?];
        for (let s = from; s <= to; s++) slots.push(s);
      }
      return slots;
    }
  }, 120_000);

  it('import moves every key of a standalone node into the cluster', async () => {
    const imported = makeEntries('imported', 1000);
    for (const [key, value] of imported) expect(await standalone.run('SET', key, value)).toBe('OK');
    expect(String(await standalone.run('INFO', 'cluster'))).toContain('cluster_enabled:0\r\n');
    const result = await clusterTool('import', [seed.address, '--cluster-from', standalone.address], {
      timeoutMs: 120_000,
    });
    expectOk(result);
    expect(result.stdout).toContain(`>>> Importing data from ${standalone.address} to cluster ${seed.address}`);
    expect(result.stdout).toMatch(/^Migrating imported:0 to 127\.0\.0\.1:\d+: OK$/m);
    expect(await standalone.run('DBSIZE')).toBe(0);
    expect(await unreadableKeys(seed, imported)).toEqual([]);
    await expectClean();
  }, 150_000);
});
