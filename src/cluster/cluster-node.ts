// One node as the local node knows it (clusterNode in cluster.h): identity, address, flags, slots, role, epochs and
// the timestamps failure detection reads. Pure data plus the bookkeeping that keeps it consistent; the protocol
// engine (cluster.ts) decides when things change.

import { NodeFlag, SLOT_BITMAP_BYTES } from './constants.js';

/** A failure report: `reporter` said, at `time`, that the node was failing (clusterNodeFailReport). */
export interface FailureReport {
  readonly reporter: ClusterNode;
  time: number;
}

/** The bus links of a node, as the engine owns them; opaque here. */
export interface BusLinkHandle {
  /** When the link was created (ms). */
  readonly createdAt: number;
  /** Closes the link. */
  close(): void;
}

/** A cluster node record. */
export class ClusterNode {
  /** 40 lowercase hex characters. */
  name: string;
  /** NodeFlag bits. */
  flags: number;
  /** When the record was created (ms): handshake timeouts count from it. */
  readonly createdAt: number;
  /** The last configEpoch this node claimed. */
  configEpoch = 0;
  /** The slots it serves, as Redis's bitmap (bit `slot & 7` of byte `slot >> 3`). */
  readonly slots = new Uint8Array(SLOT_BITMAP_BYTES);
  /** How many bits of `slots` are set. */
  numSlots = 0;
  /** Its master when it is a replica. */
  master: ClusterNode | null = null;
  /** Its replicas when it is a master. */
  replicas: ClusterNode[] = [];
  /** When our last unanswered PING to it was sent (0: none pending). */
  pingSent = 0;
  /** When its last PONG arrived. */
  pongReceived = 0;
  /** When anything last arrived from it on the bus. */
  dataReceived = 0;
  /** When it was flagged FAIL. */
  failTime = 0;
  /** When we last voted for one of its replicas (per-master vote timeout). */
  votedTime = 0;
  /** When `replOffset` was last updated. */
  replOffsetTime = 0;
  /** When it became a master without working replicas (replica migration). */
  orphanedTime = 0;
  /** Its replication offset as last advertised. */
  replOffset = 0;
  /** IP, or '' when unknown. */
  ip = '';
  /** Data port. */
  port = 0;
  /** Bus port. */
  cport = 0;
  /** Plaintext port when the data port is TLS (always 0 here: no TLS). */
  pport = 0;
  /** Announced hostname, or ''. */
  hostname = '';
  /** Our outbound link to it. */
  link: BusLinkHandle | null = null;
  /** Its inbound link to us. */
  inboundLink: BusLinkHandle | null = null;
  /** Failure reports from other masters. */
  readonly failReports: FailureReport[] = [];

  constructor(name: string, flags: number, createdAt: number) {
    this.name = name;
    this.flags = flags;
    this.createdAt = createdAt;
  }

  /** Whether every bit in `flag` is set. */
  has(flag: number): boolean {
    return (this.flags & flag) === flag;
  }

  get isMaster(): boolean {
    return (this.flags & NodeFlag.MASTER) !== 0;
  }

  get isReplica(): boolean {
    return (this.flags & NodeFlag.SLAVE) !== 0;
  }

  get isMyself(): boolean {
    return (this.flags & NodeFlag.MYSELF) !== 0;
  }

  /** PFAIL (`fail?`), possibly failing. */
  get timedOut(): boolean {
    return (this.flags & NodeFlag.PFAIL) !== 0;
  }

  get failed(): boolean {
    return (this.flags & NodeFlag.FAIL) !== 0;
  }

  get inHandshake(): boolean {
    return (this.flags & NodeFlag.HANDSHAKE) !== 0;
  }

  get hasAddress(): boolean {
    return (this.flags & NodeFlag.NOADDR) === 0;
  }

  /** Whether it serves `slot` according to its own bitmap. */
  ownsSlot(slot: number): boolean {
    return (this.slots[slot >> 3]! & (1 << (slot & 7))) !== 0;
  }

  /** Sets a slot bit; returns false if it was already set. */
  setSlotBit(slot: number): boolean {
    if (this.ownsSlot(slot)) return false;
    this.slots[slot >> 3]! |= 1 << (slot & 7);
    this.numSlots++;
    return true;
  }

  /** Clears a slot bit; returns false if it was not set. */
  clearSlotBit(slot: number): boolean {
    if (!this.ownsSlot(slot)) return false;
    this.slots[slot >> 3]! &= ~(1 << (slot & 7));
    this.numSlots--;
    return true;
  }

  /** Adds a replica to this master unless present (clusterNodeAddSlave); a master gaining one becomes a target for migration. */
  addReplica(replica: ClusterNode): boolean {
    if (this.replicas.includes(replica)) return false;
    this.replicas.push(replica);
    this.flags |= NodeFlag.MIGRATE_TO;
    return true;
  }

  /** Removes a replica (clusterNodeRemoveSlave); the MIGRATE_TO flag goes when none is left. */
  removeReplica(replica: ClusterNode): boolean {
    const i = this.replicas.indexOf(replica);
    if (i === -1) return false;
    this.replicas.splice(i, 1);
    if (this.replicas.length === 0) this.flags &= ~NodeFlag.MIGRATE_TO;
    return true;
  }

  /** Replicas that are not FAIL (clusterCountNonFailingSlaves). */
  nonFailingReplicas(): number {
    let n = 0;
    for (const r of this.replicas) if (!r.failed) n++;
    return n;
  }

  /** Adds or refreshes a failure report from `reporter`; returns true when it is new (clusterNodeAddFailureReport). */
  addFailureReport(reporter: ClusterNode, now: number): boolean {
    const existing = this.failReports.find((r) => r.reporter === reporter);
    if (existing !== undefined) {
      existing.time = now;
      return false;
    }
    this.failReports.push({ reporter, time: now });
    return true;
  }

  /** Removes `reporter`'s report; returns true if there was one (clusterNodeDelFailureReport). */
  removeFailureReport(reporter: ClusterNode): boolean {
    const i = this.failReports.findIndex((r) => r.reporter === reporter);
    if (i === -1) return false;
    this.failReports.splice(i, 1);
    return true;
  }

  /** Drops reports older than `maxAgeMs` and returns how many remain (clusterNodeFailureReportsCount). */
  countFailureReports(now: number, maxAgeMs: number): number {
    for (let i = this.failReports.length - 1; i >= 0; i--)
      if (now - this.failReports[i]!.time > maxAgeMs) this.failReports.splice(i, 1);
    return this.failReports.length;
  }
}
