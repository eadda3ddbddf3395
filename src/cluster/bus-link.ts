// One cluster-bus link (clusterLink in cluster.h): a Link to a peer's bus port, cut into whole messages, with the node
// it belongs to once known. Outbound links are created by clusterCron for a node; inbound ones are accepted on our bus
// port and attached to their sender when its first message names a known node.

import type { Link, LinkCloseReason } from '../env/env.js';
import type { BusLinkHandle, ClusterNode } from './cluster-node.js';
import { BusReader } from './bus-reader.js';
import type { LinkStats } from './cluster-views.js';

/** What a link reports to the engine. */
export interface BusLinkEvents {
  /** A whole frame arrived (`totlen` bytes, signature and minimum length already checked). */
  frame(link: BusLink, frame: Buffer): void;
  /** The link broke (peer close, reset, refused connect, or a bad frame); it is already closed. */
  lost(link: BusLink, why: LinkCloseReason | 'bad-frame'): void;
}

/** A bus link and its bookkeeping. */
export class BusLink implements BusLinkHandle, LinkStats {
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
  /** The modelled allocation of Redis's send buffer (an sds string): see write() and resizeSendBuffer(). */
  private allocated = 0;

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

  /**
   * Queues bytes for the peer. Redis appends every message to the link's send buffer first, growing it greedily as
   * sdsMakeRoomFor does (double the needed size below 1 MB, else 1 MB more; allocator rounding is not modelled), so
   * the allocation can exceed what is pending until the cron shrinks it.
   */
  write(data: Buffer): void {
    if (this.freed) return;
    const needed = this.link.bufferedBytes + data.length;
    if (needed > this.allocated) this.allocated = needed < _MAX_PREALLOC ? needed * 2 : needed + _MAX_PREALLOC;
    this.link.write(data);
  }

  /** Bytes written but not yet taken by the network (sdslen of the send buffer). */
  get sendBufferUsed(): number {
    return this.freed ? 0 : this.link.bufferedBytes;
  }

  /** The send buffer's allocation (sdsalloc), never below what is pending. */
  get sendBufferAllocated(): number {
    return this.freed ? 0 : Math.max(this.allocated, this.link.bufferedBytes);
  }

  /**
   * What the link costs in memory (getClusterLinkMemUsage): the clusterLink struct (64 bytes on 64-bit builds), the
   * send buffer's allocation and the receive buffer, counted at its usual 1 KB (RCVBUF_INIT_LEN; Redis grows it only
   * while a larger message is being read).
   */
  get memoryUsage(): number {
    return _LINK_STRUCT_BYTES + this.sendBufferAllocated + _RCVBUF_INIT_LEN;
  }

  /** `r`, plus `w` while output is pending (Redis installs the write handler only then). */
  get linkEvents(): string {
    return this.sendBufferUsed > 0 ? 'rw' : 'r';
  }

  /** Drops the spare allocation when more than four times what is pending (resizeClusterLinkBuffer, by the cron). */
  resizeSendBuffer(): void {
    const used = this.sendBufferUsed;
    if (Math.floor((this.allocated - used) / 4) > used) this.allocated = used;
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

/** sizeof(clusterLink) on a 64-bit build of Redis 7.0. */
const _LINK_STRUCT_BYTES = 64;
/** RCVBUF_INIT_LEN: the receive buffer a link starts with and returns to after each message. */
const _RCVBUF_INIT_LEN = 1024;

/** sds's SDS_MAX_PREALLOC: past 1 MB, a string grows by 1 MB at a time instead of doubling. */
const _MAX_PREALLOC = 1024 * 1024;
