// A Sentinel's connections to one instance (instanceLink in sentinel.c): a command link and, for masters and
// replicas, a pub/sub link subscribed to the hello channel. Both are RESP clients over env.net links. Links to the
// same Sentinel are shared between the masters it watches (refcount).

import type { Network } from '../env/env.js';
import { RespClient } from '../protocol/resp-client.js';

/** The two connections to one instance and the timings failure detection reads. */
export class InstanceLink {
  /** How many instance records share this link. */
  refcount = 1;
  /** Set until both needed connections exist (only the command one for a Sentinel). */
  disconnected = true;
  /** Requests sent on the command link and not yet answered. */
  pendingCommands = 0;
  /** The command connection. */
  cc: RespClient | null = null;
  /** The pub/sub connection. */
  pc: RespClient | null = null;
  ccConnTime = 0;
  pcConnTime = 0;
  pcLastActivity = 0;
  /** Last valid PING reply (PONG, LOADING, MASTERDOWN). */
  lastAvailTime: number;
  /** When the oldest unanswered PING was sent; 0 when none is pending. */
  actPingTime: number;
  lastPingTime = 0;
  /** Last PING reply of any kind. */
  lastPongTime: number;
  lastReconnTime = 0;

  constructor(now: number) {
    // Set to now so an instance never reachable still times out (createInstanceLink).
    this.actPingTime = now;
    this.lastAvailTime = now;
    this.lastPongTime = now;
  }

  /** Opens a RESP client to `host:port`; `onLost` runs when the connection drops or fails. */
  static open(net: Network, host: string, port: number, onLost: () => void): RespClient {
    const client = new RespClient(net.connect(host, port));
    client.onClose = () => onLost();
    return client;
  }

  /** Closes one of the connections (instanceLinkCloseConnection): replies still owed are dropped. */
  closeConnection(which: 'cc' | 'pc'): void {
    const client = this[which];
    if (client === null) return;
    this[which] = null;
    if (which === 'cc') this.pendingCommands = 0;
    this.disconnected = true;
    client.onClose = null;
    client.onPush = null;
    client.close();
  }

  /** A connection went away by itself (instanceLinkConnectionError). */
  lost(client: RespClient): void {
    if (this.cc === client) {
      this.cc = null;
    } else if (this.pc === client) {
      this.pc = null;
    } else {
      return;
    }
    this.disconnected = true;
  }

  /** Closes both connections. */
  closeAll(): void {
    this.closeConnection('cc');
    this.closeConnection('pc');
  }
}
