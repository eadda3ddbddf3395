// A client endpoint in the simulation: sends RESP requests over a simulated link and matches replies to them.
//
// Why calls return handles rather than promises: a promise's continuation runs as a microtask, outside the event
// queue, so `await client.call(...)` would resume only after the synchronous run loop returned, at whatever virtual
// time it stopped — the scenario would silently run at the wrong time. Instead `call` returns a SimCall that the
// queue settles: its `onDone` callbacks run synchronously inside the event that delivered the reply, at the reply's
// virtual time, and test code drives the queue (`sim.runUntil(() => call.done, ms)`, or `client.run(...)` which does
// exactly that and returns the reply). A SimCall is deliberately not thenable.

import { ReplyParser } from '../protocol/reply-parser.js';
import { encodeRequest } from '../protocol/request-encoder.js';
import { toPlain, type PlainReply } from '../protocol/reply-text.js';
import type { Reply } from '../protocol/reply.js';
import type { EventLog } from './event-log.js';
import type { CloseReason, LinkEnd, SimNetwork } from './sim-network.js';

/** Why a call got no reply: its link closed (`closed`, `reset`, `refused`) or the client was not connected. */
export type CallFailure = CloseReason | 'disconnected';

/** One request in flight or settled; settled by the event queue, never by a microtask. */
export interface SimCall {
  /** The client that sent it. */
  readonly client: string;
  /** The request's arguments (empty for a raw request). */
  readonly args: readonly string[];
  /** The raw bytes sent by callRaw (latin1), or null for an ordinary call. */
  readonly raw: string | null;
  /** Virtual time the request was sent. */
  readonly sentAt: number;
  /** Whether a reply arrived or the call failed. */
  readonly done: boolean;
  /** The reply, once it arrived. */
  readonly reply: Reply | undefined;
  /** Why the call failed, if it did. */
  readonly failure: CallFailure | undefined;
  /** Virtual time the call settled. */
  readonly settledAt: number | undefined;
  /** The reply; throws if the call is still pending or failed. */
  value(): Reply;
  /** The reply as a plain value (see toPlain); throws like value(). */
  plain(): PlainReply;
  /** Runs `callback` when the call settles, inside the settling event (or at once if it already has). */
  onDone(callback: (call: SimCall) => void): void;
}

/** Thrown when a call's reply is read before it arrived or after the call failed. */
export class SimCallError extends Error {
  override readonly name = 'SimCallError';
}

/** How a simulated client is wired up. */
export interface SimClientOptions {
  /** The client's endpoint name (in partitions and the event log). */
  name: string;
  /** The network it connects through. */
  network: SimNetwork;
  /** The `host:port` it connects to. */
  address: string;
  /** Where requests and replies are traced; nothing is recorded when omitted. */
  log?: EventLog;
  /** Every call is appended here too (the simulation's trace). */
  trace?: SimCall[];
  /** The virtual clock. */
  now: () => number;
  /** Runs the simulation until `predicate` holds, throwing after `maxMs` of virtual time; needed by run(). */
  runUntil?: (predicate: () => boolean, maxMs: number) => void;
  /** Virtual milliseconds run() waits for a reply (default 10 000). */
  timeoutMs?: number;
}

/**
 * A RESP client on a simulated link. Each reply settles the oldest waiting call, except out-of-band messages, which go
 * to `pushes`: RESP3 pushes, pub/sub messages (`message`/`pmessage`/`smessage` arrays once the client has subscribed,
 * as RESP2 sends them), the extra confirmations of a (un)subscribe naming several channels, and anything arriving with
 * no call waiting. The (un)subscribe call itself settles with its first confirmation. An argument-less UNSUBSCRIBE
 * settles with its first confirmation too; later ones (one per channel) then count as replies, so send it with
 * channels, or read them with callRaw.
 */
export class SimClient {
  /** The client's endpoint name. */
  readonly name: string;
  /** The address it connects to. */
  readonly address: string;
  /** Replies that answered no call: RESP3 pushes and anything arriving with no call pending. */
  readonly pushes: Reply[] = [];
  /** Called with each push as it arrives, inside the delivering event. */
  onPush: ((reply: Reply) => void) | null = null;
  /** Why the current connection closed, or null while it is open. */
  closeReason: CallFailure | null = null;

  private readonly network: SimNetwork;
  private readonly log: EventLog | undefined;
  private readonly trace: SimCall[] | undefined;
  private readonly now: () => number;
  private readonly runUntilFn: ((predicate: () => boolean, maxMs: number) => void) | undefined;
  private readonly timeoutMs: number;
  private end: LinkEnd;
  private parser = new ReplyParser();
  private pending: _Call[] = [];
  /** Set once a subscribe command was sent on this connection: message arrays are then out of band. */
  private subscribed = false;
  /** Confirmations still due for the last multi-channel (un)subscribe, which go to `pushes`. */
  private extraConfirmations = { kind: '', count: 0 };

