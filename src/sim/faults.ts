// One fault vocabulary for both runtimes: crash, restart, pause/resume, partition/heal and latency, as a `Fault`
// value and as a `FaultTarget` interface. The simulation implements it over its virtual processes and SimNetwork
// (`SimulationFaults`, which can also schedule faults at virtual times); the realtime cluster host implements it over
// in-process nodes and real sockets (src/runtime/cluster-host.ts), and its control port speaks it as `SIM …` commands.

import type { TimerHandle } from '../env/env.js';
import type { Simulation } from './simulation.js';

/** One fault, naming nodes by `Ref` (a node name in the simulation, a client port in a realtime host). */
export type Fault<Ref = string> =
  | { readonly kind: 'crash'; readonly node: Ref }
  | { readonly kind: 'restart'; readonly node: Ref }
  | { readonly kind: 'pause'; readonly node: Ref; readonly ms?: number }
  | { readonly kind: 'resume'; readonly node: Ref }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly Ref[])[] }
  /** Heals every partition, or with `groups` only the cuts between those groups (undoing that one partition). */
  | { readonly kind: 'heal'; readonly groups?: readonly (readonly Ref[])[] }
  | { readonly kind: 'latency'; readonly ms: number; readonly node?: Ref };

/**
 * What can be done to a set of nodes. `Done` is what each operation returns: nothing in the simulation (it applies at
 * once, in virtual time), a promise in the realtime host (a restart waits for the node to listen). Every method throws
 * FaultError for an unknown node or a node in the wrong state.
 */
export interface FaultTarget<Ref = string, Done = void> {
  /** Kills the node's process at once: no reply, no save, its links drop; it stays down until restart. */
  crash(node: Ref): Done;
  /** Starts a crashed or shut-down node again from its files (nodes.conf, RDB/AOF). */
  restart(node: Ref): Done;
  /** Freezes the node like SIGSTOP: no timer runs and nothing it receives is read; resumes by itself after `ms`. */
  pause(node: Ref, ms?: number): Done;
  /** Thaws a paused node: what came due or arrived meanwhile is handled, in order. */
  resume(node: Ref): Done;
  /** Cuts every node of each group off from every node of the other groups; unlisted nodes stay reachable. */
  partition(groups: readonly (readonly Ref[])[]): Done;
  /** Heals every partition, or only the cuts between `groups` (other partitions stay). */
  heal(groups?: readonly (readonly Ref[])[]): Done;
  /** Sets the one-way delay of links between nodes: all of them, or only those of `node`. 0 removes it. */
  latency(ms: number, node?: Ref): Done;
}

/** A fault that cannot be applied (unknown node, node in the wrong state, bad argument); one line. */
export class FaultError extends Error {
  override readonly name = 'FaultError';
}

/** Applies one fault to a target. */
export function applyFault<Ref, Done>(target: FaultTarget<Ref, Done>, fault: Fault<Ref>): Done {
  switch (fault.kind) {
    case 'crash':
      return target.crash(fault.node);
    case 'restart':
      return target.restart(fault.node);
    case 'pause':
      return target.pause(fault.node, fault.ms);
    case 'resume':
      return target.resume(fault.node);
    case 'partition':
      return target.partition(fault.groups);
    case 'heal':
      return target.heal(fault.groups);
    case 'latency':
      return target.latency(fault.ms, fault.node);
  }
}

/** A one-line description of a fault, as the event log and the control port name it (`pause n1 500`). */
export function describeFault<Ref>(fault: Fault<Ref>): string {
  switch (fault.kind) {
    case 'crash':
    case 'restart':
    case 'resume':
      return `${fault.kind} ${String(fault.node)}`;
    case 'pause':
      return `pause ${String(fault.node)}${fault.ms === undefined ? '' : ` ${fault.ms}`}`;
    case 'partition':
      return `partition ${fault.groups.map((g) => g.map(String).join(' ')).join(' | ')}`;
    case 'heal':
      return fault.groups === undefined
        ? 'heal'
        : `heal ${fault.groups.map((g) => g.map(String).join(' ')).join(' | ')}`;
    case 'latency':
      return `latency ${fault.ms}${fault.node === undefined ? '' : ` ${String(fault.node)}`}`;
  }
}

/** Checks a partition's groups: at least two, none empty, no node twice; throws FaultError. */
export function checkPartitionGroups<Ref>(groups: readonly (readonly Ref[])[]): void {
  if (groups.length < 2) throw new FaultError('Expected at least two groups to partition');
  const seen = new Set<Ref>();
  for (const group of groups) {
    if (group.length === 0) throw new FaultError('Expected every partition group to name at least one node');
    for (const node of group) {
      if (seen.has(node))
        throw new FaultError(`Expected each node in one partition group only, got ${String(node)} twice`);
      seen.add(node);
    }
  }
}

