// Failover across kinds over real TCP: clusters of real Redis 7.0.15 and redis-sim processes (one kind for the
// masters, the other for the replicas). CLUSTER FAILOVER on a replica of either kind must swap the roles with the
// other kind's master (MFSTART, the PAUSED offset, forced votes), and killing a master must get its replica elected
// by the masters of the other kind. The all-real case proves every expectation first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClusterOrThrow,
  nodeId,
  parseClusterNodes,
  startNodes,
  waitFor,
  waitForClusterOk,
  MIXED_CASES,
  mixedKinds,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';

// The all-sim case is the lab's: six `redis-sim server` processes and a SIGKILL of a master process.
const CASES = [...MIXED_CASES, { name: 'sim masters, sim replicas', masters: 'sim', replicas: 'sim' } as const];

describe.each(CASES)('failover in a mixed cluster: $name', ({ masters, replicas }) => {
  let set: NodeSet;
  let nodes: readonly NodeProcess[];

  beforeAll(async () => {
    set = await startNodes(mixedKinds(masters, replicas));
    nodes = set.nodes;
    await createClusterOrThrow(nodes, 1);
    await waitForClusterOk(nodes[0]!, nodes, { timeoutMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('CLUSTER FAILOVER on a replica swaps it with its master on every node', async () => {
    const master = nodes[0]!;
    const masterId = await nodeId(master);
    const replica = await _replicaOf(nodes, master, masterId);
    expect(replica.kind).toBe(replicas);
    const replicaId = await nodeId(replica);
    expect(await master.run('CLUSTER', 'FAILOVER')).toEqual({
      error: 'ERR You should send CLUSTER FAILOVER to a replica',
    });
    expect(await replica.run('CLUSTER', 'FAILOVER', 'sooner')).toEqual({ error: 'ERR syntax error' });
    expect(await replica.run('CLUSTER', 'FAILOVER')).toBe('OK');
    await waitFor(
      async () => {
        for (const node of nodes) {
          const lines = parseClusterNodes(String(await node.run('CLUSTER', 'NODES')));
          const promoted = lines.find((l) => l.id === replicaId);
          const demoted = lines.find((l) => l.id === masterId);
          if (promoted === undefined || !promoted.flags.includes('master') || promoted.slots.length === 0) return false;
          if (demoted === undefined || !demoted.flags.includes('slave') || demoted.master !== replicaId) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, message: 'the manual failover did not complete everywhere' },
    );
    expect(await replica.run('ROLE')).toEqual(['master', expect.any(Number), expect.any(Array)]);
    await waitFor(async () => ((await master.run('ROLE')) as unknown[])[3] === 'connected', {
      timeoutMs: 20_000,
      message: 'the old master did not start replicating the new one',
    });
    await waitForClusterOk(nodes[0]!, nodes, { timeoutMs: 60_000 });
  }, 90_000);

  it("a killed master's replica is elected by the other masters", async () => {
    const victim = nodes[1]!;
    expect(victim.kind).toBe(masters);
    const victimId = await nodeId(victim);
    const replica = await _replicaOf(nodes, nodes[2]!, victimId);
    const replicaId = await nodeId(replica);
    await victim.halt('SIGKILL');
    const alive = nodes.filter((n) => n !== victim);
    await waitFor(
      async () => {
        for (const node of alive) {
          const lines = parseClusterNodes(String(await node.run('CLUSTER', 'NODES')));
          const promoted = lines.find((l) => l.id === replicaId);
          if (promoted === undefined || !promoted.flags.includes('master') || promoted.slots.length === 0) return false;
        }
        return true;
      },
      { timeoutMs: 45_000, message: 'the replica of the killed master was not promoted everywhere' },
    );
    await waitFor(
      async () => {
        for (const node of alive) {
          const info = String(await node.run('CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok')) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, message: 'the cluster did not come back to ok' },
    );
    // Restarted from its nodes.conf, the old master learns it lost its slots and follows the winner.
    await victim.restart();
    await waitFor(
      async () => {
        const mine = parseClusterNodes(String(await victim.run('CLUSTER', 'NODES'))).find((l) =>
          l.flags.includes('myself'),
        );
        return mine !== undefined && mine.flags.includes('slave') && mine.master === replicaId;
      },
      { timeoutMs: 30_000, message: 'the restarted old master did not become a replica of the winner' },
    );
    await waitForClusterOk(nodes[0]!, nodes, { timeoutMs: 60_000 });
  }, 150_000);
});

// --- internal ---

/** The node of `nodes` whose CLUSTER NODES line (as `seed` sees it) is a replica of `masterId`. */
async function _replicaOf(nodes: readonly NodeProcess[], seed: NodeProcess, masterId: string): Promise<NodeProcess> {
  const lines = parseClusterNodes(String(await seed.run('CLUSTER', 'NODES')));
  const line = lines.find((l) => l.flags.includes('slave') && l.master === masterId);
  if (line === undefined) throw new Error(`no replica of ${masterId}`);
  const port = Number(line.address.split('@')[0]!.split(':')[1]);
  const replica = nodes.find((n) => n.port === port);
  if (replica === undefined) throw new Error(`no node on port ${port}`);
  return replica;
}
