// The one RESP client of the core: requests out, replies matched to their callbacks in order, over any Link. Used by
// replication (replica → master), MIGRATE, Sentinel and the cluster manager. Callbacks, not promises: the core runs
// inside the event queue, where a promise continuation would escape virtual time (see sim-client.ts).

import type { Link, LinkCloseReason } from '../env/env.js';
import { ReplyParseError, ReplyParser } from './reply-parser.js';
import type { Reply } from './reply.js';
import { encodeRequest } from './request-encoder.js';

/** Receives the reply to one request, or null when the link closed (or broke the protocol) before it arrived. */
export type ReplyCallback = (reply: Reply | null) => void;

/** A pipelining RESP client on one link. */
export class RespClient {
  /** Called once when the link is gone (peer close, reset, refusal, protocol error or local close()). */
  onClose: ((reason: LinkCloseReason | 'protocol') => void) | null = null;
  /** Receives replies that answer no request (pub/sub messages, RESP3 pushes). */
  onPush: ((reply: Reply) => void) | null = null;

  private readonly parser = new ReplyParser();
  private readonly waiting: ReplyCallback[] = [];
  private raw: ((chunk: Buffer) => void) | null = null;
  private gone = false;

  constructor(readonly link: Link) {
    link.onData = (chunk) => this._receive(chunk);
    link.onClose = (reason) => this._lost(reason);
  }

  /** Whether the link is closed. */
  get closed(): boolean {
    return this.gone;
  }

  /** How many requests await their reply. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Sends a request; `onReply` runs with its reply (null if the link is lost first). */
  send(args: readonly string[], onReply: ReplyCallback = () => {}): void {
    if (this.gone) {
      onReply(null);
      return;
    }
    this.waiting.push(onReply);
    this.link.write(encodeRequest(args));
  }

  /** Sends bytes as they are (an inline command, or a replica's stream position); no reply is expected. */
  writeRaw(data: Buffer): void {
    if (!this.gone) this.link.write(data);
  }

  /**
   * Stops parsing replies: every later byte, starting with those already received but not parsed, goes to `onRaw`.
   * For streams that leave RESP, as replication's does after `+FULLRESYNC`.
   */
  takeRaw(onRaw: (chunk: Buffer) => void): void {
    this.raw = onRaw;
    const rest = this.parser.takeRemaining();
    if (rest.length > 0) onRaw(rest);
  }

  /** Closes the link; waiting callbacks get null. */
  close(): void {
    if (this.gone) return;
    this.link.close();
    this._lost('closed');
  }

  // --- internal ---

  private _receive(chunk: Buffer): void {
    if (this.gone) return;
    if (this.raw !== null) {
      this.raw(chunk);
      return;
    }
    this.parser.push(chunk);
    for (;;) {
      let reply: Reply | undefined;
      try {
        reply = this.parser.next();
      } catch (e) {
        if (!(e instanceof ReplyParseError)) throw e;
        this.link.close();
        this._lost('protocol');
        return;
      }
      if (reply === undefined) return;
      if (reply.t === 'push' || this.waiting.length === 0) this.onPush?.(reply);
      else this.waiting.shift()!(reply);
      // A callback may have switched the stream to raw bytes (takeRaw hands over what is left), or closed the client.
      if (this._isRaw()) return;
      if (this.gone) return;
    }
  }

  private _isRaw(): boolean {
    return this.raw !== null;
  }

  private _lost(reason: LinkCloseReason | 'protocol'): void {
    if (this.gone) return;
    this.gone = true;
    const waiting = this.waiting.splice(0);
    for (const cb of waiting) cb(null);
    this.onClose?.(reason);
  }
}
