// A Sentinel-aware client model for simulations, the way ioredis and redis-py's Sentinel support behave: it asks the
// Sentinels in turn for the master's address (SENTINEL GET-MASTER-ADDR-BY-NAME), sends commands there, and forgets
// the address on READONLY, a refused or lost connection or a timeout, asking again before the next attempt. An
// attempt that got no reply after being sent has an unknown outcome (it may have been applied). Callbacks only:
// every step runs inside the simulation's event queue.

import type { TimerHandle } from '../../env/env.js';
import type { Reply } from '../../protocol/reply.js';
import type { ClusterCallOutcome } from '../failover-check/cluster-client.js';
import { ClientConnections } from '../client-connections.js';
import type { SimCall } from '../sim-client.js';
import type { Simulation } from '../simulation.js';
import { MASTER_NAME, serverAt, type SentinelGroup } from './group.js';

/** Options for a SentinelClient. */
export interface SentinelClientOptions {
  /** The client's name; its connections are endpoints `<name>.<port>`. */
  readonly name: string;
  /** Virtual ms one request waits for a reply (default 500). */
  readonly attemptTimeoutMs?: number;
  /** Virtual ms an operation keeps retrying before it gives up (default 2000). */
  readonly deadlineMs?: number;
  /** Pause between retries (default 100). */
  readonly retryDelayMs?: number;
}

/** A client that finds the master through the Sentinels. */
export class SentinelClient {
  /** Its name. */
  readonly name: string;
  /** Operations started whose outcome is not known yet. */
  inFlight = 0;
  /** How many times it asked a Sentinel for the master's address. */
  discoveries = 0;

  private master: string | null = null;
  private nextSentinel: number;
  private readonly conns: ClientConnections;
  private readonly attemptTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retryDelayMs: number;

  /** `firstSentinel` spreads the clients' first questions over the Sentinels. */
  constructor(
    private readonly sim: Simulation,
    private readonly group: SentinelGroup,
    firstSentinel: number,
    options: SentinelClientOptions,
  ) {
    this.name = options.name;
    this.conns = new ClientConnections(sim, options.name);
    this.nextSentinel = firstSentinel;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 500;
    this.deadlineMs = options.deadlineMs ?? 2000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** Sends a command to the current master and calls `done` once with its outcome. */
  call(args: readonly string[], done: (outcome: ClusterCallOutcome) => void): void {
    this.inFlight++;
    const deadline = this.sim.now() + this.deadlineMs;
    this._attempt(args, deadline, (outcome) => {
      this.inFlight--;
      done(outcome);
    });
  }

  /** Closes every connection. */
  close(): void {
    this.conns.closeAll();
  }

  // --- internal ---

  private _attempt(args: readonly string[], deadline: number, done: (outcome: ClusterCallOutcome) => void): void {
    const retry = (why: string): void => {
      if (this.sim.now() + this.retryDelayMs > deadline) {
        done({ kind: 'gave-up', why, at: this.sim.now() });
        return;
      }
      this.sim.schedule(this.retryDelayMs, () => this._attempt(args, deadline, done));
    };
    if (this.master === null) {
      this._discover((found) => (found ? this._attempt(args, deadline, done) : retry('no master address')));
      return;
    }
    const address = this.master;
    const node = serverAt(this.sim, this.group, address);
    this._request(address, args, (reply, failure) => {
      const at = this.sim.now();
      if (reply === undefined) {
        this.master = null;
        // Refused or never sent: nothing was applied, try again; lost after sending: the outcome is unknown.
        if (failure === 'refused' || failure === 'disconnected') retry(`connection ${failure}`);
        else done({ kind: 'unknown', why: failure, node, at });
        return;
      }
      if (reply.t === 'error' && /^(READONLY|LOADING|MASTERDOWN) /.test(reply.s)) {
        this.master = null;
        retry(reply.s);
        return;
      }
      done({ kind: 'reply', reply, node, at });
    });
  }

  /** Asks the next Sentinel for the master's address; `found` says whether it answered with one. */
  private _discover(found: (ok: boolean) => void): void {
    const sentinels = this.group.sentinels;
    const sentinel = sentinels[this.nextSentinel++ % sentinels.length]!;
    this.discoveries++;
    this._request(this.sim.node(sentinel).address, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME], (reply) => {
      if (reply?.t === 'array' && reply.items.length === 2) {
        const [host, port] = reply.items;
        if (host?.t === 'bulk' && port?.t === 'bulk') {
          this.master = `${host.s}:${port.s}`;
          found(true);
          return;
        }
      }
      found(false);
    });
  }

  /** One request with a timeout: `done(reply)` or `done(undefined, why)` when no reply came. */
  private _request(
    address: string,
    args: readonly string[],
    done: (reply: Reply | undefined, why: string) => void,
  ): void {
    const conn = this.conns.get(address);
    let settled = false;
    let timer: TimerHandle | null = null;
    timer = this.sim.schedule(this.attemptTimeoutMs, () => {
      if (settled) return;
      settled = true;
      // A late reply must not be matched to a later request: start a fresh connection next time.
      conn.close();
      done(undefined, 'timeout');
    });
    conn.call(...args).onDone((c: SimCall) => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      done(c.reply, c.failure ?? 'lost');
    });
  }
}
