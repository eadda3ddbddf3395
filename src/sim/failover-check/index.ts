// Property-based failover testing on the simulation runtime: random topologies, workloads through a
// redirect-following client model, random fault schedules, and the invariants Redis Cluster promises (and the write
// losses it does not promise to avoid), as a library.

export { ClusterClient, type ClusterCallOutcome, type ClusterClientOptions } from './cluster-client.js';
export {
  FaultInjector,
  scheduleFromEpisodes,
  type FaultAction,
  type FaultEpisode,
  type ScheduledFault,
} from './faults.js';
export {
  Monitor,
  checkConvergence,
  classifyWrites,
  type Convergence,
  type InvariantName,
  type OwnershipBreak,
  type Violation,
  type WriteClassification,
} from './invariants.js';
export {
  FailoverInvariantError,
  assertFailoverScenario,
  runFailoverScenario,
  type FailoverReport,
  type FailoverScenario,
  type FailoverTopology,
  type RunFailoverOptions,
} from './run-scenario.js';
export {
  WriteLedger,
  elementsOf,
  listAppendWorkload,
  readBackArgs,
  type AckedWrite,
  type ClientWorkloadContext,
  type Container,
  type ListAppendOptions,
  type UnknownWrite,
  type Workload,
  type WorkloadContext,
} from './workload.js';
export {
  failoverProperty,
  failoverScenarioArbitrary,
  faultEpisodeArbitrary,
  topologyArbitrary,
  type FailoverArbitraryOptions,
  type FastCheckModule,
} from './arbitraries.js';
