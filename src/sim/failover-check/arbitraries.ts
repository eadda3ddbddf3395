// fast-check arbitraries for failover scenarios and a ready-made property. fast-check is passed in by the caller
// (`failoverProperty(fc, …)`), so the library never loads it at run time: only users who write properties need it.

import type * as FastCheck from 'fast-check';
import type { FaultEpisode } from './faults.js';
import { scheduleFromEpisodes } from './faults.js';
import {
  assertFailoverScenario,
  type FailoverScenario,
  type FailoverTopology,
  type RunFailoverOptions,
} from './run-scenario.js';

/** What these helpers use of the fast-check module (pass `fc` from `import fc from 'fast-check'`). */
export type FastCheckModule = Pick<
  typeof FastCheck,
  'array' | 'constant' | 'constantFrom' | 'integer' | 'nat' | 'oneof' | 'property' | 'record'
>;

/** Bounds of the generated scenarios. */
export interface FailoverArbitraryOptions {
  /** Masters, default 3 to 7. */
  readonly minMasters?: number;
  readonly maxMasters?: number;
  /** Replicas per master, default up to 2 (each master draws its own count). */
  readonly maxReplicas?: number;
  /** Length of the fault phase in virtual ms (default 20 000). */
  readonly faultPhaseMs?: number;
  /** Fault episodes per scenario, default up to 5. */
  readonly maxEpisodes?: number;
  /** cluster-node-timeout (default 2000). */
  readonly nodeTimeoutMs?: number;
  /** Persistence modes to draw from (default both). */
  readonly persistence?: readonly ('none' | 'aof')[];
  /** Nodes killed for good after the heal, default up to 2. */
  readonly maxFinalKills?: number;
}

/** Generates fault episodes within a fault phase of `phaseMs`. */
export function faultEpisodeArbitrary(fc: FastCheckModule, phaseMs: number): FastCheck.Arbitrary<FaultEpisode> {
  const at = fc.integer({ min: 0, max: Math.max(0, phaseMs - 1000) });
  const duration = fc.integer({ min: 200, max: phaseMs });
  const node = fc.nat({ max: 63 });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('crash' as const), at, duration, node }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), at, duration, node }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('partition' as const),
        at,
        duration,
        side: fc.nat({ max: 2 ** 21 - 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('failover' as const),
        at,
        node,
        mode: fc.constantFrom('default' as const, 'force' as const, 'takeover' as const),
      }),
    },
  );
}

/** Generates a topology: masters in range, each with 0..maxReplicas replicas. */
export function topologyArbitrary(
  fc: FastCheckModule,
  options: FailoverArbitraryOptions = {},
): FastCheck.Arbitrary<FailoverTopology> {
  const minMasters = options.minMasters ?? 3;
  const maxMasters = options.maxMasters ?? 7;
  const maxReplicas = options.maxReplicas ?? 2;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const persistence = options.persistence ?? ['none', 'aof'];
  return fc.integer({ min: minMasters, max: maxMasters }).chain((masters) =>
    fc.record({
      masters: fc.constant(masters),
      replicas: fc.array(fc.integer({ min: 0, max: maxReplicas }), { minLength: masters, maxLength: masters }),
      nodeTimeoutMs: fc.constant(nodeTimeoutMs),
      persistence: fc.constantFrom(...persistence),
    }),
  );
}

/** Generates whole scenarios: seed, topology, fault schedule and final kills. */
export function failoverScenarioArbitrary(
  fc: FastCheckModule,
  options: FailoverArbitraryOptions = {},
): FastCheck.Arbitrary<FailoverScenario> {
  const faultPhaseMs = options.faultPhaseMs ?? 20_000;
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      topology: topologyArbitrary(fc, options),
      episodes: fc.array(faultEpisodeArbitrary(fc, faultPhaseMs), { maxLength: options.maxEpisodes ?? 5 }),
      finalKills: fc.array(fc.nat({ max: 63 }), { maxLength: options.maxFinalKills ?? 2 }),
    })
    .map(({ seed, topology, episodes, finalKills }) => ({
      seed,
      topology,
      faults: scheduleFromEpisodes(episodes),
      faultPhaseMs,
      finalKills,
    }));
}

/**
 * A property over generated scenarios that fails on any invariant violation (FailoverInvariantError carries the
 * report). Run it with `fc.assert(failoverProperty(fc, …), { numRuns, seed, path })`; a failure prints fast-check's
 * seed and path, which replay the same scenario and so the same event log.
 */
export function failoverProperty(
  fc: FastCheckModule,
  options: FailoverArbitraryOptions & RunFailoverOptions = {},
): FastCheck.IPropertyWithHooks<[FailoverScenario]> {
  return fc.property(failoverScenarioArbitrary(fc, options), (scenario) => {
    assertFailoverScenario(scenario, options);
  });
}
