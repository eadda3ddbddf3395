// Runs one Sentinel scenario in a fresh simulation: builds the group, starts the workload and the fault schedule,
// samples the Sentinels while faults happen, then heals everything, waits for the group to converge, reads every
// acknowledged write back from the master the Sentinels agree on, and returns a report with every invariant
// violation, the writes lost (allowed or not) and the event log's hash.

import type { Reply } from '../../protocol/reply.js';
import { ScenarioInvariantError, sampleEvery, workloadClients, type ScenarioReport } from '../scenario-run.js';
import { Simulation } from '../simulation.js';
import { FaultInjector, type ScheduledFault } from '../failover-check/faults.js';
import { WriteLedger } from '../failover-check/workload.js';
import { MASTER_NAME, buildSentinelGroup, type SentinelGroup, type SentinelTopology } from './group.js';
import { SentinelMonitor, checkSentinelConvergence, type Election, type SentinelViolation } from './invariants.js';
import { SentinelClient } from './sentinel-client.js';
import { appendWorkload, type SentinelWorkload, type SentinelWorkloadContext } from './workload.js';

/** A whole scenario as plain data: printable, and replayable by passing it to runSentinelScenario again. */
export interface SentinelScenario {
  /** The simulation seed. */
  readonly seed: number;
  readonly topology: SentinelTopology;
  /** Faults, timed from the start of the fault phase; node indices count servers then Sentinels. */
  readonly faults: readonly ScheduledFault[];
  /** How long the workload and the faults run, in virtual ms. */
  readonly faultPhaseMs: number;
}

/** Options for runSentinelScenario. */
export interface RunSentinelOptions {
  /** The workload (default appendWorkload()). */
  readonly workload?: SentinelWorkload;
  /** Virtual ms allowed for the group to converge after healing (default 120 000). */
  readonly settleMs?: number;
  /** Interval of the epoch samples, in virtual ms (default 100: one sentinelTimer tick). */
  readonly sampleMs?: number;
}

/** What a run found. */
export interface SentinelReport extends ScenarioReport<SentinelViolation> {
  /** Leader elections won, by epoch. */
  readonly elections: readonly Election[];
  /** The master every Sentinel named at the end (`host:port`), or null when they did not converge. */
  readonly finalMaster: string | null;
  readonly writes: {
    readonly acked: number;
    readonly survived: number;
    /** Lost, allowed: their master crashed or was turned into a replica after acknowledging them. */
    readonly lostAllowed: number;
    /** Lost writes by the server that acknowledged them. */
    readonly lostByNode: Readonly<Record<string, number>>;
    /** Lost although their master was never crashed nor demoted afterwards (each is also a violation). */
    readonly lostInError: number;
    /** Sent, but no reply (timeout, lost link): they may or may not be there. */
    readonly unknown: number;
    readonly failed: number;
  };
}

/** Thrown when a run breaks an invariant (by assertSentinelScenario); carries the report. */
export class SentinelInvariantError extends ScenarioInvariantError<SentinelReport> {
  override readonly name = 'SentinelInvariantError';

  constructor(report: SentinelReport) {
    super('Sentinel', report);
  }
}

/** Runs a scenario and returns its report (violations included; it does not throw for them). */
export function runSentinelScenario(scenario: SentinelScenario, options: RunSentinelOptions = {}): SentinelReport {
  const settleMs = options.settleMs ?? 120_000;
  const sampleMs = options.sampleMs ?? 100;
  const sim = new Simulation({ seed: scenario.seed });
  const start = sim.now();
  const group = buildSentinelGroup(sim, scenario.topology);
  const monitor = new SentinelMonitor(sim, group);
  sampleEvery(sim, sampleMs, () => monitor.sample());

  // The fault phase: workload and faults together.
  const endsAt = sim.now() + scenario.faultPhaseMs;
  const ledger = new WriteLedger();
  const rng = sim.rng.fork('$workload');
  const clients: SentinelClient[] = [];
  const ctx: SentinelWorkloadContext = {
    sim,
    group,
    rng,
    ledger,
    active: () => sim.now() < endsAt,
    client: workloadClients(clients, (index, opts) => new SentinelClient(sim, group, index, opts)),
  };
  (options.workload ?? appendWorkload())(ctx);
  const injector = new FaultInjector(sim, group.all, sim.now());
  injector.scheduleAll(scenario.faults, scenario.faultPhaseMs);
  sim.runFor(scenario.faultPhaseMs);

  // Heal, and wait until the group converges (operations still in flight finish meanwhile).
  injector.healAll();
  const converged = _waitStable(sim, () => checkSentinelConvergence(sim, group).ok, STABLE_MS, settleMs);
  _waitFor(sim, () => clients.every((c) => c.inFlight === 0), 30_000);
  const convergence = checkSentinelConvergence(sim, group);
  if (!converged) {
    monitor.violate(
      'converged',
      `${settleMs} ms after healing every fault the group has not converged: ${convergence.problems.join('; ')}`,
    );
  } else {
    _checkRoles(sim, group, convergence.master!, monitor);
  }
  monitor.sample();
  const { elections, disturbedAt } = monitor.readLog();

  // Read every acknowledged write back from the agreed master.
  const lostByNode: Record<string, number> = {};
  let survived = 0;
  let lostAllowed = 0;
  let lostInError = 0;
  if (converged) {
    const contents = _readLists(sim, convergence.master!, [...new Set(ledger.acked.map((w) => w.key))]);
    for (const w of ledger.acked) {
      if (contents.get(w.key)?.has(w.element) === true) {
        survived++;
        continue;
      }
      const disturbed = (disturbedAt.get(w.node) ?? []).some((t) => t >= w.at);
      if (disturbed) {
        lostAllowed++;
        lostByNode[w.node] = (lostByNode[w.node] ?? 0) + 1;
      } else {
        lostInError++;
        monitor.violate(
          'acked-write-lost',
          `element ${w.element} of ${w.key}, acknowledged by ${w.node} at ${w.at}, which was never crashed nor ` +
            `demoted afterwards, is gone`,
          w.at,
        );
      }
    }
  }
  for (const client of clients) client.close();
  const violations = [...monitor.violations].sort((a, b) => a.at - b.at);
  return {
    ok: violations.length === 0,
    seed: scenario.seed,
    eventLogHash: sim.eventLog.hash(),
    eventLogLines: sim.eventLog.lines().length,
    violations,
    timeline: injector.timeline,
    elections,
    finalMaster: convergence.master,
    writes: {
      acked: ledger.acked.length,
      survived,
      lostAllowed,
      lostByNode,
      lostInError,
      unknown: ledger.unknown.length,
      failed: ledger.failed,
    },
    virtualMs: sim.now() - start,
  };
}

