// Sentinel on the simulation runtime: one master, two replicas and three Sentinels (quorum 2). Discovery through
// INFO and hello messages, SDOWN/ODOWN, leader election, failover, the returning old master, and determinism.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { Simulation } from '../../../src/sim/simulation.js';
import { fields, info, run } from '../../helpers/sim-queries.js';

const MASTER_PORT = '6379';

/** m (6379), r1, r2 replicating it, and s1..s3 monitoring `mymaster` with quorum 2 and short timeouts. */
function world(seed = 1) {
  const sim = new Simulation({ seed });
  sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
  sim.addNode('r1', [
    ['replicaof', ['127.0.0.1', MASTER_PORT]],
    ['repl-diskless-sync-delay', ['0']],
  ]);
  sim.addNode('r2', [
    ['replicaof', ['127.0.0.1', MASTER_PORT]],
    ['repl-diskless-sync-delay', ['0']],
  ]);
  for (const name of ['s1', 's2', 's3']) {
    sim.addNode(
      name,
      [
        ['sentinel', ['monitor', 'mymaster', '127.0.0.1', MASTER_PORT, '2']],
        ['sentinel', ['down-after-milliseconds', 'mymaster', '2000']],
        ['sentinel', ['failover-timeout', 'mymaster', '10000']],
      ],
      { sentinel: true },
    );
  }
  return sim;
}

