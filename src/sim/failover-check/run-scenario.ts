// Runs one failover scenario in a fresh simulation: builds the topology, starts the workload and the fault schedule,
// samples every node while faults happen, then heals everything and lets the cluster settle, reads every
// acknowledged write back, optionally kills some nodes for good and checks the survivors fail over, and returns a
// report with every invariant violation, the writes lost (allowed or not) and the event log's hash.

import type { FormedCluster } from '../../cluster/cluster-former.js';
import { ScenarioInvariantError, sampleEvery, workloadClients, type ScenarioReport } from '../scenario-run.js';
import { formCluster } from '../sim-cluster.js';
import { Simulation, type Directives } from '../simulation.js';
import { FaultInjector, type ScheduledFault } from './faults.js';
import { checkConvergence, classifyWrites, Monitor, type Violation, type WriteClassification } from './invariants.js';
import { ClusterClient } from './cluster-client.js';
import {
  elementsOf,
  listAppendWorkload,
  readBackArgs,
  WriteLedger,
  type AckedWrite,
  type Workload,
  type WorkloadContext,
} from './workload.js';

/** The cluster to build: `masters` masters, `replicas[i]` replicas for master i (missing entries: 0). */
export interface FailoverTopology {
  readonly masters: number;
  readonly replicas: readonly number[];
  /** cluster-node-timeout in ms (default 2000: short, so runs take few virtual seconds). */
  readonly nodeTimeoutMs?: number;
  /** `aof`: appendonly yes with appendfsync always, so a crash loses no acknowledged write; `none` (default): none. */
  readonly persistence?: 'none' | 'aof';
}

/** A whole scenario as plain data: printable, and replayable by passing it to runFailoverScenario again. */
export interface FailoverScenario {
  /** The simulation seed. */
  readonly seed: number;
  readonly topology: FailoverTopology;
  /** Faults, timed from the start of the fault phase. */
  readonly faults: readonly ScheduledFault[];
  /** How long the workload and the faults run, in virtual ms. */
  readonly faultPhaseMs: number;
  /** Nodes (indices, modulo the node count) killed for good once the healed cluster has settled. */
  readonly finalKills?: readonly number[];
}

/** Options for runFailoverScenario. */
export interface RunFailoverOptions {
  /** The workload (default listAppendWorkload()). */
  readonly workload?: Workload;
  /** Virtual ms allowed for the cluster to settle after healing, and again after the final kills (default 60 000). */
  readonly settleMs?: number;
  /** Interval of the state samples, in virtual ms (default 100: one clusterCron tick). */
  readonly sampleMs?: number;
}

/** What a run found. */
export interface FailoverReport extends ScenarioReport<Violation> {
  /** Node name → its role at formation (`master`, or `replica of nX`). */
  readonly roles: Readonly<Record<string, string>>;
  readonly writes: {
    readonly acked: number;
    readonly survived: number;
    /** Lost, allowed: their master lost its slots (or crashed without durable persistence) after acking. */
    readonly lostAfterFailover: number;
    /** Those lost writes by the node that acknowledged them. */
    readonly lostByNode: Readonly<Record<string, number>>;
    /** Lost although their master kept its slots (each is also a violation). */
    readonly lostInError: number;
    /** Sent, but no reply (timeout, lost link): they may or may not be there. */
    readonly unknown: number;
    readonly failed: number;
    readonly reads: number;
    readonly errors: Readonly<Record<string, number>>;
  };
  /** Replicas that became masters: by an election or a TAKEOVER. */
  readonly promotions: readonly { readonly node: string; readonly at: number; readonly how: string }[];
  /** Whether the healed cluster settled (slots agreed, epochs unique, state ok everywhere). */
  readonly settled: boolean;
  /** After the final kills: whether the survivors were expected to reach cluster_state:ok, and whether they did. */
  readonly afterKills: { readonly killed: readonly string[]; readonly expectOk: boolean; readonly ok: boolean } | null;
}

/** Thrown when a run breaks an invariant (by assertFailoverScenario); carries the report. */
export class FailoverInvariantError extends ScenarioInvariantError<FailoverReport> {
  override readonly name = 'FailoverInvariantError';

  constructor(report: FailoverReport) {
    super('Failover', report);
  }
}

