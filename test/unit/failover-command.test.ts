// FAILOVER, the standalone coordinated failover of Redis 7.0 (replication.c failoverCommand, updateFailoverStatus,
// abortFailover), on the virtual clock: argument errors, the happy path with its write pause and PSYNC FAILOVER, the
// timeout that aborts, FORCE, ABORT while following the target, and a target that refuses the PSYNC.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../src/protocol/reply-text.js';
import { Simulation } from '../../src/sim/simulation.js';
import { info } from '../helpers/sim-queries.js';

/** A master `m` and a replica `r` of it, synced. */
function pair(seed: number) {
  const sim = new Simulation({ seed });
  const m = sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
  const mPort = m.address.split(':')[1]!;
  const r = sim.addNode('r', [['replicaof', ['127.0.0.1', mPort]]]);
  const rPort = r.address.split(':')[1]!;
  sim.runUntil(() => r.node.replication.linkUp(), 10_000);
  return { sim, m, r, mPort, rPort };
}

/** The node's log lines (event log lines `<time> [<name>] <text>`). */
function logs(sim: Simulation, name: string): string[] {
  return sim.eventLog.lines().filter((l) => l.includes(` [${name}] `));
}

function logged(sim: Simulation, name: string, text: string): boolean {
  return logs(sim, name).some((l) => l.includes(text));
}

const err = (s: string) => ({ error: s });

describe('FAILOVER argument and state errors', () => {
  it('answers each error as Redis 7.0.15 does, in its order', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('m');
    const c = sim.client('m');
    expect(toPlain(c.run('FAILOVER'))).toEqual(err('ERR FAILOVER requires connected replicas.'));
    expect(toPlain(c.run('FAILOVER', 'ABORT'))).toEqual(err('ERR No failover in progress.'));
    expect(toPlain(c.run('FAILOVER', 'abort', 'timeout', '5'))).toEqual(err('ERR syntax error'));
    expect(toPlain(c.run('FAILOVER', 'TIMEOUT', '0'))).toEqual(err('ERR FAILOVER timeout must be greater than 0'));
    expect(toPlain(c.run('FAILOVER', 'TIMEOUT', '-3'))).toEqual(err('ERR FAILOVER timeout must be greater than 0'));
    expect(toPlain(c.run('FAILOVER', 'TIMEOUT', 'x'))).toEqual(err('ERR value is not an integer or out of range'));
    expect(toPlain(c.run('FAILOVER', 'TIMEOUT', '5', 'TIMEOUT', '6'))).toEqual(err('ERR syntax error'));
    expect(toPlain(c.run('FAILOVER', 'TIMEOUT'))).toEqual(err('ERR syntax error'));
    expect(toPlain(c.run('FAILOVER', 'TO', 'h'))).toEqual(err('ERR syntax error'));
    expect(toPlain(c.run('FAILOVER', 'TO', 'h', 'p'))).toEqual(err('ERR value is not an integer or out of range'));
    expect(toPlain(c.run('FAILOVER', 'FORCE', 'FORCE'))).toEqual(err('ERR syntax error'));
    expect(toPlain(c.run('FAILOVER', 'FORCE'))).toEqual(err('ERR FAILOVER requires connected replicas.'));
  });

  it('checks the role, the replicas and the target', () => {
    const { sim, rPort } = pair(2);
    const c = sim.client('m');
    expect(toPlain(sim.client('r').run('FAILOVER'))).toEqual(
      err('ERR FAILOVER is not valid when server is a replica.'),
    );
    expect(toPlain(c.run('FAILOVER', 'FORCE'))).toEqual(
      err('ERR FAILOVER with force option requires both a timeout and target HOST and IP.'),
    );
    expect(toPlain(c.run('FAILOVER', 'TO', '127.0.0.1', rPort, 'FORCE'))).toEqual(
      err('ERR FAILOVER with force option requires both a timeout and target HOST and IP.'),
    );
    expect(toPlain(c.run('FAILOVER', 'TO', '127.0.0.1', '1'))).toEqual(
      err('ERR FAILOVER target HOST and PORT is not a replica.'),
    );
    expect(toPlain(c.run('FAILOVER', 'TO', '10.0.0.9', rPort))).toEqual(
      err('ERR FAILOVER target HOST and PORT is not a replica.'),
    );
    expect(info(sim, 'm').master_failover_state).toBe('no-failover');
  });

  it('refuses a target replica that is still waiting for its full sync', () => {
    const sim = new Simulation({ seed: 12 });
    const m = sim.addNode('m', [['repl-diskless-sync-delay', ['5']]]);
    const r = sim.addNode('r', [['replicaof', ['127.0.0.1', m.address.split(':')[1]!]]]);
    sim.runUntil(() => m.node.replication.master.replicas.length === 1, 5_000);
    const rPort = r.address.split(':')[1]!;
    expect(toPlain(sim.client('m').run('FAILOVER', 'TO', '127.0.0.1', rPort))).toEqual(
      err('ERR FAILOVER target replica is not online.'),
    );
  });

  it('is refused in cluster mode', () => {
    const sim = new Simulation({ seed: 3 });
    sim.addNode('c', [['cluster-enabled', ['yes']]]);
    expect(toPlain(sim.client('c').run('FAILOVER', 'ABORT'))).toEqual(
      err('ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.'),
    );
  });
});

