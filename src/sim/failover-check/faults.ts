// Fault schedules for failover checks: plain data (so a failing schedule can be printed and replayed), built from
// episodes (crash then restart, pause then resume, partition then heal, a manual failover), and applied to a
// simulation step by step. Node references are indices taken modulo the node count, so one schedule fits any
// topology and fast-check can shrink it freely. Actions that do not fit the node's state at that moment (crashing a
// node already down, resuming one not paused) are skipped and said so in the timeline.

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

/** Applies fault actions to a simulation's nodes (by name, in scenario order) and keeps a timeline of what it did. */
export class FaultInjector {
  /** One line per action: `<ms into the phase> <what happened>` (or why it was skipped). */
  readonly timeline: string[] = [];
  private readonly control = new Map<string, SimClient>();

  constructor(
    private readonly sim: Simulation,
    private readonly names: readonly string[],
    private readonly phaseStart: number,
  ) {}

  /** Applies one action now. */
  apply(action: FaultAction): void {
    const sim = this.sim;
    const count = this.names.length;
    const nameAt = (i: number): string => this.names[((i % count) + count) % count]!;
    switch (action.kind) {
      case 'crash': {
        const name = nameAt(action.node);
        const node = sim.node(name);
        if (node.state !== 'running') return this._note(`skip crash ${name}: it is ${node.state}`);
        sim.crash(name);
        return this._note(`crash ${name}`);
      }
      case 'restart': {
        const name = nameAt(action.node);
        if (sim.node(name).state === 'running') return this._note(`skip restart ${name}: it is running`);
        sim.restart(name);
        return this._note(`restart ${name}`);
      }
      case 'pause': {
        const name = nameAt(action.node);
        const node = sim.node(name);
        if (node.state !== 'running' || node.paused) return this._note(`skip pause ${name}`);
        sim.pause(name);
        return this._note(`pause ${name}`);
      }
      case 'resume': {
        const name = nameAt(action.node);
        if (!sim.node(name).paused) return this._note(`skip resume ${name}`);
        sim.resume(name);
        return this._note(`resume ${name}`);
      }
      case 'partition':
      case 'heal': {
        const [a, b] = this._sides(action.side);
        if (a.length === 0 || b.length === 0) return this._note(`skip ${action.kind}: one side is empty`);
        if (action.kind === 'partition') sim.partition(a, b);
        else sim.heal(a, b);
        return this._note(`${action.kind} ${a.join(',')} | ${b.join(',')}`);
      }
      case 'failover': {
        const replicas = this.names.filter((n) => {
          const host = sim.node(n);
          return host.state === 'running' && host.node.cluster?.state.myself.isReplica === true;
        });
        if (replicas.length === 0) return this._note('skip failover: no running replica');
        const name = replicas[action.node % replicas.length]!;
        const args = ['CLUSTER', 'FAILOVER', ...(action.mode === 'default' ? [] : [action.mode.toUpperCase()])];
        const call = this._control(name).call(...args);
        call.onDone((c) => {
          const what = c.reply !== undefined ? formatReply(c.reply) : `failed: ${c.failure}`;
          this._note(`${args.join(' ')} on ${name} -> ${what}`);
        });
        return;
      }
    }
  }

  /** Undoes every fault: heals all partitions, resumes paused nodes, restarts crashed nodes (except `keepDown`). */
  healAll(keepDown: ReadonlySet<string> = new Set()): void {
    this.sim.heal();
    this._note('heal all');
    for (const name of this.names) {
      const node = this.sim.node(name);
      if (node.paused) {
        this.sim.resume(name);
        this._note(`resume ${name}`);
      }
      if (node.state !== 'running' && !keepDown.has(name)) {
        this.sim.restart(name);
        this._note(`restart ${name}`);
      }
    }
  }

  /** Kills a node for good (its restart is never scheduled). */
  kill(name: string): void {
    if (this.sim.node(name).state === 'running') this.sim.crash(name);
    this._note(`kill ${name}`);
  }

  // --- internal ---

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
