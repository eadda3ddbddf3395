// The realtime stand-in for a process's freedom to run: every event that would run a hosted node's code (a timer, a
// client's bytes or close, an accepted or outbound link's bytes or close, a new connection) passes through its gate.
// Paused, the gate holds them in order, as a SIGSTOPped process leaves them queued in the kernel; resumed, it hands
// them over in that order; killed, it drops them for good, so an abandoned node never runs again. The gate also
// shapes the links a node opens to the other nodes of its host (partitions and latency, see LinkShaper).

import type { Env, Link, LinkCloseReason, Network, TimerHandle } from '../env/env.js';

/** Decides, for a link a node opens to `host:port`, how its bytes travel; null leaves the link as it is. */
export type LinkPolicy = (host: string, port: number) => LinkRoute | null;

/** How bytes travel on one shaped link, asked again for every byte batch. */
export interface LinkRoute {
  /** Whether the two ends are cut off from each other now (bytes wait, as TCP retransmits them after a heal). */
  blocked(): boolean;
  /** The one-way delay to add now, in ms. */
  delayMs(): number;
  /** Registers a callback run when blocking or delays change (a heal); returns its removal. */
  onChange(wake: () => void): () => void;
}

/** The gate of one hosted node. */
export class NodeGate {
  private pausedNow = false;
  private deadNow = false;
  private held: (() => void)[] = [];

  constructor(private readonly policy: LinkPolicy | null = null) {}

  /** Whether the node is frozen. */
  get paused(): boolean {
    return this.pausedNow;
  }

  /** Whether the node was killed. */
  get dead(): boolean {
    return this.deadNow;
  }

  /** Runs `task` now, or holds it while paused; drops it once killed. */
  run(task: () => void): void {
    if (this.deadNow) return;
    if (this.pausedNow) this.held.push(task);
    else task();
  }

  /** Freezes the node: later events wait. */
  pause(): void {
    if (!this.deadNow) this.pausedNow = true;
  }

  /** Thaws the node: held events run in the order they came, then new ones flow again. */
  resume(): void {
    if (!this.pausedNow) return;
    this.pausedNow = false;
    while (this.held.length > 0 && !this.pausedNow && !this.deadNow) this.held.shift()!();
  }

  /** Kills the node: everything held and everything later is dropped. */
  kill(): void {
    this.deadNow = true;
    this.pausedNow = false;
    this.held = [];
  }

  /** Wraps env.schedule so timers fire through the gate (held while paused, dropped once killed). */
  schedule(inner: Env['schedule']): Env['schedule'] {
    return (delayMs, task) => {
      let cancelled = false;
      const handle = inner(delayMs, () => this.run(() => (cancelled ? undefined : task())));
      return {
        cancel: () => {
          cancelled = true;
          handle.cancel();
        },
      } satisfies TimerHandle;
    };
  }

  /** Wraps the node's outbound network: links to other hosted nodes are shaped, and every link's events are gated. */
  network(inner: Network): Network {
    return {
      connect: (host, port) => {
        const link = inner.connect(host, port);
        const route = this.policy?.(host, port) ?? null;
        return this.gated(route === null ? link : new _ShapedLink(link, route));
      },
    };
  }

  /** Wraps a link so the bytes and the close it delivers to the node pass through the gate. */
  gated(inner: Link): Link {
    const outer: Link = {
      write: (data) => inner.write(data),
      close: () => inner.close(),
      get remoteAddress() {
        return inner.remoteAddress;
      },
      get localAddress() {
        return inner.localAddress;
      },
      get isLocal() {
        return inner.isLocal;
      },
      get closed() {
        return inner.closed;
      },
      get bufferedBytes() {
        return inner.bufferedBytes;
      },
      onData: null,
      onClose: null,
    };
    inner.onData = (chunk) => this.run(() => outer.onData?.(chunk));
    inner.onClose = (reason) => this.run(() => outer.onClose?.(reason));
    return outer;
  }
}

// --- internal ---

type _Item = { readonly at: number; readonly data: Buffer } | { readonly at: number; readonly close: LinkCloseReason };

/**
 * An outbound link between two hosted nodes, with each direction a FIFO queue: an item leaves once its delay has
 * passed and the two nodes are not partitioned, so order is kept even when the delay changes. A local close goes
 * through the queue too (pending bytes first, as TCP sends them before the FIN).
 */
class _ShapedLink implements Link {
  onData: ((chunk: Buffer) => void) | null = null;
  onClose: ((reason: LinkCloseReason) => void) | null = null;
  private closedNow = false;
  private readonly out: _Item[] = [];
  private readonly inbound: _Item[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly stopWatching: () => void;

  constructor(
    private readonly inner: Link,
    private readonly route: LinkRoute,
  ) {
    inner.onData = (chunk) => this._push(this.inbound, { at: this._readyAt(this.inbound), data: chunk });
    inner.onClose = (reason) => this._push(this.inbound, { at: this._readyAt(this.inbound), close: reason });
    this.stopWatching = route.onChange(() => this._pump());
  }

  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }

  get localAddress(): string {
    return this.inner.localAddress;
  }

  get isLocal(): boolean {
    return this.inner.isLocal;
  }

  get closed(): boolean {
    return this.closedNow;
  }

  /** Bytes still held by the shaping queue (delay or partition) plus what the socket holds. */
  get bufferedBytes(): number {
    if (this.closedNow) return 0;
    let queued = 0;
    for (const item of this.out) if ('data' in item) queued += item.data.length;
    return queued + this.inner.bufferedBytes;
  }

  write(data: Buffer): void {
    if (!this.closedNow) this._push(this.out, { at: this._readyAt(this.out), data });
  }

  close(): void {
    if (this.closedNow) return;
    this.closedNow = true;
    this.inbound.length = 0;
    this._push(this.out, { at: this._readyAt(this.out), close: 'closed' });
  }

  private _readyAt(queue: _Item[]): number {
    const at = Date.now() + this.route.delayMs();
    const last = queue[queue.length - 1];
    return last === undefined ? at : Math.max(at, last.at);
  }

  private _push(queue: _Item[], item: _Item): void {
    queue.push(item);
    this._pump();
  }

  private _pump(): void {
    if (this.route.blocked()) return;
    const now = Date.now();
    for (;;) {
      const outHead = this.out[0];
      const inHead = this.inbound[0];
      if (outHead !== undefined && outHead.at <= now) {
        this.out.shift();
        if ('data' in outHead) this.inner.write(outHead.data);
        else this._finish(() => this.inner.close());
      } else if (inHead !== undefined && inHead.at <= now) {
        this.inbound.shift();
        if (this.closedNow) continue;
        if ('data' in inHead) this.onData?.(inHead.data);
        else this._finish(() => this.onClose?.(inHead.close));
      } else {
        break;
      }
    }
    const next = Math.min(this.out[0]?.at ?? Infinity, this.inbound[0]?.at ?? Infinity);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (next !== Infinity) {
      this.timer = setTimeout(() => this._pump(), Math.max(0, next - now));
      this.timer.unref();
    }
  }

  /** The link is over in both directions: stop watching the route and drop what is still queued. */
  private _finish(last: () => void): void {
    this.closedNow = true;
    this.out.length = 0;
    this.inbound.length = 0;
    this.stopWatching();
    last();
  }
}
