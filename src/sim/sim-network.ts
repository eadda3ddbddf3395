// The simulation's network: in-memory links between named endpoints (simulated clients and nodes, later cluster-bus
// peers), carrying bytes through the event queue with a seeded latency, plus the fault hooks failure tests need:
// partitions, message loss, paused endpoints and resets (a crashed process).
//
// A link behaves like a TCP connection: each direction is a FIFO pipe, so bytes arrive in the order they were written
// even when jitter draws a shorter delay for a later write. The connection handshake, a graceful close (FIN) and a
// reset (RST) travel through the same pipes as data, so they too arrive after the latency, in order, and wait out
// partitions and pauses. Bytes held up by a partition or a paused receiver are not lost (TCP retransmits them): they
// arrive, in order, as soon as the partition heals or the receiver resumes. Loss (`setDropRate`) drops whole writes,
// which models lost messages on message-oriented links such as the cluster bus; on a RESP client link a dropped write
// is a request or reply that never arrives.

import type { Link, LinkCloseReason, TimerHandle } from '../env/env.js';
import type { EventLog } from './event-log.js';
import type { EventQueue } from './event-queue.js';
import type { Prng } from './prng.js';

/** One-way delay of a link direction: `fixedMs` plus a seeded whole number of milliseconds in [0, jitterMs]. */
export interface Latency {
  readonly fixedMs: number;
  readonly jitterMs: number;
}

/** The latency of links with no other setting: one millisecond each way, no jitter. */
export const DEFAULT_LATENCY: Latency = { fixedMs: 1, jitterMs: 0 };

/** Why a link end closed: the peer closed it (FIN), it was reset (peer crashed), or nobody listened at the address. */
export type CloseReason = LinkCloseReason;

/**
 * One side of a link; a node hands the server side to `node.connect()`, a client keeps the other. Like a socket,
 * write() keeps the buffer it is given until delivery, so the writer must not modify it afterwards.
 */
export interface LinkEnd extends Link {
  /** The endpoint this side belongs to. */
  readonly endpoint: string;
  /** The endpoint at the other side (the address itself when nobody was listening there). */
  readonly peer: string;
}

/** Receives the server side of every link accepted at a listening address. */
export type AcceptHandler = (end: LinkEnd) => void;

/** What a simulated network is built from. */
export interface SimNetworkOptions {
  /** The simulation's clock and task queue. */
  queue: EventQueue;
  /** The stream jitter and loss are drawn from. */
  rng: Prng;
  /** Where connection lifecycle and fault events are recorded (as source `$net`); dropped when omitted. */
  log?: EventLog;
  /** Latency of links with no pair-specific setting; DEFAULT_LATENCY when omitted. */
  latency?: Latency;
  /**
   * How many undelivered bytes one direction of a link holds in the kernels (sender's send buffer plus receiver's
   * receive buffer) before further writes pile up in the writer's own process (`Link.bufferedBytes`);
   * DEFAULT_SOCKET_BUFFER_BYTES when omitted.
   */
  socketBufferBytes?: number;
}

/** Linux's default TCP send plus receive buffer sizes (tcp_wmem[1] + tcp_rmem[1]): 16 KiB + 128 KiB. */
export const DEFAULT_SOCKET_BUFFER_BYTES = 16384 + 131072;

/** A set of endpoints joined by in-memory links, with fault injection. */
export class SimNetwork {
  private readonly queue: EventQueue;
  private readonly rng: Prng;
  private readonly log: EventLog | undefined;
  private readonly listeners = new Map<string, _Listener>();
  private readonly links = new Set<_Link>();
  private readonly partitions = new Set<string>();
  private readonly pausedEndpoints = new Set<string>();
  private readonly stalled = new Set<_Pipe>();
  private readonly latencies = new Map<string, Latency>();
  private readonly dropRates = new Map<string, number>();
  private defaultLatency: Latency;
  private defaultDropRate = 0;
  private readonly socketBufferBytes: number;
  private nextPort = _EPHEMERAL_MIN;
  private readonly ops: _EndOps = {
    write: (end, data) => this._write(end, data),
    close: (end) => this._closeLocal(end),
    buffered: (end) => (end.closed ? 0 : Math.max(0, end.out.pendingBytes - this.socketBufferBytes)),
  };