/** Runs a scenario and returns its report (violations included; it does not throw for them). */
export function runFailoverScenario(scenario: FailoverScenario, options: RunFailoverOptions = {}): FailoverReport {
  const settleMs = options.settleMs ?? 60_000;
  const sampleMs = options.sampleMs ?? 100;
  const topology = scenario.topology;
  const sim = new Simulation({ seed: scenario.seed });
  const start = sim.now();
  const { names, roles, masters } = _buildCluster(sim, topology);
  const quorum = Math.floor(masters.length / 2) + 1;
  const monitor = new Monitor(sim, names, quorum, topology.persistence === 'aof');
  const violations: Violation[] = [];

  // Sampling runs for the whole life of the scenario.
  sampleEvery(sim, sampleMs, () => monitor.sample());

  // The fault phase: workload and faults together.
  const phaseStart = sim.now();
  const endsAt = phaseStart + scenario.faultPhaseMs;
  const ledger = new WriteLedger();
  const workloadRng = sim.rng.fork('$workload');
  const clients: ClusterClient[] = [];
  const ctx: WorkloadContext = {
    sim,
    rng: workloadRng,
    ledger,
    seeds: names,
    endsAt,
    active: () => sim.now() < endsAt,
    client: workloadClients(
      clients,
      (index, opts) => new ClusterClient(sim, names, workloadRng.fork(`client-${index}`), opts),
    ),
  };
  (options.workload ?? listAppendWorkload())(ctx);
  const injector = new FaultInjector(sim, names, phaseStart);
  injector.scheduleAll(scenario.faults, scenario.faultPhaseMs);
  sim.runFor(scenario.faultPhaseMs);

  // Heal, and wait until the cluster agrees again (operations still in flight finish meanwhile).
  injector.healAll();
  const settled = _settle(sim, names, settleMs);
  const convergence = checkConvergence(sim, names);
  if (!settled) {
    const invariant = !convergence.slotsAgree
      ? 'slot-agreement'
      : !convergence.epochsUnique
        ? 'unique-config-epochs'
        : 'cluster-state-ok';
    violations.push({
      invariant,
      at: sim.now(),
      message: `${settleMs} ms after healing every fault the cluster has not settled: ${convergence.problems.join('; ')}`,
    });
  }

  // Operations still in flight finish first, so none is acknowledged after its key was read.
  _waitFor(sim, () => clients.every((c) => c.inFlight === 0), 30_000);
  // Read every acknowledged write back (only judged when the cluster settled: otherwise that is the violation).
  const { classification, unreadable } = _readBack(sim, names, ledger, monitor, settled);
  if (unreadable.length > 0) {
    violations.push({
      invariant: 'acked-write-lost',
      at: sim.now(),
      message: `the settled cluster did not answer the read of ${unreadable.join(', ')}`,
    });
  }
  for (const w of classification.lostInError) {
    violations.push({
      invariant: 'acked-write-lost',
      at: w.at,
      message: `${w.container} element ${w.element} of ${w.key} (slot ${w.slot}), acknowledged by ${w.node}, which kept its slots, is gone`,
    });
  }

  // Kill some nodes for good: with a majority of slot-owning masters left and a replica for each lost one, the
  // survivors must fail over and report cluster_state:ok (clusterUpdateState).
  let afterKills: FailoverReport['afterKills'] = null;
  const kills = [
    ...new Set((scenario.finalKills ?? []).map((i) => names[((i % names.length) + names.length) % names.length]!)),
  ];
  if (settled && kills.length > 0) {
    // A replica that never finished syncing counts its data as infinitely old and will not stand for election
    // (clusterHandleSlaveFailover's data_age): give the replication links time to come up first.
    _waitFor(sim, () => names.every((n) => !_isReplica(sim, n) || sim.node(n).node.replication.linkUp()), settleMs);
    const expectOk = _expectOkAfterKills(sim, names, kills);
    for (const name of kills) injector.kill(name);
    const alive = names.filter((n) => !kills.includes(n));
    // Nothing is promised when too much is lost (the state may stay fail forever): only look, do not wait.
    const ok = _waitFor(sim, () => _converged(sim, alive), expectOk ? settleMs : 0);
    if (expectOk && !ok) {
      violations.push({
        invariant: 'cluster-state-ok',
        at: sim.now(),
        message: `after killing ${kills.join(',')} a majority of masters and a replica for each lost one survived, but ${settleMs} ms later: ${checkConvergence(sim, alive).problems.join('; ')}`,
      });
    }
    afterKills = { killed: kills, expectOk, ok };
  }

  monitor.sample();
  monitor.finish();
  for (const client of clients) client.close();
  violations.push(...monitor.violations);
  violations.sort((a, b) => a.at - b.at);
  const lostByNode: Record<string, number> = {};
  for (const w of classification.lostAllowed) lostByNode[w.node] = (lostByNode[w.node] ?? 0) + 1;
  const errors: Record<string, number> = {};
  for (const [k, v] of ledger.errors) errors[k] = v;
  return {
    ok: violations.length === 0,
    seed: scenario.seed,
    eventLogHash: sim.eventLog.hash(),
    eventLogLines: sim.eventLog.lines().length,
    violations,
    roles,
    timeline: injector.timeline,
    writes: {
      acked: ledger.acked.length,
      survived: classification.survived,
      lostAfterFailover: classification.lostAllowed.length,
      lostByNode,
      lostInError: classification.lostInError.length,
      unknown: ledger.unknown.length,
      failed: ledger.failed,
      reads: ledger.reads,
      errors,
    },
    promotions: monitor.promotions,
    settled,
    afterKills,
    virtualMs: sim.now() - start,
  };
}

