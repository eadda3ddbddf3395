// The master's side of replication (replication.c, Redis 7.0.15): the replica clients attached to this node, what
// REPLCONF records about them, PSYNC/SYNC (partial continuation from the backlog, or a full resynchronisation with an
// RDB payload, disk-based or diskless), the command stream to each, keepalives, ACKs and timeouts.
//
// There is no fork: the RDB of a full sync is produced at once, at the offset the BGSAVE would have started at, and
// written to the replica's connection with the stream that follows it, in order.

import { randomHex, type TimerHandle } from '../../env/env.js';
import { sequence, type Reply } from '../../protocol/reply.js';
import { encodeRdb } from '../persistence/rdb.js';
import type { ClientSession } from '../client-session.js';
import { Errors } from '../errors.js';
import { usedMemory } from '../info.js';
import { clientInfoLine } from '../commands/client.js';
import type { Replication } from './replication.js';

/** A replica's state as the master sees it (SLAVE_STATE_*). */
export type ReplicaState = 'wait_bgsave_start' | 'wait_bgsave_end' | 'send_bulk' | 'online' | 'rdb_transmitted';

/** The handler result for commands that answer nothing (REPLCONF ACK, PSYNC, SYNC). */
export const NO_REPLY: Reply = sequence([]);

/** What the master knows about one client that is (or is about to become) a replica. */
export class ReplicaPeer {
  /** REPLCONF listening-port (slave_listening_port). */
  listeningPort = 0;
  /** REPLCONF ip-address (slave_addr). */
  announcedIp: string | null = null;
  /** REPLCONF capa eof / psync2. */
  capaEof = false;
  capaPsync2 = false;
  /** REPLCONF rdb-only 1: the client wants the RDB and no stream (CLIENT_REPL_RDBONLY). */
  rdbOnly = false;
  /** In the master's replica list (CLIENT_SLAVE). */
  attached = false;
  /** Came with the old SYNC command (CLIENT_PRE_PSYNC): no +FULLRESYNC, no ACKs expected. */
  preSync = false;
  state: ReplicaState = 'wait_bgsave_start';
  /** The highest offset the replica acknowledged (repl_ack_off) and when, in ms (repl_ack_time). */
  ackOff = 0;
  ackTime = 0;
  /** The offset of the full sync's snapshot (psync_initial_offset). */
  initialOffset = 0;
  /** After a diskless transfer the stream waits for the replica's first ACK (repl_start_cmd_stream_on_ack). */
  streamOnAck = false;
  /** Stream bytes held back until the replica may receive them. */
  pending: Buffer[] = [];
  /** Stream bytes due now, written together by flushOutput. */
  outgoing: Buffer[] = [];

  constructor(readonly session: ClientSession) {}

  /** The replica's IP: the announced one, else the connection's peer address. */
  ip(): string {
    if (this.announcedIp !== null) return this.announcedIp;
    const addr = this.session.connection?.remoteAddress ?? '';
    const colon = addr.lastIndexOf(':');
    return colon === -1 ? addr : addr.slice(0, colon).replace(/^\[|\]$/g, '');
  }

  /** `ip:port` for log lines (replicationGetSlaveName). */
  name(): string {
    return this.listeningPort !== 0 ? `${this.ip()}:${this.listeningPort}` : `${this.ip()}:<unknown-replica-port>`;
  }
}

/** The replicas of this node and the master-side protocol. */
export class MasterSide {
  /** Attached replicas in attach order (server.slaves). */
  readonly replicas: ReplicaPeer[] = [];

  private flushTimer: TimerHandle | null = null;

  constructor(private readonly repl: Replication) {}

  /** The ReplicaPeer of a client, created on first use (REPLCONF before PSYNC). */
  peerOf(c: ClientSession): ReplicaPeer {
    if (c.replicaPeer === null) c.replicaPeer = new ReplicaPeer(c);
    return c.replicaPeer;
  }

