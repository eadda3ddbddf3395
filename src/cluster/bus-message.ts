// Cluster bus messages as typed values (clusterMsg of cluster.h, version 1). The codec (bus-codec.ts) turns them into
// Redis 7.0's exact bytes and back; the engine (cluster.ts) only ever sees these values.

import type { MessageType } from './cluster-state.js';

/** The header every message carries (clusterMsg up to `data`). */
export interface BusHeader {
  /** Sender's data port (`port`). */
  port: number;
  /** Sender's bus port (`cport`). */
  cport: number;
  /** Sender's plaintext port when its data port is TLS (`pport`), else 0. */
  pport: number;
  /** Sender's currentEpoch. */
  currentEpoch: number;
  /** Sender's configEpoch, or its master's when it is a replica. */
  configEpoch: number;
  /** Sender's replication offset (master_repl_offset, or the processed offset on a replica). */
  offset: number;
  /** Sender's node name, 40 characters. */
  sender: string;
  /** The slots the sender (or its master) serves: 2048 bytes. */
  myslots: Uint8Array;
  /** The sender's master name, or null when the sender is a master (all-NUL on the wire). */
  slaveof: string | null;
  /** The sender's announced IP, or '' (all-NUL: the receiver uses the socket peer address). */
  myip: string;
  /** Sender's NodeFlag bits. */
  flags: number;
  /** Sender's cluster state as it sees it (receivers ignore it). */
  state: 'ok' | 'fail';
  /** mflags[0]: PAUSED=1, FORCEACK=2, EXT_DATA=4. */
  mflags: number;
}

/** mflags[0] bits (CLUSTERMSG_FLAG0_*). */
export const MessageFlag0 = { PAUSED: 1, FORCEACK: 2, EXT_DATA: 4 } as const;

/** One gossip entry (clusterMsgDataGossip, 104 bytes). */
export interface GossipEntry {
  nodename: string;
  /** Seconds (unix time), as on the wire. */
  pingSent: number;
  /** Seconds (unix time), as on the wire. */
  pongReceived: number;
  ip: string;
  port: number;
  cport: number;
  flags: number;
  pport: number;
}

/** PING, PONG and MEET: gossip plus optional extensions (only HOSTNAME exists in 7.0). */
export interface PingMessage extends BusHeader {
  type: typeof MessageType.PING | typeof MessageType.PONG | typeof MessageType.MEET;
  gossip: GossipEntry[];
  /** The HOSTNAME extension's value, or null when absent. */
  hostname: string | null;
}

/** FAIL: `failing` is the name of the node the sender marks as failed. */
export interface FailMessage extends BusHeader {
  type: typeof MessageType.FAIL;
  failing: string;
}

/** PUBLISH and PUBLISHSHARD: a pub/sub message to deliver locally. Channel and message are latin1 strings. */
export interface PublishMessage extends BusHeader {
  type: typeof MessageType.PUBLISH | typeof MessageType.PUBLISHSHARD;
  channel: string;
  message: string;
}

/** UPDATE: tells the receiver that `nodename` now serves `slots` at `configEpoch`. */
export interface UpdateMessage extends BusHeader {
  type: typeof MessageType.UPDATE;
  update: { configEpoch: number; nodename: string; slots: Uint8Array };
}

/** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: header only. */
export interface HeaderOnlyMessage extends BusHeader {
  type: typeof MessageType.FAILOVER_AUTH_REQUEST | typeof MessageType.FAILOVER_AUTH_ACK | typeof MessageType.MFSTART;
}

/** MODULE: carried and counted, never acted on (redis-sim loads no modules). */
export interface ModuleMessage extends BusHeader {
  type: typeof MessageType.MODULE;
  moduleId: bigint;
  moduleType: number;
  payload: Buffer;
}

/** Any bus message. */
export type BusMessage = PingMessage | FailMessage | PublishMessage | UpdateMessage | HeaderOnlyMessage | ModuleMessage;

/**
 * A message made of a header and the fields of its type. Object.assign rather than `{ ...header, type, ... }`: V8
 * builds a spread followed by new properties on a slow path (microseconds each), and every bus message is built so.
 */
export function busMessage<M extends BusMessage>(header: BusHeader, body: Omit<M, keyof BusHeader>): M {
  return Object.assign({}, header, body) as M;
}