  /** Creates the client and opens its connection. */
  constructor(options: SimClientOptions) {
    this.name = options.name;
    this.address = options.address;
    this.network = options.network;
    this.log = options.log;
    this.trace = options.trace;
    this.now = options.now;
    this.runUntilFn = options.runUntil;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.end = this._open();
  }

  /** Whether the connection is open (as far as this side knows). */
  get connected(): boolean {
    return !this.end.closed;
  }

  /** The client's own `ip:port`. */
  get localAddress(): string {
    return this.end.localAddress;
  }

  /** Sends a command; its reply settles the returned call. On a closed client the call fails at once. */
  call(...args: (string | number | Buffer)[]): SimCall {
    const strings = args.map((a) =>
      typeof a === 'string' ? a : typeof a === 'number' ? String(a) : a.toString('latin1'),
    );
    return this._send(strings, null, encodeRequest(strings));
  }

  /** Sends raw bytes (an inline command, a malformed request); the next reply settles the returned call. */
  callRaw(data: Buffer | string): SimCall {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return this._send([], bytes.toString('latin1'), bytes);
  }

  /**
   * Sends a command and runs the simulation until its reply arrives; returns the reply, throws if it failed or timed
   * out. It drives the event queue, so call it from test code, never from inside a scheduled task or onDone callback.
   */
  run(...args: (string | number | Buffer)[]): Reply {
    if (this.runUntilFn === undefined) throw new SimCallError('This client has no simulation to run: use call()');
    const call = this.call(...args);
    if (!call.done) this.runUntilFn(() => call.done, this.timeoutMs);
    return call.value();
  }

  /** Closes the connection; calls still waiting fail with `disconnected`. */
  close(): void {
    if (this.end.closed) return;
    this.end.close();
    this._closed('disconnected');
  }

  /** Closes the connection if open and opens a new one to the same address (pushes are kept). */
  reconnect(): void {
    this.close();
    this.parser = new ReplyParser();
    this.subscribed = false;
    this.extraConfirmations = { kind: '', count: 0 };
    this.closeReason = null;
    this.end = this._open();
  }

  // --- internal ---

  private _open(): LinkEnd {
    const end = this.network.connect(this.name, this.address);
    end.onData = (chunk) => this._receive(chunk);
    end.onClose = (reason) => this._closed(reason);
    return end;
  }

  private _send(args: string[], raw: string | null, bytes: Buffer): _Call {
    const call = new _Call(this.name, args, raw, this.now());
    this.trace?.push(call);
    this.log?.record(call.sentAt, this.name, `-> ${raw === null ? args.map(_quote).join(' ') : `raw ${_quote(raw)}`}`);
    if (this.end.closed) {
      this._settle(call, undefined, 'disconnected');
      return call;
    }
    if (args.length > 0 && _SUBSCRIBE_COMMANDS.has(args[0]!.toLowerCase())) this.subscribed = true;
    this.pending.push(call);
    this.end.write(bytes);
    return call;
  }

  private _receive(chunk: Buffer): void {
    this.parser.push(chunk);
    for (let reply = this.parser.next(); reply !== undefined; reply = this.parser.next()) {
      const call = this._callFor(reply);
      if (call !== undefined) {
        this._settle(call, reply, undefined);
      } else {
        this.log?.record(this.now(), this.name, `<< ${formatReply(reply)}`);
        this.pushes.push(reply);
        this.onPush?.(reply);
      }
    }
  }

  /** The waiting call a reply answers (taken off the queue), or undefined when the reply is out of band. */
  private _callFor(reply: Reply): _Call | undefined {
    const kind = _pubsubKind(reply);
    if (kind !== null) {
      if (_MESSAGE_KINDS.has(kind) && (this.subscribed || reply.t === 'push')) return undefined;
      const extra = this.extraConfirmations;
      if (extra.count > 0 && extra.kind === kind) {
        extra.count--;
        return undefined;
      }
    }
    const head = this.pending[0];
    const command = head?.args[0]?.toLowerCase();
    const confirms = kind !== null && command === kind;
    if (head === undefined || (reply.t === 'push' && !confirms)) return undefined;
    this.pending.shift();
    if (confirms) this.extraConfirmations = { kind, count: Math.max(0, head.args.length - 2) };
    return head;
  }

  private _closed(reason: CallFailure): void {
    this.closeReason = reason;
    this.log?.record(this.now(), this.name, `connection ${reason}`);
    const waiting = this.pending;
    this.pending = [];
    for (const call of waiting) this._settle(call, undefined, reason);
  }

