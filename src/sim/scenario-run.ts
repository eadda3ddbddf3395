// What the scenario runners of the property libraries (failover-check, sentinel-check) share: the sampler that runs
// for the whole scenario, the factory of workload clients, what every report holds and the error of a broken run.

import type { Simulation } from './simulation.js';

/** Calls `sample` now, then every `everyMs` virtual ms for the rest of the simulation. */
export function sampleEvery(sim: Simulation, everyMs: number, sample: () => void): void {
  const sampler = (): void => {
    sample();
    sim.schedule(everyMs, sampler);
  };
  sampler();
}

/**
 * A workload's client factory: each client is made by `make` from its index and its options (named `wc<n>` unless
 * the workload names it) and kept in `clients`, so the runner can wait for them and close them.
 */
export function workloadClients<O extends { readonly name: string }, C>(
  clients: C[],
  make: (index: number, options: Partial<O> & { readonly name: string }) => C,
): (options?: Partial<O>) => C {
  return (opts = {}) => {
    const client = make(clients.length, { name: opts.name ?? `wc${clients.length + 1}`, ...opts });
    clients.push(client);
    return client;
  };
}

/** An invariant a run broke, as every property library reports it. */
export interface ScenarioViolation {
  readonly invariant: string;
  /** Virtual ms it was seen (absolute, as in the event log). */
  readonly at: number;
  readonly message: string;
}

/** What every scenario report holds, whatever the library; `ok` is true when there is no violation. */
export interface ScenarioReport<V extends ScenarioViolation> {
  readonly ok: boolean;
  readonly seed: number;
  /** The event log's SHA-256: the same for every run of the same scenario. */
  readonly eventLogHash: string;
  readonly eventLogLines: number;
  readonly violations: readonly V[];
  /** What the faults did, `<ms into the fault phase> <action>`. */
  readonly timeline: readonly string[];
  /** Virtual ms the whole run took. */
  readonly virtualMs: number;
}

/** Thrown when a run breaks an invariant (`what`: Failover, Sentinel); carries the report, each violation and the faults in its message. */
export class ScenarioInvariantError<R extends ScenarioReport<ScenarioViolation>> extends Error {
  constructor(
    what: string,
    readonly report: R,
  ) {
    super(
      `${what} invariants broken (seed ${report.seed}, event log ${report.eventLogHash.slice(0, 16)}):\n` +
        report.violations.map((v) => `  [${v.invariant}] at ${v.at}: ${v.message}`).join('\n') +
        `\n  faults: ${report.timeline.join('; ')}`,
    );
  }
}