  /** Creates an empty network. */
  constructor(options: SimNetworkOptions) {
    this.queue = options.queue;
    this.rng = options.rng;
    this.log = options.log;
    this.defaultLatency = _checkLatency(options.latency ?? DEFAULT_LATENCY);
    const socketBuffer = options.socketBufferBytes ?? DEFAULT_SOCKET_BUFFER_BYTES;
    if (!Number.isInteger(socketBuffer) || socketBuffer < 0)
      throw new RangeError(`Expected \`socketBufferBytes\` to be an integer >= 0, got \`${socketBuffer}\``);
    this.socketBufferBytes = socketBuffer;
  }

  /** Starts accepting links at `address` (`host:port`) on behalf of `endpoint`; throws if someone listens there. */
  listen(endpoint: string, address: string, accept: AcceptHandler): void {
    const current = this.listeners.get(address);
    if (current?.accept != null)
      throw new Error(`Expected \`${address}\` to be free, but ${current.endpoint} listens there`);
    this.listeners.set(address, { endpoint, accept });
  }

  /** Stops accepting at `address`; links to it are refused from now on, established ones stay up. */
  stopListening(address: string): void {
    const listener = this.listeners.get(address);
    if (listener !== undefined) listener.accept = null;
  }

  /** The endpoint that listens (or listened) at `address`, if any. */
  endpointAt(address: string): string | undefined {
    return this.listeners.get(address)?.endpoint;
  }

  /** Opens a link from `endpoint` to `address`; the returned side can write at once (bytes queue behind the handshake). */
  connect(endpoint: string, address: string, options: { host?: string } = {}): LinkEnd {
    const target = this.listeners.get(address)?.endpoint ?? address;
    const local = `${options.host ?? '127.0.0.1'}:${this._ephemeralPort()}`;
    const link = new _Link();
    const client = new _End(this.ops, link, endpoint, target, local, address, true);
    const server = new _End(this.ops, link, target, endpoint, address, local, false);
    link.ends = [client, server];
    client.out = new _Pipe(client, server);
    server.out = new _Pipe(server, client);
    this.links.add(link);
    this._record(`connect ${endpoint} ${local} -> ${target} ${address}`);
    this._send(client.out, { kind: 'open', at: 0 });
    return client;
  }

  /** Sets the latency of every link, or only of links between `between[0]` and `between[1]` (both directions). */
  setLatency(latency: Latency, between?: readonly [string, string]): void {
    const checked = _checkLatency(latency);
    if (between === undefined) this.defaultLatency = checked;
    else this.latencies.set(_pairKey(between[0], between[1]), checked);
  }

