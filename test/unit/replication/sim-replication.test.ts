// Replication between simulated nodes: full sync, the command stream, partial resync, backlog overflow, WAIT,
// read-only replicas and promotion, all on the virtual clock.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { Simulation } from '../../../src/sim/simulation.js';
import { info } from '../../helpers/sim-queries.js';

/** A master `m` and a replica `r` of it; diskless sync without delay so tests do not wait 5 virtual seconds. */
function pair(seed = 1, masterDirectives: [string, string[]][] = [], replicaDirectives: [string, string[]][] = []) {
  const sim = new Simulation({ seed });
  const m = sim.addNode('m', [['repl-diskless-sync-delay', ['0']], ...masterDirectives]);
  const port = m.address.split(':')[1]!;
  const r = sim.addNode('r', [['replicaof', ['127.0.0.1', port]], ...replicaDirectives]);
  return { sim, m, r, port };
}

function linkUp(sim: Simulation, name: string): boolean {
  return sim.node(name).node.replication.linkUp();
}

describe('replication in the simulation', () => {
  it('full-syncs existing data, then streams writes', () => {
    const sim = new Simulation({ seed: 7 });
    const m = sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
    const mc = sim.client('m');
    mc.run('SET', 'before', '1');
    mc.run('SELECT', '3');
    mc.run('RPUSH', 'list', 'a', 'b');
    const port = m.address.split(':')[1]!;
    sim.addNode('r', [['replicaof', ['127.0.0.1', port]]]);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const rc = sim.client('r');
    expect(toPlain(rc.run('GET', 'before'))).toBe('1');
    mc.run('SET', 'after', '2');
    mc.run('INCR', 'counter');
    sim.runFor(50);
    rc.run('SELECT', '3');
    expect(toPlain(rc.run('LRANGE', 'list', '0', '-1'))).toEqual(['a', 'b']);
    expect(toPlain(rc.run('GET', 'after'))).toBe('2');
    expect(toPlain(rc.run('GET', 'counter'))).toBe('1');
    const mi = info(sim, 'm');
    const ri = info(sim, 'r');
    expect(mi.role).toBe('master');
    expect(mi.connected_slaves).toBe('1');
    expect(mi.slave0).toMatch(/^ip=127\.0\.0\.1,port=\d+,state=online,offset=\d+,lag=\d+$/);
    expect(ri.role).toBe('slave');
    expect(ri.master_link_status).toBe('up');
    expect(ri.master_replid).toBe(mi.master_replid);
    expect(ri.master_repl_offset).toBe(mi.master_repl_offset);
    expect(ri.slave_repl_offset).toBe(mi.master_repl_offset);
    expect(info(sim, 'm', 'stats').sync_full).toBe('1');
  });

  it('keeps offsets equal through PINGs, ACKs and transactions', () => {
    const { sim } = pair(2);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('MULTI');
    mc.run('SET', 'a', '1');
    mc.run('INCR', 'b');
    mc.run('EXEC');
    sim.runFor(25_000);
    const mi = info(sim, 'm');
    expect(Number(mi.master_repl_offset)).toBeGreaterThan(0);
    expect(info(sim, 'r').slave_repl_offset).toBe(mi.master_repl_offset);
    expect(mi.slave0).toContain(`offset=${mi.master_repl_offset},`);
    expect(toPlain(sim.client('r').run('MGET', 'a', 'b'))).toEqual(['1', '1']);
  });

  it('refuses writes on a read-only replica but applies its master stream', () => {
    const { sim } = pair(3);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const rc = sim.client('r');
    expect(toPlain(rc.run('SET', 'x', '1'))).toEqual({
      error: "READONLY You can't write against a read only replica.",
    });
    expect(toPlain(rc.run('GET', 'x'))).toBe(null);
    expect(toPlain(rc.run('ROLE'))).toEqual([
      'slave',
      '127.0.0.1',
      Number(sim.node('m').address.split(':')[1]),
      'connected',
      expect.any(Number),
    ]);
  });

  it('continues partially after the link is reset', () => {
    const { sim } = pair(4);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('SET', 'k1', 'v1');
    sim.runFor(10);
    mc.run('CLIENT', 'KILL', 'TYPE', 'replica');
    mc.run('SET', 'k2', 'v2');
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    sim.runFor(10);
    expect(toPlain(sim.client('r').run('MGET', 'k1', 'k2'))).toEqual(['v1', 'v2']);
    const stats = info(sim, 'm', 'stats');
    expect(stats.sync_full).toBe('1');
    expect(stats.sync_partial_ok).toBe('1');
  });

  it('continues partially after a partition long enough for both sides to time out', () => {
    const { sim } = pair(5, [['repl-timeout', ['5']]], [['repl-timeout', ['5']]]);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('SET', 'k1', 'v1');
    sim.runFor(10);
    sim.partition('m', 'r');
    mc.run('SET', 'k2', 'v2');
    sim.runUntil(() => !linkUp(sim, 'r') && sim.node('m').node.replication.master.replicas.length === 0, 30_000);
    const down = info(sim, 'r');
    expect(down.master_link_status).toBe('down');
    expect(Number(down.master_link_down_since_seconds)).toBeGreaterThanOrEqual(0);
    sim.heal();
    sim.runUntil(() => linkUp(sim, 'r'), 30_000);
    sim.runFor(10);
    expect(toPlain(sim.client('r').run('MGET', 'k1', 'k2'))).toEqual(['v1', 'v2']);
    const stats = info(sim, 'm', 'stats');
    expect(stats.sync_full).toBe('1');
    expect(stats.sync_partial_ok).toBe('1');
  });

  it('falls back to a full sync when the backlog no longer holds what the replica lacks', () => {
    const { sim } = pair(6);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('CONFIG', 'SET', 'repl-backlog-size', '1');
    expect(info(sim, 'm').repl_backlog_size).toBe('16384');
    sim.partition('m', 'r');
    mc.run('CLIENT', 'KILL', 'TYPE', 'replica');
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 40; i++) mc.run('SET', `key:${i}`, big);
    const mi = info(sim, 'm');
    expect(Number(mi.repl_backlog_histlen)).toBe(16384);
    sim.heal();
    sim.runUntil(() => info(sim, 'm', 'stats').sync_full === '2', 30_000);
    sim.runUntil(() => linkUp(sim, 'r'), 30_000);
    expect(toPlain(sim.client('r').run('DBSIZE'))).toBe(40);
    expect(info(sim, 'm', 'stats').sync_partial_ok).toBe('0');
    expect(info(sim, 'm', 'stats').sync_partial_err).toBe('1');
  });

  it('WAIT returns once replicas acknowledge, or the count reached at its timeout', () => {
    const { sim } = pair(8);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('SET', 'a', '1');
    const start = sim.now();
    expect(toPlain(mc.run('WAIT', '1', '0'))).toBe(1);
    expect(sim.now() - start).toBeLessThan(50);
    mc.run('SET', 'b', '1');
    const t0 = sim.now();
    expect(toPlain(mc.run('WAIT', '2', '300'))).toBe(1);
    expect(sim.now() - t0).toBeGreaterThanOrEqual(300);
    expect(toPlain(mc.run('WAIT', '0', '0'))).toBe(1);
    expect(toPlain(sim.client('r').run('WAIT', '0', '0'))).toEqual({
      error:
        'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
    });
  });

  it('promotes a replica that the old master then follows with a partial resync (PSYNC2)', () => {
    const { sim, m, r } = pair(9);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('SET', 'k', 'v1');
    expect(toPlain(mc.run('WAIT', '1', '0'))).toBe(1);
    const oldId = info(sim, 'm').master_replid;
    const rc = sim.client('r');
    expect(toPlain(rc.run('REPLICAOF', 'NO', 'ONE'))).toBe('OK');
    const promoted = info(sim, 'r');
    expect(promoted.role).toBe('master');
    expect(promoted.master_replid2).toBe(oldId);
    expect(promoted.master_replid).not.toBe(oldId);
    expect(Number(promoted.second_repl_offset)).toBe(Number(promoted.master_repl_offset) + 1);
    expect(toPlain(rc.run('SET', 'k', 'v2'))).toBe('OK');
    const rPort = r.address.split(':')[1]!;
    expect(toPlain(mc.run('REPLICAOF', '127.0.0.1', rPort))).toBe('OK');
    expect(toPlain(mc.run('REPLICAOF', '127.0.0.1', rPort))).toBe('OK Already connected to specified master');
    sim.runUntil(() => linkUp(sim, 'm'), 10_000);
    sim.runFor(10);
    expect(toPlain(mc.run('GET', 'k'))).toBe('v2');
    const stats = info(sim, 'r', 'stats');
    expect(stats.sync_partial_ok).toBe('1');
    expect(stats.sync_full).toBe('0');
    expect(info(sim, 'm').master_replid).toBe(info(sim, 'r').master_replid);
    expect(m.node.role).toBe('slave');
  });

  it('keeps expired keys on a replica until the master deletes them', () => {
    const { sim } = pair(10);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    const rc = sim.client('r');
    mc.run('SET', 'temp', 'x', 'PX', '500');
    sim.runFor(10);
    sim.partition('m', 'r');
    sim.runFor(1000);
    expect(toPlain(rc.run('GET', 'temp'))).toBe(null);
    expect(toPlain(rc.run('DBSIZE'))).toBe(1);
    sim.heal();
    sim.runFor(100);
    expect(toPlain(rc.run('DBSIZE'))).toBe(0);
  });

  it('answers MASTERDOWN and NOREPLICAS as configured', () => {
    const { sim } = pair(11, [['min-replicas-to-write', ['1']]], [['replica-serve-stale-data', ['no']]]);
    const rc = sim.client('r');
    expect(toPlain(rc.run('GET', 'x'))).toEqual({
      error: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    });
    const mc = sim.client('m');
    expect(toPlain(mc.run('SET', 'x', '1'))).toEqual({ error: 'NOREPLICAS Not enough good replicas to write.' });
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    sim.runFor(1500);
    expect(toPlain(mc.run('SET', 'x', '1'))).toBe('OK');
    expect(info(sim, 'm').min_slaves_good_slaves).toBe('1');
    sim.runFor(10);
    expect(toPlain(rc.run('GET', 'x'))).toBe('1');
  });

  it('replays the same event log for the same seed', () => {
    const run = (): string => {
      const { sim } = pair(12);
      sim.runUntil(() => linkUp(sim, 'r'), 10_000);
      const mc = sim.client('m');
      for (let i = 0; i < 20; i++) mc.run('INCR', 'n');
      mc.run('CLIENT', 'KILL', 'TYPE', 'replica');
      sim.runFor(15_000);
      return sim.eventLog.hash();
    };
    expect(run()).toBe(run());
  });

  it('waits repl-diskless-sync-delay for more replicas, then serves them from one snapshot', () => {
    const sim = new Simulation({ seed: 13 });
    const m = sim.addNode('m');
    const port = m.address.split(':')[1]!;
    sim.client('m').run('SET', 'k', 'v');
    sim.addNode('r1', [['replicaof', ['127.0.0.1', port]]]);
    sim.runFor(1500);
    sim.addNode('r2', [['replicaof', ['127.0.0.1', port]]]);
    sim.runUntil(() => info(sim, 'm').connected_slaves === '2', 10_000);
    expect(info(sim, 'm').slave0).toContain('state=wait_bgsave');
    const start = sim.now();
    sim.runUntil(() => linkUp(sim, 'r1') && linkUp(sim, 'r2'), 20_000);
    // r1 asked at about 1 s; the delay counts its idle time, so the snapshot starts about 5 s later.
    expect(sim.now() - start).toBeGreaterThan(2000);
    expect(sim.eventLog.lines().filter((l) => l.includes('Starting BGSAVE for SYNC')).length).toBe(1);
    expect(toPlain(sim.client('r2').run('GET', 'k'))).toBe('v');
  });

  it('starts at once when repl-diskless-sync-max-replicas replicas wait, and disk-based without diskless', () => {
    const sim = new Simulation({ seed: 14 });
    const m = sim.addNode('m', [['repl-diskless-sync-max-replicas', ['1']]]);
    const port = m.address.split(':')[1]!;
    sim.addNode('r', [['replicaof', ['127.0.0.1', port]]]);
    sim.runUntil(() => linkUp(sim, 'r'), 1500);
    const disk = new Simulation({ seed: 15 });
    const dm = disk.addNode('m', [['repl-diskless-sync', ['no']]]);
    disk.client('m').run('SET', 'k', 'v');
    disk.addNode('r', [['replicaof', ['127.0.0.1', dm.address.split(':')[1]!]]]);
    disk.runUntil(() => linkUp(disk, 'r'), 1500);
    expect(disk.eventLog.lines().some((l) => l.includes('Starting BGSAVE for SYNC with target: disk'))).toBe(true);
    expect(dm.storage.exists('dump.rdb')).toBe(true);
    expect(toPlain(disk.client('r').run('GET', 'k'))).toBe('v');
  });

  it('PINGs replicas every repl-ping-replica-period, 14 bytes of stream each', () => {
    const { sim } = pair(16);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    sim.runFor(100);
    const before = Number(info(sim, 'm').master_repl_offset);
    sim.runFor(30_000);
    const after = Number(info(sim, 'm').master_repl_offset);
    expect(after - before).toBe(3 * 14);
    sim.runFor(100);
    expect(info(sim, 'r').slave_repl_offset).toBe(String(after));
  });

  it('authenticates with masterauth', () => {
    const { sim } = pair(17, [['requirepass', ['secret']]], [['masterauth', ['secret']]]);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    const mc = sim.client('m');
    mc.run('AUTH', 'secret');
    mc.run('SET', 'k', 'v');
    sim.runFor(10);
    expect(toPlain(sim.client('r').run('GET', 'k'))).toBe('v');
  });

  it('proxies the identical stream to a sub-replica, which keeps the same offsets and replid', () => {
    const { sim, r } = pair(18);
    sim.addNode('s', [['replicaof', ['127.0.0.1', r.address.split(':')[1]!]]]);
    sim.runUntil(() => linkUp(sim, 'r') && linkUp(sim, 's'), 20_000);
    const mc = sim.client('m');
    mc.run('SELECT', '2');
    mc.run('SET', 'k', 'v');
    sim.runFor(15_000);
    const mi = info(sim, 'm');
    const si = info(sim, 's');
    expect(si.master_replid).toBe(mi.master_replid);
    expect(si.slave_repl_offset).toBe(mi.master_repl_offset);
    const sc = sim.client('s');
    sc.run('SELECT', '2');
    expect(toPlain(sc.run('GET', 'k'))).toBe('v');
    expect(toPlain(sim.client('r').run('ROLE'))).toEqual([
      'slave',
      '127.0.0.1',
      Number(sim.node('m').address.split(':')[1]),
      'connected',
      Number(mi.master_repl_offset),
    ]);
  });

  it('fails blocked clients when the node turns replica, and CONFIG GET replicaof follows the role', () => {
    const sim = new Simulation({ seed: 19 });
    sim.addNode('m');
    const n = sim.addNode('n');
    const blocked = sim.client('n').call('BLPOP', 'q', '0');
    const waiting = sim.client('n');
    waiting.run('SET', 'w', '1');
    const wait = waiting.call('WAIT', '1', '0');
    sim.runFor(10);
    expect(blocked.done).toBe(false);
    const nc = sim.client('n');
    expect(toPlain(nc.run('CONFIG', 'GET', 'replicaof'))).toEqual(['replicaof', '']);
    const mPort = sim.node('m').address.split(':')[1]!;
    expect(toPlain(nc.run('REPLICAOF', '127.0.0.1', mPort))).toBe('OK');
    sim.runUntil(() => blocked.done && wait.done, 1000);
    const unblocked = {
      error: 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
    };
    expect(blocked.plain()).toEqual(unblocked);
    expect(wait.plain()).toEqual(unblocked);
    expect(toPlain(nc.run('CONFIG', 'GET', 'slaveof'))).toEqual(['slaveof', `127.0.0.1 ${mPort}`]);
    expect(toPlain(nc.run('REPLICAOF', 'NO', 'ONE'))).toBe('OK');
    expect(toPlain(nc.run('CONFIG', 'GET', 'replicaof'))).toEqual(['replicaof', '']);
    expect(n.node.role).toBe('master');
  });

  it('survives crashes: a replica of a crashed master reconnects after its restart, and a crashed replica is dropped', () => {
    const { sim } = pair(20, [
      ['appendonly', ['yes']],
      ['appendfsync', ['always']],
    ]);
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    sim.client('m').run('SET', 'k', 'v1');
    sim.crash('m');
    sim.runUntil(() => !linkUp(sim, 'r'), 10_000);
    expect(info(sim, 'r').master_link_status).toBe('down');
    sim.runFor(3000);
    sim.restart('m');
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    sim.client('m').run('SET', 'k2', 'v2');
    sim.runFor(10);
    expect(toPlain(sim.client('r').run('MGET', 'k', 'k2'))).toEqual(['v1', 'v2']);
    sim.crash('r');
    sim.runUntil(() => info(sim, 'm').connected_slaves === '0', 10_000);
    sim.restart('r');
    sim.runUntil(() => linkUp(sim, 'r'), 10_000);
    expect(toPlain(sim.client('r').run('GET', 'k2'))).toBe('v2');
  });
});
