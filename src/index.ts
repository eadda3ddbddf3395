// The library API: what tests and users import from 'redis-sim'.

import { startServerHost, type ServerHost, type ServerHostOptions } from './runtime/server-host.js';

/** Options for startServer: the server host's options plus the port to listen on. */
export interface StartServerOptions extends ServerHostOptions {
  /** The TCP port; 0 (the default) picks a free ephemeral port, reported as `port` on the result. */
  port?: number;
}

/**
 * Starts a realtime node on a real TCP port (ephemeral by default). The log is discarded unless `logSink` is given.
 * An explicit `port` option wins over a `port` directive; without it, directives may set the port.
 */
export function startServer(options: StartServerOptions = {}): Promise<ServerHost> {
  const { port, directives = [], logSink = () => {}, ...rest } = options;
  const ordered =
    port === undefined ? [['port', ['0']] as const, ...directives] : [...directives, ['port', [String(port)]] as const];
  return startServerHost({ ...rest, logSink, directives: ordered });
}

/** A whole cluster on real TCP in this process, formed as `redis-cli --cluster create` would. */
export {
  startCluster,
  startClusterHost,
  type ClusterHost,
  type ClusterHostOptions,
  type StartClusterOptions,
  type StartedCluster,
  type StartedClusterNode,
} from './runtime/cluster-host.js';
/** Forms a cluster of simulated nodes in virtual time (the same former `redis-sim cluster` uses). */
export { formCluster, type SimFormClusterOptions } from './sim/sim-cluster.js';
/** A Sentinel group (masters, replicas, Sentinels) on real TCP in this process, as `redis-sim sentinel` runs it. */
export {
  startSentinelGroup,
  type GroupAddress,
  type SentinelGroupNode,
  type SentinelGroupSentinel,
  type StartSentinelGroupOptions,
  type StartedSentinelGroup,
} from './runtime/start-sentinel-group.js';
export { startSentinelHost, type SentinelHost, type SentinelHostOptions } from './runtime/sentinel-host.js';
/** The same Sentinel group in a simulation, in virtual time. */
export { formSentinelGroup, type SimSentinelGroup, type SimSentinelGroupOptions } from './sim/sim-sentinel-group.js';
export {
  SENTINEL_GROUP_DEFAULTS,
  groupMasterName,
  planDataNodes,
  type PlannedDataNode,
  type SentinelGroupSpec,
} from './sentinel/sentinel-group.js';
/** One fault vocabulary for both runtimes: the simulation's FaultTarget, and the host's control port. */
export { FaultError, SimulationFaults, applyFault, describeFault, type Fault, type FaultTarget } from './sim/faults.js';
export type { HostedNode, HostedNodeState } from './runtime/cluster-host.js';
export {
  ControlPortError,
  startControlPort,
  type ControlPort,
  type ControlPortOptions,
  type ControlTarget,
} from './runtime/control-port.js';
/** The pure layout (slot ranges, replica placement) and the RESP-speaking former, for both runtimes. */
export {
  LayoutError,
  planCluster,
  slotRanges,
  type ClusterLayout,
  type LayoutNode,
  type LayoutOptions,
  type LayoutRole,
} from './cluster/cluster-layout.js';
export {
  ClusterFormError,
  configSignature,
  startClusterFormer,
  type FormClusterOptions,
  type FormedCluster,
  type FormedNode,
  type FormerEnv,
  type FormerHandle,
  type FormerTarget,
} from './cluster/cluster-former.js';

/** A running realtime node (`node`, `host`, `port`, `stop()`), and the options of the underlying host. */
export type { ServerHost, ServerHostOptions } from './runtime/server-host.js';

