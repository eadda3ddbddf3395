// Property-based failover testing: random topologies (3–7 masters, 0–2 replicas each), a redirect-following
// workload, random crashes, restarts, pauses, partitions and manual failovers on the simulation runtime, then the
// invariants of src/sim/failover-check (slot agreement, one vote per epoch, monotonic epochs, promotions only by
// election or TAKEOVER, no acknowledged write lost by a master that kept its slots, cluster_state ok after kills the
// cluster can survive). FAILOVER_RUNS raises the number of runs; FAILOVER_SEED and FAILOVER_PATH replay a failure
// that fast-check printed.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertFailoverScenario,
  failoverProperty,
  FailoverInvariantError,
  listAppendWorkload,
  Monitor,
  runFailoverScenario,
  type FailoverScenario,
  type Workload,
} from '../../src/sim/failover-check/index.js';
import { NodeFlag } from '../../src/cluster/constants.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { Simulation } from '../../src/sim/simulation.js';

const RUNS = Number(process.env['FAILOVER_RUNS'] ?? 20);
// `npm test` replays one fixed set of runs, so the suite cannot fail by chance; set FAILOVER_SEED (and FAILOVER_RUNS)
// to explore others, and FAILOVER_PATH with it to replay a reported counterexample.
const REPLAY = {
  seed: Number(process.env['FAILOVER_SEED'] ?? 20261204),
  ...(process.env['FAILOVER_PATH'] === undefined ? {} : { path: process.env['FAILOVER_PATH'] }),
};

/** A partition that cuts master n1 off alone for 12 s while clients still reach it: Redis's write-loss window. */
const ISOLATE_N1: FailoverScenario = {
  seed: 11,
  topology: { masters: 3, replicas: [1, 1, 1] },
  faults: [
    { at: 3000, action: { kind: 'partition', side: 0b1 } },
    { at: 15000, action: { kind: 'heal', side: 0b1 } },
  ],
  faultPhaseMs: 18000,
};

/**
 * Found with FAILOVER_SEED=424242 (run 112): n10's election for epoch 15 expires while a partition holds its
 * requests; they arrive when the partition heals, three masters vote for epoch 15, and those late ACKs count toward
 * n10's next election (epoch 16) as Redis counts them (an ACK counts when its sender's currentEpoch is at least
 * failover_auth_epoch, still 15 until the next election starts). n10 wins epoch 16 with one grant for 16 and three for
 * 15: the majority check must count them too.
 */
const LATE_ACKS: FailoverScenario = {
  seed: 1655651990,
  topology: { masters: 7, replicas: [2, 1, 0, 2, 1, 1, 1], nodeTimeoutMs: 2000, persistence: 'aof' },
  faults: [
    { at: 2252, action: { kind: 'crash', node: 1 } },
    { at: 2344, action: { kind: 'crash', node: 36 } },
    { at: 4480, action: { kind: 'partition', side: 1414460 } },
    { at: 6973, action: { kind: 'crash', node: 19 } },
    { at: 8377, action: { kind: 'pause', node: 4 } },
    { at: 9090, action: { kind: 'resume', node: 4 } },
    { at: 15078, action: { kind: 'heal', side: 1414460 } },
    { at: 15626, action: { kind: 'restart', node: 36 } },
    { at: 17635, action: { kind: 'restart', node: 1 } },
  ],
  faultPhaseMs: 20000,
  finalKills: [52],
};

/**
 * Found with FAILOVER_SEED=424242 after LATE_ACKS was understood: n10 wins epoch 16, is demoted two seconds later to a
 * replica of a master it still flags FAIL, and "wins" again at the next cron with no new election: Redis clears its
 * vote count only when it schedules a new election, so within the election timeout the old count still reaches the
 * quorum (clusterHandleSlaveFailover). Both wins rest on the grants of epoch 16.
 */
const REWIN_ON_OLD_VOTES: FailoverScenario = {
  seed: 1030068630,
  topology: { masters: 6, replicas: [1, 1, 2, 1, 2, 1], nodeTimeoutMs: 2000, persistence: 'aof' },
  faults: [
    { at: 7622, action: { kind: 'partition', side: 69511 } },
    { at: 14447, action: { kind: 'partition', side: 1087437 } },
    { at: 17250, action: { kind: 'heal', side: 69511 } },
  ],
  faultPhaseMs: 20000,
  finalKills: [2],
};

