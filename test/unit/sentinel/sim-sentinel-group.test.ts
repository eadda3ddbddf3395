// formSentinelGroup: the `redis-sim sentinel` layout built in a Simulation, failing over in virtual time through the
// same API the realtime group has (masterAddress, failMaster, waitForSwitchMaster), deterministically.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { formSentinelGroup } from '../../../src/sim/sim-sentinel-group.js';
import { Simulation } from '../../../src/sim/simulation.js';

/** One INFO replication field of a running simulated node, read from the node itself. */
function infoField(sim: Simulation, name: string, field: string): string | undefined {
  const node = sim.node(name);
  if (node.state !== 'running') return undefined;
  const found = node.node.replication.infoFields().find(([k]) => k === field);
  return found === undefined ? undefined : String(found[1]);
}

describe('formSentinelGroup', () => {
  it('lays out masters, replicas and Sentinels as redis-sim sentinel does and waits until they know each other', () => {
    const sim = new Simulation({ seed: 11 });
    const group = formSentinelGroup(sim, { masters: 2, replicas: 1, sentinels: 3, downAfterMs: 2000 });
    expect(group.nodes.map((n) => [n.name, sim.node(n.name).address, n.initialRole])).toEqual([
      ['mymaster-0', '127.0.0.1:6379', 'master'],
      ['mymaster-1', '127.0.0.1:6380', 'replica'],
      ['mymaster2-0', '127.0.0.1:6381', 'master'],
      ['mymaster2-1', '127.0.0.1:6382', 'replica'],
    ]);
    expect(group.sentinels.map((s) => sim.node(s).address)).toEqual([
      '127.0.0.1:26379',
      '127.0.0.1:26380',
      '127.0.0.1:26381',
    ]);
    expect(group.spec.quorum).toBe(2);
    expect(group.masterAddress('mymaster2')).toBe('127.0.0.1:6381');
    for (const s of group.sentinels) {
      const reply = toPlain(sim.client(s).run('SENTINEL', 'CKQUORUM', 'mymaster2'));
      expect(reply).toBe('OK 3 usable Sentinels. Quorum and failover authorization can be reached');
    }
    expect(infoField(sim, 'mymaster2-1', 'master_port')).toBe('6381');
    expect(() => group.masterAddress('nosuch')).toThrow('Expected a master name the Sentinels monitor');
  });

  it('fails the master over in virtual time and the other replica follows the promoted one', () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed });
      const group = formSentinelGroup(sim, { downAfterMs: 2000, failoverTimeoutMs: 10_000 });
      const started = sim.now();
      expect(group.failMaster()).toBe('mymaster-0');
      const promoted = group.waitForSwitchMaster('mymaster');
      expect(['127.0.0.1:6380', '127.0.0.1:6381']).toContain(promoted);
      expect(sim.now() - started).toBeGreaterThanOrEqual(2000);
      expect(group.masterAddress()).toBe(promoted);
      const newMaster = promoted.endsWith('6380') ? 'mymaster-1' : 'mymaster-2';
      const other = newMaster === 'mymaster-1' ? 'mymaster-2' : 'mymaster-1';
      sim.runUntil(
        () =>
          infoField(sim, other, 'master_port') === promoted.split(':')[1] &&
          infoField(sim, other, 'master_link_status') === 'up',
        60_000,
      );
      expect(infoField(sim, newMaster, 'role')).toBe('master');
      sim.restart('mymaster-0');
      sim.runUntil(() => infoField(sim, 'mymaster-0', 'role') === 'slave', 60_000);
      return { promoted, hash: sim.eventLog.hash() };
    };
    const a = run(7);
    const b = run(7);
    expect(b.promoted).toBe(a.promoted);
    expect(b.hash).toBe(a.hash);
  });

  it('refuses ephemeral ports, which a simulation has no use for', () => {
    expect(() => formSentinelGroup(new Simulation({ seed: 1 }), { port: 0 })).toThrow('Expected fixed ports');
  });
});