  /** Sets the probability in [0, 1] that a write is lost, for every link or only between the two endpoints. */
  setDropRate(rate: number, between?: readonly [string, string]): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`Expected \`rate\` to be a number in [0, 1], got \`${rate}\``);
    if (between === undefined) this.defaultDropRate = rate;
    else this.dropRates.set(_pairKey(between[0], between[1]), rate);
  }

  /** Cuts every pair of endpoints across the two sides: nothing crosses until healed. */
  partition(a: string | readonly string[], b: string | readonly string[]): void {
    const left = typeof a === 'string' ? [a] : a;
    const right = typeof b === 'string' ? [b] : b;
    for (const x of left) for (const y of right) if (x !== y) this.partitions.add(_pairKey(x, y));
    this._record(`partition ${left.join(',')} | ${right.join(',')}`);
  }

  /** Heals every partition, or only those between the two sides; held bytes then flow in order. */
  heal(a?: string | readonly string[], b?: string | readonly string[]): void {
    if (a === undefined || b === undefined) {
      this.partitions.clear();
      this._record('heal all');
    } else {
      const left = typeof a === 'string' ? [a] : a;
      const right = typeof b === 'string' ? [b] : b;
      for (const x of left) for (const y of right) this.partitions.delete(_pairKey(x, y));
      this._record(`heal ${left.join(',')} | ${right.join(',')}`);
    }
    this._wake();
  }

  /** Whether `a` and `b` are cut off from each other. */
  isPartitioned(a: string, b: string): boolean {
    return this.partitions.has(_pairKey(a, b));
  }

  /** Holds every delivery to `endpoint` until resume(), as for a stopped (SIGSTOP) process. */
  pause(endpoint: string): void {
    this.pausedEndpoints.add(endpoint);
    this._record(`pause ${endpoint}`);
  }

  /** Lets deliveries to `endpoint` flow again, in order. */
  resume(endpoint: string): void {
    if (!this.pausedEndpoints.delete(endpoint)) return;
    this._record(`resume ${endpoint}`);
    this._wake();
  }

  /** Whether deliveries to `endpoint` are held. */
  isPaused(endpoint: string): boolean {
    return this.pausedEndpoints.has(endpoint);
  }

  /**
   * Models the death of `endpoint`'s process: stops its listeners, drops every byte in flight to or from it, and
   * resets its links, so each peer that had accepted or opened one sees `onClose('reset')` after the latency.
   */
  reset(endpoint: string): void {
    this.pausedEndpoints.delete(endpoint);
    for (const listener of this.listeners.values()) if (listener.endpoint === endpoint) listener.accept = null;
    let count = 0;
    for (const link of [...this.links]) {
      for (const end of link.ends) {
        if (end.endpoint !== endpoint) continue;
        const peer = end.peerEnd();
        count++;
        end.closed = true;
        end.onData = null;
        end.onClose = null;
        this._clear(end.out);
        this._clear(peer.out);
        if (!peer.closed && peer.opened) this._send(end.out, { kind: 'rst', reason: 'reset', at: 0 });
        else peer.closed = true;
      }
      this._forgetIfDone(link);
    }
    this._record(`reset ${endpoint} (${count} links)`);
  }

  /** How many links are open (at least one side not closed). */
  openLinks(): number {
    return this.links.size;
  }

  // --- internal ---

  private _write(end: _End, data: Buffer): void {
    if (end.closed || data.length === 0) return;
    // Pair settings are rare: skip building the pair key when there are none (every write passes here).
    const pairRate = this.dropRates.size === 0 ? undefined : this.dropRates.get(_pairKey(end.endpoint, end.peer));
    const rate = pairRate ?? this.defaultDropRate;
    if (rate > 0 && this.rng.nextFloat() < rate) {
      this._record(`drop ${end.endpoint} -> ${end.peer} ${data.length} bytes`);
      return;
    }
    // Like a socket, the link keeps the buffer itself until delivery: writers hand over fresh buffers.
    this._send(end.out, { kind: 'data', data, at: 0 });
  }

  private _closeLocal(end: _End): void {
    if (end.closed) return;
    end.closed = true;
    // The server side of a link that was never accepted has nothing to close on the wire.
    if (end.opened) this._send(end.out, { kind: 'fin', at: 0 });
    this._forgetIfDone(end.link);
  }

  /** Queues a message on a pipe, at the later of its drawn arrival time and the previous message's. */
  private _send(pipe: _Pipe, msg: _Message): void {
    const now = this.queue.now();
    msg.at = Math.max(now + this._delay(pipe.from.endpoint, pipe.to.endpoint), pipe.lastAt);
    pipe.lastAt = msg.at;
    pipe.messages.push(msg);
    if (msg.kind === 'data') pipe.pendingBytes += msg.data.length;
    if (pipe.timer === null && !pipe.stalled) this._arm(pipe);
  }

  private _delay(from: string, to: string): number {
    const pairLatency = this.latencies.size === 0 ? undefined : this.latencies.get(_pairKey(from, to));
    const latency = pairLatency ?? this.defaultLatency;
    return latency.fixedMs + (latency.jitterMs > 0 ? this.rng.nextInt(latency.jitterMs + 1) : 0);
  }

  /** Schedules the pipe's pump for the arrival time of its first message. */
  private _arm(pipe: _Pipe): void {
    pipe.timer?.cancel();
    pipe.timer = null;
    const head = pipe.messages[0];
    if (head === undefined) return;
    pipe.timer = this.queue.schedule(head.at - this.queue.now(), () => this._pump(pipe));
  }

  /** Delivers every due message in order; stalls the pipe while its direction is blocked. */
  private _pump(pipe: _Pipe): void {
    pipe.timer = null;
    for (;;) {
      const head = pipe.messages[0];
      if (head === undefined) return;
      if (head.at > this.queue.now()) {
        this._arm(pipe);
        return;
      }
      if (this._blocked(pipe.from.endpoint, pipe.to.endpoint)) {
        pipe.stalled = true;
        this.stalled.add(pipe);
        return;
      }
      pipe.messages.shift();
      if (head.kind === 'data') pipe.pendingBytes -= head.data.length;
      this._deliver(pipe.to, head);
      // Delivery may have re-armed the pipe (a handler wrote on it); let that timer carry on.
      if (pipe.timer !== null) return;
    }
  }

  private _blocked(from: string, to: string): boolean {
    return this.pausedEndpoints.has(to) || (this.partitions.size > 0 && this.partitions.has(_pairKey(from, to)));
  }

  private _deliver(end: _End, msg: _Message): void {
    if (end.closed) return;
    switch (msg.kind) {
      case 'open': {
        const accept = this.listeners.get(end.localAddress)?.accept;
        if (accept == null) {
          end.closed = true;
          this._record(`refused ${end.peer} ${end.remoteAddress} -> ${end.localAddress}`);
          this._send(end.out, { kind: 'rst', reason: 'refused', at: 0 });
          return;
        }
        end.opened = true;
        accept(end);
        return;
      }
      case 'data':
        end.onData?.(msg.data);
        return;
      case 'fin':
      case 'rst': {
        end.closed = true;
        const reason = msg.kind === 'fin' ? 'closed' : msg.reason;
        this._record(`${reason} ${end.endpoint} ${end.localAddress} <- ${end.peer} ${end.remoteAddress}`);
        this._forgetIfDone(end.link);
        end.onClose?.(reason);
        return;
      }
    }
  }

  /** Drops a pipe's queued messages and timer. */
  private _clear(pipe: _Pipe): void {
    pipe.timer?.cancel();
    pipe.timer = null;
    pipe.messages.length = 0;
    pipe.pendingBytes = 0;
    pipe.stalled = false;
    this.stalled.delete(pipe);
  }

  /** Restarts stalled pipes whose direction is no longer blocked. */
  private _wake(): void {
    for (const pipe of [...this.stalled]) {
      if (this._blocked(pipe.from.endpoint, pipe.to.endpoint)) continue;
      this.stalled.delete(pipe);
      pipe.stalled = false;
      this._arm(pipe);
    }
  }

  private _forgetIfDone(link: _Link): void {
    if (link.ends[0].closed && link.ends[1].closed) this.links.delete(link);
  }

  private _ephemeralPort(): number {
    const port = this.nextPort;
    this.nextPort = port >= _EPHEMERAL_MAX ? _EPHEMERAL_MIN : port + 1;
    return port;
  }

  private _record(text: string): void {
    this.log?.record(this.queue.now(), '$net', text);
  }
}

