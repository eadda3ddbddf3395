// Sentinel acceptance scenarios on the simulation runtime (issue #8): no failover when the quorum cannot be reached
// (quorum 2, two of three Sentinels down), and a Sentinel that was down during a failover updating its view and its
// rewritten sentinel.conf from the others' hello messages once it returns.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { Simulation } from '../../../src/sim/simulation.js';

const SENTINELS = ['s1', 's2', 's3'];

/** m (6379) with replicas r1 (6380) and r2 (6381), and s1..s3 monitoring it with quorum 2. */
function world(seed: number): Simulation {
  const sim = new Simulation({ seed });
  sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
  for (const name of ['r1', 'r2']) {
    sim.addNode(name, [
      ['replicaof', ['127.0.0.1', '6379']],
      ['repl-diskless-sync-delay', ['0']],
    ]);
  }
  for (const name of SENTINELS) {
    sim.addNode(
      name,
      [
        ['sentinel', ['monitor', 'mymaster', '127.0.0.1', '6379', '2']],
        ['sentinel', ['down-after-milliseconds', 'mymaster', '2000']],
        ['sentinel', ['failover-timeout', 'mymaster', '10000']],
      ],
      { sentinel: true },
    );
  }
  sim.runUntil(
    () =>
      SENTINELS.every((s) => {
        const m = sim.node(s).node.sentinel!.masters.get('mymaster')!;
        const replicas = [...m.slaves.values()];
        return replicas.length === 2 && replicas.every((r) => r.infoRefresh !== 0) && m.sentinels.size === 2;
      }),
    60_000,
  );
  return sim;
}

/** The Sentinels' event lines, as `<sentinel> <event> <details>`. */
function events(sim: Simulation): string[] {
  return sim.eventLog
    .lines()
    .filter((l) => / \[s\d\] X /.test(l))
    .map((l) => l.replace(/^\d+ \[(s\d)\] X . /, '$1 '));
}

function masterAddr(sim: Simulation, sentinel: string): string {
  return (toPlain(sim.client(sentinel).run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[]).join(':');
}

function role(sim: Simulation, name: string): string {
  return (toPlain(sim.client(name).run('ROLE')) as unknown[])[0] as string;
}

describe('Sentinel quorum and a returning Sentinel', () => {
  it('gives +sdown but no +odown, no +try-failover and no failover with quorum 2 and two of three Sentinels down', () => {
    const sim = world(21);
    sim.crash('s2');
    sim.crash('s3');
    sim.crash('m');
    sim.runUntil(() => events(sim).includes('s1 +sdown master mymaster 127.0.0.1 6379'), 30_000);
    // Long past down-after, the election timeout and a failover-timeout: nothing may happen.
    sim.runFor(60_000);
    const log = events(sim);
    for (const forbidden of ['+odown', '+try-failover', '+elected-leader', '+switch-master', '+selected-slave'])
      expect(log.filter((l) => l.includes(forbidden))).toEqual([]);
    expect(masterAddr(sim, 's1')).toBe('127.0.0.1:6379');
    expect(role(sim, 'r1')).toBe('slave');
    expect(role(sim, 'r2')).toBe('slave');
    expect(sim.node('s1').node.sentinel!.currentEpoch).toBe(0);
  });

  it('fails over once a second Sentinel returns: the quorum is what was missing', () => {
    const sim = world(22);
    sim.crash('s2');
    sim.crash('s3');
    sim.crash('m');
    sim.runUntil(() => events(sim).includes('s1 +sdown master mymaster 127.0.0.1 6379'), 30_000);
    sim.runFor(10_000);
    expect(events(sim).some((l) => l.includes('+odown'))).toBe(false);
    sim.restart('s2');
    sim.runUntil(() => ['s1', 's2'].every((s) => masterAddr(sim, s) !== '127.0.0.1:6379'), 120_000);
    expect(events(sim).some((l) => l.includes('+odown master mymaster 127.0.0.1 6379 #quorum 2/2'))).toBe(true);
  });

  it('updates a Sentinel that was down during a failover, in memory and in its rewritten sentinel.conf', () => {
    const sim = world(23);
    sim.crash('m');
    // Crash a Sentinel that is not the failover leader as soon as a leader is elected.
    let crashed: string | null = null;
    sim.runUntil(() => {
      const elected = events(sim).find((l) => l.includes('+elected-leader'));
      if (elected === undefined) return false;
      const leader = elected.split(' ')[0]!;
      crashed = SENTINELS.find((s) => s !== leader)!;
      return true;
    }, 60_000);
    sim.crash(crashed!);
    const survivors = SENTINELS.filter((s) => s !== crashed);
    sim.runUntil(() => survivors.every((s) => masterAddr(sim, s) !== '127.0.0.1:6379'), 60_000);
    const promoted = masterAddr(sim, survivors[0]!);
    expect(masterAddr(sim, survivors[1]!)).toBe(promoted);
    const [, newPort] = promoted.split(':');
    // Its file, written before the crash, still names the old master.
    const file = () => sim.node(crashed!).configFile!.text!;
    expect(file()).toContain('sentinel monitor mymaster 127.0.0.1 6379 2');
    const before = events(sim).length;
    sim.restart(crashed!);
    expect(masterAddr(sim, crashed!)).toBe('127.0.0.1:6379');
    sim.runUntil(() => masterAddr(sim, crashed!) === promoted, 60_000);
    const after = events(sim)
      .slice(before)
      .filter((l) => l.startsWith(`${crashed} `));
    expect(after.some((l) => l.startsWith(`${crashed} +config-update-from sentinel `))).toBe(true);
    expect(after).toContain(`${crashed} +switch-master mymaster 127.0.0.1 6379 127.0.0.1 ${newPort}`);
    expect(after.some((l) => l.includes('+elected-leader') || l.includes('+try-failover'))).toBe(false);
    expect(file()).toContain(`sentinel monitor mymaster 127.0.0.1 ${newPort} 2`);
    expect(file()).not.toContain('sentinel monitor mymaster 127.0.0.1 6379 ');
    const epoch = (s: string) => sim.node(s).node.sentinel!.masters.get('mymaster')!.configEpoch;
    expect(epoch(crashed!)).toBe(epoch(survivors[0]!));
    expect(epoch(crashed!)).toBeGreaterThan(0);
  });
});
