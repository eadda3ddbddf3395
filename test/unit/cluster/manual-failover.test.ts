// CLUSTER FAILOVER [FORCE|TAKEOVER] in virtual time: the default mode pauses the master's writes, waits for the
// replica to catch up and loses no acknowledged write; FORCE needs votes but not the master; TAKEOVER needs neither.
// A manual failover that cannot finish times out and the master's writes resume; its pause is not CLIENT PAUSE's.

import { describe, expect, it } from 'vitest';
import { MessageFlag0 } from '../../../src/cluster/bus-message.js';
import { NodeFlag } from '../../../src/cluster/constants.js';
import type { Reply } from '../../../src/protocol/reply.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import type { SimCall } from '../../../src/sim/sim-client.js';
import type { Simulation } from '../../../src/sim/simulation.js';
import {
  BASE_PORT,
  clusterOf,
  formCluster,
  keysOf,
  logLines,
  nodeNamed,
  seenAsOwner,
  slotRange,
} from './failover-fixtures.js';

const NODE_TIMEOUT = 5000;

/** A client that RPUSHes 0, 1, 2… to one list as fast as replies come, following MOVED to the new owner. */
class ListWriter {
  /** The values whose RPUSH was acknowledged, in order. */
  readonly acked: string[] = [];
  /** Calls answered with MOVED. */
  readonly moved: SimCall[] = [];
  /** The node written to now. */
  target = 'n0';
  private next = 0;
  private stopped = false;
  private client;

  constructor(
    private readonly sim: Simulation,
    readonly key: string,
  ) {
    this.client = sim.client(this.target);
    this._send();
  }

  stop(): void {
    this.stopped = true;
  }

  private _send(): void {
    if (this.stopped) return;
    const value = String(this.next++);
    this.client.call('RPUSH', this.key, value).onDone((call) => {
      const reply = call.reply as Reply | undefined;
      if (reply?.t === 'int') {
        this.acked.push(value);
      } else if (reply?.t === 'error' && reply.s.startsWith('MOVED ')) {
        this.moved.push(call);
        const port = Number(reply.s.slice(reply.s.lastIndexOf(':') + 1));
        this.target = `n${port - BASE_PORT}`;
        this.client.close();
        this.client = this.sim.client(this.target);
      } else {
        throw new Error(`unexpected reply to RPUSH: ${JSON.stringify(reply)}`);
      }
      this.sim.schedule(1, () => this._send());
    });
  }
}