/** Runs a scenario and throws FailoverInvariantError when it breaks an invariant; returns the report otherwise. */
export function assertFailoverScenario(scenario: FailoverScenario, options: RunFailoverOptions = {}): FailoverReport {
  const report = runFailoverScenario(scenario, options);
  if (!report.ok) throw new FailoverInvariantError(report);
  return report;
}

// --- internal ---

/** Builds and forms the cluster: masters n1..nM by the former, then each replica MEETs and REPLICATEs its master. */
function _buildCluster(
  sim: Simulation,
  topology: FailoverTopology,
): { names: string[]; roles: Record<string, string>; masters: string[] } {
  const directives: Directives = [
    ['cluster-enabled', ['yes']],
    ['cluster-node-timeout', [String(topology.nodeTimeoutMs ?? 2000)]],
    // Replicas sync at once instead of waiting for more replicas to share a diskless transfer.
    ['repl-diskless-sync-delay', ['0']],
    ...(topology.persistence === 'aof'
      ? ([
          ['appendonly', ['yes']],
          ['appendfsync', ['always']],
        ] as const)
      : []),
  ];
  const masters = Array.from({ length: topology.masters }, (_, i) => `n${i + 1}`);
  for (const name of masters) sim.addNode(name, directives);
  const formed: FormedCluster = formCluster(sim, masters, { replicas: 0 });
  const roles: Record<string, string> = {};
  for (const m of masters) roles[m] = 'master';
  const replicas: { name: string; master: string }[] = [];
  let next = topology.masters + 1;
  for (let i = 0; i < topology.masters; i++) {
    for (let r = 0; r < (topology.replicas[i] ?? 0); r++) {
      const name = `n${next++}`;
      replicas.push({ name, master: masters[i]! });
      roles[name] = `replica of ${masters[i]!}`;
    }
  }
  if (replicas.length > 0) {
    const seed = sim.node(masters[0]!).address;
    const [host, port] = [seed.slice(0, seed.lastIndexOf(':')), seed.slice(seed.lastIndexOf(':') + 1)];
    const setup = replicas.map(({ name }) => {
      sim.addNode(name, directives);
      return sim.client(name, { name: `setup.${name}` });
    });
    const calls = setup.map((client) => client.call('CLUSTER', 'MEET', host, port));
    sim.runUntil(() => calls.every((c) => c.done), 10_000);
    const everyoneKnowsEveryone = (): boolean =>
      [...masters, ...replicas.map((r) => r.name)].every((n) => {
        const state = sim.node(n).node.cluster!.state;
        let known = 0;
        for (const node of state.nodes.values()) if (!node.inHandshake) known++;
        return known === masters.length + replicas.length;
      });
    if (!_waitFor(sim, everyoneKnowsEveryone, 30_000)) throw new Error('The replicas did not join the cluster');
    const ids = new Map(formed.nodes.map((n, i) => [masters[i]!, n.id]));
    const replicate = replicas.map(({ master }, i) => setup[i]!.call('CLUSTER', 'REPLICATE', ids.get(master)!));
    sim.runUntil(() => replicate.every((c) => c.done), 10_000);
    for (const client of setup) client.close();
    for (const c of replicate) {
      const reply = c.reply;
      if (reply?.t !== 'simple') throw new Error(`CLUSTER REPLICATE failed on ${c.client}`);
    }
  }
  // Ready: every replica streams from its master, and every node agrees and reports ok.
  const all = [...masters, ...replicas.map((r) => r.name)];
  const ready = (): boolean =>
    replicas.every((r) => sim.node(r.name).node.replication.linkUp()) && _converged(sim, all, replicas.length);
  if (!_waitFor(sim, ready, 60_000)) {
    throw new Error(`The cluster did not become ready: ${checkConvergence(sim, all).problems.join('; ')}`);
  }
  return { names: all, roles, masters };
}

