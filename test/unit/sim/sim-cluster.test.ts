// Cluster nodes in the simulation: bus listening per incarnation, nodes.conf surviving restarts, and a cluster formed
// in virtual time by the same former `redis-sim cluster` uses, deterministically.

import { describe, expect, it } from 'vitest';
import { ClusterFormError } from '../../../src/cluster/cluster-former.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { formCluster } from '../../../src/sim/sim-cluster.js';
import { Simulation } from '../../../src/sim/simulation.js';

const CLUSTER = [['cluster-enabled', ['yes']]] as const;

/** A simulation with `count` cluster-mode nodes n1…n<count> on ports 6379…. */
function world(count: number, seed = 1): { sim: Simulation; names: string[] } {
  const sim = new Simulation({ seed });
  const names = Array.from({ length: count }, (_, i) => `n${i + 1}`);
  for (const name of names) sim.addNode(name, CLUSTER);
  return { sim, names };
}

describe('cluster nodes in the simulation', () => {
  it('listen on their bus port, stop on crash and listen again on restart with the same identity', () => {
    const { sim } = world(1);
    expect(sim.network.endpointAt('127.0.0.1:16379')).toBe('n1');
    const id = sim.node('n1').node.cluster!.state.myself.name;
    const probe = sim.endpoint('probe');
    const closes: string[] = [];
    const accepted = probe.net.connect('127.0.0.1', 16379);
    accepted.onClose = (reason) => closes.push(reason);
    sim.runFor(10);
    expect(closes).toEqual([]);

    sim.crash('n1');
    sim.runFor(10);
    expect(closes).toEqual(['reset']);
    const refused = probe.net.connect('127.0.0.1', 16379);
    refused.onClose = (reason) => closes.push(reason);
    sim.runFor(10);
    expect(closes).toEqual(['reset', 'refused']);

    sim.restart('n1');
    expect(sim.node('n1').node.cluster!.state.myself.name).toBe(id);
    const again = probe.net.connect('127.0.0.1', 16379);
    again.onClose = (reason) => closes.push(reason);
    sim.runFor(10);
    expect(closes).toEqual(['reset', 'refused']);
  });

  it('a standalone node has no bus listener', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('s');
    expect(sim.network.endpointAt('127.0.0.1:16379')).toBeUndefined();
  });

  it('stops listening on the bus when the node exits by SHUTDOWN', () => {
    const { sim } = world(1);
    sim.client('n1').call('SHUTDOWN', 'NOSAVE');
    sim.runUntil(() => sim.node('n1').state === 'stopped', 1000);
    const closes: string[] = [];
    const link = sim.endpoint().net.connect('127.0.0.1', 16379);
    link.onClose = (reason) => closes.push(reason);
    sim.runFor(10);
    expect(closes).toEqual(['refused']);
  });
});

describe('formCluster in a simulation', () => {
  it('forms 3 masters with 1 replica each in virtual time', () => {
    const { sim, names } = world(6);
    const formed = formCluster(sim, names, { replicas: 1 });
    expect(formed.nodes.map((n) => n.role)).toEqual(['master', 'master', 'master', 'replica', 'replica', 'replica']);
    for (const name of names) {
      const info = toPlain(sim.client(name).run('CLUSTER', 'INFO')) as string;
      expect(info).toContain('cluster_state:ok\r\n');
      expect(info).toContain('cluster_known_nodes:6\r\n');
    }
    // foo hashes to slot 12182, served by the third master (10923-16383).
    expect(toPlain(sim.client('n1').run('SET', 'foo', 'bar'))).toEqual({ error: 'MOVED 12182 127.0.0.1:6381' });
    expect(toPlain(sim.client('n3').run('SET', 'foo', 'bar'))).toBe('OK');
  });

  it('spreads masters and replicas over hosts, with jittery links', () => {
    const sim = new Simulation({ seed: 7, latency: { fixedMs: 2, jitterMs: 5 } });
    const names: string[] = [];
    for (let i = 0; i < 9; i++) {
      const name = `n${i + 1}`;
      sim.addNode(name, CLUSTER, { host: `10.0.0.${(i % 3) + 1}` });
      names.push(name);
    }
    const formed = formCluster(sim, names, { replicas: 2 });
    const byId = new Map(formed.nodes.map((n) => [n.id, n]));
    expect(formed.nodes.filter((n) => n.role === 'master').map((n) => n.host)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
    ]);
    for (const node of formed.nodes.filter((n) => n.role === 'replica')) {
      expect(byId.get(node.masterId!)!.host).not.toBe(node.host);
    }
    const info = toPlain(sim.client('n9').run('CLUSTER', 'INFO')) as string;
    expect(info).toContain('cluster_state:ok\r\n');
    expect(info).toContain('cluster_size:3\r\n');
  });

  it('is deterministic: the same seed gives the same event log', () => {
    const run = (): string => {
      const { sim, names } = world(3, 42);
      formCluster(sim, names, { replicas: 0 });
      return sim.eventLog.hash();
    };
    expect(run()).toBe(run());
  });

  it('reports a node that is not in cluster mode', () => {
    const sim = new Simulation({ seed: 1 });
    for (const name of ['a', 'b']) sim.addNode(name, CLUSTER);
    sim.addNode('plain');
    expect(() => formCluster(sim, ['a', 'b', 'plain'], { replicas: 0 })).toThrow(
      new ClusterFormError('[ERR] Node 127.0.0.1:6381 is not configured as a cluster node.'),
    );
  });

  it('needs three masters', () => {
    const { sim, names } = world(4);
    expect(() => formCluster(sim, names, { replicas: 1 })).toThrow(/requires at least 3 master nodes/);
  });
});
