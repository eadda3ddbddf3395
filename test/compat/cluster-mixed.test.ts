// Mixed clusters: real Redis 7.0.15 masters with redis-sim replicas, and the reverse. The cluster bus and
// replication speak Redis's own wire formats, so `--cluster create` must work across kinds, `--cluster check` must be
// clean from either side, and keys written through `redis-cli -c` must replicate across kinds (read with READONLY
// on the replicas). The all-real case proves every expectation first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkIsClean,
  clusterCheck,
  createCluster,
  makeEntries,
  nodeId,
  parseClusterNodes,
  routeKeys,
  startNodes,
  waitFor,
  shown,
  waitForClusterOk,
  MIXED_CASES,
  mixedKinds,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { RespClient } from '../helpers/servers.js';
import { runTool } from './targets.js';

describe.each(MIXED_CASES)('a mixed cluster: $name', ({ masters: masterKind, replicas: replicaKind }) => {
  let set: NodeSet;
  let nodes: readonly NodeProcess[];
  const entries = makeEntries('mixed', 1000);

  beforeAll(async () => {
    set = await startNodes(mixedKinds(masterKind, replicaKind));
    nodes = set.nodes;
  }, 60_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('--cluster create builds it, masters of one kind and replicas of the other', async () => {
    const create = await createCluster(nodes, 1);
    expect(create.code, shown(create)).toBe(0);
    expect(create.stdout).toContain('[OK] All 16384 slots covered.');
    await waitForClusterOk(nodes[0]!, nodes, { timeoutMs: 60_000 });
    for (const node of nodes) {
      const mine = parseClusterNodes(String(await node.run('CLUSTER', 'NODES'))).find((l) =>
        l.flags.includes('myself'),
      )!;
      expect(mine.flags).toEqual(['myself', nodes.indexOf(node) < 3 ? 'master' : 'slave']);
    }
  }, 90_000);

  it('--cluster check is clean from every node, of either kind', async () => {
    for (const node of nodes) {
      const check = await clusterCheck(node);
      expect(checkIsClean(check), `check from ${node.kind} ${node.address}:\n${shown(check)}`).toBe(true);
    }
  });

  it('keys written through redis-cli -c replicate to the replicas of the other kind', async () => {
    const script = [...entries].map(([key, value]) => `SET ${key} ${value}\n`).join('');
    const written = await runTool('redis-cli', ['-c', '-p', String(nodes[3]!.port)], { input: script });
    expect(written.code).toBe(0);
    expect(written.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('-> Redirected'))).toEqual(
      [...entries].map(() => 'OK'),
    );

    const groups = await routeKeys(nodes[0]!, [...entries.keys()]);
    expect(groups.size).toBe(3);
    for (const [port, keys] of groups) {
      const master = nodes.find((n) => n.port === port)!;
      expect(master.kind).toBe(masterKind);
      const masterId = await nodeId(master);
      const replica = await _replicaOf(nodes, masterId);
      expect(replica.kind).toBe(replicaKind);
      const client = await RespClient.connect(replica.port);
      try {
        expect(await client.run('READONLY')).toBe('OK');
        await waitFor(
          async () => {
            const values = await Promise.all(keys.map((k) => client.run('GET', k)));
            return values.every((v, i) => v === entries.get(keys[i]!));
          },
          { timeoutMs: 20_000, message: `replica ${replica.address} did not get its master's keys` },
        );
        // Without READONLY the replica redirects to its master.
        expect(await client.run('READWRITE')).toBe('OK');
        const moved = (await client.run('GET', keys[0]!)) as { error: string };
        expect(moved.error).toMatch(new RegExp(`^MOVED \\d+ 127\\.0\\.0\\.1:${port}$`));
      } finally {
        await client.close();
      }
      const info = String(await replica.run('INFO', 'replication'));
      expect(info).toContain('role:slave\r\n');
      expect(info).toContain(`master_port:${port}\r\n`);
      expect(info).toContain('master_link_status:up\r\n');
    }
  }, 60_000);
});

// --- internal ---

/** The node whose own CLUSTER NODES line says it replicates `masterId`. */
async function _replicaOf(nodes: readonly NodeProcess[], masterId: string): Promise<NodeProcess> {
  for (const node of nodes) {
    const mine = parseClusterNodes(String(await node.run('CLUSTER', 'NODES'))).find((l) => l.flags.includes('myself'));
    if (mine?.master === masterId) return node;
  }
  throw new Error(`no replica of ${masterId}`);
}