/**
 * Found with FAILOVER_SEED=424242 (run 149, after the two above): with 7 masters, n11 wins epoch 16 on 3 grants. Redis
 * needs half of the candidate's own count of slot-serving masters plus one (needed_quorum from cluster->size), and
 * after the partitions and a FORCE failover n11 counts only 5 such masters (two replaced masters with no slots left).
 */
const QUORUM_OF_OWN_VIEW: FailoverScenario = {
  seed: 12,
  topology: { masters: 7, replicas: [0, 1, 2, 1, 1, 2, 1], nodeTimeoutMs: 2000, persistence: 'aof' },
  faults: [
    { at: 2158, action: { kind: 'partition', side: 1451270 } },
    { at: 7434, action: { kind: 'partition', side: 997018 } },
    { at: 8969, action: { kind: 'failover', node: 53, mode: 'force' } },
    { at: 10114, action: { kind: 'heal', side: 997018 } },
    { at: 18934, action: { kind: 'pause', node: 55 } },
  ],
  faultPhaseMs: 20000,
};

describe('cluster failover properties', () => {
  it(
    'holds every failover invariant on random topologies, workloads and fault schedules',
    () => {
      fc.assert(failoverProperty(fc), { numRuns: RUNS, ...REPLAY });
    },
    60_000 + RUNS * 20_000,
  );

  it('gives the same event log for the same scenario, and another for another seed', () => {
    const scenario: FailoverScenario = {
      seed: 5,
      topology: { masters: 3, replicas: [1, 0, 2], persistence: 'aof' },
      faults: [
        { at: 1000, action: { kind: 'crash', node: 0 } },
        { at: 6000, action: { kind: 'pause', node: 2 } },
        { at: 8000, action: { kind: 'resume', node: 2 } },
        { at: 9000, action: { kind: 'restart', node: 0 } },
      ],
      faultPhaseMs: 12000,
      finalKills: [4],
    };
    const first = runFailoverScenario(scenario);
    const second = runFailoverScenario(scenario);
    expect(second.eventLogHash).toBe(first.eventLogHash);
    expect(second.eventLogLines).toBe(first.eventLogLines);
    expect(second.writes).toEqual(first.writes);
    expect(first.timeline).toContain('1000 crash n1');
    expect(first.writes.acked).toBeGreaterThan(100);
    const other = runFailoverScenario({ ...scenario, seed: 6 });
    expect(other.eventLogHash).not.toBe(first.eventLogHash);
  }, 60_000);

  it('counts the writes a master acknowledged after it was partitioned away, and promotes its replica by election', () => {
    const report = assertFailoverScenario(ISOLATE_N1);
    // n4 (n1's replica) won the election in the majority; n1 kept acknowledging writes until it saw the majority go.
    expect(report.promotions).toEqual([expect.objectContaining({ node: 'n4', how: 'election' })]);
    expect(report.writes.lostAfterFailover).toBeGreaterThan(0);
    expect(report.writes.lostByNode).toEqual({ n1: report.writes.lostAfterFailover });
    expect(report.writes.lostInError).toBe(0);
    expect(report.writes.survived + report.writes.lostAfterFailover).toBe(report.writes.acked);
    expect(report.settled).toBe(true);
  }, 60_000);

  it('counts late ACKs of an expired election toward the next one, as Redis does', () => {
    const report = assertFailoverScenario(LATE_ACKS);
    expect(report.promotions).toContainEqual(expect.objectContaining({ node: 'n10', how: 'election' }));
  }, 120_000);

  it('accepts a second win on the votes of the first, as Redis gives it', () => {
    const report = assertFailoverScenario(REWIN_ON_OLD_VOTES);
    expect(report.promotions.filter((p) => p.node === 'n10' && p.how === 'election')).toHaveLength(2);
  }, 120_000);

  it("counts an election's majority on the winner's own count of masters", () => {
    const report = assertFailoverScenario(QUORUM_OF_OWN_VIEW);
    expect(report.promotions).toContainEqual(expect.objectContaining({ node: 'n11', how: 'election' }));
  }, 120_000);

  it('sees a TAKEOVER promotion as one, with no election', () => {
    const report = assertFailoverScenario({
      seed: 3,
      topology: { masters: 3, replicas: [0, 1, 0] },
      faults: [{ at: 2000, action: { kind: 'failover', node: 0, mode: 'takeover' } }],
      faultPhaseMs: 6000,
    });
    expect(report.promotions).toEqual([expect.objectContaining({ node: 'n4', how: 'takeover' })]);
    expect(report.timeline.some((line) => line.includes('CLUSTER FAILOVER TAKEOVER on n4 -> +OK'))).toBe(true);
  }, 60_000);

  it('expects cluster_state:ok after killing a master whose replica survives, with the replica promoted', () => {
    const report = assertFailoverScenario({
      seed: 8,
      topology: { masters: 3, replicas: [1, 1, 1], persistence: 'aof' },
      faults: [],
      faultPhaseMs: 4000,
      finalKills: [1],
    });
    expect(report.afterKills).toEqual({ killed: ['n2'], expectOk: true, ok: true });
    expect(report.promotions).toEqual([expect.objectContaining({ node: 'n5', how: 'election' })]);
  }, 60_000);

  it('takes user workloads: a set-add workload of its own, checked the same way', () => {
    const setAdd: Workload = (ctx) => {
      const client = ctx.client({ name: 'adder' });
      let n = 0;
      const step = (): void => {
        if (!ctx.active()) return;
        const key = `set:{${n % 7}}`;
        const member = `m${++n}`;
        client.call(key, ['SADD', key, member], (outcome) => {
          ctx.ledger.record(key, 'set', member, outcome);
          ctx.sim.schedule(20, step);
        });
      };
      step();
    };
    const report = assertFailoverScenario({ ...ISOLATE_N1, seed: 12 }, { workload: setAdd });
    expect(report.writes.acked).toBeGreaterThan(100);
    expect(report.writes.survived + report.writes.lostAfterFailover).toBe(report.writes.acked);
  }, 60_000);

  it('reports an acknowledged write that is missing although its master kept its slots', () => {
    // A workload that claims acknowledgements nobody gave: the element was never written, and its master (found by
    // a real write to the same key) never lost its slots, so the checker must call it lost in error.
    const lying: Workload = (ctx) => {
      const client = ctx.client({ name: 'liar' });
      client.call('list:0', ['RPUSH', 'list:0', 'real'], (outcome) => {
        ctx.ledger.record('list:0', 'list', 'real', outcome);
        if (outcome.kind === 'reply') {
          ctx.ledger.ack({ key: 'list:0', container: 'list', element: 'ghost', node: outcome.node, at: outcome.at });
        }
      });
    };
    const scenario: FailoverScenario = {
      seed: 2,
      topology: { masters: 3, replicas: [0, 0, 0] },
      faults: [],
      faultPhaseMs: 2000,
    };
    const report = runFailoverScenario(scenario, { workload: lying });
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({ invariant: 'acked-write-lost' })]);
    expect(report.violations[0]!.message).toContain('ghost');
    expect(() => assertFailoverScenario(scenario, { workload: lying })).toThrow(FailoverInvariantError);
  }, 60_000);

  it('reports a second vote in one epoch and a promotion without an election', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', [['cluster-enabled', ['yes']]]);
    const monitor = new Monitor(sim, ['a'], 2, false);
    monitor.sample();
    const id = 'f'.repeat(40);
    sim.eventLog.record(sim.now(), 'a', `M # Failover auth granted to ${id} for epoch 7`);
    sim.eventLog.record(sim.now(), 'a', `M # Failover auth granted to ${'e'.repeat(40)} for epoch 7`);
    // A node seen as a replica in one sample and as a master with slots in the next, with no election in between.
    const me = sim.node('a').node.cluster!.state.myself;
    sim.runFor(100);
    me.flags = (me.flags & ~NodeFlag.MASTER) | NodeFlag.SLAVE;
    monitor.sample();
    me.flags = (me.flags & ~NodeFlag.SLAVE) | NodeFlag.MASTER;
    expect(toPlain(sim.client('a').run('CLUSTER', 'ADDSLOTS', '1'))).toBe('OK');
    sim.runFor(100);
    monitor.sample();
    monitor.finish();
    const kinds = monitor.violations.map((v) => v.invariant);
    expect(kinds).toContain('one-vote-per-epoch');
    expect(kinds).toContain('promotion-by-election');
  });

  it('keeps the default workload busy: acknowledged writes, reads and redirects', () => {
    const report = assertFailoverScenario(
      { seed: 4, topology: { masters: 4, replicas: [] }, faults: [], faultPhaseMs: 3000 },
      { workload: listAppendWorkload({ clients: 2, intervalMs: 20 }) },
    );
    expect(report.writes.acked).toBeGreaterThan(150);
    expect(report.writes.reads).toBeGreaterThan(10);
    expect(report.writes.survived).toBe(report.writes.acked);
  }, 60_000);
});
