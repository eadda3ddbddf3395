// The library's Sentinel group on real TCP (ephemeral ports by default), for test suites: start it, read the master's
// address as the Sentinels see it, kill the master, and wait for the Sentinels' `+switch-master`.

import { connect, type Socket } from 'node:net';
import { ReplyParser } from '../protocol/reply-parser.js';
import { toPlain } from '../protocol/reply-text.js';
import type { Reply } from '../protocol/reply.js';
import { encodeRequest } from '../protocol/request-encoder.js';
import {
  SENTINEL_GROUP_DEFAULTS,
  defaultQuorum,
  type GroupDirectives,
  type SentinelGroupSpec,
} from '../sentinel/sentinel-group.js';
import type { FaultTarget } from '../sim/faults.js';
import type { HostedNode } from './cluster-host.js';
import { startInRootDirectory } from './root-directory.js';
import { startSentinelHost } from './sentinel-host.js';

/** Options for startSentinelGroup; every field has the `redis-sim sentinel` default except the ports (ephemeral). */
export interface StartSentinelGroupOptions extends Partial<SentinelGroupSpec> {
  /** Root directory for the nodes' files; a temporary one, removed by stop(), when omitted. */
  dir?: string;
  /** More directives for every data node. Default: no RDB save points (`save ""`). */
  directives?: GroupDirectives;
  /** Receives each node's log lines; discarded when omitted. */
  logSink?: (port: number, line: string) => void;
  /** How long the group may take to be ready. Default 60 000 ms. */
  readyTimeoutMs?: number;
}

/** An address as `host` and `port`. */
export interface GroupAddress {
  readonly host: string;
  readonly port: number;
}

/** One data node of a started group. */
export interface SentinelGroupNode extends GroupAddress {
  /** The master name of its group. */
  readonly group: string;
  /** Its role when the group started (failovers change it; ask the node or the Sentinels). */
  readonly initialRole: 'master' | 'replica';
  /** The node across restarts: its state and current ServerHost. */
  readonly member: HostedNode;
}

/** One Sentinel of a started group. */
export interface SentinelGroupSentinel extends GroupAddress {
  /** The Sentinel across restarts: its state and current ServerHost. */
  readonly member: HostedNode;
}

/** A started Sentinel group on real TCP. */
export interface StartedSentinelGroup {
  /** The group's shape and tuning, defaults filled in. */
  readonly spec: SentinelGroupSpec;
  readonly nodes: readonly SentinelGroupNode[];
  readonly sentinels: readonly SentinelGroupSentinel[];
  /** `{host, port}` of every Sentinel, for Sentinel clients (ioredis `sentinels`, redis-py `Sentinel([...])`). */
  readonly sentinelAddresses: readonly GroupAddress[];
  /** Faults on any node or Sentinel by port: crash, restart, pause, resume, partition, heal, latency. */
  readonly faults: FaultTarget<number, Promise<void>>;
  /** The address of master `name` as the first running Sentinel has it. Throws for an unknown name. */
  masterAddress(name?: string): GroupAddress;
  /** Kills the current master of `name` as SIGKILL would; resolves with its address. */
  failMaster(name?: string): Promise<GroupAddress>;
  /**
   * Subscribes to every running Sentinel's `+switch-master` and resolves with the new address of `name` when one
   * announces it; rejects after `timeoutMs` (default 60 000). Call it before the switch happens, e.g. right after
   * failMaster (the switch takes at least down-after-milliseconds).
   */
  waitForSwitchMaster(name?: string, timeoutMs?: number): Promise<GroupAddress>;
  /** Shuts every node down and closes every port (and removes the temporary directory, if one was made). */
  stop(): Promise<void>;
}

