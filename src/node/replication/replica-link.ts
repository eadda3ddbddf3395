// One connection of a replica to its master (replication.c, Redis 7.0.15: connectWithMaster, syncWithMaster,
// slaveTryPartialResynchronization, readSyncBulkPayload, the master client): the handshake, the PSYNC answer, the
// full-sync payload, then the command stream applied through a master ClientSession whose replies go nowhere.
// The Replication subsystem owns what outlives a connection (the cached master, ids, offsets).

import type { LinkCloseReason } from '../../env/env.js';
import { RespClient } from '../../protocol/resp-client.js';
import type { Reply } from '../../protocol/reply.js';
import { encodeRequest, encodeRequestString } from '../../protocol/request-encoder.js';
import type { ClientSession } from '../client-session.js';
import type { Connection } from '../connection.js';
import { BulkPayloadError, BulkPayloadReader } from './rdb-stream.js';
import type { Replication } from './replication.js';

/** Where the link is: ROLE's words, except that `handshake` covers every handshake step. */
export type LinkState = 'connecting' | 'handshake' | 'transfer' | 'connected';

/** A replica's link to its master. */
export class ReplicaLink {
  state: LinkState = 'connecting';
  /** The master client applying the stream, once connected. */
  master: ClientSession | null = null;
  /** Stream bytes read (read_reploff) and applied (reploff), as master offsets. */
  readOffset = 0;
  appliedOffset = 0;
  /** Last time anything arrived from the master, in ms (repl_transfer_lastio / master lastinteraction). */
  lastIo: number;
  /** The full-sync payload being received. */
  reader: BulkPayloadReader | null = null;

  private readonly client: RespClient;
  private phase: 'handshake' | 'psync-reply' | 'bulk' | 'stream' = 'handshake';
  private line = '';
  private fullSync: { replid: string; offset: number } | null = null;
  /** Read but not yet applied stream bytes, to proxy to our own replicas once applied. */
  private unapplied: Buffer[] = [];
  private ended = false;

  constructor(
    private readonly repl: Replication,
    readonly host: string,
    readonly port: number,
  ) {
    const node = repl.node;
    this.lastIo = node.now();
    this.client = new RespClient(node.env.net.connect(host, port));
    this.client.onClose = (reason) => this._lost(reason);
    node.log('notice', 'MASTER <-> REPLICA sync started');
    this.client.send(['PING'], (r) => this._pong(r));
  }

  /** Sends REPLCONF ACK <applied offset> (replicationSendAck); `offset` overrides the applied offset. */
  sendAck(offset = this.appliedOffset): void {
    if (this.state !== 'connected') return;
    this.client.writeRaw(encodeRequest(['REPLCONF', 'ACK', String(offset)]));
  }

  /**
   * The offset before the command the master client is running now (REPLCONF GETACK answers it: the GETACK itself
   * is not counted yet). `commandBytes` is that command's encoded size.
   */
  offsetBefore(commandBytes: number): number {
    const pendingInSession = this.master?.queryBufferLength ?? 0;
    return this.readOffset - pendingInSession - commandBytes;
  }

  /** Closes the link from our side; a connected link leaves a cached master behind (freeClient → cacheMaster). */
  shutdown(): void {
    this._end(true);
  }

  // --- internal ---

