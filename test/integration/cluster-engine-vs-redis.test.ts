// The cluster engine against real Redis 7.0.15 on real sockets: a redis-sim node joins a cluster of real nodes, both
// sides agree on the membership, slots, roles and epochs, and each detects the other's failure (PFAIL → FAIL) and
// recovery. Real Redis is the witness: if our bus behaviour were off, its CLUSTER NODES would say so.

import { afterEach, describe, expect, it } from 'vitest';
import { ClusterTodo, type Cluster } from '../../src/cluster/cluster.js';
import { NodeFlag } from '../../src/cluster/constants.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import {
  ClientPool,
  type ProcessServer,
  type RespClient,
  startRealClusterRedis,
  startSimServer,
  waitFor,
} from '../helpers/servers.js';

const TIMEOUT = 1000;
const clients = new ClientPool();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await clients.closeAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface RealNode {
  server: ProcessServer;
  client: RespClient;
  busPort: number;
  id: string;
}

async function startReal(): Promise<RealNode> {
  const server = await startRealClusterRedis(['--cluster-node-timeout', String(TIMEOUT)]);
  cleanups.push(() => server.stop());
  const client = await clients.connect(server);
  const id = String(toPlain(await client.call('CLUSTER', 'MYID')));
  return { server, client, busPort: server.busPort, id };
}

async function startSim(): Promise<{ cluster: Cluster; port: number; busPort: number }> {
  const sim = await startSimServer([
    ['cluster-enabled', ['yes']],
    ['cluster-node-timeout', [String(TIMEOUT)]],
  ]);
  cleanups.push(() => sim.stop());
  const cluster = sim.server.node.cluster!;
  return { cluster, port: sim.port, busPort: sim.server.busPort! };
}

async function nodesOf(real: RealNode): Promise<string[]> {
  const text = String(toPlain(await real.client.call('CLUSTER', 'NODES')));
  return text.split('\n').filter((l) => l.length > 0);
}

async function infoField(real: RealNode, field: string): Promise<string | undefined> {
  const text = String(toPlain(await real.client.call('CLUSTER', 'INFO')));
  return text
    .split('\r\n')
    .find((l) => l.startsWith(`${field}:`))
    ?.slice(field.length + 1);
}