/** Checks a delay in ms (pause length, latency): a whole number >= 0; throws FaultError. */
export function checkDelayMs(what: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new FaultError(`Expected ${what} to be a whole number of ms >= 0, got ${ms}`);
}

/**
 * The simulation as a FaultTarget over node names, plus faults scheduled at virtual times. Latency and partitions
 * apply between nodes (SimNetwork pairs); clients keep the network's default latency and are partitioned only through
 * Simulation.partition itself.
 */
export class SimulationFaults implements FaultTarget<string, void> {
  constructor(private readonly sim: Simulation) {}

  /** Kills the node (Simulation.crash). */
  crash(node: string): void {
    const host = this._node(node);
    if (host.state !== 'running') throw new FaultError(`Expected node ${node} to be running, but it is ${host.state}`);
    this.sim.crash(node);
  }

  /** Starts a crashed or stopped node again (Simulation.restart). */
  restart(node: string): void {
    const host = this._node(node);
    if (host.state === 'running') throw new FaultError(`Expected node ${node} to be down, but it is running`);
    this.sim.restart(node);
  }

  /** Pauses the node; with `ms`, resumes it after that much virtual time (unless resumed or paused again first). */
  pause(node: string, ms?: number): void {
    const host = this._node(node);
    if (host.state !== 'running') throw new FaultError(`Expected node ${node} to be running, but it is ${host.state}`);
    if (ms !== undefined) checkDelayMs('the pause', ms);
    this.pauseTimers.get(node)?.cancel();
    this.pauseTimers.delete(node);
    this.sim.pause(node);
    if (ms !== undefined) {
      const incarnation = host.incarnation;
      this.pauseTimers.set(
        node,
        this.sim.schedule(ms, () => {
          this.pauseTimers.delete(node);
          if (host.incarnation === incarnation && host.paused) this.sim.resume(node);
        }),
      );
    }
  }

  /** Resumes a paused node. */
  resume(node: string): void {
    const host = this._node(node);
    if (!host.paused) throw new FaultError(`Expected node ${node} to be paused, but it is not`);
    this.pauseTimers.get(node)?.cancel();
    this.pauseTimers.delete(node);
    this.sim.resume(node);
  }

  /** Partitions the groups pairwise (Simulation.partition for each pair of groups). */
  partition(groups: readonly (readonly string[])[]): void {
    checkPartitionGroups(groups);
    for (const group of groups) for (const node of group) this._node(node);
    for (let i = 0; i < groups.length; i++)
      for (let j = i + 1; j < groups.length; j++) this.sim.partition(groups[i]!, groups[j]!);
  }

  /** Heals every partition, or the cuts between `groups` pairwise (Simulation.heal for each pair of groups). */
  heal(groups?: readonly (readonly string[])[]): void {
    if (groups === undefined) return this.sim.heal();
    checkPartitionGroups(groups);
    for (const group of groups) for (const node of group) this._node(node);
    for (let i = 0; i < groups.length; i++)
      for (let j = i + 1; j < groups.length; j++) this.sim.heal(groups[i]!, groups[j]!);
  }

  /** Sets a fixed one-way latency between every pair of nodes, or between `node` and every other node. */
  latency(ms: number, node?: string): void {
    checkDelayMs('the latency', ms);
    const all = this.sim.nodes().map((n) => n.name);
    const pairs: [string, string][] = [];
    if (node !== undefined) {
      this._node(node);
      for (const other of all) if (other !== node) pairs.push([node, other]);
    } else {
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) pairs.push([all[i]!, all[j]!]);
    }
    for (const pair of pairs) this.sim.network.setLatency({ fixedMs: ms, jitterMs: 0 }, pair);
  }

  /** Applies `fault` when the virtual clock reaches `atMs` (absolute, as sim.now()); now if that time has passed. */
  scheduleFault(atMs: number, fault: Fault<string>): TimerHandle {
    return this.sim.schedule(Math.max(0, atMs - this.sim.now()), () => {
      this.sim.eventLog.record(this.sim.now(), '$faults', describeFault(fault));
      applyFault(this, fault);
    });
  }

  // --- internal ---

  private readonly pauseTimers = new Map<string, TimerHandle>();

  private _node(name: string) {
    if (!this.sim.nodes().some((n) => n.name === name))
      throw new FaultError(`Expected a node called ${name}, but there is none`);
    return this.sim.node(name);
  }
}