  /**
   * SYNC and PSYNC (syncCommand): attach the client as a replica, continue from the backlog when its history matches,
   * otherwise start (or schedule) a full resynchronisation.
   */
  sync(c: ClientSession, args: readonly string[]): Reply {
    const repl = this.repl;
    const node = repl.node;
    const peer = this.peerOf(c);
    if (peer.attached) return NO_REPLY;
    const psync = args[0]!.toLowerCase() === 'psync';
    if (psync && args.length > 3 && args[3]!.toLowerCase() === 'failover') {
      node.log('warning', `Failover request received for replid ${args[1]}.`);
      if (!repl.isReplica()) return Errors.psyncFailoverToMaster();
      if (args[1]!.toLowerCase() !== repl.replid) return Errors.psyncFailoverReplid();
      repl.unsetMaster();
      node.log('notice', `MASTER MODE enabled (failover request from '${clientInfoLine(c, c, args)}')`);
    }
    // Replicas may not sync with a master that is failing over.
    if (repl.failover.state !== 'no-failover') return Errors.syncWhileFailingOver();
    if (repl.isReplica() && !repl.linkUp()) return Errors.syncWithoutMasterLink();
    node.log('notice', `Replica ${peer.name()} asks for synchronization`);
    if (psync) {
      const offset = _parseLongLong(args[2]!);
      if (offset === null) {
        node.log('warning', `Replica ${peer.name()} asks for synchronization but with a wrong offset`);
        return Errors.notInteger();
      }
      if (this._tryPartial(peer, args[1]!, offset)) {
        repl.stats.syncPartialOk++;
        return NO_REPLY;
      }
      if (args[1] !== '?') repl.stats.syncPartialErr++;
    } else {
      peer.preSync = true;
    }
    repl.stats.syncFull++;
    peer.state = 'wait_bgsave_start';
    peer.attached = true;
    peer.session.lastInteraction = node.now();
    this.replicas.push(peer);
    if (this.replicas.length === 1 && repl.backlog === null) {
      repl.changeReplicationId();
      repl.clearReplicationId2();
      repl.createBacklog();
      node.log(
        'notice',
        `Replication backlog created, my new replication IDs are '${repl.replid}' and '${repl.replid2}'`,
      );
    }
    const config = node.config;
    if (config.getBool('repl-diskless-sync') && peer.capaEof && config.getNumber('repl-diskless-sync-delay') > 0) {
      node.log('notice', 'Delay next BGSAVE for diskless SYNC');
    } else {
      this.startFullSync();
    }
    return NO_REPLY;
  }

  /** REPLCONF ACK <offset> from an attached replica (replconfCommand's ack branch). */
  ack(c: ClientSession, offset: number): void {
    const peer = c.replicaPeer;
    if (peer === null || !peer.attached) return;
    if (offset > peer.ackOff) peer.ackOff = offset;
    peer.ackTime = this.repl.node.now();
    if (peer.streamOnAck && peer.state === 'online') this._startStream(peer);
    this.repl.ackReceived();
  }

  /**
   * Queues stream bytes for every replica that takes them now, and holds them for those still syncing. Queued bytes
   * go out together at the next flushOutput (before replies are sent, or from a timer), as Redis writes replica
   * buffers in beforeSleep rather than once per command.
   */
  feed(data: Buffer): void {
    for (const peer of this.replicas) {
      if (peer.rdbOnly || peer.state === 'wait_bgsave_start' || peer.state === 'rdb_transmitted') continue;
      if (peer.state === 'online' && !peer.streamOnAck) {
        peer.outgoing.push(data);
        this._scheduleFlush();
      } else {
        peer.pending.push(data);
      }
    }
  }

  /** Writes every replica's queued stream bytes. */
  flushOutput(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    for (const peer of this.replicas) {
      if (peer.outgoing.length === 0) continue;
      const data = peer.outgoing.length === 1 ? peer.outgoing[0]! : Buffer.concat(peer.outgoing);
      peer.outgoing = [];
      peer.session.writeRaw(data);
    }
  }

  /** Whether replicas wait for a full sync that should start now (shouldStartChildReplication). */
  shouldStartFullSync(): boolean {
    const config = this.repl.node.config;
    const nowSec = Math.floor(this.repl.node.now() / 1000);
    let waiting = 0;
    let maxIdle = 0;
    for (const peer of this.replicas) {
      if (peer.state !== 'wait_bgsave_start') continue;
      waiting++;
      maxIdle = Math.max(maxIdle, nowSec - Math.floor(peer.session.lastInteraction / 1000));
    }
    if (waiting === 0) return false;
    const maxReplicas = config.getNumber('repl-diskless-sync-max-replicas');
    return (
      !config.getBool('repl-diskless-sync') ||
      (maxReplicas > 0 && waiting >= maxReplicas) ||
      maxIdle >= config.getNumber('repl-diskless-sync-delay')
    );
  }

