// The shared fault vocabulary: dispatch and descriptions, argument checks, and the simulation's FaultTarget (crash,
// restart, timed pauses, partitions into groups, per-node latency, faults scheduled at virtual times).

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import {
  FaultError,
  SimulationFaults,
  applyFault,
  describeFault,
  type Fault,
  type FaultTarget,
} from '../../../src/sim/faults.js';
import { formCluster } from '../../../src/sim/sim-cluster.js';
import { Simulation } from '../../../src/sim/simulation.js';

/** A target that records each call, to check applyFault's dispatch. */
function recorder(): { target: FaultTarget<number, string>; calls: string[] } {
  const calls: string[] = [];
  const note = (text: string): string => {
    calls.push(text);
    return text;
  };
  return {
    calls,
    target: {
      crash: (n) => note(`crash ${n}`),
      restart: (n) => note(`restart ${n}`),
      pause: (n, ms) => note(`pause ${n} ${ms}`),
      resume: (n) => note(`resume ${n}`),
      partition: (g) => note(`partition ${JSON.stringify(g)}`),
      heal: (g) => note(`heal ${JSON.stringify(g)}`),
      latency: (ms, n) => note(`latency ${ms} ${n}`),
    },
  };
}

/** Virtual ms a PING takes from node `from`'s endpoint to node `to`. */
function pingTime(sim: Simulation, from: string, to: string): number {
  const link = sim.network.connect(from, sim.node(to).address);
  let replied = -1;
  const start = sim.now();
  link.onData = () => (replied = sim.now());
  link.write(Buffer.from('PING\r\n'));
  sim.runUntil(() => replied >= 0, 10_000);
  link.close();
  return replied - start;
}

describe('the fault vocabulary', () => {
  it('dispatches every fault kind to its method and returns what the target returns', () => {
    const { target, calls } = recorder();
    const faults: Fault<number>[] = [
      { kind: 'crash', node: 1 },
      { kind: 'restart', node: 1 },
      { kind: 'pause', node: 2, ms: 50 },
      { kind: 'resume', node: 2 },
      { kind: 'partition', groups: [[1], [2, 3]] },
      { kind: 'heal' },
      { kind: 'heal', groups: [[1], [2, 3]] },
      { kind: 'latency', ms: 7 },
      { kind: 'latency', ms: 8, node: 3 },
    ];
    expect(faults.map((f) => applyFault(target, f))).toEqual(calls);
    expect(calls).toEqual([
      'crash 1',
      'restart 1',
      'pause 2 50',
      'resume 2',
      'partition [[1],[2,3]]',
      'heal undefined',
      'heal [[1],[2,3]]',
      'latency 7 undefined',
      'latency 8 3',
    ]);
    expect(faults.map(describeFault)).toEqual([
      'crash 1',
      'restart 1',
      'pause 2 50',
      'resume 2',
      'partition 1 | 2 3',
      'heal',
      'heal 1 | 2 3',
      'latency 7',
      'latency 8 3',
    ]);
  });
});