/** Whether the running nodes agree on slots, epochs are unique and every state is ok (and, if given, all replicas are known as such by everyone). */
function _converged(sim: Simulation, names: readonly string[], replicaCount?: number): boolean {
  // The cheap test first: most checks while settling stop here.
  for (const name of names) {
    const host = sim.node(name);
    if (host.state === 'running' && host.node.cluster?.state.state !== 'ok') return false;
  }
  const c = checkConvergence(sim, names);
  if (!c.slotsAgree || !c.epochsUnique || !c.allOk) return false;
  if (replicaCount === undefined) return true;
  return names.every((n) => {
    let replicas = 0;
    for (const node of sim.node(n).node.cluster!.state.nodes.values()) if (node.isReplica) replicas++;
    return replicas === replicaCount;
  });
}

/** Runs until the healed cluster has settled, checking every 250 ms; false after `maxMs`. */
function _settle(sim: Simulation, names: readonly string[], maxMs: number): boolean {
  return _waitFor(sim, () => _converged(sim, names), maxMs);
}

/** Runs virtual time in 250 ms steps until `cond` holds (true) or `maxMs` passed (false). */
function _waitFor(sim: Simulation, cond: () => boolean, maxMs: number): boolean {
  const deadline = sim.now() + maxMs;
  for (;;) {
    if (cond()) return true;
    if (sim.now() >= deadline) return false;
    sim.runFor(250);
  }
}

/** Reads every key with acknowledged writes through a fresh client and classifies the writes. */
function _readBack(
  sim: Simulation,
  names: readonly string[],
  ledger: WriteLedger,
  monitor: Monitor,
  settled: boolean,
): { classification: WriteClassification; unreadable: string[] } {
  const byKey = new Map<string, AckedWrite[]>();
  for (const w of ledger.acked) {
    const list = byKey.get(w.key);
    if (list === undefined) byKey.set(w.key, [w]);
    else list.push(w);
  }
  const reader = new ClusterClient(sim, names, sim.rng.fork('$reader'), {
    name: 'reader',
    deadlineMs: 10_000,
    attemptTimeoutMs: 5000,
  });
  const contents = new Map<string, Set<string> | null>();
  let pending = 0;
  for (const [key, writes] of byKey) {
    const container = writes[0]!.container;
    pending++;
    reader.call(key, readBackArgs(container, key), (outcome) => {
      const elements = elementsOf(container, outcome);
      contents.set(key, elements === null ? null : new Set(elements));
      pending--;
    });
  }
  _waitFor(sim, () => pending === 0, 30_000);
  reader.close();
  const finalOwner = (slot: number): string | null => {
    for (const name of names) {
      const host = sim.node(name);
      if (host.state !== 'running') continue;
      const owner = host.node.cluster?.state.slots[slot];
      if (owner === null || owner === undefined) return null;
      for (const n of names) {
        const h = sim.node(n);
        if (h.state === 'running' && h.node.cluster?.state.myself.name === owner.name) return n;
      }
      return null;
    }
    return null;
  };
  const unreadable = settled ? [...byKey.keys()].filter((k) => (contents.get(k) ?? null) === null) : [];
  const present = (w: AckedWrite): boolean => {
    const set = contents.get(w.key) ?? null;
    return !settled || set === null || set.has(w.element);
  };
  return { classification: classifyWrites(ledger.acked, present, monitor, finalOwner), unreadable };
}

/** Whether a running node is a cluster replica. */
function _isReplica(sim: Simulation, name: string): boolean {
  const host = sim.node(name);
  return host.state === 'running' && host.node.cluster?.state.myself.isReplica === true;
}

/**
 * Whether killing `kills` leaves a majority of slot-owning masters and, for every killed master, a running replica
 * whose replication link is up.
 */
function _expectOkAfterKills(sim: Simulation, names: readonly string[], kills: readonly string[]): boolean {
  const killed = new Set(kills);
  let masters = 0;
  let survivingMasters = 0;
  for (const name of names) {
    const host = sim.node(name);
    if (host.state !== 'running') continue;
    const me = host.node.cluster!.state.myself;
    if (!me.isMaster || me.numSlots === 0) continue;
    masters++;
    if (!killed.has(name)) {
      survivingMasters++;
      continue;
    }
    const hasSurvivingReplica = names.some((n) => {
      const h = sim.node(n);
      if (killed.has(n) || h.state !== 'running') return false;
      const m = h.node.cluster!.state.myself.master;
      return m !== null && m.name === me.name && h.node.replication.linkUp();
    });
    if (!hasSurvivingReplica) return false;
  }
  return survivingMasters >= Math.floor(masters / 2) + 1;
}
