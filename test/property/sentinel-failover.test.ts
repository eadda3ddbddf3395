// Property-based Sentinel testing: random groups (1 master, 1–3 replicas, 3–5 Sentinels, any quorum), a workload that
// finds the master through the Sentinels, random crashes, pauses and partitions among servers and Sentinels on the
// simulation runtime, then the invariants of src/sim/sentinel-check (one vote and one leader per epoch, epochs never
// decrease, convergence on one real master after healing, no acknowledged write lost by a master that was never
// crashed nor demoted afterwards; other lost writes counted). SENTINEL_RUNS raises the number of runs; SENTINEL_SEED
// (and SENTINEL_PATH) replay a failure that fast-check printed.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SentinelInvariantError,
  SentinelMonitor,
  assertSentinelScenario,
  buildSentinelGroup,
  runSentinelScenario,
  sentinelProperty,
  type SentinelScenario,
  type SentinelWorkload,
} from '../../src/sim/sentinel-check/index.js';
import { Simulation } from '../../src/sim/simulation.js';

const RUNS = Number(process.env['SENTINEL_RUNS'] ?? 12);
// `npm test` replays one fixed set of runs, so the suite cannot fail by chance; set SENTINEL_SEED (and SENTINEL_RUNS)
// to explore others, and SENTINEL_PATH with it to replay a reported counterexample.
const REPLAY = {
  seed: Number(process.env['SENTINEL_SEED'] ?? 20261204),
  ...(process.env['SENTINEL_PATH'] === undefined ? {} : { path: process.env['SENTINEL_PATH'] }),
};

/** Nodes are indexed servers first: m=0, r1=1, r2=2, then s1=3, s2=4, s3=5 for this topology. */
const TOPOLOGY = { replicas: 2, sentinels: 3, quorum: 2 };

/** The master cut off from its replicas and every Sentinel for 15 s while clients still reach it. */
const ISOLATE_MASTER: SentinelScenario = {
  seed: 31,
  topology: TOPOLOGY,
  faults: [
    { at: 3000, action: { kind: 'partition', side: 0b000001 } },
    { at: 18000, action: { kind: 'heal', side: 0b000001 } },
  ],
  faultPhaseMs: 20000,
};