  /**
   * Produces the snapshot for every replica waiting for one and sends it (startBgsaveForReplication, then the child's
   * completion: updateSlavesWaitingBgsave). Diskless when configured and every waiting replica has `capa eof`.
   */
  startFullSync(): void {
    const repl = this.repl;
    const node = repl.node;
    const waiting = this.replicas.filter((p) => p.state === 'wait_bgsave_start');
    if (waiting.length === 0) return;
    const socket = node.config.getBool('repl-diskless-sync') && waiting.every((p) => p.capaEof);
    node.log('notice', `Starting BGSAVE for SYNC with target: ${socket ? 'replicas sockets' : 'disk'}`);
    const offset = repl.masterReplOffset;
    let rdb: Buffer | null;
    if (socket) {
      node.log('notice', `Background RDB transfer started by pid ${node.env.pid}`);
      rdb = this._snapshot();
    } else {
      rdb = node.persistence.bgsave() ? node.env.storage.read(node.config.get('dbfilename')) : null;
    }
    if (rdb === null) {
      node.log('warning', 'BGSAVE for replication failed');
      for (const peer of waiting) {
        this._detach(peer);
        peer.session.reply(Errors.bgsaveForReplicationFailed());
        peer.session.closeAfterReply();
        peer.session.flush();
      }
      return;
    }
    for (const peer of waiting) this._setupFullResync(peer, offset);
    if (socket) node.log('notice', 'Background RDB transfer terminated with success');
    for (const peer of waiting) {
      if (socket) {
        const mark = randomHex(node.env, 40);
        peer.session.writeRaw(Buffer.from(`$EOF:${mark}\r\n`, 'latin1'));
        peer.session.writeRaw(rdb);
        peer.session.writeRaw(Buffer.from(mark, 'latin1'));
        node.log(
          'notice',
          `Streamed RDB transfer with replica ${peer.name()} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
        );
        if (this._putOnline(peer)) peer.streamOnAck = true;
      } else {
        peer.state = 'send_bulk';
        peer.session.writeRaw(Buffer.from(`$${rdb.length}\r\n`, 'latin1'));
        peer.session.writeRaw(rdb);
        if (this._putOnline(peer)) this._startStream(peer);
      }
      if (peer.rdbOnly) peer.pending = [];
    }
  }

  /** replicationCron's master part: the PING into the stream, keepalive newlines, timeouts. */
  cron(cronLoops: number): void {
    const repl = this.repl;
    const node = repl.node;
    const now = node.now();
    if (cronLoops % node.config.getNumber('repl-ping-replica-period') === 0 && this.replicas.length > 0) {
      if (!repl.failoverPaused && !repl.failover.holdsPings()) repl.feedStream(repl.selectedDb, ['PING']);
    }
    for (const peer of this.replicas) {
      if (peer.state === 'wait_bgsave_start') peer.session.writeRaw(Buffer.from('\n', 'latin1'));
    }
    const timeoutSec = node.config.getNumber('repl-timeout');
    for (const peer of [...this.replicas]) {
      if (peer.state !== 'online' || peer.preSync) continue;
      if (Math.floor(now / 1000) - Math.floor(peer.ackTime / 1000) > timeoutSec) {
        node.log('warning', `Disconnecting timedout replica (streaming sync): ${peer.name()}`);
        peer.session.kill();
      }
    }
  }

  /** Closes every replica connection (disconnectSlaves): they reconnect and PSYNC again. */
  disconnectAll(): void {
    for (const peer of [...this.replicas]) peer.session.kill();
  }

  /** Forgets a replica whose connection closed (freeClient's replica part). */
  clientGone(c: ClientSession): void {
    const peer = c.replicaPeer;
    if (peer === null || !peer.attached) return;
    this._detach(peer);
    const node = this.repl.node;
    node.log('warning', `Connection with replica ${peer.name()} lost.`);
    if (this.replicas.length === 0) this.repl.noReplicasSince = node.now();
  }

  /** Online replicas that acknowledged at least `offset` (replicationCountAcksByOffset). */
  countAcks(offset: number): number {
    let count = 0;
    for (const peer of this.replicas) if (peer.state === 'online' && peer.ackOff >= offset) count++;
    return count;
  }

  /** Online replicas whose last ACK is at most `min-replicas-max-lag` seconds old (refreshGoodSlavesCount). */
  goodReplicas(): number {
    const node = this.repl.node;
    const maxLag = node.config.getNumber('min-replicas-max-lag');
    const nowSec = Math.floor(node.now() / 1000);
    let good = 0;
    for (const peer of this.replicas) {
      if (peer.state === 'online' && nowSec - Math.floor(peer.ackTime / 1000) <= maxLag) good++;
    }
    return good;
  }

  // --- internal ---

  /** Makes sure queued bytes go out even when no client reply follows (a cron PING, an expiry, a timer). */
  private _scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = this.repl.node.env.schedule(0, () => {
      this.flushTimer = null;
      this.flushOutput();
    });
  }

  /** masterTryPartialResynchronization: true when the replica continues from the backlog. */
  private _tryPartial(peer: ReplicaPeer, replid: string, offset: number): boolean {
    const repl = this.repl;
    const node = repl.node;
    const id = replid.toLowerCase();
    if (id !== repl.replid && (id !== repl.replid2 || offset > repl.secondReplOffset)) {
      if (replid.startsWith('?')) {
        node.log('notice', `Full resync requested by replica ${peer.name()}`);
      } else if (id !== repl.replid && id !== repl.replid2) {
        node.log(
          'notice',
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${repl.replid}' and '${repl.replid2}')`,
        );
      } else {
        node.log(
          'notice',
          `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${repl.secondReplOffset}`,
        );
      }
      return false;
    }
    const backlog = repl.backlog;
    if (backlog === null || !backlog.covers(offset)) {
      node.log(
        'notice',
        `Unable to partial resync with replica ${peer.name()} for lack of backlog (Replica request was: ${offset}).`,
      );
      if (offset > repl.masterReplOffset) {
        node.log(
          'warning',
          `Warning: replica ${peer.name()} tried to PSYNC with an offset that is greater than the master replication offset.`,
        );
      }
      return false;
    }
    peer.attached = true;
    peer.state = 'online';
    peer.ackTime = node.now();
    peer.streamOnAck = false;
    this.replicas.push(peer);
    peer.session.writeRaw(Buffer.from(peer.capaPsync2 ? `+CONTINUE ${repl.replid}\r\n` : '+CONTINUE\r\n', 'latin1'));
    const history = backlog.readFrom(offset);
    if (history.length > 0) peer.session.writeRaw(history);
    node.log(
      'notice',
      `Partial resynchronization request from ${peer.name()} accepted. Sending ${history.length} bytes of backlog starting from offset ${offset}.`,
    );
    return true;
  }