function masterAddr(sim: Simulation, sentinel: string): string {
  const reply = run(sim, sentinel, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as string[];
  return reply.join(':');
}

describe('Sentinel in the simulation', () => {
  it('discovers the replicas and the other Sentinels', () => {
    const sim = world();
    const sentinels = ['s1', 's2', 's3'];
    sim.runUntil(() => {
      return sentinels.every((s) => {
        const m = sim.node(s).node.sentinel!.masters.get('mymaster')!;
        return m.slaves.size === 2 && m.sentinels.size === 2;
      });
    }, 60_000);
    const master = fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'));
    expect(master.flags).toBe('master');
    expect(master['num-slaves']).toBe('2');
    expect(master['num-other-sentinels']).toBe('2');
    const replicas = (run(sim, 's1', 'SENTINEL', 'REPLICAS', 'mymaster') as unknown[]).map(fields);
    expect(replicas.map((r) => r.name).sort()).toEqual(['127.0.0.1:6380', '127.0.0.1:6381']);
    expect(masterAddr(sim, 's2')).toBe('127.0.0.1:6379');
    expect(run(sim, 's1', 'SENTINEL', 'CKQUORUM', 'mymaster')).toBe(
      'OK 3 usable Sentinels. Quorum and failover authorization can be reached',
    );
  });

  it('fails over a crashed master and turns the old master into a replica when it returns', () => {
    const sim = world(3);
    const sentinels = ['s1', 's2', 's3'];
    converge(sim);
    // What ioredis's failoverDetector and node-redis subscribe to.
    const watcher = sim.client('s2');
    watcher.run('SUBSCRIBE', '+switch-master');
    sim.crash('m');
    sim.runUntil(() => sentinels.every((s) => masterAddr(sim, s) !== '127.0.0.1:6379'), 120_000);
    const promoted = masterAddr(sim, 's1');
    sim.runUntil(() => watcher.pushes.length > 0, 10_000);
    expect(toPlain(watcher.pushes[0]!)).toEqual([
      'message',
      '+switch-master',
      `mymaster 127.0.0.1 6379 ${promoted.replace(':', ' ')}`,
    ]);
    expect(['127.0.0.1:6380', '127.0.0.1:6381']).toContain(promoted);
    for (const s of sentinels) expect(masterAddr(sim, s)).toBe(promoted);
    const log = sentinelEvents(sim);
    expect(log.filter((l) => l.includes('+odown master mymaster 127.0.0.1 6379')).length).toBeGreaterThanOrEqual(1);
    const elected = log.filter((l) => l.includes('+elected-leader'));
    expect(new Set(elected.map((l) => l.split(' ')[1])).size).toBe(1);
    expect(log.some((l) => l.includes(`+switch-master mymaster 127.0.0.1 6379 ${promoted.replace(':', ' ')}`))).toBe(
      true,
    );
    const newMaster = promoted.endsWith('6380') ? 'r1' : 'r2';
    const other = newMaster === 'r1' ? 'r2' : 'r1';
    const [, newPort] = promoted.split(':');
    sim.runUntil(() => {
      const i = info(sim, other);
      return i.master_port === newPort && i.master_link_status === 'up';
    }, 60_000);
    expect(info(sim, newMaster).role).toBe('master');
    sim.restart('m');
    sim.runUntil(() => {
      const i = info(sim, 'm');
      return i.role === 'slave' && i.master_port === newPort && i.master_link_status === 'up';
    }, 120_000);
    expect(sentinelEvents(sim).some((l) => l.includes('+convert-to-slave slave 127.0.0.1:6379'))).toBe(true);
  });

  it('does not fail over when only one of three Sentinels is up (quorum 2)', () => {
    const sim = world(5);
    converge(sim);
    sim.crash('s2');
    sim.crash('s3');
    sim.crash('m');
    sim.runUntil(() => sentinelEvents(sim).some((l) => l.startsWith('s1 +sdown master mymaster')), 30_000);
    sim.runFor(60_000);
    const log = sentinelEvents(sim);
    expect(log.some((l) => l.includes('+odown'))).toBe(false);
    expect(log.some((l) => l.includes('+try-failover'))).toBe(false);
    expect(masterAddr(sim, 's1')).toBe('127.0.0.1:6379');
    expect(info(sim, 'r1').role).toBe('slave');
    expect(info(sim, 'r2').role).toBe('slave');
    const master = fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'));
    expect(master.flags).toBe('s_down,master,disconnected');
    expect(run(sim, 's1', 'SENTINEL', 'CKQUORUM', 'mymaster')).toEqual({
      error:
        'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. ' +
        'Not enough available Sentinels to reach the majority and authorize a failover',
    });
  });

  it('authenticates to a master and its replicas with auth-pass', () => {
    const sim = new Simulation({ seed: 13 });
    const auth: [string, string[]][] = [
      ['requirepass', ['secret']],
      ['masterauth', ['secret']],
    ];
    sim.addNode('m', auth);
    sim.addNode('r1', [['replicaof', ['127.0.0.1', MASTER_PORT]], ...auth]);
    sim.addNode(
      's1',
      [
        ['sentinel', ['monitor', 'mymaster', '127.0.0.1', MASTER_PORT, '1']],
        ['sentinel', ['auth-pass', 'mymaster', 'secret']],
      ],
      { sentinel: true },
    );
    sim.runUntil(() => {
      const m = sim.node('s1').node.sentinel!.masters.get('mymaster')!;
      return m.slaves.size === 1 && [...m.slaves.values()][0]!.slaveMasterLinkStatus === 'up';
    }, 60_000);
    const master = fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'));
    expect(master.flags).toBe('master');
    expect(master['role-reported']).toBe('master');
    expect(master.runid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('runs a forced SENTINEL FAILOVER without an election and refuses a second one', () => {
    const sim = world(7);
    converge(sim);
    const c = sim.client('s1');
    expect(run(sim, 's1', 'SENTINEL', 'FAILOVER', 'nosuch')).toEqual({ error: 'ERR No such master with that name' });
    expect(toPlain(c.run('SENTINEL', 'FAILOVER', 'mymaster'))).toBe('OK');
    expect(toPlain(c.run('SENTINEL', 'FAILOVER', 'mymaster'))).toEqual({
      error: 'INPROG Failover already in progress',
    });
    expect(fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster')).flags).toBe(
      'master,failover_in_progress,force_failover',
    );
    sim.runUntil(() => ['s1', 's2', 's3'].every((s) => masterAddr(sim, s) !== '127.0.0.1:6379'), 60_000);
    const log = sentinelEvents(sim).filter((l) => l.startsWith('s1 '));
    const names = log.map((l) => l.split(' ')[1]).filter((e) => /^[+-]/.test(e!));
    const from = names.indexOf('+try-failover');
    // sentinelFailoverWaitStart counts its own vote even when forced: +vote-for-leader for itself comes first.
    expect(names.slice(from, from + 9)).toEqual([
      '+try-failover',
      '+vote-for-leader',
      '+elected-leader',
      '+failover-state-select-slave',
      '+selected-slave',
      '+failover-state-send-slaveof-noone',
      '+failover-state-wait-promotion',
      '+promoted-slave',
      '+failover-state-reconf-slaves',
    ]);
    const myid = sim.node('s1').node.sentinel!.myid;
    expect(log).toContain(`s1 +vote-for-leader ${myid} 1`);
    // The old master, still up, is reconfigured as a replica of the promoted one.
    const [, newPort] = masterAddr(sim, 's1').split(':');
    sim.runUntil(() => info(sim, 'm').master_port === newPort && info(sim, 'm').master_link_status === 'up', 60_000);
  });

  it('enters TILT when its timer runs late, and answers is-master-down with 0 meanwhile', () => {
    const sim = world(9);
    converge(sim);
    sim.pause('s1');
    sim.runFor(5_000);
    sim.resume('s1');
    sim.runFor(500);
    expect(sentinelEvents(sim)).toContain('s1 +tilt #tilt mode entered');
    const infoText = run(sim, 's1', 'INFO', 'sentinel') as string;
    expect(infoText).toContain('sentinel_tilt:1\r\n');
    sim.crash('m');
    sim.runUntil(() => sentinelEvents(sim).includes('s2 +sdown master mymaster 127.0.0.1 6379'), 10_000);
    expect(run(sim, 's1', 'SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', '6379', '0', '*')).toEqual([0, '*', 0]);
    expect(run(sim, 's2', 'SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', '6379', '0', '*')).toEqual([1, '*', 0]);
    sim.runUntil(() => sentinelEvents(sim).includes('s1 -tilt #tilt mode exited'), 40_000);
  });

  it('brings a partitioned Sentinel up to date through hello messages after the others fail over', () => {
    const sim = world(17);
    converge(sim);
    sim.partition('s1', ['m', 'r1', 'r2', 's2', 's3']);
    sim.crash('m');
    sim.runUntil(
      () => masterAddr(sim, 's2') !== '127.0.0.1:6379' && masterAddr(sim, 's3') !== '127.0.0.1:6379',
      60_000,
    );
    const promoted = masterAddr(sim, 's2');
    expect(masterAddr(sim, 's1')).toBe('127.0.0.1:6379');
    sim.heal();
    sim.runUntil(() => masterAddr(sim, 's1') === promoted, 60_000);
    const log = sentinelEvents(sim).filter((l) => l.startsWith('s1 '));
    expect(log.some((l) => l.startsWith('s1 +config-update-from sentinel '))).toBe(true);
    expect(log).toContain(`s1 +switch-master mymaster 127.0.0.1 6379 ${promoted.replace(':', ' ')}`);
    expect(log.some((l) => l.includes('+elected-leader'))).toBe(false);
    expect(fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'))['config-epoch']).toBe(
      fields(run(sim, 's2', 'SENTINEL', 'MASTER', 'mymaster'))['config-epoch'],
    );
  });

  it('gives the same event log for the same seed', () => {
    const scenario = (seed: number) => {
      const sim = world(seed);
      converge(sim);
      sim.crash('m');
      sim.runFor(30_000);
      sim.restart('m');
      sim.runFor(20_000);
      return { hash: sim.eventLog.hash(), lines: sim.eventLog.lines().length, addr: masterAddr(sim, 's1') };
    };
    const a = scenario(11);
    const b = scenario(11);
    expect(b).toEqual(a);
    expect(a.addr).not.toBe('127.0.0.1:6379');
    expect(scenario(12).hash).not.toBe(a.hash);
  });
});

/** Runs until every Sentinel knows both replicas (and has their INFO) and the two other Sentinels. */
function converge(sim: Simulation): void {
  sim.runUntil(
    () =>
      ['s1', 's2', 's3'].every((s) => {
        const m = sim.node(s).node.sentinel!.masters.get('mymaster')!;
        const replicas = [...m.slaves.values()];
        return replicas.length === 2 && replicas.every((r) => r.infoRefresh !== 0) && m.sentinels.size === 2;
      }),
    60_000,
  );
}

/** The Sentinels' log lines (role X) from the event log. */
function sentinelEvents(sim: Simulation): string[] {
  return sim.eventLog
    .lines()
    .filter((l) => / \[s\d\] X /.test(l))
    .map((l) => l.replace(/^\d+ \[(s\d)\] X . /, '$1 '));
}
