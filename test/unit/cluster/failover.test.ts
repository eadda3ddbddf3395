// Automatic failover in virtual time (clusterHandleSlaveFailover and friends): a replica of a failed master waits its
// rank's delay, wins a majority of the masters' votes in a new epoch and takes the slots; the old master comes back
// as its replica. Offsets decide who goes first, a minority never elects, no master votes twice in one epoch,
// cluster-replica-no-failover holds a replica back, and the same seed replays the same run.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../../src/cluster/constants.js';
import { replicaRank } from '../../../src/cluster/failover.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import type { Simulation } from '../../../src/sim/simulation.js';
import {
  clusterOf,
  formCluster,
  keysOf,
  logLines,
  nodeNamed,
  seenAsOwner,
  slotRange,
  type FormedCluster,
} from './failover-fixtures.js';

const NODE_TIMEOUT = 5000;

/** Writes `keys` to `name` (each SET must be acknowledged). */
function writeKeys(sim: Simulation, name: string, keys: readonly string[]): void {
  const client = sim.client(name);
  for (const key of keys) expect(toPlain(client.run('SET', key, `value-of-${key}`))).toBe('OK');
  client.close();
}

/** Waits until replica `name` has processed everything its master `master` produced. */
function waitCaughtUp(sim: Simulation, replica: string, master: string): void {
  sim.runUntil(
    () => sim.node(replica).node.replication.offset() === sim.node(master).node.replication.offset(),
    10_000,
  );
}