  private _settle(call: _Call, reply: Reply | undefined, failure: CallFailure | undefined): void {
    const at = this.now();
    this.log?.record(at, this.name, `<- ${reply !== undefined ? formatReply(reply) : `(failed: ${failure})`}`);
    call.settle(reply, failure, at);
  }
}

/** Renders a reply on one line for logs and traces: `+OK`, `-ERR …`, `:1`, `"bulk"`, `(nil)`, `[…]`, `%{k => v}`. */
export function formatReply(reply: Reply): string {
  switch (reply.t) {
    case 'simple':
      return `+${reply.s}`;
    case 'error':
      return `-${reply.s}`;
    case 'int':
      return `:${reply.n}`;
    case 'bulk':
      return _quote(reply.s);
    case 'verbatim':
      return `=${_quote(reply.s)}`;
    case 'nil':
      return '(nil)';
    case 'nilarray':
      return '(nil array)';
    case 'double':
      return `,${reply.text ?? String(reply.n)}`;
    case 'bool':
      return reply.b ? '#t' : '#f';
    case 'array':
    case 'set':
    case 'push':
      return `${_AGGREGATE_PREFIX[reply.t]}[${reply.items.map(formatReply).join(', ')}]`;
    case 'map': {
      const parts: string[] = [];
      for (let i = 0; i + 1 < reply.items.length; i += 2) {
        parts.push(`${formatReply(reply.items[i]!)} => ${formatReply(reply.items[i + 1]!)}`);
      }
      return `%{${parts.join(', ')}}`;
    }
    case 'sequence':
      return reply.items.map(formatReply).join(' ');
    case 'pinned':
      return formatReply(reply.reply);
  }
}

// --- internal ---

/** Commands after which a connection may receive pub/sub messages. */
const _SUBSCRIBE_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe']);
/** First elements of pub/sub message arrays. */
const _MESSAGE_KINDS = new Set(['message', 'pmessage', 'smessage']);
/** First elements of pub/sub arrays: messages and (un)subscribe confirmations. */
const _PUBSUB_KINDS = new Set([
  ..._MESSAGE_KINDS,
  ..._SUBSCRIBE_COMMANDS,
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);

/** The kind of a pub/sub array or push (`message`, `subscribe`, ...), or null for any other reply. */
function _pubsubKind(reply: Reply): string | null {
  if (reply.t !== 'array' && reply.t !== 'push') return null;
  const first = reply.items[0];
  if (first === undefined || first.t !== 'bulk') return null;
  return _PUBSUB_KINDS.has(first.s) ? first.s : null;
}

/** How formatReply marks each array-shaped reply type. */
const _AGGREGATE_PREFIX = { array: '', set: '~', push: '>' } as const;

class _Call implements SimCall {
  reply: Reply | undefined = undefined;
  failure: CallFailure | undefined = undefined;
  settledAt: number | undefined = undefined;
  private callbacks: ((call: SimCall) => void)[] | null = null;

  constructor(
    readonly client: string,
    readonly args: readonly string[],
    readonly raw: string | null,
    readonly sentAt: number,
  ) {}

  get done(): boolean {
    return this.settledAt !== undefined;
  }

  value(): Reply {
    if (this.reply !== undefined) return this.reply;
    const what = this.raw === null ? this.args.join(' ') : `raw ${_quote(this.raw)}`;
    throw new SimCallError(
      this.failure === undefined ? `No reply yet to \`${what}\`` : `\`${what}\` failed: connection ${this.failure}`,
    );
  }

  plain(): PlainReply {
    return toPlain(this.value());
  }

  onDone(callback: (call: SimCall) => void): void {
    if (this.done) callback(this);
    else (this.callbacks ??= []).push(callback);
  }

  settle(reply: Reply | undefined, failure: CallFailure | undefined, at: number): void {
    this.reply = reply;
    this.failure = failure;
    this.settledAt = at;
    const callbacks = this.callbacks;
    this.callbacks = null;
    if (callbacks !== null) for (const cb of callbacks) cb(this);
  }
}

/** Above this length a logged string is cut, and a hash of the whole keeps distinct values distinct in the log. */
const _QUOTE_MAX = 64;

/** Quotes a latin1 string for the log; long ones are shortened to a prefix, their length and an FNV-1a hash. */
function _quote(s: string): string {
  if (s.length <= _QUOTE_MAX) return JSON.stringify(s);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return `${JSON.stringify(s.slice(0, _QUOTE_MAX))}...(${s.length} bytes, fnv ${(h >>> 0).toString(16).padStart(8, '0')})`;
}