  private _pong(r: Reply | null): void {
    if (r === null || this.ended) return;
    const node = this.repl.node;
    this.lastIo = node.now();
    this.state = 'handshake';
    if (r.t === 'error' && !/^(NOAUTH|NOPERM|ERR operation not permitted)/.test(r.s)) {
      node.log('warning', `Error reply to PING from master: '-${r.s}'`);
      this._end(false);
      return;
    }
    node.log('notice', 'Master replied to PING, replication can continue...');
    const config = node.config;
    const pass = config.given('masterauth');
    if (pass !== null && pass !== '') {
      const user = config.given('masteruser');
      const args = user !== null && user !== '' ? ['AUTH', user, pass] : ['AUTH', pass];
      this.client.send(args, (reply) => {
        if (reply?.t === 'error') {
          node.log('warning', `Unable to AUTH to MASTER: -${reply.s}`);
          this._end(false);
        }
      });
    }
    const port = config.getNumber('replica-announce-port') || config.getNumber('port');
    this.client.send(['REPLCONF', 'listening-port', String(port)], (reply) =>
      this._nonCritical(reply, 'listening-port'),
    );
    const ip = config.given('replica-announce-ip');
    if (ip !== null && ip !== '') {
      this.client.send(['REPLCONF', 'ip-address', ip], (reply) => this._nonCritical(reply, 'ip-address'));
    }
    this.client.send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2'], (reply) => {
      this._nonCritical(reply, 'capa');
      if (reply !== null && !this.ended) this._sendPsync();
    });
  }

  private _nonCritical(reply: Reply | null, what: string): void {
    if (reply?.t !== 'error') return;
    this.repl.node.log('notice', `(Non critical) Master does not understand REPLCONF ${what}: -${reply.s}`);
  }

  /** slaveTryPartialResynchronization's request half. */
  private _sendPsync(): void {
    const node = this.repl.node;
    const cached = this.repl.cachedMaster;
    let replid = '?';
    let offset = -1;
    if (cached !== null) {
      replid = cached.replid;
      offset = cached.appliedOffset + 1;
      node.log('notice', `Trying a partial resynchronization (request ${replid}:${offset}).`);
    } else {
      node.log('notice', 'Partial resynchronization not possible (no cached master)');
    }
    this.phase = 'psync-reply';
    // A master failing over to this one asks it to become a master (the FAILOVER argument of PSYNC).
    const psync = ['PSYNC', replid, String(offset)];
    if (this.repl.failover.state === 'failover-in-progress') psync.push('FAILOVER');
    this.client.writeRaw(encodeRequest(psync));
    this.client.takeRaw((chunk) => this._raw(chunk));
  }

  private _raw(chunk: Buffer): void {
    if (this.ended) return;
    this.repl.stats.netInputBytes += chunk.length;
    this.lastIo = this.repl.node.now();
    if (this.master !== null) this.master.lastInteraction = this.lastIo;
    if (this.phase === 'psync-reply') this._psyncReply(chunk);
    else if (this.phase === 'bulk') this._bulk(chunk);
    else if (this.phase === 'stream') this._stream(chunk);
  }

  /** slaveTryPartialResynchronization's reply half: empty lines are keepalives while the master prepares. */
  private _psyncReply(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && this.phase === 'psync-reply') {
      const nl = chunk.indexOf(0x0a, i);
      if (nl === -1) {
        this.line += chunk.toString('latin1', i);
        return;
      }
      const line = (this.line + chunk.toString('latin1', i, nl)).replace(/\r$/, '');
      this.line = '';
      i = nl + 1;
      if (line !== '') this._psyncAnswer(line);
    }
    if (this.ended || i >= chunk.length) return;
    const rest = chunk.subarray(i);
    if (this.phase === 'bulk') this._bulk(rest);
    else if (this.phase === 'stream') this._stream(rest);
  }

  private _psyncAnswer(line: string): void {
    const repl = this.repl;
    const node = repl.node;
    if (line.startsWith('+FULLRESYNC')) {
      const [, replid = '', offset = ''] = line.split(' ');
      if (replid.length !== 40 || !/^-?[0-9]+$/.test(offset)) {
        node.log('warning', 'Master replied with wrong +FULLRESYNC syntax.');
        this._end(false);
        return;
      }
      node.log('notice', `Full resync from master: ${replid}:${offset}`);
      repl.discardCachedMaster();
      this.fullSync = { replid, offset: Number(offset) };
      this.phase = 'bulk';
      this.state = 'transfer';
      this.reader = new BulkPayloadReader();
      repl.failover.psyncAnswered(true);
      return;
    }
    if (line.startsWith('+CONTINUE')) {
      const newId = line.slice('+CONTINUE'.length).trim();
      node.log('notice', 'Successful partial resynchronization with master.');
      const cached = repl.cachedMaster!;
      if (newId.length === 40 && newId !== cached.replid) repl.followNewReplid(newId);
      node.log('notice', 'MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      this._connected(cached.appliedOffset, cached.dbId);
      repl.discardCachedMaster(false);
      this.phase = 'stream';
      repl.failover.psyncAnswered(true);
      return;
    }
    if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) {
      node.log('notice', `Master is currently unable to PSYNC but should be in the future: ${line}`);
    } else if (line.startsWith('-ERR')) {
      node.log('notice', `Master does not support PSYNC or is in error state (reply: ${line})`);
    } else {
      node.log('warning', `Unexpected reply to PSYNC from master: ${line}`);
    }
    // A refused failover turns this node back into a master, which drops this link.
    if (repl.failover.psyncAnswered(false)) return;
    this._end(false);
  }

  /** readSyncBulkPayload. */
  private _bulk(chunk: Buffer): void {
    const node = this.repl.node;
    const reader = this.reader!;
    const hadHeader = reader.totalBytes !== -1;
    let progress;
    try {
      progress = reader.push(chunk);
    } catch (e) {
      if (!(e instanceof BulkPayloadError)) throw e;
      if (e.code === 'master-error') node.log('warning', `MASTER aborted replication with an error: ${e.message}`);
      else node.log('warning', e.message);
      this._end(false);
      return;
    }
    if (!hadHeader && reader.totalBytes !== -1) {
      node.log(
        'notice',
        reader.totalBytes === 0
          ? 'MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk'
          : `MASTER <-> REPLICA sync: receiving ${reader.totalBytes} bytes from master to disk`,
      );
    }
    if (!progress.done) return;
    const full = this.fullSync!;
    if (!this.repl.loadFullSync(progress.payload)) {
      this._end(false);
      return;
    }
    this._connected(full.offset, 0);
    this.repl.adoptMasterHistory(full.replid, full.offset);
    this.reader = null;
    this.phase = 'stream';
    node.log('notice', 'MASTER <-> REPLICA sync: Finished with success');
    // An EOF-marked transfer: the master starts the stream on our first ACK.
    if (reader.totalBytes === 0) this.sendAck();
    if (progress.rest.length > 0) this._stream(progress.rest);
  }

  /** Creates the master client (replicationCreateMasterClient) at `offset`, in database `dbId`. */
  private _connected(offset: number, dbId: number): void {
    const node = this.repl.node;
    const link = this.client.link;
    const conn: Connection = {
      // A master gets no replies (ACKs go straight to the link); an error among them is worth a loud log line.
      write: (data) => this._repliesToMaster(data),
      close: () => this._end(true),
      remoteAddress: `${this.host}:${this.port}`,
      localAddress: link.localAddress,
      isLocal: link.isLocal,
    };
    const master = node.internalClient(conn);
    master.authenticated = true;
    master.isMaster = true;
    master.db = node.databases[dbId] ?? node.databases[0]!;
    this.master = master;
    this.readOffset = offset;
    this.appliedOffset = offset;
    this.state = 'connected';
    this.repl.downSinceMs = 0;
  }

  /** afterErrorReply's warning for an error a command of the master's stream produced here. */
  private _repliesToMaster(data: Buffer): void {
    if (!data.includes(0x2d)) return; // no '-' at all: no error reply
    const master = this.master;
    for (const line of data.toString('latin1').split('\r\n')) {
      if (!line.startsWith('-')) continue;
      this.repl.node.log(
        'warning',
        `== CRITICAL == This replica is sending an error to its master: '${line.slice(1, 4097)}' after processing the command '${master?.lastCommand ?? '<unknown>'}'`,
      );
    }
  }

  /** Applies stream bytes through the master client and proxies what was applied (replicationFeedStreamFromMasterStream). */
  private _stream(chunk: Buffer): void {
    const master = this.master;
    if (master === null) return;
    this.readOffset += chunk.length;
    this.unapplied.push(chunk);
    const node = this.repl.node;
    node.applyingMasterStream = true;
    try {
      master.receive(chunk);
    } finally {
      node.applyingMasterStream = false;
    }
    if (this.ended) return;
    let processed = this.readOffset - master.queryBufferLength;
    // commandProcessed: inside the master's MULTI nothing counts as applied until EXEC (MULTI is 15 bytes).
    if (master.multi !== null) {
      processed -= 15;
      for (const q of master.multi.queue) processed -= encodeRequestString(q.args).length;
    }
    const applied = processed - this.appliedOffset;
    if (applied <= 0) return;
    this.appliedOffset += applied;
    const all = this.unapplied.length === 1 ? this.unapplied[0]! : Buffer.concat(this.unapplied);
    this.unapplied = applied < all.length ? [all.subarray(applied)] : [];
    this.repl.proxyStream(all.subarray(0, applied));
  }

  private _lost(reason: LinkCloseReason | 'protocol'): void {
    if (this.ended) return;
    const node = this.repl.node;
    if (this.state === 'connecting' && reason === 'refused') {
      node.log('warning', 'Error condition on socket for SYNC: Connection refused');
    } else if (this.state === 'transfer') {
      node.log('warning', 'I/O error trying to sync with MASTER: connection lost');
    }
    this._end(true, false);
  }

  /**
   * Ends this link: a connected one caches the master for a later PSYNC (unless `cache` is false, as after a
   * protocol error); the subsystem then goes back to the connect state.
   */
  private _end(cache: boolean, closeLink = true): void {
    if (this.ended) return;
    this.ended = true;
    const wasConnected = this.state === 'connected';
    if (closeLink) {
      this.client.onClose = null;
      this.client.close();
    }
    const master = this.master;
    this.master = null;
    if (master !== null) {
      master.disconnected();
    }
    this.repl.linkEnded(this, wasConnected, wasConnected && cache ? { dbId: master?.db.id ?? 0 } : null);
  }
}