/** The 3×1 kill-a-master scenario up to the promotion everywhere; returns when n3 owns n0's slots on every live node. */
function killMasterScenario(seed: number): FormedCluster & { crashAt: number; keys: string[] } {
  const formed = formCluster({ seed, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
  const { sim, names, ids } = formed;
  const keys = keysOf(0, 3, 20);
  writeKeys(sim, 'n0', keys);
  waitCaughtUp(sim, 'n3', 'n0');
  const crashAt = sim.now();
  sim.crash('n0');
  const alive = names.filter((n) => n !== 'n0');
  const [from, to] = slotRange(0, 3);
  sim.runUntil(() => seenAsOwner(sim, alive, ids.get('n3')!, from, to), 30_000);
  return { ...formed, crashAt, keys };
}

describe('automatic failover', () => {
  it("a crashed master's replica takes its slots everywhere soon after FAIL; the old master rejoins as its replica", () => {
    const { sim, names, ids, crashAt, keys } = killMasterScenario(1);
    const promotedAt = sim.now();
    // Detection alone takes node_timeout after the first unanswered PING, which goes out up to node_timeout/2 after
    // the last PONG; the election itself (FAIL seen → slots moved everywhere) is quick: its delay is under 1 s at rank 0.
    expect(promotedAt - crashAt).toBeGreaterThan(NODE_TIMEOUT);
    expect(promotedAt - crashAt).toBeLessThan(NODE_TIMEOUT * 1.5 + 3000);
    const failSeen = Number(logLines(sim, 'n3', 'FAIL message received from')[0]?.split(' ')[0] ?? NaN);
    expect(promotedAt - failSeen).toBeLessThan(1500);

    const n3 = clusterOf(sim, 'n3');
    expect(n3.state.myself.isMaster).toBe(true);
    expect(sim.node('n3').node.role).toBe('master');
    // The new master's configEpoch is the election's, larger than every other.
    const epoch = n3.state.myself.configEpoch;
    for (const n of n3.state.nodes.values()) if (n !== n3.state.myself) expect(n.configEpoch).toBeLessThan(epoch);
    expect(n3.election.authEpoch).toBe(epoch);
    expect(logLines(sim, 'n3', 'Start of election delayed for').length).toBe(1);
    expect(logLines(sim, 'n3', '(rank #0, offset ').length).toBe(1);
    expect(logLines(sim, 'n3', `Starting a failover election for epoch ${epoch}.`).length).toBe(1);
    expect(logLines(sim, 'n3', "Failover election won: I'm the new master.").length).toBe(1);
    expect(logLines(sim, 'n3', `configEpoch set to ${epoch} after successful failover`).length).toBe(1);
    for (const voter of ['n1', 'n2'])
      expect(logLines(sim, voter, `Failover auth granted to ${ids.get('n3')} for epoch ${epoch}`).length).toBe(1);
    // The replicas of other masters do not vote.
    for (const other of ['n4', 'n5']) expect(logLines(sim, other, 'Failover auth granted').length).toBe(0);
    // nodes.conf was saved with the new role and epoch.
    const conf = sim.node('n3').storage.read('nodes.conf')!.toString('latin1');
    expect(conf).toMatch(
      new RegExp(`^${ids.get('n3')} \\S+ myself,master - \\d+ \\d+ ${epoch} connected 0-5461$`, 'm'),
    );

    const alive = names.filter((n) => n !== 'n0');
    sim.runUntil(() => alive.every((n) => clusterOf(sim, n).state.state === 'ok'), 10_000);
    // The data is there, served by the new master.
    const client = sim.client('n3');
    for (const key of keys) expect(toPlain(client.run('GET', key))).toBe(`value-of-${key}`);

    // The old master comes back, learns it lost its slots, and follows the winner.
    sim.restart('n0');
    sim.runUntil(
      () =>
        names.every((n) => {
          const me = nodeNamed(clusterOf(sim, n), ids.get('n0')!);
          return me.isReplica && me.master?.name === ids.get('n3');
        }) && sim.node('n0').node.replication.linkUp(),
      30_000,
    );
    expect(
      logLines(sim, 'n0', `Configuration change detected. Reconfiguring myself as a replica of ${ids.get('n3')}`)
        .length,
    ).toBe(1);
    sim.runUntil(() => names.every((n) => clusterOf(sim, n).state.state === 'ok'), 30_000);
    const oldMaster = sim.client('n0');
    for (const key of keys.slice(0, 3))
      expect(toPlain(oldMaster.run('GET', key))).toEqual({
        error: expect.stringMatching(/^MOVED \d+ 127\.0\.0\.1:7003$/) as string,
      });
  });

  it('of two replicas, the one with the larger offset goes first (rank 0) and wins; the other follows it', () => {
    const { sim, names, ids } = formCluster({ seed: 3, masters: 3, replicaOf: [0, 0], nodeTimeout: NODE_TIMEOUT });
    // n4 stops hearing from n0 (bus and replication stream) while n0 takes writes that n3 gets.
    sim.partition('n4', 'n0');
    writeKeys(sim, 'n0', keysOf(0, 3, 30));
    waitCaughtUp(sim, 'n3', 'n0');
    const c4 = clusterOf(sim, 'n4');
    expect(c4.node.replication.offset()).toBeLessThan(sim.node('n0').node.replication.offset());
    // n4 learns n3's better offset from n3's own messages.
    sim.runUntil(() => nodeNamed(c4, ids.get('n3')!).replOffset > c4.node.replication.offset(), 10_000);
    expect(replicaRank(c4)).toBe(1);
    expect(replicaRank(clusterOf(sim, 'n3'))).toBe(0);

    sim.crash('n0');
    sim.heal('n4', 'n0');
    const alive = names.filter((n) => n !== 'n0');
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, alive, ids.get('n3')!, from, to), 30_000);
    expect(logLines(sim, 'n3', '(rank #0, offset ').length).toBe(1);
    expect(logLines(sim, 'n4', 'Starting a failover election').length).toBe(0);
    // The slower replica was at rank 1 (or moved there), and now replicates the winner.
    const n4Ranked =
      logLines(sim, 'n4', '(rank #1, offset ').length + logLines(sim, 'n4', 'Replica rank updated to #1').length;
    expect(n4Ranked).toBeGreaterThan(0);
    sim.runUntil(
      () =>
        alive.every((n) => nodeNamed(clusterOf(sim, n), ids.get('n4')!).master?.name === ids.get('n3')) &&
        sim.node('n4').node.replication.linkUp(),
      30_000,
    );
    waitCaughtUp(sim, 'n4', 'n3');
  });

  it('a minority side (a master and a replica cut off) never elects; the majority side does', () => {
    const { sim, names, ids } = formCluster({ seed: 4, masters: 3, replicaOf: [0, 1, 2], nodeTimeout: NODE_TIMEOUT });
    const minority = ['n0', 'n4'];
    const majority = names.filter((n) => !minority.includes(n));
    sim.partition(minority, majority);
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, majority, ids.get('n3')!, from, to), 30_000);
    sim.runUntil(() => majority.every((n) => clusterOf(sim, n).state.state === 'ok'), 10_000);
    // Long after: n4 saw its master n1 time out but could never get it FAILed, nor start an election.
    sim.runFor(NODE_TIMEOUT * 6);
    const c4 = clusterOf(sim, 'n4');
    expect(nodeNamed(c4, ids.get('n1')!).timedOut).toBe(true);
    expect(nodeNamed(c4, ids.get('n1')!).failed).toBe(false);
    expect(logLines(sim, 'n4', 'Start of election delayed').length).toBe(0);
    expect(logLines(sim, 'n4', 'Starting a failover election').length).toBe(0);
    expect(c4.state.myself.isReplica).toBe(true);
    for (const n of minority) expect(clusterOf(sim, n).state.state).toBe('fail');
    // n0 still believes it owns its slots, but its side is down.
    expect(clusterOf(sim, 'n0').state.myself.numSlots).toBe(to - from + 1);

    sim.heal();
    sim.runUntil(
      () =>
        names.every((n) => {
          const c = clusterOf(sim, n);
          return nodeNamed(c, ids.get('n0')!).master?.name === ids.get('n3') && c.state.state === 'ok';
        }),
      30_000,
    );
    expect(nodeNamed(c4, ids.get('n4')!).master?.name).toBe(ids.get('n1'));
  });

  it('no master grants two votes in one epoch, whatever the contention', () => {
    let contested = 0;
    for (const seed of [31, 32, 33, 34, 35]) {
      // Three replicas with equal offsets for one master: all rank 0, all may run in the same epochs.
      const { sim, names, ids } = formCluster({ seed, masters: 3, replicaOf: [0, 0, 0], nodeTimeout: 2000 });
      sim.crash('n0');
      const alive = names.filter((n) => n !== 'n0');
      sim.runUntil(
        () =>
          alive.every((n) => clusterOf(sim, n).state.state === 'ok') &&
          names.slice(3).some((n) => clusterOf(sim, n).state.myself.isMaster),
        60_000,
      );
      sim.runFor(10_000);
      const grants = new Map<string, string[]>();
      for (const line of sim.eventLog.lines()) {
        const m = / \[(n\d)\] \S \S Failover auth granted to (\w+) for epoch (\d+)$/.exec(line);
        if (m === null) continue;
        const key = `${m[1]} ${m[3]}`;
        grants.set(key, [...(grants.get(key) ?? []), m[2]!]);
      }
      expect(grants.size).toBeGreaterThan(0);
      for (const [key, to] of grants) expect(to, key).toHaveLength(1);
      const elections = names.slice(3).reduce((k, n) => k + logLines(sim, n, 'Starting a failover election').length, 0);
      if (elections > 1) contested++;
      for (const voter of ['n1', 'n2']) {
        const s = clusterOf(sim, voter).state;
        expect(s.lastVoteEpoch).toBeLessThanOrEqual(s.currentEpoch);
      }
      // Exactly one winner, everybody agrees on it.
      const winners = names.slice(3).filter((n) => clusterOf(sim, n).state.myself.isMaster);
      expect(winners).toHaveLength(1);
      const [from, to] = slotRange(0, 3);
      expect(seenAsOwner(sim, alive, ids.get(winners[0]!)!, from, to)).toBe(true);
    }
    // The seeds were chosen so that some runs had more than one candidate.
    expect(contested).toBeGreaterThan(0);
  });

  it('cluster-replica-no-failover yes keeps the replica from failing over', () => {
    const { sim, ids } = formCluster({
      seed: 6,
      masters: 3,
      replicaOf: [0, 1, 2],
      nodeTimeout: NODE_TIMEOUT,
      extra: { n3: [['cluster-replica-no-failover', ['yes']]] },
    });
    // Everyone sees the nofailover flag.
    for (const n of ['n1', 'n2', 'n4'])
      expect(nodeNamed(clusterOf(sim, n), ids.get('n3')!).has(NodeFlag.NOFAILOVER)).toBe(true);
    sim.crash('n0');
    sim.runUntil(() => nodeNamed(clusterOf(sim, 'n3'), ids.get('n0')!).failed, 30_000);
    sim.runFor(NODE_TIMEOUT * 6);
    const c3 = clusterOf(sim, 'n3');
    expect(c3.state.myself.isReplica).toBe(true);
    expect(logLines(sim, 'n3', 'Start of election delayed').length).toBe(0);
    for (const n of ['n1', 'n2', 'n3']) expect(clusterOf(sim, n).state.state).toBe('fail');

    // Turned off at run time, the replica fails over at its next cron tick.
    expect(toPlain(sim.client('n3').run('CONFIG', 'SET', 'cluster-replica-no-failover', 'no'))).toBe('OK');
    const [from, to] = slotRange(0, 3);
    sim.runUntil(() => seenAsOwner(sim, ['n1', 'n2', 'n3', 'n4', 'n5'], ids.get('n3')!, from, to), 10_000);
  });

  it('without a majority of the votes the replica keeps retrying in new epochs, and wins once it can reach enough masters', () => {
    // Five masters, so a majority is three; n5 (n0's replica) can reach only n3 and n4.
    const { sim, names, ids } = formCluster({ seed: 8, masters: 5, replicaOf: [0], nodeTimeout: 2000 });
    sim.crash('n0');
    // Cut off just after the FAIL reached n5 (n5 cannot reach a FAIL verdict itself without three masters' reports).
    sim.runUntil(() => nodeNamed(clusterOf(sim, 'n5'), ids.get('n0')!).failed, 30_000);
    sim.partition('n5', ['n1', 'n2']);
    sim.runUntil(() => logLines(sim, 'n5', 'Starting a failover election').length >= 2, 60_000);
    const c5 = clusterOf(sim, 'n5');
    expect(c5.state.myself.isReplica).toBe(true);
    expect(c5.election.authCount).toBeLessThan(3);
    // The quiet period after the FAIL is over by the time the retry is due: the reason is logged.
    expect(logLines(sim, 'n5', 'Currently unable to failover: ').length).toBeGreaterThan(0);
    const epochs = logLines(sim, 'n5', 'Starting a failover election').map((l) => Number(/epoch (\d+)\.$/.exec(l)![1]));
    expect(epochs[1]!).toBeGreaterThan(epochs[0]!);
    // Retries are auth_retry_time apart.
    const times = logLines(sim, 'n5', 'Starting a failover election').map((l) => Number(l.split(' ')[0]));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(Math.max(2000 * 2, 2000) * 2);

    sim.heal();
    const [from, to] = slotRange(0, 5);
    sim.runUntil(() => seenAsOwner(sim, names.slice(1), ids.get('n5')!, from, to), 60_000);
  });

  it('the same seed replays the same kill-a-master run, event for event', () => {
    const run = (seed: number): string => {
      const { sim } = killMasterScenario(seed);
      sim.runFor(5000);
      return sim.eventLog.hash();
    };
    const first = run(21);
    expect(run(21)).toBe(first);
    expect(run(22)).not.toBe(first);
  });
});