/** Runs a scenario and throws SentinelInvariantError when it breaks an invariant; returns the report otherwise. */
export function assertSentinelScenario(scenario: SentinelScenario, options: RunSentinelOptions = {}): SentinelReport {
  const report = runSentinelScenario(scenario, options);
  if (!report.ok) throw new SentinelInvariantError(report);
  return report;
}

// --- internal ---

/**
 * How long convergence must hold before it counts: right after a heal a replica may still believe in a link to a
 * master that crashed and restarted meanwhile (nothing reached it to say so) until its next write to it is reset.
 */
const STABLE_MS = 3000;

/** Runs until `predicate` has held at every 100 ms check for `holdMs`, or `maxMs` passed; whether it did. */
function _waitStable(sim: Simulation, predicate: () => boolean, holdMs: number, maxMs: number): boolean {
  const deadline = sim.now() + maxMs;
  let since: number | null = null;
  for (;;) {
    if (!predicate()) since = null;
    else if (since === null) since = sim.now();
    if (since !== null && sim.now() - since >= holdMs) return true;
    if (sim.now() >= deadline) return false;
    sim.runFor(Math.min(100, deadline - sim.now()));
  }
}

/** Runs until `predicate` holds or `maxMs` passed; whether it held. */
function _waitFor(sim: Simulation, predicate: () => boolean, maxMs: number): boolean {
  const deadline = sim.now() + maxMs;
  while (!predicate()) {
    if (sim.now() >= deadline) return false;
    sim.runFor(Math.min(100, deadline - sim.now()));
  }
  return true;
}

/** Asks what clients would: every Sentinel's GET-MASTER-ADDR-BY-NAME and every server's ROLE, through the network. */
function _checkRoles(sim: Simulation, group: SentinelGroup, master: string, monitor: SentinelMonitor): void {
  const ask = (name: string, ...args: string[]): Reply => {
    const client = sim.client(name, { name: `check.${name}` });
    try {
      return client.run(...args);
    } finally {
      client.close();
    }
  };
  for (const name of group.sentinels) {
    const reply = ask(name, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME);
    const got = reply.t === 'array' ? reply.items.map((i) => (i.t === 'bulk' ? i.s : '?')).join(':') : reply.t;
    if (got !== master)
      monitor.violate('converged', `${name} answers GET-MASTER-ADDR-BY-NAME with ${got}, not ${master}`);
  }
  for (const name of group.servers) {
    const reply = ask(name, 'ROLE');
    const words =
      reply.t === 'array' ? reply.items.map((i) => (i.t === 'bulk' ? i.s : i.t === 'int' ? String(i.n) : '')) : [];
    const isMaster = sim.node(name).address === master;
    const want = isMaster ? 'master' : 'slave';
    if (
      words[0] !== want ||
      (!isMaster && `${words[1]}:${words[2]}` !== master) ||
      (!isMaster && words[3] !== 'connected')
    ) {
      monitor.violate('converged', `${name} answers ROLE with ${words.join(' ')}; expected ${want} (master ${master})`);
    }
  }
}

/** Every list's elements on the server at `address` (LRANGE key 0 -1). */
function _readLists(sim: Simulation, address: string, keys: readonly string[]): Map<string, Set<string>> {
  const client = sim.client(address, { name: 'readback' });
  const out = new Map<string, Set<string>>();
  try {
    for (const key of keys) {
      const reply = client.run('LRANGE', key, '0', '-1');
      out.set(key, new Set(reply.t === 'array' ? reply.items.map((i) => (i.t === 'bulk' ? i.s : '')) : []));
    }
  } finally {
    client.close();
  }
  return out;
}
