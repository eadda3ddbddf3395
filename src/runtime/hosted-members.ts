// The nodes a realtime host runs in its process (a hosted cluster, a hosted Sentinel group): each node's record across
// its restarts, the network conditions between them, and the faults the control port applies to them.

import { FaultError, checkDelayMs, checkPartitionGroups, type FaultTarget } from '../sim/faults.js';
import type { HostedNode, HostedNodeState } from './cluster-host.js';
import { NodeGate, type LinkRoute } from './node-gate.js';
import type { ServerHost } from './server-host.js';

/** The mutable record behind a HostedNode. */
export class HostedMember implements HostedNode {
  state: HostedNodeState = 'running';
  busPort: number | null = null;
  server!: ServerHost;
  gate = new NodeGate();
  pauseTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly index: number,
    public port: number,
    readonly dir: string,
  ) {}

  get paused(): boolean {
    return this.gate.paused;
  }

  clearPauseTimer(): void {
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
  }
}

/**
 * The host's network conditions between its own nodes: which pairs are cut off and the one-way delay per pair. Only
 * links a hosted node opens to another hosted node are shaped (the cluster bus, replication, MIGRATE); clients and
 * other processes reach every node directly.
 */
export class HostFabric {
  private readonly cut = new Set<string>();
  private defaultDelay = 0;
  private readonly delays = new Map<string, number>();
  private readonly watchers = new Set<() => void>();

  /** The route of a link from member `from` to `host:port`, or null when no hosted node listens there. */
  route(members: readonly HostedMember[], from: number, _host: string, port: number): LinkRoute | null {
    const to = members.find((m) => m.port === port || m.busPort === port);
    if (to === undefined || to.index === from) return null;
    const key = _pair(from, to.index);
    return {
      blocked: () => this.cut.has(key),
      delayMs: () => this.delays.get(key) ?? this.defaultDelay,
      onChange: (wake) => {
        this.watchers.add(wake);
        return () => this.watchers.delete(wake);
      },
    };
  }

  partition(groups: readonly (readonly number[])[]): void {
    for (let a = 0; a < groups.length; a++)
      for (let b = a + 1; b < groups.length; b++)
        for (const x of groups[a]!) for (const y of groups[b]!) this.cut.add(_pair(x, y));
    this._wake();
  }

  heal(groups?: readonly (readonly number[])[]): void {
    if (groups === undefined) this.cut.clear();
    else
      for (let a = 0; a < groups.length; a++)
        for (let b = a + 1; b < groups.length; b++)
          for (const x of groups[a]!) for (const y of groups[b]!) this.cut.delete(_pair(x, y));
    this._wake();
  }

  latency(ms: number, node: number | undefined, count: number): void {
    if (node === undefined) {
      this.defaultDelay = ms;
      this.delays.clear();
    } else {
      for (let other = 0; other < count; other++) if (other !== node) this.delays.set(_pair(node, other), ms);
    }
    this._wake();
  }

  private _wake(): void {
    for (const wake of [...this.watchers]) wake();
  }
}

/**
 * The realtime FaultTarget of a host: nodes by client port; errors are FaultErrors in the control port's words, the
 * host named as `what` (`cluster`, `Sentinel group`).
 */
export function hostFaults(
  members: readonly HostedMember[],
  fabric: HostFabric,
  restart: (m: HostedMember) => Promise<void>,
  what = 'cluster',
): FaultTarget<number, Promise<void>> {
  const member = (port: number): HostedMember => {
    const m = members.find((x) => x.port === port);
    if (m === undefined) throw new FaultError(`no node of this ${what} listens on port ${port}`);
    return m;
  };
  const running = (port: number): HostedMember => {
    const m = member(port);
    if (m.state !== 'running') throw new FaultError(`node ${port} is not running (${m.state})`);
    return m;
  };
  return {
    async crash(port) {
      const m = running(port);
      m.clearPauseTimer();
      m.state = 'crashed';
      await m.server.kill();
    },
    async restart(port) {
      const m = member(port);
      if (m.state === 'running') throw new FaultError(`node ${port} is already running`);
      try {
        await restart(m);
      } catch (e) {
        throw new FaultError(`node ${port} did not start: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    async pause(port, ms) {
      const m = running(port);
      if (ms !== undefined) checkDelayMs('the pause', ms);
      m.clearPauseTimer();
      m.gate.pause();
      if (ms !== undefined) {
        const gate = m.gate;
        m.pauseTimer = setTimeout(() => {
          m.pauseTimer = null;
          gate.resume();
        }, ms);
        m.pauseTimer.unref();
      }
    },
    async resume(port) {
      const m = member(port);
      if (!m.gate.paused) throw new FaultError(`node ${port} is not paused`);
      m.clearPauseTimer();
      m.gate.resume();
    },
    async partition(groups) {
      checkPartitionGroups(groups);
      fabric.partition(groups.map((g) => g.map((port) => member(port).index)));
    },
    async heal(groups) {
      if (groups !== undefined) checkPartitionGroups(groups);
      fabric.heal(groups?.map((g) => g.map((port) => member(port).index)));
    },
    async latency(ms, port) {
      checkDelayMs('the latency', ms);
      fabric.latency(ms, port === undefined ? undefined : member(port).index, members.length);
    },
  };
}

// --- internal ---

function _pair(a: number, b: number): string {
  return a < b ? `${a},${b}` : `${b},${a}`;
}