describe('SimulationFaults', () => {
  it('crashes and restarts a node, refusing the wrong state and unknown names', () => {
    const sim = new Simulation({ seed: 3 });
    sim.addNode('a', [
      ['appendonly', ['yes']],
      ['appendfsync', ['always']],
    ]);
    const faults = new SimulationFaults(sim);
    expect(toPlain(sim.client('a').run('SET', 'k', 'v'))).toBe('OK');
    faults.crash('a');
    expect(sim.node('a').state).toBe('crashed');
    expect(() => faults.crash('a')).toThrow(new FaultError('Expected node a to be running, but it is crashed'));
    expect(() => faults.crash('zz')).toThrow(new FaultError('Expected a node called zz, but there is none'));
    faults.restart('a');
    expect(() => faults.restart('a')).toThrow(new FaultError('Expected node a to be down, but it is running'));
    expect(toPlain(sim.client('a').run('GET', 'k'))).toBe('v');
  });

  it('pauses for a while and resumes by itself; a manual resume cancels the timer', () => {
    const sim = new Simulation({ seed: 4 });
    sim.addNode('a');
    const faults = new SimulationFaults(sim);
    const client = sim.client('a');
    expect(toPlain(client.run('PING'))).toBe('PONG');
    faults.pause('a', 500);
    const start = sim.now();
    const call = client.call('PING');
    sim.runUntil(() => call.done, 5000);
    // The request waited for the pause to end; the reply then took the usual millisecond.
    expect(sim.now()).toBe(start + 501);
    expect(sim.node('a').paused).toBe(false);
    expect(() => faults.resume('a')).toThrow(new FaultError('Expected node a to be paused, but it is not'));
    faults.pause('a', 1000);
    faults.resume('a');
    faults.pause('a');
    sim.runFor(2000);
    expect(sim.node('a').paused).toBe(true);
    expect(() => faults.pause('a', -1)).toThrow(FaultError);
  });

  it('partitions groups pairwise and heals them', () => {
    const sim = new Simulation({ seed: 5 });
    for (const n of ['a', 'b', 'c', 'd']) sim.addNode(n);
    const faults = new SimulationFaults(sim);
    faults.partition([['a'], ['b', 'c']]);
    expect(sim.network.isPartitioned('a', 'b')).toBe(true);
    expect(sim.network.isPartitioned('a', 'c')).toBe(true);
    expect(sim.network.isPartitioned('b', 'c')).toBe(false);
    expect(sim.network.isPartitioned('a', 'd')).toBe(false);
    faults.heal();
    expect(sim.network.isPartitioned('a', 'b')).toBe(false);
    expect(() => faults.partition([['a', 'b']])).toThrow(new FaultError('Expected at least two groups to partition'));
    expect(() => faults.partition([['a'], ['a', 'b']])).toThrow(FaultError);
    expect(() => faults.partition([['a'], ['nope']])).toThrow(FaultError);
  });

  it('heals only the cuts between given groups, leaving other partitions in place', () => {
    const sim = new Simulation({ seed: 5 });
    for (const n of ['a', 'b', 'c', 'd']) sim.addNode(n);
    const faults = new SimulationFaults(sim);
    faults.partition([['a'], ['b', 'c', 'd']]);
    faults.partition([['d'], ['a', 'b', 'c']]);
    faults.heal([['a'], ['b', 'c', 'd']]);
    expect(sim.network.isPartitioned('a', 'b')).toBe(false);
    expect(sim.network.isPartitioned('d', 'b')).toBe(true);
    expect(sim.network.isPartitioned('d', 'a')).toBe(false);
    expect(() => faults.heal([['a'], []])).toThrow(FaultError);
    expect(() => faults.heal([['a'], ['nope']])).toThrow(FaultError);
  });

  it('sets latency between all nodes or only around one node', () => {
    const sim = new Simulation({ seed: 6 });
    for (const n of ['a', 'b', 'c']) sim.addNode(n);
    const faults = new SimulationFaults(sim);
    expect(pingTime(sim, 'a', 'b')).toBe(2);
    faults.latency(40, 'c');
    expect(pingTime(sim, 'a', 'b')).toBe(2);
    expect(pingTime(sim, 'a', 'c')).toBe(80);
    faults.latency(10);
    expect(pingTime(sim, 'a', 'b')).toBe(20);
    expect(pingTime(sim, 'b', 'c')).toBe(20);
    expect(() => faults.latency(1.5)).toThrow(FaultError);
  });

  it('applies scheduled faults at their virtual times: an isolated master is marked FAIL by the others', () => {
    const sim = new Simulation({ seed: 7 });
    const names = ['n1', 'n2', 'n3'];
    for (const n of names)
      sim.addNode(n, [
        ['cluster-enabled', ['yes']],
        ['cluster-node-timeout', ['1000']],
      ]);
    formCluster(sim, names);
    const faults = new SimulationFaults(sim);
    const t0 = sim.now();
    faults.scheduleFault(t0 + 100, { kind: 'partition', groups: [['n1'], ['n2', 'n3']] });
    faults.scheduleFault(t0 + 10_000, { kind: 'heal' });
    const id1 = sim.node('n1').node.cluster!.state.myself.name;
    const failedOn = (n: string): boolean => sim.node(n).node.cluster!.state.nodes.get(id1)?.failed === true;
    sim.runFor(5000);
    expect(failedOn('n2')).toBe(true);
    expect(failedOn('n3')).toBe(true);
    expect(sim.eventLog.lines().some((l) => l === `${t0 + 100} [$faults] partition n1 | n2 n3`)).toBe(true);
    sim.runUntil(() => !failedOn('n2'), 30_000);
    expect(sim.now()).toBeGreaterThanOrEqual(t0 + 10_000);
  });
});