/** Starts a Sentinel group in this process on real TCP ports (ephemeral by default) and waits until it is ready. */
export async function startSentinelGroup(options: StartSentinelGroupOptions = {}): Promise<StartedSentinelGroup> {
  const d = SENTINEL_GROUP_DEFAULTS;
  const sentinels = options.sentinels ?? d.sentinels;
  const spec: SentinelGroupSpec = {
    masters: options.masters ?? d.masters,
    replicas: options.replicas ?? d.replicas,
    sentinels,
    quorum: options.quorum ?? defaultQuorum(sentinels),
    port: options.port ?? 0,
    sentinelPort: options.sentinelPort ?? 0,
    host: options.host ?? d.host,
    downAfterMs: options.downAfterMs ?? d.downAfterMs,
    failoverTimeoutMs: options.failoverTimeoutMs ?? d.failoverTimeoutMs,
    parallelSyncs: options.parallelSyncs ?? d.parallelSyncs,
    appendonly: options.appendonly ?? d.appendonly,
  };
  return startInRootDirectory(options.dir, 'redis-sim-sentinel-', async (dir) => {
    const host = await startSentinelHost({
      spec,
      dir,
      directives: [['save', ['']], ...(options.directives ?? [])],
      logSink: options.logSink ?? (() => {}),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    });
    const nodes = host.dataNodes.map((member, i) => ({
      host: spec.host,
      port: member.port,
      group: host.plan[i]!.group,
      initialRole: host.plan[i]!.role,
      member,
    }));
    const sentinelNodes = host.sentinels.map((member) => ({ host: spec.host, port: member.port, member }));
    const masterAddress = (name = 'mymaster'): GroupAddress => {
      const running = host.sentinels.find((s) => s.state === 'running');
      const master = running?.server.node.sentinel?.masters.get(name);
      if (master === undefined) throw new Error(`Expected a master name the Sentinels monitor, got \`${name}\``);
      return { host: master.addr.host, port: master.addr.port };
    };
    return {
      spec,
      nodes,
      sentinels: sentinelNodes,
      sentinelAddresses: sentinelNodes.map(({ host: h, port }) => ({ host: h, port })),
      faults: host.faults,
      masterAddress,
      async failMaster(name = 'mymaster') {
        const address = masterAddress(name);
        await host.faults.crash(address.port);
        return address;
      },
      waitForSwitchMaster: (name = 'mymaster', timeoutMs = 60_000) =>
        _waitForSwitchMaster(
          sentinelNodes.filter((s) => s.member.state === 'running'),
          name,
          timeoutMs,
        ),
      stop: () => host.stop(),
    };
  });
}

// --- internal ---

/** Subscribes to `+switch-master` on each Sentinel and resolves with the first new address announced for `name`. */
function _waitForSwitchMaster(
  sentinels: readonly GroupAddress[],
  name: string,
  timeoutMs: number,
): Promise<GroupAddress> {
  return new Promise((resolvePromise, reject) => {
    const sockets: Socket[] = [];
    let done = false;
    const finish = (result: GroupAddress | Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      if (result instanceof Error) reject(result);
      else resolvePromise(result);
    };
    const timer = setTimeout(
      () => finish(new Error(`No +switch-master for ${name} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    for (const sentinel of sentinels) {
      const socket = connect({ host: sentinel.host, port: sentinel.port });
      sockets.push(socket);
      const parser = new ReplyParser();
      socket.on('error', () => socket.destroy());
      socket.on('connect', () => socket.write(encodeRequest(['SUBSCRIBE', '+switch-master'])));
      socket.on('data', (chunk: Buffer) => {
        parser.push(chunk);
        for (let reply = _next(parser, socket); reply !== undefined; reply = _next(parser, socket)) {
          // ['message', '+switch-master', '<name> <old-ip> <old-port> <new-ip> <new-port>']
          const plain = toPlain(reply);
          if (!Array.isArray(plain) || plain[0] !== 'message' || typeof plain[2] !== 'string') continue;
          const words = plain[2].split(' ');
          if (words.length === 5 && words[0] === name) finish({ host: words[3]!, port: Number(words[4]) });
        }
      });
    }
  });
}

/** The next reply off a Sentinel connection; a malformed one drops the connection (the others keep listening). */
function _next(parser: ReplyParser, socket: Socket): Reply | undefined {
  try {
    return parser.next();
  } catch {
    socket.destroy();
    return undefined;
  }
}
