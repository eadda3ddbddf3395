// A redirect-following cluster client model for simulations, the way `redis-cli -c` and cluster client libraries
// behave: a slot → address cache learned from MOVED replies, ASK handled with ASKING on the target, CLUSTERDOWN /
// TRYAGAIN / refused connections retried after a pause until the operation's deadline, and a per-attempt timeout
// after which the outcome is unknown (the node may or may not have applied the command). Callbacks only: every step
// runs inside the simulation's event queue.

import { keyHashSlot } from '../../cluster/key-slot.js';
import { SLOT_COUNT } from '../../cluster/constants.js';
import type { Reply } from '../../protocol/reply.js';
import type { TimerHandle } from '../../env/env.js';
import type { Prng } from '../prng.js';
import { ClientConnections } from '../client-connections.js';
import type { SimCall } from '../sim-client.js';
import type { Simulation } from '../simulation.js';

/** How one operation ended. `unknown`: sent, but no reply (timeout or link lost), so it may or may not have applied. */
export type ClusterCallOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply; readonly node: string; readonly at: number }
  | { readonly kind: 'unknown'; readonly why: string; readonly node: string; readonly at: number }
  | { readonly kind: 'gave-up'; readonly why: string; readonly at: number };

/** Options for a ClusterClient. */
export interface ClusterClientOptions {
  /** The client's name; its connections are endpoints `<name>.<port>`. */
  readonly name: string;
  /** Virtual ms one attempt waits for a reply before the outcome becomes unknown (default 1000). */
  readonly attemptTimeoutMs?: number;
  /** Virtual ms an operation keeps retrying CLUSTERDOWN, TRYAGAIN and refused connections (default 3000). */
  readonly deadlineMs?: number;
  /** Pause between retries (default 100). */
  readonly retryDelayMs?: number;
  /** Redirects followed before giving up (default 16, as redis-cli's cluster mode). */
  readonly maxRedirects?: number;
}

/** A cluster-aware client over simulated connections. */
export class ClusterClient {
  /** Its name. */
  readonly name: string;
  /** Redirects (MOVED and ASK) followed so far. */
  redirects = 0;
  /** Retries after CLUSTERDOWN, TRYAGAIN or connection failures so far. */
  retries = 0;
  /** Operations started whose outcome is not known yet. */
  inFlight = 0;

  private readonly slots: (string | null)[] = new Array<string | null>(SLOT_COUNT).fill(null);
  private readonly conns: ClientConnections;
  private readonly attemptTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRedirects: number;

  /** `seeds` are node names; the client connects to their addresses. */
  constructor(
    private readonly sim: Simulation,
    private readonly seeds: readonly string[],
    private readonly rng: Prng,
    options: ClusterClientOptions,
  ) {
    this.name = options.name;
    this.conns = new ClientConnections(sim, options.name);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 1000;
    this.deadlineMs = options.deadlineMs ?? 3000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRedirects = options.maxRedirects ?? 16;
  }

  /** Sends a single-key command (the key decides the slot) and calls `done` once with its outcome. */
  call(key: string, args: readonly string[], done: (outcome: ClusterCallOutcome) => void): void {
    const slot = keyHashSlot(key);
    const deadline = this.sim.now() + this.deadlineMs;
    this.inFlight++;
    const finished = (outcome: ClusterCallOutcome): void => {
      this.inFlight--;
      done(outcome);
    };
    this._attempt({ slot, args, done: finished, deadline, redirects: 0, ask: null });
  }

  /** Closes every connection. */
  close(): void {
    this.conns.closeAll();
  }

  // --- internal ---

  private _attempt(op: _Op): void {
    const address = op.ask ?? this.slots[op.slot] ?? this._seedAddress();
    const node = this._nodeAt(address);
    const conn = this.conns.get(address);
    if (op.ask !== null) conn.call('ASKING');
    const call = conn.call(...op.args);
    let settled = false;
    let timer: TimerHandle | null = null;
    const finish = (outcome: ClusterCallOutcome): void => {
      settled = true;
      timer?.cancel();
      op.done(outcome);
    };
    timer = this.sim.schedule(this.attemptTimeoutMs, () => {
      if (settled) return;
      settled = true;
      // The late reply (if any) must not be matched to a later call: start a fresh connection.
      conn.reconnect();
      op.done({ kind: 'unknown', why: 'timeout', node, at: this.sim.now() });
    });
    call.onDone((c: SimCall) => {
      if (settled) return;
      const at = this.sim.now();
      if (c.reply === undefined) {
        this.slots[op.slot] = null;
        // Refused: the command never left; anything else: it was sent and may have run.
        if (c.failure === 'refused' || c.failure === 'disconnected') {
          settled = true;
          timer?.cancel();
          this._retry(op, `connection ${c.failure}`);
        } else {
          finish({ kind: 'unknown', why: `connection ${c.failure ?? 'lost'}`, node, at });
        }
        return;
      }
      const reply = c.reply;
      if (reply.t === 'error') {
        const [code, , target] = reply.s.split(' ');
        if ((code === 'MOVED' || code === 'ASK') && target !== undefined) {
          timer?.cancel();
          settled = true;
          this.redirects++;
          if (op.redirects >= this.maxRedirects) {
            op.done({ kind: 'gave-up', why: `too many redirects (last ${reply.s})`, at });
            return;
          }
          if (code === 'MOVED') this.slots[op.slot] = target;
          this._attempt({ ...op, redirects: op.redirects + 1, ask: code === 'ASK' ? target : null });
          return;
        }
        if (code === 'CLUSTERDOWN' || code === 'TRYAGAIN' || code === 'LOADING') {
          settled = true;
          timer?.cancel();
          if (code === 'CLUSTERDOWN') this.slots[op.slot] = null;
          this._retry(op, reply.s);
          return;
        }
      }
      finish({ kind: 'reply', reply, node, at });
    });
  }

  /** Tries again after a pause, or gives up once the deadline has passed. */
  private _retry(op: _Op, why: string): void {
    if (this.sim.now() + this.retryDelayMs > op.deadline) {
      op.done({ kind: 'gave-up', why, at: this.sim.now() });
      return;
    }
    this.retries++;
    this.sim.schedule(this.retryDelayMs, () => this._attempt({ ...op, ask: null }));
  }

  private _seedAddress(): string {
    const name = this.seeds[this.rng.nextInt(this.seeds.length)]!;
    return this.sim.node(name).address;
  }

  private _nodeAt(address: string): string {
    for (const node of this.sim.nodes()) if (node.address === address) return node.name;
    return address;
  }
}

// --- internal ---

/** One operation in progress. */
interface _Op {
  readonly slot: number;
  readonly args: readonly string[];
  readonly done: (outcome: ClusterCallOutcome) => void;
  readonly deadline: number;
  readonly redirects: number;
  /** The ASK target for the next attempt, or null. */
  readonly ask: string | null;
}