describe('cluster engine vs real Redis 7.0.15', () => {
  it('a redis-sim master joins real masters; both sides agree; failures are detected both ways', async () => {
    const a = await startReal();
    const b = await startReal();
    const sim = await startSim();
    const simId = sim.cluster.state.myself.name;

    await a.client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '5460');
    await a.client.call('CLUSTER', 'SET-CONFIG-EPOCH', '1');
    await b.client.call('CLUSTER', 'ADDSLOTSRANGE', '5461', '10922');
    await b.client.call('CLUSTER', 'SET-CONFIG-EPOCH', '2');
    const me = sim.cluster.state.myself;
    for (let slot = 10923; slot < 16384; slot++) sim.cluster.state.addSlot(slot, me);
    me.configEpoch = 3;
    sim.cluster.state.currentEpoch = 3;
    sim.cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);

    // Real Redis meets the other real node; the sim node meets the first real one (our MEET path), and real b is
    // learned through gossip on both sides.
    await a.client.call('CLUSTER', 'MEET', '127.0.0.1', String(b.server.port), String(b.busPort));
    expect(sim.cluster.startHandshake('127.0.0.1', a.server.port, a.busPort)).toBe(true);

    await waitFor(
      async () => {
        for (const real of [a, b]) {
          const lines = await nodesOf(real);
          const simLine = lines.find((l) => l.startsWith(simId));
          if (lines.length !== 3 || simLine === undefined) return false;
          if (!simLine.includes(`127.0.0.1:${sim.port}@${sim.busPort} master - `)) return false;
          if (!simLine.endsWith(' 3 connected 10923-16383')) return false;
          if ((await infoField(real, 'cluster_state')) !== 'ok') return false;
        }
        return sim.cluster.state.state === 'ok' && sim.cluster.state.nodes.size === 3;
      },
      { timeoutMs: 20_000, message: 'mixed cluster did not converge' },
    );
    // Our view of the real nodes matches what they say of themselves.
    for (const real of [a, b]) {
      const self = (await nodesOf(real)).find((l) => l.includes('myself'))!.split(' ');
      const known = sim.cluster.state.lookup(real.id)!;
      expect(`${known.ip}:${known.port}@${known.cport}`).toBe(self[1]);
      expect(known.configEpoch).toBe(Number(self[6]));
      expect(known.isMaster).toBe(true);
    }
    expect(sim.cluster.state.myself.ip).toBe('127.0.0.1');

    // Real b dies: we and real a flag it failing.
    await b.server.stop();
    await waitFor(() => sim.cluster.state.lookup(b.id)!.failed, {
      timeoutMs: 10_000,
      message: 'sim did not mark the dead real node FAIL',
    });
    await waitFor(async () => (await nodesOf(a)).some((l) => l.startsWith(b.id) && l.includes('master,fail ')), {
      timeoutMs: 10_000,
      message: 'real node did not mark the dead node FAIL',
    });
    expect(sim.cluster.state.state).toBe('fail');
    expect(sim.cluster.state.lookup(a.id)!.failed).toBe(false);
    expect((sim.cluster.state.lookup(b.id)!.flags & NodeFlag.PFAIL) === 0).toBe(true);
  }, 60_000);

  it('a redis-sim replica of a real master, with a hostname, is seen as such and flagged FAIL when silent', async () => {
    const a = await startReal();
    const b = await startReal();
    const sim = await startSim();
    const simId = sim.cluster.state.myself.name;
    await a.client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8000');
    await b.client.call('CLUSTER', 'ADDSLOTSRANGE', '8001', '16383');
    await a.client.call('CLUSTER', 'MEET', '127.0.0.1', String(sim.port), String(sim.busPort));
    await a.client.call('CLUSTER', 'MEET', '127.0.0.1', String(b.server.port), String(b.busPort));
    await waitFor(
      async () =>
        (await nodesOf(b)).some((l) => l.startsWith(simId) && l.includes(' master - ')) &&
        sim.cluster.state.nodes.size === 3 &&
        [...sim.cluster.state.nodes.values()].every((n) => !n.inHandshake),
      { timeoutMs: 20_000, message: 'cluster did not form' },
    );
    // Real Redis picked distinct epochs for the colliding masters; we took part in that resolution.
    const epochs = new Set((await nodesOf(a)).map((l) => l.split(' ')[6]));
    await waitFor(async () => new Set((await nodesOf(a)).map((l) => l.split(' ')[6])).size === 3, {
      timeoutMs: 20_000,
      message: `configEpochs did not become distinct (${[...epochs].join(',')})`,
    });

    // We announce a hostname and become a replica of real a: the real nodes show both, and replication comes up.
    sim.cluster.node.config.set('cluster-announce-hostname', ['sim-host'], 'runtime');
    sim.cluster.setMaster(sim.cluster.state.lookup(a.id)!);
    sim.cluster.beforeReply();
    for (const real of [a, b]) {
      await waitFor(
        async () =>
          (await nodesOf(real)).some(
            (l) => l.startsWith(simId) && l.includes(`127.0.0.1:${sim.port}@${sim.busPort},sim-host slave ${a.id} `),
          ),
        { timeoutMs: 10_000, message: 'real Redis did not see the sim node as a replica with its hostname' },
      );
    }
    await waitFor(() => sim.cluster.node.replication.linkUp(), { timeoutMs: 10_000, message: 'no replication link' });

    // Our node goes silent: the two real masters agree it is failing.
    sim.cluster.shutdown();
    await waitFor(async () => (await nodesOf(a)).some((l) => l.startsWith(simId) && / slave,fail /.test(l)), {
      timeoutMs: 15_000,
      message: 'real Redis did not mark the silent sim node FAIL',
    });
  }, 60_000);
});
