// Hosts every node of a cluster in this process, each a full realtime node (its own ports, directory, timers and
// log) started by startServerHost, then forms the cluster over RESP with the core's former, as `redis-cli --cluster
// create` would. What `redis-sim cluster` and the library's startCluster run.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ClusterFormError,
  startClusterFormer,
  startClusterWaiter,
  type FormedCluster,
  type FormerEnv,
  type FormerHandle,
} from '../cluster/cluster-former.js';
import type { TimerHandle } from '../env/env.js';
import type { FaultTarget } from '../sim/faults.js';
import { startControlPort, type ControlPort, type ControlPortOptions } from './control-port.js';
import { HostFabric, HostedMember, hostFaults } from './hosted-members.js';
import { HostLifecycle } from './host-lifecycle.js';
import { strerror } from './os-errors.js';
import { startInRootDirectory } from './root-directory.js';
import { HostStartError, createHostConfig, type ServerHost } from './server-host.js';
import { LinkSet } from './tcp-link.js';

/** Options for a hosted cluster. */
export interface ClusterHostOptions {
  /** Masters, at least 3. */
  masters: number;
  /** Replicas per master. */
  replicas: number;
  /** The first node's port; the others follow it. 0: every node takes ephemeral client and bus ports. */
  port: number;
  /** The address every node binds and announces. Default 127.0.0.1. */
  host?: string;
  /** Root directory; each node keeps its files in `<dir>/<port>/` (`<dir>/node-<i>/` with ephemeral ports). */
  dir: string;
  /** `cluster-node-timeout` in ms. Default 5000. */
  nodeTimeout?: number;
  /** `appendonly` for every node. Default false. */
  appendonly?: boolean;
  /** More directives for every node, applied last. */
  directives?: readonly (readonly [string, readonly string[]])[];
  /** Form the cluster (default true); false leaves empty cluster-mode nodes, for `redis-cli --cluster create`. */
  form?: boolean;
  /** How long forming may take. Default 60 000 ms. */
  formTimeoutMs?: number;
  /** Receives each node's log lines; when omitted they go to `redis.log` in the node's directory. */
  logSink?: (port: number, line: string) => void;
  /** Receives the former's progress lines (redis-cli's `>>> …` lines). */
  progress?: (line: string) => void;
  /** Aborting it during start-up stops forming; the started nodes are shut down and the start rejects. */
  signal?: AbortSignal;
  /** Opens a control port (SIM commands, loopback only) once the cluster is up; none when omitted. */
  control?: Omit<ControlPortOptions, 'onFault'>;
  /** Told about each fault applied through the control port (`crash 30001`). */
  onFault?: (text: string) => void;
}

/** Whether a hosted node's process is up, killed (SIM KILL) or exited by itself (SHUTDOWN). */
export type HostedNodeState = 'running' | 'crashed' | 'stopped';

/** One node of a hosted cluster, across its restarts. */
export interface HostedNode {
  /** Its place in the plan (0 first). */
  readonly index: number;
  /** Its client port, kept across restarts. */
  readonly port: number;
  /** Its cluster bus port, kept across restarts. */
  readonly busPort: number | null;
  /** Its directory (nodes.conf, RDB, AOF, redis.log). */
  readonly dir: string;
  readonly state: HostedNodeState;
  /** Whether it is frozen by a pause. */
  readonly paused: boolean;
  /** The current (or, when down, the last) incarnation. */
  readonly server: ServerHost;
}

/** A running hosted cluster. */
export interface ClusterHost {
  /** The current node hosts, in port order (masters first as planned); a restart replaces its entry. */
  readonly nodes: readonly ServerHost[];
  /** Every node with its state. */
  readonly members: readonly HostedNode[];
  /** The formed cluster (ids, roles, slots), or null with `form: false`. */
  readonly formed: FormedCluster | null;
  /**
   * Resolves once stop() has finished, or once every node has exited by SHUTDOWN. A node killed by a fault keeps the
   * host open (it can be restarted).
   */
  readonly closed: Promise<void>;
  /** Faults on the hosted nodes, each named by its client port (the control port's SIM commands). */
  readonly faults: FaultTarget<number, Promise<void>>;
  /** The control port, when `control` asked for one. */
  readonly control: ControlPort | null;
  /** Shuts every running node down as SHUTDOWN would (saving per config) and closes every port. */
  stop(): Promise<void>;
}

/** Starts all nodes, forms the cluster unless `form` is false; throws HostStartError / ClusterFormError, leaving nothing running. */
export async function startClusterHost(options: ClusterHostOptions): Promise<ClusterHost> {
  const count = options.masters * (options.replicas + 1);
  const host = options.host ?? '127.0.0.1';
  const members: HostedMember[] = [];
  const nodes: ServerHost[] = [];
  const fabric = new HostFabric();
  let control: ControlPort | null = null;
  const lifecycle = new HostLifecycle(members, fabric, count, options.logSink, async () => {
    await control?.close();
  });
  const startMember = async (m: HostedMember, first: boolean): Promise<void> => {
    nodes[m.index] = await lifecycle.start(m, {
      config: createHostConfig(m.dir),
      directives: [
        ['port', [String(m.port)]],
        ['bind', [host]],
        ['dir', [m.dir]],
        ['cluster-enabled', ['yes']],
        ['cluster-node-timeout', [String(options.nodeTimeout ?? 5000)]],
        ['appendonly', [options.appendonly === true ? 'yes' : 'no']],
        ...(options.logSink === undefined ? [['logfile', ['redis.log']] as const] : []),
        ...(options.directives ?? []),
        // A restarted node keeps the ports its peers know it by, even when they were ephemeral.
        ...(first || m.busPort === null ? [] : [['cluster-port', [String(m.busPort)]] as const]),
      ],
    });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = options.port === 0 ? 0 : options.port + i;
      const dir = resolve(nodeDirectory(options.dir, port, i));
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new HostStartError(`Can't create the directory ${dir}: ${strerror(e)}`);
      }
      const member = new HostedMember(i, port, dir);
      await startMember(member, true);
      members.push(member);
    }
    const formed = options.form === false ? null : await _form(nodes, options);
    const faults = hostFaults(members, fabric, (m) => startMember(m, false));
    if (options.control !== undefined) {
      control = await startControlPort(
        { members, faults },
        { ...options.control, ...(options.onFault === undefined ? {} : { onFault: options.onFault }) },
      );
    }
    return { nodes, members, formed, closed: lifecycle.closed, faults, control, stop: () => lifecycle.stopAll() };
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop().catch(() => n.stop('nosave'))));
    throw e;
  }
}

