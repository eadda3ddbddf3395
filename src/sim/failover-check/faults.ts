// Fault schedules for failover checks: plain data (so a failing schedule can be printed and replayed), built from
// episodes (crash then restart, pause then resume, partition then heal, a manual failover), and applied to a
// simulation step by step. Node references are indices taken modulo the node count, so one schedule fits any
// topology and fast-check can shrink it freely. Actions that do not fit the node's state at that moment (crashing a
// node already down, resuming one not paused) are skipped and said so in the timeline.

import { FaultError, SimulationFaults, applyFault, describeFault, type Fault } from '../faults.js';
import { formatReply } from '../sim-client.js';
import type { SimClient } from '../sim-client.js';
import type { Simulation } from '../simulation.js';

/** One fault action; `node` and the bits of `side` index the scenario's nodes (modulo their count). */
export type FaultAction =
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'pause'; readonly node: number }
  | { readonly kind: 'resume'; readonly node: number }
  /** Cuts the nodes whose bit is set in `side` off from the other nodes (clients still reach everyone). */
  | { readonly kind: 'partition'; readonly side: number }
  /** Heals the partition cut by the same `side`. */
  | { readonly kind: 'heal'; readonly side: number }
  /** Sends CLUSTER FAILOVER [FORCE|TAKEOVER] to a replica (the `node`-th replica at that moment, modulo). */
  | { readonly kind: 'failover'; readonly node: number; readonly mode: 'default' | 'force' | 'takeover' };

/** An action at a virtual time, in ms from the start of the fault phase. */
export interface ScheduledFault {
  readonly at: number;
  readonly action: FaultAction;
}

/** A fault episode, the unit the arbitraries generate: a fault and (except failover) its undoing `duration` later. */
export type FaultEpisode =
  | { readonly kind: 'crash' | 'pause'; readonly at: number; readonly duration: number; readonly node: number }
  | { readonly kind: 'partition'; readonly at: number; readonly duration: number; readonly side: number }
  | {
      readonly kind: 'failover';
      readonly at: number;
      readonly node: number;
      readonly mode: 'default' | 'force' | 'takeover';
    };

/** Expands episodes into a schedule sorted by time (stable, so equal times keep episode order). */
export function scheduleFromEpisodes(episodes: readonly FaultEpisode[]): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  for (const e of episodes) {
    switch (e.kind) {
      case 'crash':
        out.push({ at: e.at, action: { kind: 'crash', node: e.node } });
        out.push({ at: e.at + e.duration, action: { kind: 'restart', node: e.node } });
        break;
      case 'pause':
        out.push({ at: e.at, action: { kind: 'pause', node: e.node } });
        out.push({ at: e.at + e.duration, action: { kind: 'resume', node: e.node } });
        break;
      case 'partition':
        out.push({ at: e.at, action: { kind: 'partition', side: e.side } });
        out.push({ at: e.at + e.duration, action: { kind: 'heal', side: e.side } });
        break;
      case 'failover':
        out.push({ at: e.at, action: { kind: 'failover', node: e.node, mode: e.mode } });
        break;
    }
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.at - b.f.at || a.i - b.i)
    .map(({ f }) => f);
}

/**
 * Applies fault actions to a simulation's nodes (by name, in scenario order) through the shared vocabulary
 * (src/sim/faults.ts: each action becomes a `Fault` applied to SimulationFaults), and keeps a timeline of what it did.
 */
export class FaultInjector {
  /** One line per action: `<ms into the phase> <what happened>` (or why it was skipped). */
  readonly timeline: string[] = [];
  private readonly control = new Map<string, SimClient>();
  private readonly faults: SimulationFaults;

  constructor(
    private readonly sim: Simulation,
    private readonly names: readonly string[],
    private readonly phaseStart: number,
  ) {
    this.faults = new SimulationFaults(sim);
  }

  /** Schedules each fault of the schedule that falls within the phase (`phaseMs` from now) at its time. */
  scheduleAll(faults: readonly ScheduledFault[], phaseMs: number): void {
    for (const fault of faults) {
      if (fault.at < 0 || fault.at >= phaseMs) continue;
      this.sim.schedule(fault.at, () => this.apply(fault.action));
    }
  }

  /** Applies one action now; a fault that does not fit the nodes' state (FaultError) is skipped and noted. */
  apply(action: FaultAction): void {
    if (action.kind === 'failover') return this._failover(action.node, action.mode);
    this._apply(this._fault(action));
  }

  /** Undoes every fault: heals all partitions, resumes paused nodes, restarts crashed nodes (except `keepDown`). */
  healAll(keepDown: ReadonlySet<string> = new Set()): void {
    this._apply({ kind: 'heal' }, 'heal all');
    for (const name of this.names) {
      const node = this.sim.node(name);
      if (node.paused) this._apply({ kind: 'resume', node: name });
      if (node.state !== 'running' && !keepDown.has(name)) this._apply({ kind: 'restart', node: name });
    }
  }

  /** Kills a node for good (its restart is never scheduled). */
  kill(name: string): void {
    if (this.sim.node(name).state === 'running') this.faults.crash(name);
    this._note(`kill ${name}`);
  }

  // --- internal ---

  /** The shared-vocabulary fault of an index-based action. */
  private _fault(action: Exclude<FaultAction, { kind: 'failover' }>): Fault {
    const count = this.names.length;
    switch (action.kind) {
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        return { kind: action.kind, node: this.names[((action.node % count) + count) % count]! };
      case 'partition':
      case 'heal':
        return { kind: action.kind, groups: this._sides(action.side) };
    }
  }

  /** Applies a fault and notes it, or notes why it was skipped. */
  private _apply(fault: Fault, what = describeFault(fault)): void {
    try {
      applyFault(this.faults, fault);
    } catch (e) {
      if (!(e instanceof FaultError)) throw e;
      return this._note(`skip ${what}: ${e.message}`);
    }
    this._note(what);
  }

  /** Sends CLUSTER FAILOVER [FORCE|TAKEOVER] to the `index`-th running replica (modulo), noting the reply. */
  private _failover(index: number, mode: 'default' | 'force' | 'takeover'): void {
    const replicas = this.names.filter((n) => {
      const host = this.sim.node(n);
      return host.state === 'running' && host.node.cluster?.state.myself.isReplica === true;
    });
    if (replicas.length === 0) return this._note('skip failover: no running replica');
    const name = replicas[index % replicas.length]!;
    const args = ['CLUSTER', 'FAILOVER', ...(mode === 'default' ? [] : [mode.toUpperCase()])];
    this._control(name)
      .call(...args)
      .onDone((c) => {
        const what = c.reply !== undefined ? formatReply(c.reply) : `failed: ${c.failure}`;
        this._note(`${args.join(' ')} on ${name} -> ${what}`);
      });
  }

  private _sides(mask: number): [string[], string[]] {
    const a: string[] = [];
    const b: string[] = [];
    // Only the bits that name a node count: wider masks fold onto the node indices.
    const bits = mask % 2 ** this.names.length;
    this.names.forEach((name, i) => (Math.floor(bits / 2 ** i) % 2 === 1 ? a : b).push(name));
    return [a, b];
  }

  private _control(name: string): SimClient {
    let client = this.control.get(name);
    if (client === undefined) {
      client = this.sim.client(name, { name: `ctl.${name}` });
      this.control.set(name, client);
    } else if (!client.connected) {
      client.reconnect();
    }
    return client;
  }

  private _note(text: string): void {
    this.timeline.push(`${this.sim.now() - this.phaseStart} ${text}`);
  }
}