/** The simulation: a seeded world of nodes and clients on a virtual clock, with fault injection. */
export {
  Simulation,
  SimulationTimeoutError,
  type Directives,
  type SimClientCreateOptions,
  type SimNode,
  type SimNodeOptions,
  type SimNodeState,
  type SimulationOptions,
} from './sim/simulation.js';
/** A simulated RESP client whose calls are settled by the event queue, and the one-line reply formatter its log uses. */
export {
  SimClient,
  SimCallError,
  formatReply,
  type CallFailure,
  type SimCall,
  type SimClientOptions,
} from './sim/sim-client.js';
/** The simulated network: links with latency, loss, partitions, pauses and resets. */
export {
  DEFAULT_LATENCY,
  SimNetwork,
  type AcceptHandler,
  type CloseReason,
  type Latency,
  type LinkEnd,
  type SimNetworkOptions,
} from './sim/sim-network.js';
/** The simulation's building blocks: event log, virtual clock, seeded PRNG, in-memory storage, simulated Env. */
export { EventLog } from './sim/event-log.js';
/** The virtual clock and task queue. */
export { DEFAULT_START_TIME_MS, EventQueue, type EventQueueOptions } from './sim/event-queue.js';
/** The seeded, forkable random stream. */
export { Prng } from './sim/prng.js';
/** In-memory file storage with a power-loss model. */
export { MemoryStorage } from './sim/memory-storage.js';
/** Binds the Env interface to a virtual clock, a seeded stream and in-memory storage. */
export { createSimEnv, type SimEnvOptions } from './sim/sim-env.js';
/** Simulated external programs (Sentinel scripts): install a script's behaviour, read back every run. */
export {
  SimScripts,
  DEFAULT_SCRIPT_DURATION_MS,
  type SimScriptBehaviour,
  type SimScriptRun,
} from './sim/sim-scripts.js';
/**
 * Property-based failover testing: scenarios (topology, workload, fault schedule) run in a simulation and checked
 * against Redis Cluster's invariants; fast-check arbitraries and a ready property take `fc` as an argument.
 */
export {
  ClusterClient,
  FailoverInvariantError,
  FaultInjector,
  Monitor as FailoverMonitor,
  WriteLedger,
  assertFailoverScenario,
  checkConvergence,
  failoverProperty,
  failoverScenarioArbitrary,
  faultEpisodeArbitrary,
  listAppendWorkload,
  runFailoverScenario,
  scheduleFromEpisodes,
  topologyArbitrary,
  type AckedWrite,
  type ClusterCallOutcome,
  type ClusterClientOptions,
  type Container,
  type FailoverArbitraryOptions,
  type FailoverReport,
  type FailoverScenario,
  type FailoverTopology,
  type FastCheckModule,
  type FaultAction,
  type FaultEpisode,
  type InvariantName,
  type ListAppendOptions,
  type RunFailoverOptions,
  type ScheduledFault,
  type Violation,
  type Workload,
  type WorkloadContext,
} from './sim/failover-check/index.js';

/** The environment interface the deterministic core runs against. */
export type { ChildProcessHandle, Env, LogLevel, ProcessExit, ProcessRunner, Storage, TimerHandle } from './env/env.js';
/** One Redis instance, runnable under either runtime. */
export { RedisNode, type NodeOptions } from './node/node.js';
/** A node's configuration table, and the error a rejected directive raises. */
export { Config, ConfigError } from './node/config.js';
/** The transport interface a runtime hands a node for each client. */
export type { Connection } from './node/connection.js';

/** The streaming RESP request parser (multibulk and inline), as a server uses it. */
export { RequestParser, type RequestParserOptions } from './protocol/request-parser.js';
/** The error a malformed request raises. */
export { ProtocolError } from './protocol/protocol-error.js';
/** Encodes reply values as RESP2 or RESP3 into an output buffer. */
export { encodeReply, type RespVersion } from './protocol/reply-encoder.js';
/** The growable buffer encodeReply writes into. */
export { OutputBuffer } from './protocol/output-buffer.js';
/** The streaming client-side reply parser (RESP2 and RESP3). */
export { ReplyParser, ReplyParseError, parseReplies } from './protocol/reply-parser.js';
/** Converts replies to plain JavaScript values. */
export { toPlain, type PlainReply } from './protocol/reply-text.js';
/** Reply values and their constructors. */
export {
  EMPTY_ARRAY,
  NIL,
  NIL_ARRAY,
  OK,
  ONE,
  PONG,
  QUEUED,
  ZERO,
  array,
  bool,
  bulk,
  bulkArray,
  bulkOrNil,
  double,
  error,
  integer,
  map,
  mapOf,
  push,
  set,
  simple,
  verbatim,
  type ArrayReply,
  type BoolReply,
  type BulkReply,
  type DoubleReply,
  type ErrorReply,
  type IntReply,
  type MapReply,
  type NilArrayReply,
  type NilReply,
  type Reply,
  type SimpleReply,
  type VerbatimReply,
} from './protocol/reply.js';