// --- internal ---

/** Runs the core's former over real sockets and wall-clock timers. */
function _form(nodes: readonly ServerHost[], options: ClusterHostOptions): Promise<FormedCluster> {
  const links = new LinkSet();
  const env: FormerEnv = {
    net: links.network(),
    schedule: (delayMs: number, task: () => void): TimerHandle => {
      const timer = setTimeout(task, delayMs);
      return { cancel: () => clearTimeout(timer) };
    },
  };
  const targets = nodes.map((n) => ({
    host: options.host ?? '127.0.0.1',
    port: n.port,
    ...(n.busPort === null ? {} : { busPort: n.busPort }),
  }));
  // Nodes restarted from the nodes.conf of a cluster formed earlier (the same --dir) already know each other: then
  // there is nothing to form, only the cluster to wait for.
  const reuse = nodes.every((n) => (n.node.cluster?.state.nodes.size ?? 0) > 1);
  return new Promise((resolvePromise, reject) => {
    const finish = (result: FormedCluster | ClusterFormError): void => {
      options.signal?.removeEventListener('abort', onAbort);
      links.destroyAll();
      if (result instanceof ClusterFormError) reject(result);
      else resolvePromise(result);
    };
    const onAbort = (): void => {
      handle.cancel();
      finish(new ClusterFormError('Interrupted while forming the cluster'));
    };
    let handle: FormerHandle;
    if (reuse) {
      options.progress?.('>>> Every node already belongs to a cluster (nodes.conf): waiting for cluster_state:ok');
      handle = startClusterWaiter(env, targets, { pollMs: 100, timeoutMs: options.formTimeoutMs ?? 60_000 }, finish);
    } else {
      handle = startClusterFormer(
        env,
        targets,
        {
          replicas: options.replicas,
          // Real time: check often rather than redis-cli's once a second, so the cluster is ready sooner.
          joinDelayMs: 100,
          pollMs: 100,
          timeoutMs: options.formTimeoutMs ?? 60_000,
          ...(options.progress === undefined ? {} : { log: options.progress }),
        },
        finish,
      );
    }
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The directory a node of a hosted cluster uses, for callers that report it. */
export function nodeDirectory(root: string, port: number, index: number): string {
  return join(root, port === 0 ? `node-${index}` : String(port));
}

/** Options for the library's startCluster. */
export interface StartClusterOptions {
  /** Masters, at least 3. Default 3. */
  masters?: number;
  /** Replicas per master. Default 0. */
  replicas?: number;
  /** The first port, the others consecutive; 0 (the default) gives every node ephemeral client and bus ports. */
  port?: number;
  /** The address to bind and announce. Default 127.0.0.1. */
  host?: string;
  /** Root directory for the nodes' files; a temporary one, removed by stop(), when omitted. */
  dir?: string;
  /** `cluster-node-timeout` in ms. Default 5000. */
  nodeTimeout?: number;
  /** More directives for every node. Default: no RDB save points (`save ""`). */
  directives?: readonly (readonly [string, readonly string[]])[];
  /** Receives each node's log lines; discarded when omitted. */
  logSink?: (port: number, line: string) => void;
}

/** One node of a started cluster. */
export interface StartedClusterNode {
  readonly host: string;
  readonly port: number;
  readonly id: string;
  readonly role: 'master' | 'replica';
  /** The node's host, for access to the RedisNode itself. */
  readonly server: ServerHost;
}

/** A formed cluster on real TCP. */
export interface StartedCluster {
  readonly nodes: readonly StartedClusterNode[];
  /** `{host, port}` of every master, for cluster clients (ioredis `new Cluster(seeds)`, node-redis `rootNodes`). */
  readonly seeds: readonly { readonly host: string; readonly port: number }[];
  /** Shuts every node down and closes every port (and removes the temporary directory, if one was made). */
  stop(): Promise<void>;
}

/** Starts and forms a cluster in this process on real TCP ports (ephemeral by default). */
export async function startCluster(options: StartClusterOptions = {}): Promise<StartedCluster> {
  const sink = options.logSink ?? (() => {});
  return startInRootDirectory(options.dir, 'redis-sim-cluster-', async (dir) => {
    const host = await startClusterHost({
      masters: options.masters ?? 3,
      replicas: options.replicas ?? 0,
      port: options.port ?? 0,
      dir,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.nodeTimeout === undefined ? {} : { nodeTimeout: options.nodeTimeout }),
      directives: [['save', ['']], ...(options.directives ?? [])],
      logSink: sink,
    });
    const nodes = host.nodes.map((server, i) => {
      const formed = host.formed!.nodes[i]!;
      return { host: formed.host, port: server.port, id: formed.id, role: formed.role, server };
    });
    return {
      nodes,
      seeds: nodes.filter((n) => n.role === 'master').map((n) => ({ host: n.host, port: n.port })),
      stop: () => host.stop(),
    };
  });
}
