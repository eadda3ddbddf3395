// Property-based Sentinel testing on the simulation runtime: random groups (1 master, 1–3 replicas, 3–5 Sentinels,
// any quorum), a workload that finds the master through the Sentinels, random crashes, pauses and partitions among
// servers and Sentinels, and the invariants Sentinel promises (and the write losses it does not promise to avoid).

export {
  MASTER_NAME,
  SentinelGroupError,
  buildSentinelGroup,
  type SentinelGroup,
  type SentinelTopology,
} from './group.js';
export { SentinelClient, type SentinelClientOptions } from './sentinel-client.js';
export {
  SentinelMonitor,
  checkSentinelConvergence,
  type Election,
  type SentinelConvergence,
  type SentinelInvariant,
  type SentinelViolation,
} from './invariants.js';
export {
  SentinelInvariantError,
  assertSentinelScenario,
  runSentinelScenario,
  type RunSentinelOptions,
  type SentinelReport,
  type SentinelScenario,
} from './run-scenario.js';
export {
  appendWorkload,
  type AppendWorkloadOptions,
  type SentinelWorkload,
  type SentinelWorkloadContext,
} from './workload.js';
export {
  sentinelEpisodeArbitrary,
  sentinelProperty,
  sentinelScenarioArbitrary,
  sentinelTopologyArbitrary,
  type SentinelArbitraryOptions,
} from './arbitraries.js';