  /** replicationSetupSlaveForFullResync: +FULLRESYNC (PSYNC only) and the stream from here on is held for it. */
  private _setupFullResync(peer: ReplicaPeer, offset: number): void {
    peer.initialOffset = offset;
    peer.state = 'wait_bgsave_end';
    peer.pending = [];
    this.repl.selectedDb = -1;
    if (!peer.preSync) {
      peer.session.writeRaw(Buffer.from(`+FULLRESYNC ${this.repl.replid} ${offset}\r\n`, 'latin1'));
    }
  }

  /** replicaPutOnline: false for an RDB-only client, which gets no stream. */
  private _putOnline(peer: ReplicaPeer): boolean {
    const node = this.repl.node;
    if (peer.rdbOnly) {
      peer.state = 'rdb_transmitted';
      node.log('notice', `RDB transfer completed, rdb only replica (${peer.name()}) should be disconnected asap`);
      return false;
    }
    peer.state = 'online';
    peer.ackTime = node.now();
    node.log('notice', `Synchronization with replica ${peer.name()} succeeded`);
    return true;
  }

  /** replicaStartCommandStream: sends what was held back, and the stream flows from now on. */
  private _startStream(peer: ReplicaPeer): void {
    peer.streamOnAck = false;
    const held = peer.pending;
    peer.pending = [];
    if (held.length > 0) peer.session.writeRaw(Buffer.concat(held));
  }

  private _detach(peer: ReplicaPeer): void {
    peer.attached = false;
    const i = this.replicas.indexOf(peer);
    if (i !== -1) this.replicas.splice(i, 1);
  }

  /** The dataset as the RDB a diskless transfer streams. */
  private _snapshot(): Buffer {
    const node = this.repl.node;
    return encodeRdb(node.databases, {
      now: node.now(),
      usedMemory: usedMemory(node),
      aofBase: false,
      compress: node.config.getBool('rdbcompression'),
      checksum: node.config.getBool('rdbchecksum'),
    });
  }
}

// --- internal ---

/** string2ll: a signed 64-bit decimal (as a safe JS number), or null. */
function _parseLongLong(s: string): number | null {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}
