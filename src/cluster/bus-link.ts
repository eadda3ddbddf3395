// One cluster-bus link (clusterLink in cluster.h): a Link to a peer's bus port, cut into whole messages, with the node
// it belongs to once known. Outbound links are created by clusterCron for a node; inbound ones are accepted on our bus
// port and attached to their sender when its first message names a known node.

import type { Link, LinkCloseReason } from '../env/env.js';
import type { BusLinkHandle, ClusterNode } from './cluster-node.js';
import { BusReader } from './bus-reader.js';

/** What a link reports to the engine. */
export interface BusLinkEvents {
  /** A whole frame arrived (`totlen` bytes, signature and minimum length already checked). */
  frame(link: BusLink, frame: Buffer): void;
  /** The link broke (peer close, reset, refused connect, or a bad frame); it is already closed. */
  lost(link: BusLink, why: LinkCloseReason | 'bad-frame'): void;
}

/** A bus link and its bookkeeping. */
export class BusLink implements BusLinkHandle {
  /** When the link was created (ms): the cron's link-reset rule reads its age. */
  readonly createdAt: number;
  /** The node this link belongs to: the target of an outbound link, or the sender of an inbound one once known. */
  node: ClusterNode | null;
  /** Whether the peer opened this link to us. */
  readonly inbound: boolean;
  /** Set once freed; a freed link neither sends nor delivers. */
  freed = false;
  /**
   * The PING or MEET written when the outbound link was opened, not yet known to have reached the peer. Redis sends
   * it from clusterLinkConnectHandler, i.e. only once connected; a Link says nothing until bytes arrive or it closes,
   * so the engine applies the greeting's effects (counter, ping_sent, clearing MEET) then, or drops them if refused.
   */
  greeting: { readonly type: number; readonly at: number } | null = null;
  private readonly reader = new BusReader();

  constructor(
    readonly link: Link,
    node: ClusterNode | null,
    createdAt: number,
    private readonly events: BusLinkEvents,
  ) {
    this.node = node;
    this.inbound = node === null;
    this.createdAt = createdAt;
    link.onData = (chunk) => this._receive(chunk);
    link.onClose = (reason) => {
      if (this.freed) return;
      this.freed = true;
      this.events.lost(this, reason);
    };
  }

  /** Queues bytes for the peer. */
  write(data: Buffer): void {
    if (!this.freed) this.link.write(data);
  }

  /** Closes the link without reporting it (freeClusterLink's socket side; the engine does the bookkeeping). */
  close(): void {
    if (this.freed) return;
    this.freed = true;
    this.link.close();
  }

  // --- internal ---

  private _receive(chunk: Buffer): void {
    if (this.freed) return;
    for (const event of this.reader.push(chunk)) {
      if (this.freed) return;
      if (event.kind === 'frame') {
        this.events.frame(this, event.frame);
      } else {
        this.close();
        this.events.lost(this, 'bad-frame');
        return;
      }
    }
  }
}