describe('Sentinel failover properties', () => {
  it(
    'holds every Sentinel invariant on random groups, workloads and fault schedules',
    () => {
      fc.assert(sentinelProperty(fc), { numRuns: RUNS, ...REPLAY });
    },
    60_000 + RUNS * 20_000,
  );

  it('gives the same event log for the same scenario, and another for another seed', () => {
    const scenario: SentinelScenario = {
      seed: 5,
      topology: TOPOLOGY,
      faults: [
        { at: 1000, action: { kind: 'crash', node: 0 } },
        { at: 4000, action: { kind: 'pause', node: 4 } },
        { at: 6000, action: { kind: 'resume', node: 4 } },
        { at: 15000, action: { kind: 'restart', node: 0 } },
      ],
      faultPhaseMs: 20000,
    };
    const first = runSentinelScenario(scenario);
    const second = runSentinelScenario(scenario);
    expect(second.eventLogHash).toBe(first.eventLogHash);
    expect(second.writes).toEqual(first.writes);
    expect(first.ok).toBe(true);
    expect(first.timeline).toContain('1000 crash m');
    // s2 wins the election, then is paused before promoting anyone: it resumes in TILT, and m, back meanwhile, stays.
    expect(first.elections).toEqual([expect.objectContaining({ sentinel: 's2', epoch: 1 })]);
    expect(first.writes.acked).toBeGreaterThan(200);
    expect(runSentinelScenario({ ...scenario, seed: 6 }).eventLogHash).not.toBe(first.eventLogHash);
  }, 60_000);

  it('counts the writes an isolated master acknowledged after its replica was promoted, without calling it a bug', () => {
    const report = assertSentinelScenario(ISOLATE_MASTER);
    expect(report.elections).toHaveLength(1);
    expect(report.finalMaster).not.toBe('127.0.0.1:6379');
    // Clients that asked the old master's Sentinels before the switch kept writing to it until the heal.
    expect(report.writes.lostAllowed).toBeGreaterThan(0);
    expect(report.writes.lostByNode).toEqual({ m: report.writes.lostAllowed });
    expect(report.writes.lostInError).toBe(0);
    expect(report.writes.survived + report.writes.lostAllowed).toBe(report.writes.acked);
  }, 60_000);

  it('loses nothing and elects nobody when only Sentinels fail', () => {
    const report = assertSentinelScenario({
      seed: 8,
      topology: TOPOLOGY,
      faults: [
        { at: 1000, action: { kind: 'crash', node: 3 } },
        { at: 2000, action: { kind: 'partition', side: 0b010000 } },
        { at: 9000, action: { kind: 'restart', node: 3 } },
        { at: 12000, action: { kind: 'heal', side: 0b010000 } },
      ],
      faultPhaseMs: 15000,
    });
    expect(report.elections).toEqual([]);
    expect(report.finalMaster).toBe('127.0.0.1:6379');
    expect(report.writes.survived).toBe(report.writes.acked);
  }, 60_000);

  it('does not fail over while two of three Sentinels are down (quorum 2), and converges once they return', () => {
    const report = assertSentinelScenario({
      seed: 9,
      topology: TOPOLOGY,
      faults: [
        { at: 500, action: { kind: 'crash', node: 4 } },
        { at: 500, action: { kind: 'crash', node: 5 } },
        { at: 1000, action: { kind: 'crash', node: 0 } },
        { at: 12000, action: { kind: 'restart', node: 0 } },
      ],
      faultPhaseMs: 20000,
    });
    // The master came back (empty: no persistence) before anyone could fail it over, and stays the master.
    expect(report.elections).toEqual([]);
    expect(report.finalMaster).toBe('127.0.0.1:6379');
    expect(report.writes.lostByNode).toEqual(report.writes.lostAllowed > 0 ? { m: report.writes.lostAllowed } : {});
  }, 60_000);

  it('waits out a replica that still believes in its link to a master that crashed and restarted behind a partition', () => {
    // Found by the property (seed 1164362394): r1 is cut off from m, m crashes and stays down with two Sentinels
    // paused (no quorum); at the heal m restarts and r1's stale link looks up for a moment, until its next write to
    // the new process is reset. Convergence must hold for a while before it counts.
    const report = assertSentinelScenario({
      seed: 1164362394,
      topology: { replicas: 1, sentinels: 3, quorum: 2 },
      faults: [
        { at: 5190, action: { kind: 'pause', node: 2 } },
        { at: 11356, action: { kind: 'pause', node: 3 } },
        { at: 14679, action: { kind: 'partition', side: 0b00101 } },
        { at: 17291, action: { kind: 'crash', node: 0 } },
      ],
      faultPhaseMs: 40000,
    });
    expect(report.elections).toEqual([]);
    expect(report.finalMaster).toBe('127.0.0.1:6379');
  }, 60_000);

  it('keeps a promoted replica that crashes and returns within down-after as the master, counting what it lost', () => {
    // r1 restarts as an empty master (no `replicaof` at startup, as a redis-server without a config file for CONFIG
    // REWRITE); the Sentinels never see it down, m resyncs from it, and r1's acknowledged writes are gone: allowed,
    // since r1 crashed. (With a `replicaof` startup directive r1 came back as a replica of its own replica m, a loop
    // the property found with seed 23 that Sentinel only breaks if m's link has not been down too long.)
    const report = assertSentinelScenario({
      seed: 23,
      topology: { replicas: 1, sentinels: 3, quorum: 2 },
      faults: [
        { at: 1000, action: { kind: 'crash', node: 0 } },
        { at: 15000, action: { kind: 'restart', node: 0 } },
        { at: 25000, action: { kind: 'crash', node: 1 } },
        { at: 26000, action: { kind: 'restart', node: 1 } },
      ],
      faultPhaseMs: 40000,
    });
    expect(report.elections).toHaveLength(1);
    expect(report.finalMaster).toBe('127.0.0.1:6380');
    expect(report.writes.lostByNode['r1']).toBeGreaterThan(0);
    expect(report.writes.lostInError).toBe(0);
  }, 60_000);

  it('reports an acknowledged write missing from a master that was never crashed nor demoted', () => {
    // A workload that claims an acknowledgement nobody gave: the element was never written.
    const lying: SentinelWorkload = (ctx) => {
      const client = ctx.client({ name: 'liar' });
      client.call(['RPUSH', 'list:0', 'real'], (outcome) => {
        ctx.ledger.record('list:0', 'list', 'real', outcome);
        if (outcome.kind === 'reply') {
          ctx.ledger.ack({ key: 'list:0', container: 'list', element: 'ghost', node: outcome.node, at: outcome.at });
        }
      });
    };
    const scenario: SentinelScenario = { seed: 2, topology: TOPOLOGY, faults: [], faultPhaseMs: 2000 };
    const report = runSentinelScenario(scenario, { workload: lying });
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({ invariant: 'acked-write-lost' })]);
    expect(report.violations[0]!.message).toContain('ghost');
    expect(report.writes).toEqual(expect.objectContaining({ acked: 2, survived: 1, lostInError: 1 }));
    expect(() => assertSentinelScenario(scenario, { workload: lying })).toThrow(SentinelInvariantError);
  }, 60_000);

  it('reports a second vote and a second leader in one epoch, a leader without a majority, and a falling epoch', () => {
    const sim = new Simulation({ seed: 1 });
    const group = buildSentinelGroup(sim, TOPOLOGY);
    const monitor = new SentinelMonitor(sim, group);
    monitor.sample();
    const ids = group.sentinels.map((s) => sim.node(s).node.sentinel!.myid);
    const log = (source: string, text: string): void => sim.eventLog.record(sim.now(), source, `X # ${text}`);
    const details = 'master mymaster 127.0.0.1 6379';
    // s1 and s2 both start a failover in epoch 1; s1 gets two votes, s2 only its own, yet both claim the win.
    log('s1', '+new-epoch 1');
    log('s1', `+try-failover ${details}`);
    log('s1', `+vote-for-leader ${ids[0]} 1`);
    log('s3', `+vote-for-leader ${ids[0]} 1`);
    log('s2', '+new-epoch 1');
    log('s2', `+try-failover ${details}`);
    log('s2', `+vote-for-leader ${ids[1]} 1`);
    log('s3', `+vote-for-leader ${ids[1]} 1`);
    log('s1', `+elected-leader ${details}`);
    log('s2', `+elected-leader ${details}`);
    // And s3's epoch goes back.
    const s3 = sim.node('s3').node.sentinel!;
    s3.currentEpoch = 5;
    monitor.sample();
    s3.currentEpoch = 4;
    monitor.sample();
    const { elections } = monitor.readLog();
    expect(elections.map((e) => `${e.sentinel}@${e.epoch}`)).toEqual(['s1@1', 's2@1']);
    const found = monitor.violations.map((v) => `${v.invariant}: ${v.message}`);
    expect(found).toEqual([
      'monotonic-epochs: s3: current epoch 5 -> 4, config epoch 0 -> 0',
      `one-vote-per-epoch: s3 voted for ${ids[0]} and ${ids[1]} in epoch 1`,
      'one-leader-per-epoch: s1 and s2 both elected in epoch 1',
      'one-leader-per-epoch: s2 elected in epoch 1 with 1 logged votes, needing 2',
    ]);
  }, 60_000);
});