describe('CLUSTER FAILOVER', () => {
  it("refuses with Redis's errors", () => {
    const { sim } = formCluster({ seed: 40, masters: 3, replicaOf: [0], nodeTimeout: NODE_TIMEOUT });
    const master = sim.client('n0');
    const replica = sim.client('n3');
    expect(toPlain(master.run('CLUSTER', 'FAILOVER'))).toEqual({
      error: 'ERR You should send CLUSTER FAILOVER to a replica',
    });
    expect(toPlain(master.run('CLUSTER', 'FAILOVER', 'TAKEOVER'))).toEqual({
      error: 'ERR You should send CLUSTER FAILOVER to a replica',
    });
    // Options are checked first.
    expect(toPlain(replica.run('CLUSTER', 'FAILOVER', 'now'))).toEqual({ error: 'ERR syntax error' });
    expect(toPlain(master.run('CLUSTER', 'FAILOVER', 'now'))).toEqual({ error: 'ERR syntax error' });
    expect(toPlain(replica.run('CLUSTER', 'FAILOVER', 'force', 'now'))).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'FAILOVER'. Try CLUSTER HELP.",
    });
    // A replica whose master record is gone.
    const c3 = clusterOf(sim, 'n3');
    const realMaster = c3.state.myself.master;
    c3.state.myself.master = null;
    expect(toPlain(replica.run('CLUSTER', 'FAILOVER', 'FORCE'))).toEqual({
      error: "ERR I'm a replica but my master is unknown to me",
    });
    c3.state.myself.master = realMaster;
    expect(c3.manualFailover.end).toBe(0);
  });

  it('default: the master pauses writes, the replica catches up and takes over; no acknowledged write is lost', () => {
    const { sim, names, ids } = formCluster({ seed: 41, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
    // A slow link between the master and its replica: the replica's stream lags the master's acknowledgements.
    sim.network.setLatency({ fixedMs: 150, jitterMs: 0 }, ['n0', 'n3']);
    const [key] = keysOf(0, 3, 1, 'list');
    const writer = new ListWriter(sim, key!);
    sim.runFor(500);
    expect(writer.acked.length).toBeGreaterThan(10);

    const startedAt = sim.now();
    const c0 = clusterOf(sim, 'n0');
    const c3 = clusterOf(sim, 'n3');
    expect(toPlain(sim.client('n3').run('CLUSTER', 'FAILOVER'))).toBe('OK');
    expect(logLines(sim, 'n3', 'Manual failover user request accepted.')).toHaveLength(1);
    // While paused, the master flags its messages and holds writes, but not reads.
    sim.runUntil(() => c0.manualFailover.end !== 0, 1000);
    expect(c0.manualFailover.replica?.name).toBe(ids.get('n3'));
    expect(c0.header().mflags & MessageFlag0.PAUSED).toBe(MessageFlag0.PAUSED);
    expect(sim.node('n0').node.pause?.writesOnly).toBe(true);
    expect(logLines(sim, 'n0', `Manual failover requested by replica ${ids.get('n3')}.`)).toHaveLength(1);

    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, names, ids.get('n3')!, from, to), 5000);
    // A manual failover needs no failure detection: it is done in well under a second.
    expect(sim.now() - startedAt).toBeLessThan(1000);
    sim.runUntil(() => writer.target === 'n3' && writer.acked.length > 0 && sim.node('n0').node.role === 'slave', 5000);
    const ackedBefore = writer.acked.length;
    sim.runUntil(() => writer.acked.length > ackedBefore + 20, 5000);
    writer.stop();
    sim.runFor(100);

    // Every acknowledged write is on the new master, in order, and nothing else is.
    expect(writer.moved.length).toBeGreaterThan(0);
    expect(toPlain(sim.client('n3').run('LRANGE', key!, '0', '-1'))).toEqual(writer.acked);

    const offsetLine = logLines(sim, 'n3', 'Received replication offset for paused master manual failover: ');
    expect(offsetLine).toHaveLength(1);
    expect(logLines(sim, 'n3', 'All master replication stream processed, manual failover can start.')).toHaveLength(1);
    expect(logLines(sim, 'n3', 'Start of election delayed for 0 milliseconds (rank #0, offset ')).toHaveLength(1);
    expect(logLines(sim, 'n3', "Failover election won: I'm the new master.")).toHaveLength(1);
    // The votes were forced (the master was up) and granted by both other masters.
    for (const voter of ['n1', 'n2'])
      expect(logLines(sim, voter, `Failover auth granted to ${ids.get('n3')} for epoch`)).toHaveLength(1);

    // The old master follows the new one, unpaused, and serves the same data.
    expect(c0.state.myself.master?.name).toBe(ids.get('n3'));
    expect(sim.node('n0').node.pause).toBeNull();
    expect(c0.manualFailover.end).toBe(0);
    expect(c3.manualFailover.end).toBe(0);
    sim.runUntil(() => sim.node('n0').node.replication.offset() === sim.node('n3').node.replication.offset(), 5000);
    const readOnOld = sim.client('n0');
    expect(toPlain(readOnOld.run('READONLY'))).toBe('OK');
    expect(toPlain(readOnOld.run('LRANGE', key!, '0', '-1'))).toEqual(writer.acked);
  });

  it('FORCE: the replica of a crashed master takes over before failure detection, with the votes of the others', () => {
    const { sim, names, ids } = formCluster({ seed: 42, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
    const crashAt = sim.now();
    sim.crash('n0');
    sim.runFor(200);
    const c3 = clusterOf(sim, 'n3');
    expect(nodeNamed(c3, ids.get('n0')!).failed).toBe(false);
    expect(toPlain(sim.client('n3').run('CLUSTER', 'FAILOVER', 'FORCE'))).toBe('OK');
    expect(logLines(sim, 'n3', 'Forced failover user request accepted.')).toHaveLength(1);
    const alive = names.filter((n) => n !== 'n0');
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, alive, ids.get('n3')!, from, to), 5000);
    expect(sim.now() - crashAt).toBeLessThan(NODE_TIMEOUT);
    for (const voter of ['n1', 'n2'])
      expect(logLines(sim, voter, `Failover auth granted to ${ids.get('n3')} for epoch`)).toHaveLength(1);
  });

  it('FORCE works with the master FAIL when automatic failover is off; the default mode refuses', () => {
    const { sim, names, ids } = formCluster({
      seed: 43,
      masters: 3,
      replicaOf: [0, 1, 2],
      nodeTimeout: NODE_TIMEOUT,
      extra: { n3: [['cluster-replica-no-failover', ['yes']]] },
    });
    sim.crash('n0');
    const c3 = clusterOf(sim, 'n3');
    sim.runUntil(() => nodeNamed(c3, ids.get('n0')!).failed, 30_000);
    const replica = sim.client('n3');
    expect(toPlain(replica.run('CLUSTER', 'FAILOVER'))).toEqual({
      error: 'ERR Master is down or failed, please use CLUSTER FAILOVER FORCE',
    });
    expect(c3.manualFailover.end).toBe(0);
    expect(toPlain(replica.run('CLUSTER', 'FAILOVER', 'FORCE'))).toBe('OK');
    const alive = names.filter((n) => n !== 'n0');
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, alive, ids.get('n3')!, from, to), 5000);
    sim.runUntil(() => alive.every((n) => clusterOf(sim, n).state.state === 'ok'), 10_000);
    expect(c3.state.myself.has(NodeFlag.NOFAILOVER)).toBe(true);
  });

  it('TAKEOVER: with most masters down, the replica takes the slots with a new epoch of its own and no votes', () => {
    const { sim, ids } = formCluster({ seed: 44, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
    sim.crash('n1');
    sim.crash('n2');
    const c3 = clusterOf(sim, 'n3');
    const maxBefore = c3.state.maxEpoch();
    expect(toPlain(sim.client('n3').run('CLUSTER', 'FAILOVER', 'TAKEOVER'))).toBe('OK');
    // Done by the time the command answered.
    expect(c3.state.myself.isMaster).toBe(true);
    expect(c3.state.myself.configEpoch).toBe(maxBefore + 1);
    expect(sim.node('n3').node.role).toBe('master');
    expect(logLines(sim, 'n3', 'Taking over the master (user request).')).toHaveLength(1);
    expect(logLines(sim, 'n3', `New configEpoch set to ${maxBefore + 1}`)).toHaveLength(1);
    expect(logLines(sim, 'n3', 'Starting a failover election')).toHaveLength(0);
    // The old master (still up) yields to the newer epoch and follows.
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, ['n0', 'n3'], ids.get('n3')!, from, to), 5000);
    const c0 = clusterOf(sim, 'n0');
    sim.runUntil(
      () => c0.state.myself.master?.name === ids.get('n3') && sim.node('n0').node.replication.linkUp(),
      10_000,
    );
    for (const n of ['n0', 'n4', 'n5']) expect(logLines(sim, n, 'Failover auth granted')).toHaveLength(0);
  });

  it("times out when the votes never come; the master's failover pause is not CLIENT PAUSE and ends with it", () => {
    const { sim, ids } = formCluster({ seed: 45, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
    const [key] = keysOf(0, 3, 1, 'held');
    // n3 can talk to its master but to no other master: nobody can vote for it.
    sim.partition('n3', ['n1', 'n2']);
    expect(toPlain(sim.client('n3').run('CLUSTER', 'FAILOVER'))).toBe('OK');
    const c0 = clusterOf(sim, 'n0');
    const c3 = clusterOf(sim, 'n3');
    sim.runUntil(() => c3.manualFailover.canStart && c3.election.authSent, 2000);
    expect(c0.manualFailover.end).not.toBe(0);
    expect(sim.node('n0').node.replication.failoverPaused).toBe(true);

    const writer = sim.client('n0');
    const write = writer.call('SET', key!, 'v');
    // Reads go on; CLIENT UNPAUSE ends CLIENT PAUSE only: the write stays held.
    expect(toPlain(sim.client('n0').run('GET', key!))).toBeNull();
    expect(toPlain(sim.client('n0').run('CLIENT', 'UNPAUSE'))).toBe('OK');
    sim.runFor(1000);
    expect(write.done).toBe(false);

    sim.runUntil(() => write.done, 10_000);
    expect(toPlain(write.value())).toBe('OK');
    expect(logLines(sim, 'n0', 'Manual failover timed out.')).toHaveLength(1);
    expect(logLines(sim, 'n3', 'Manual failover timed out.')).toHaveLength(1);
    // Abandoned after CLUSTER_MF_TIMEOUT: n3 stays a replica, n0 a master, both reset.
    sim.runFor(200);
    expect(c3.state.myself.isReplica).toBe(true);
    expect(c3.state.myself.master?.name).toBe(ids.get('n0'));
    expect(c0.state.myself.numSlots).toBeGreaterThan(0);
    expect(c0.manualFailover.end).toBe(0);
    expect(c3.manualFailover.end).toBe(0);
    expect(sim.node('n0').node.pause).toBeNull();
    expect(sim.node('n0').node.replication.failoverPaused).toBe(false);
    expect(c0.header().mflags & MessageFlag0.PAUSED).toBe(0);
  });
});