// --- internal ---

/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range), which client ports are taken from in order. */
const _EPHEMERAL_MIN = 32768;
const _EPHEMERAL_MAX = 60999;

interface _Listener {
  readonly endpoint: string;
  accept: AcceptHandler | null;
}

type _Message =
  | { kind: 'open'; at: number }
  | { kind: 'data'; data: Buffer; at: number }
  | { kind: 'fin'; at: number }
  | { kind: 'rst'; reason: CloseReason; at: number };

/** What a link end calls back into its network for. */
interface _EndOps {
  write(end: _End, data: Buffer): void;
  close(end: _End): void;
  buffered(end: _End): number;
}

/** A link: two ends, each with the pipe it writes into. */
class _Link {
  ends!: [_End, _End];
}

/** One direction of a link: messages in arrival order and the timer of the next arrival. */
class _Pipe {
  readonly messages: _Message[] = [];
  timer: TimerHandle | null = null;
  lastAt = -Infinity;
  stalled = false;
  /** Bytes of the data messages not yet delivered. */
  pendingBytes = 0;

  constructor(
    readonly from: _End,
    readonly to: _End,
  ) {}
}

class _End implements LinkEnd {
  onData: ((chunk: Buffer) => void) | null = null;
  onClose: ((reason: CloseReason) => void) | null = null;
  closed = false;
  out!: _Pipe;
  readonly isLocal: boolean;

  constructor(
    private readonly ops: _EndOps,
    readonly link: _Link,
    readonly endpoint: string,
    readonly peer: string,
    readonly localAddress: string,
    readonly remoteAddress: string,
    /** Whether this side is established: the connecting side at once, the accepting side when the handshake lands. */
    public opened: boolean,
  ) {
    this.isLocal = _isLoopback(remoteAddress);
  }

  get bufferedBytes(): number {
    return this.ops.buffered(this);
  }

  write(data: Buffer): void {
    this.ops.write(this, data);
  }

  close(): void {
    this.ops.close(this);
  }

  peerEnd(): _End {
    return this.link.ends[0] === this ? this.link.ends[1] : this.link.ends[0];
  }
}

/** An order-independent key for a pair of endpoints. */
function _pairKey(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}

function _checkLatency(latency: Latency): Latency {
  for (const field of ['fixedMs', 'jitterMs'] as const) {
    const v = latency[field];
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`Expected \`${field}\` to be an integer >= 0, got \`${v}\``);
  }
  return { fixedMs: latency.fixedMs, jitterMs: latency.jitterMs };
}

/** Whether an `ip:port` address is on the loopback interface. */
function _isLoopback(address: string): boolean {
  return address.startsWith('127.') || address.startsWith('[::1]:') || address.startsWith('::1:');
}