describe('FAILOVER in the simulation', () => {
  it('hands mastership to a synced replica with a partial resync, holding writes meanwhile', () => {
    const { sim, m, r, mPort, rPort } = pair(4);
    const mc = sim.client('m');
    mc.run('SET', 'k', 'v1');
    sim.runFor(50);
    const oldId = info(sim, 'm').master_replid;
    // The replica ACKs once a second: it may not have acknowledged the SET yet when FAILOVER is sent.
    expect(toPlain(mc.run('FAILOVER'))).toBe('OK');
    const writer = sim.client('m');
    const held = writer.call('SET', 'k', 'v2');
    const reader = sim.client('m').call('GET', 'k');
    sim.runFor(5);
    expect(reader.done).toBe(true);
    expect(held.done).toBe(false);
    expect(toPlain(mc.run('FAILOVER'))).toEqual(err('ERR FAILOVER already in progress.'));
    expect(toPlain(mc.run('REPLICAOF', 'NO', 'ONE'))).toEqual(err('ERR REPLICAOF not allowed while failing over.'));
    sim.runUntil(() => r.node.role === 'master' && m.node.replication.linkUp(), 10_000);
    sim.runUntil(() => held.done, 1_000);
    expect(toPlain(held.value())).toEqual(err("READONLY You can't write against a read only replica."));
    expect(logged(sim, 'm', 'FAILOVER requested to any replica.')).toBe(true);
    expect(logged(sim, 'm', `Failover target 127.0.0.1:${rPort} is synced, failing over.`)).toBe(true);
    expect(logged(sim, 'r', `Failover request received for replid ${oldId}.`)).toBe(true);
    expect(logged(sim, 'r', 'MASTER MODE enabled (failover request from')).toBe(true);
    const mi = info(sim, 'm');
    const ri = info(sim, 'r');
    expect([mi.role, mi.master_port, mi.master_failover_state]).toEqual(['slave', rPort, 'no-failover']);
    expect([ri.role, ri.master_failover_state, ri.master_replid2]).toEqual(['master', 'no-failover', oldId]);
    expect(mi.master_replid).toBe(ri.master_replid);
    expect(info(sim, 'r', 'stats').sync_partial_ok).toBe('1');
    expect(info(sim, 'r', 'stats').sync_full).toBe('0');
    expect(m.node.pause).toBe(null);
    // The new master's writes reach the old one.
    sim.client('r').run('SET', 'k', 'v3');
    sim.runFor(50);
    expect(toPlain(mc.run('GET', 'k'))).toBe('v3');
    expect(toPlain(mc.run('ROLE'))).toEqual(['slave', '127.0.0.1', Number(rPort), 'connected', expect.any(Number)]);
    expect(mPort).not.toBe(rPort);
  });

  it('fails over to the replica named by TO', () => {
    const sim = new Simulation({ seed: 5 });
    const m = sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
    const mPort = m.address.split(':')[1]!;
    const a = sim.addNode('a', [['replicaof', ['127.0.0.1', mPort]]]);
    const b = sim.addNode('b', [['replicaof', ['127.0.0.1', mPort]]]);
    sim.runUntil(() => a.node.replication.linkUp() && b.node.replication.linkUp(), 10_000);
    sim.runFor(2_000);
    const bPort = b.address.split(':')[1]!;
    expect(toPlain(sim.client('m').run('FAILOVER', 'TO', '127.0.0.1', bPort, 'TIMEOUT', '5000'))).toBe('OK');
    expect(logged(sim, 'm', `FAILOVER requested to 127.0.0.1:${bPort}.`)).toBe(true);
    sim.runUntil(() => b.node.role === 'master' && m.node.replication.linkUp(), 10_000);
    expect(a.node.role).toBe('slave');
    expect(m.node.replication.masterPort).toBe(Number(bPort));
  });

  it('aborts when no replica catches up before the timeout, and writes resume', () => {
    const { sim, m } = pair(6);
    const mc = sim.client('m');
    sim.partition('m', 'r');
    mc.run('SET', 'k', 'v1');
    const start = sim.now();
    expect(toPlain(mc.run('FAILOVER', 'TIMEOUT', '500'))).toBe('OK');
    expect(info(sim, 'm').master_failover_state).toBe('waiting-for-sync');
    const held = sim.client('m').call('SET', 'k', 'v2');
    sim.runUntil(() => held.done, 2_000);
    expect(sim.now() - start).toBeGreaterThanOrEqual(500);
    expect(sim.now() - start).toBeLessThan(700);
    expect(toPlain(held.value())).toBe('OK');
    expect(logged(sim, 'm', 'FAILOVER to any replica aborted: Replica never caught up before timeout')).toBe(true);
    expect(info(sim, 'm').master_failover_state).toBe('no-failover');
    expect(m.node.role).toBe('master');
  });

  it('with FORCE follows the target at the timeout; ABORT then makes it a master again', () => {
    const { sim, m, rPort } = pair(7);
    const mc = sim.client('m');
    sim.partition('m', 'r');
    mc.run('SET', 'k', 'v1');
    expect(toPlain(mc.run('FAILOVER', 'TO', '127.0.0.1', rPort, 'FORCE', 'TIMEOUT', '300'))).toBe('OK');
    sim.runUntil(() => m.node.role === 'slave', 2_000);
    expect(logged(sim, 'm', `FAILOVER to 127.0.0.1:${rPort} time out exceeded, failing over.`)).toBe(true);
    expect(info(sim, 'm').master_failover_state).toBe('failover-in-progress');
    const held = sim.client('m').call('SET', 'k', 'v2');
    sim.runFor(1_000);
    expect(held.done).toBe(false);
    expect(toPlain(mc.run('FAILOVER', 'ABORT'))).toBe('OK');
    expect(logged(sim, 'm', `FAILOVER to 127.0.0.1:${rPort} aborted: Failover manually aborted`)).toBe(true);
    sim.runUntil(() => held.done, 1_000);
    expect(toPlain(held.value())).toBe('OK');
    expect(m.node.role).toBe('master');
    expect(info(sim, 'm').master_failover_state).toBe('no-failover');
  });

  it('with FORCE completes by a full resync once the lagging target is reachable', () => {
    const { sim, m, r, rPort } = pair(8);
    const mc = sim.client('m');
    sim.client('r').run('CONFIG', 'SET', 'repl-timeout', '3');
    // A partition holds bytes back: the replica must drop its link for the write to be lost to it.
    sim.partition('m', 'r');
    mc.run('SET', 'lost', 'x');
    sim.runUntil(() => !r.node.replication.linkUp(), 10_000);
    expect(toPlain(mc.run('FAILOVER', 'TO', '127.0.0.1', rPort, 'FORCE', 'TIMEOUT', '300'))).toBe('OK');
    sim.runUntil(() => m.node.role === 'slave', 2_000);
    sim.heal();
    sim.runUntil(() => r.node.role === 'master' && m.node.replication.linkUp(), 30_000);
    expect(info(sim, 'm').master_failover_state).toBe('no-failover');
    expect(info(sim, 'r', 'stats').sync_full).toBe('1');
    expect(toPlain(mc.run('GET', 'lost'))).toBe(null);
  });

  it('aborts when the target refuses the PSYNC FAILOVER', () => {
    const { sim, m, r, rPort } = pair(9);
    const mc = sim.client('m');
    sim.partition('m', 'r');
    expect(toPlain(mc.run('FAILOVER', 'TO', '127.0.0.1', rPort, 'FORCE', 'TIMEOUT', '300'))).toBe('OK');
    sim.runUntil(() => m.node.role === 'slave', 2_000);
    // Meanwhile the target became a master on its own: PSYNC FAILOVER can't be sent to a master.
    expect(toPlain(sim.client('r').run('REPLICAOF', 'NO', 'ONE'))).toBe('OK');
    sim.heal();
    sim.runUntil(() => m.node.role === 'master', 30_000);
    expect(
      logged(sim, 'm', "Master does not support PSYNC or is in error state (reply: -ERR PSYNC FAILOVER can't"),
    ).toBe(true);
    expect(logged(sim, 'm', `FAILOVER to 127.0.0.1:${rPort} aborted: Failover target rejected psync request`)).toBe(
      true,
    );
    expect(info(sim, 'm').master_failover_state).toBe('no-failover');
    expect(m.node.pause).toBe(null);
    expect(r.node.role).toBe('master');
  });

  it('refuses replicas that sync while it fails over', () => {
    const { sim, m } = pair(10);
    const mc = sim.client('m');
    sim.partition('m', 'r');
    mc.run('SET', 'k', 'v');
    expect(toPlain(mc.run('FAILOVER', 'TIMEOUT', '5000'))).toBe('OK');
    const other = sim.client('m');
    expect(toPlain(other.run('PSYNC', '?', '-1'))).toEqual(err("NOMASTERLINK Can't SYNC while failing over"));
    expect(toPlain(mc.run('FAILOVER', 'ABORT'))).toBe('OK');
    expect(m.node.role).toBe('master');
  });
});

describe('the dataset while FAILOVER holds writes', () => {
  it('keeps expired keys (read as missing) until the pause ends, so the offset stays put', () => {
    const { sim, m } = pair(11);
    const mc = sim.client('m');
    sim.partition('m', 'r');
    mc.run('SET', 'short', 'v', 'PX', '50');
    expect(toPlain(mc.run('FAILOVER', 'TIMEOUT', '2000'))).toBe('OK');
    const offset = info(sim, 'm').master_repl_offset;
    sim.runFor(1_000);
    expect(toPlain(mc.run('GET', 'short'))).toBe(null);
    expect(info(sim, 'm').master_repl_offset).toBe(offset);
    expect(info(sim, 'm', 'stats').expired_keys).toBe('0');
    expect(toPlain(mc.run('FAILOVER', 'ABORT'))).toBe('OK');
    sim.runUntil(() => info(sim, 'm', 'stats').expired_keys === '1', 2_000);
    expect(Number(info(sim, 'm').master_repl_offset)).toBeGreaterThan(Number(offset));
    expect(m.node.role).toBe('master');
  });
});
