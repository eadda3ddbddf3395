// fast-check arbitraries for Sentinel scenarios and a ready-made property. fast-check is passed in by the caller
// (`sentinelProperty(fc, …)`), so the library never loads it at run time.

import type * as FastCheck from 'fast-check';
import type { FastCheckModule } from '../failover-check/arbitraries.js';
import { scheduleFromEpisodes, type FaultEpisode } from '../failover-check/faults.js';
import type { SentinelTopology } from './group.js';
import { assertSentinelScenario, type RunSentinelOptions, type SentinelScenario } from './run-scenario.js';

/** Bounds of the generated scenarios. */
export interface SentinelArbitraryOptions {
  /** Replicas, default 1 to 3. */
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  /** Sentinels, default 3 to 5. */
  readonly minSentinels?: number;
  readonly maxSentinels?: number;
  /** Length of the fault phase in virtual ms (default 30 000). */
  readonly faultPhaseMs?: number;
  /** Fault episodes per scenario, default up to 5. */
  readonly maxEpisodes?: number;
}

/** Generates a group: replicas and Sentinels in range, quorum from 1 to the number of Sentinels. */
export function sentinelTopologyArbitrary(
  fc: FastCheckModule,
  options: SentinelArbitraryOptions = {},
): FastCheck.Arbitrary<SentinelTopology> {
  return fc.integer({ min: options.minSentinels ?? 3, max: options.maxSentinels ?? 5 }).chain((sentinels) =>
    fc.record({
      replicas: fc.integer({ min: options.minReplicas ?? 1, max: options.maxReplicas ?? 3 }),
      sentinels: fc.constant(sentinels),
      quorum: fc.integer({ min: 1, max: sentinels }),
    }),
  );
}

/** Generates crash, pause and partition episodes among servers and Sentinels within a fault phase of `phaseMs`. */
export function sentinelEpisodeArbitrary(fc: FastCheckModule, phaseMs: number): FastCheck.Arbitrary<FaultEpisode> {
  const at = fc.integer({ min: 0, max: Math.max(0, phaseMs - 1000) });
  const duration = fc.integer({ min: 200, max: phaseMs });
  const node = fc.nat({ max: 63 });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('crash' as const), at, duration, node }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), at, duration, node }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('partition' as const),
        at,
        duration,
        side: fc.nat({ max: 2 ** 9 - 1 }),
      }),
    },
  );
}

/** Generates whole scenarios: seed, group and fault schedule. */
export function sentinelScenarioArbitrary(
  fc: FastCheckModule,
  options: SentinelArbitraryOptions = {},
): FastCheck.Arbitrary<SentinelScenario> {
  const faultPhaseMs = options.faultPhaseMs ?? 30_000;
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      topology: sentinelTopologyArbitrary(fc, options),
      episodes: fc.array(sentinelEpisodeArbitrary(fc, faultPhaseMs), { maxLength: options.maxEpisodes ?? 5 }),
    })
    .map(({ seed, topology, episodes }) => ({
      seed,
      topology,
      faults: scheduleFromEpisodes(episodes),
      faultPhaseMs,
    }));
}

/**
 * A property over generated scenarios that fails on any invariant violation (SentinelInvariantError carries the
 * report). Run it with `fc.assert(sentinelProperty(fc, …), { numRuns, seed, path })`.
 */
export function sentinelProperty(
  fc: FastCheckModule,
  options: SentinelArbitraryOptions & RunSentinelOptions = {},
): FastCheck.IPropertyWithHooks<[SentinelScenario]> {
  return fc.property(sentinelScenarioArbitrary(fc, options), (scenario) => {
    assertSentinelScenario(scenario, options);
  });
}
