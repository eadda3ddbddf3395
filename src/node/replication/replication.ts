// The replication subsystem of a node (node.replication; replication.c, Redis 7.0.15): replication IDs and offsets,
// the backlog, the role (master, or replica of masterHost:masterPort), the link to a master with its cached state for
// PSYNC, the replicas attached here, replicationCron, WAIT, and what INFO and ROLE report.

import { randomHex, type TimerHandle } from '../../env/env.js';
import { array, bulk, integer, type Reply } from '../../protocol/reply.js';
import { encodeRequestString } from '../../protocol/request-encoder.js';
import type { ClientSession } from '../client-session.js';
import { Errors } from '../errors.js';
import type { RedisNode } from '../node.js';
import { decodeRdb } from '../persistence/rdb.js';
import type { Value } from '../values.js';
import { ReplBacklog } from './backlog.js';
import { FAILOVER_CRON_PERIOD_MS, StandaloneFailover } from './failover.js';
import { MasterSide, NO_REPLY } from './master-side.js';
import { ReplicaLink } from './replica-link.js';

/** The state of a replica that lost (or never had) its master link, kept to PSYNC later (server.cached_master). */
export interface CachedMaster {
  replid: string;
  appliedOffset: number;
  dbId: number;
}

/** Replication counters reported by INFO stats. */
export interface ReplicationStats {
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
  /** Bytes read from our master and written to our replicas (stat_net_repl_input_bytes / _output_bytes). */
  netInputBytes: number;
  netOutputBytes: number;
}

/** The node's replication state and protocol. */
export class Replication {
  /** The current replication ID and the previous one, valid up to secondReplOffset (server.replid / replid2). */
  replid: string;
  replid2 = _NULL_REPLID;
  secondReplOffset = -1;
  /** Bytes of replication stream produced (or, on a replica, proxied) so far (server.master_repl_offset). */
  masterReplOffset = 0;
  backlog: ReplBacklog | null = null;
  /** The database the stream last SELECTed (server.slaveseldb); -1 forces a SELECT. */
  selectedDb = -1;
  /** The master this node replicates, or null for a master. */
  masterHost: string | null = null;
  masterPort = 0;
  /** What is left of the last master connection (server.cached_master). */
  cachedMaster: CachedMaster | null = null;
  /** When the master link went down in ms, 0 when up or never connected (server.repl_down_since). */
  downSinceMs = 0;
  /**
   * Set by a manual failover while it holds writes: replicationCron stops feeding PINGs, so the offset the replica
   * must reach stays put (the mf_end / failover_end_time check).
   */
  failoverPaused = false;
  /** When the last replica left, for repl-backlog-ttl (server.repl_no_slaves_since). */
  noReplicasSince: number;
  readonly stats: ReplicationStats = {
    syncFull: 0,
    syncPartialOk: 0,
    syncPartialErr: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
  };
  readonly master: MasterSide;
  /** The FAILOVER command's state machine (server.failover_state). */
  readonly failover: StandaloneFailover;
  /** The backlog's size in bytes (server.repl_backlog_size). */
  backlogSize: number;

  private link: ReplicaLink | null = null;
  /** `connect`: waiting for the cron to connect; `none`: not a replica. */
  private idleState: 'none' | 'connect' = 'none';
  private cronTimer: TimerHandle | null = null;
  private cronLoops = 0;
  private ackRequested = false;
  private readonly waiters: _WaitingClient[] = [];

  constructor(readonly node: RedisNode) {
    this.replid = randomHex(node.env, 40);
    this.noReplicasSince = node.now();
    this.master = new MasterSide(this);
    this.failover = new StandaloneFailover(this);
    this.backlogSize = node.config.getNumber('repl-backlog-size');
    node.config.onChange((name, value) => {
      if (name !== 'repl-backlog-size') return;
      // resizeReplicationBacklog: a size set at run time is raised to CONFIG_REPL_BACKLOG_MIN_SIZE.
      this.backlogSize = Math.max(_BACKLOG_MIN_SIZE, Number(value));
      this.backlog?.resize(this.backlogSize);
    });
    // A `replicaof` directive sets masterhost directly, before the dataset loads (so expired keys are kept), in the
    // connect state and with no cached master: the first PSYNC is `? -1`.
    const configured = node.config.get('replicaof');
    if (configured !== '' && node.mode !== 'cluster') {
      const space = configured.lastIndexOf(' ');
      this.masterHost = configured.slice(0, space);
      this.masterPort = Number(configured.slice(space + 1));
      node.role = 'slave';
      this.idleState = 'connect';
    }
  }

  /** Starts the 1 Hz replicationCron; a configured master is connected to by its first run. */
  start(): void {
    this._scheduleCron();
  }

  /** Stops timers and links (shutdown). */
  shutdown(): void {
    this.master.flushOutput();
    this.cronTimer?.cancel();
    this.cronTimer = null;
    this.failover.shutdown();
    this.link?.shutdown();
    this.link = null;
  }

  /** Whether this node replicates a master. */
  isReplica(): boolean {
    return this.masterHost !== null;
  }

  /** Whether the link to the master is up (master_link_status:up). */
  linkUp(): boolean {
    return this.link?.state === 'connected';
  }

  /** The replication offset: master_repl_offset on a master; the processed offset on a replica (replicationGetSlaveOffset). */
  offset(): number {
    if (!this.isReplica()) return this.masterReplOffset;
    if (this.link?.master) return this.link.appliedOffset;
    return this.cachedMaster?.appliedOffset ?? 0;
  }

  /** Last time data arrived from the master, in ms (master->lastinteraction); 0 without a link. */
  lastInteraction(): number {
    return this.link?.state === 'connected' ? this.link.lastIo : 0;
  }

  /** Since when the master link is down, in ms (repl_down_since); 0 while up or never connected. */
  downSince(): number {
    return this.downSinceMs;
  }

  /** replicationSetMaster: become a replica of host:port and start connecting. */
  setMaster(host: string, port: number): void {
    const node = this.node;
    const wasMaster = this.masterHost === null;
    this.masterHost = null;
    this._dropLink();
    this.masterHost = host;
    this.masterPort = port;
    node.role = 'slave';
    if (wasMaster) {
      this.discardCachedMaster();
      node.log(
        'notice',
        'Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.',
      );
      this.cachedMaster = { replid: this.replid, appliedOffset: this.masterReplOffset, dbId: 0 };
    }
    this._disconnectBlockedClients();
    this._configReplicaof([host, String(port)]);
    node.log('notice', `Connecting to MASTER ${host}:${port}`);
    this._connect();
  }

  /** replicationUnsetMaster: become a master; the old history stays valid as replid2, replicas reconnect. */
  unsetMaster(): void {
    if (this.masterHost === null) return;
    const node = this.node;
    // The log's role letter follows masterhost, cleared first (serverLogRaw).
    this.masterHost = null;
    node.role = 'master';
    this._dropLink();
    this.discardCachedMaster();
    this._shiftReplicationId();
    this.master.disconnectAll();
    this.idleState = 'none';
    this.selectedDb = -1;
    this.noReplicasSince = node.now();
    this.downSinceMs = 0;
    this._configReplicaof(['no', 'one']);
  }

  /** Propagation from this node's commands (replicationFeedSlaves); a replica proxies its master's stream instead. */
  feed(dbId: number, args: readonly string[]): void {
    this.feedStream(dbId, args);
  }

  /**
   * Writes a command into the stream, preceded by a SELECT when the database changed (replicationFeedSlaves). A
   * replica writes nothing of its own: its stream is its master's, proxied.
   */
  feedStream(dbId: number, args: readonly string[]): void {
    if (this.masterHost !== null) return;
    if (this.backlog === null && this.master.replicas.length === 0) return;
    let text = '';
    if (dbId !== this.selectedDb) {
      text += encodeRequestString(['SELECT', String(dbId)]);
      this.selectedDb = dbId;
    }
    text += encodeRequestString(args);
    this._append(Buffer.from(text, 'latin1'));
  }

  /** Bytes of the master's stream that this replica applied: into our backlog and to our own replicas. */
  proxyStream(data: Buffer): void {
    this._append(data);
  }

  /** Called by the node before replies go out (beforeSleep): the GETACK a WAIT asked for, then the replicas' output. */
  beforeReply(): void {
    if (this.ackRequested) {
      this.ackRequested = false;
      if (this.node.pause === null) this.feedStream(this.selectedDb, ['REPLCONF', 'GETACK', '*']);
    }
    this.master.flushOutput();
  }

  /** Called at every serverCron tick: a pending full sync may start (replicationStartPendingFork). */
  cronTick(): void {
    if (this.master.shouldStartFullSync()) this.master.startFullSync();
  }

  /** A client went away: a replica leaves the list, a WAIT is forgotten. */
  clientGone(c: ClientSession): void {
    this.master.clientGone(c);
    const i = this.waiters.findIndex((w) => w.client === c);
    if (i !== -1) {
      this.waiters[i]!.timer?.cancel();
      this.waiters.splice(i, 1);
    }
  }

  /** WAIT numreplicas timeout (waitCommand). */
  wait(c: ClientSession, numreplicas: number, timeoutMs: number): Reply {
    if (this.isReplica()) return Errors.waitOnReplica();
    const acks = this.master.countAcks(c.woff);
    if (acks >= numreplicas || c.multi !== null || c.denyBlocking) return integer(acks);
    const waiter: _WaitingClient = { client: c, offset: c.woff, numreplicas, timer: null };
    if (timeoutMs > 0) {
      waiter.timer = this.node.env.schedule(timeoutMs, () => {
        waiter.timer = null;
        this._release(waiter, this.master.countAcks(waiter.offset));
      });
    }
    this.waiters.unshift(waiter);
    c.hold = 'blocked';
    this.ackRequested = true;
    return NO_REPLY;
  }

  /** An ACK arrived: release WAITing clients now satisfied (processClientsWaitingReplicas). */
  ackReceived(): void {
    this.failover.scheduleCheck();
    for (const waiter of [...this.waiters]) {
      const acks = this.master.countAcks(waiter.offset);
      if (acks >= waiter.numreplicas) this._release(waiter, acks);
    }
  }

  /** REPLCONF GETACK from our master: ACK the offset before this command. */
  answerGetack(commandBytes: number): void {
    const link = this.link;
    if (link === null || link.state !== 'connected') return;
    link.sendAck(link.offsetBefore(commandBytes));
  }

  /** changeReplicationId: a fresh random replid. */
  changeReplicationId(): void {
    this.replid = randomHex(this.node.env, 40);
  }

  /** clearReplicationId2. */
  clearReplicationId2(): void {
    this.replid2 = _NULL_REPLID;
    this.secondReplOffset = -1;
  }

  /** createReplicationBacklog: history starts at the next offset. */
  createBacklog(): void {
    this.backlog = new ReplBacklog(this.masterReplOffset + 1, this.backlogSize);
  }

  /** replicationDiscardCachedMaster. */
  discardCachedMaster(log = true): void {
    if (this.cachedMaster === null) return;
    if (log) this.node.log('notice', 'Discarding previously cached master state.');
    this.cachedMaster = null;
  }

  /** +CONTINUE with another replid: the master was promoted; its old id becomes our replid2 (PSYNC2). */
  followNewReplid(newId: string): void {
    this.replid2 = this.cachedMaster?.replid ?? this.replid;
    this.secondReplOffset = this.masterReplOffset + 1;
    this.replid = newId;
    this.node.log('warning', `Master replication ID changed to ${newId}`);
    this.master.disconnectAll();
    if (this.backlog === null) this.createBacklog();
  }

  /** After a full sync: the master's history is ours (readSyncBulkPayload's tail). */
  adoptMasterHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.masterReplOffset = offset;
    this.clearReplicationId2();
    if (this.backlog === null) this.createBacklog();
  }

  /**
   * Replaces the dataset with a full sync's RDB (replicationAttachToNewMaster, emptyData, rdbLoad); false if the
   * payload does not load. The payload is also kept as `dbfilename`, as a disk-loading replica does.
   */
  loadFullSync(payload: Buffer): boolean {
    const node = this.node;
    this.discardCachedMaster();
    this.master.disconnectAll();
    this.backlog = null;
    try {
      node.env.storage.writeAtomic(node.config.get('dbfilename'), payload);
    } catch (e) {
      node.log(
        'warning',
        `Failed trying to rename the temp DB into dump.rdb in MASTER <-> REPLICA synchronization: ${_message(e)}`,
      );
    }
    node.log('notice', 'MASTER <-> REPLICA sync: Flushing old data');
    for (const db of node.databases) {
      node.touchAllWatched(db);
      db.flush();
    }
    node.log('notice', 'MASTER <-> REPLICA sync: Loading DB in memory');
    const persistence = node.persistence;
    persistence.loading = true;
    let loaded = 0;
    try {
      decodeRdb(
        payload,
        (dbId: number, key: string, value: Value, expiresAt: number, exact: bigint | undefined) => {
          node.databases[dbId]!.load(key, value, exact ?? expiresAt);
          loaded++;
        },
        { databases: node.databases.length, verifyChecksum: node.config.getBool('rdbchecksum') },
      );
    } catch (e) {
      node.log(
        'warning',
        `Failed trying to load the MASTER synchronization DB from disk, check server logs. (${_message(e)})`,
      );
      for (const db of node.databases) db.flush();
      return false;
    } finally {
      persistence.loading = false;
    }
    persistence.lastLoadKeysLoaded = loaded;
    persistence.lastLoadKeysExpired = 0;
    node.log('notice', `Done loading RDB, keys loaded: ${loaded}, keys expired: 0.`);
    if (node.config.getBool('appendonly')) persistence.rewriteAof();
    return true;
  }

  /**
   * A link ended; `wasConnected` when it had synchronised, `cache` carrying the master client's database when its
   * state is worth a PSYNC.
   */
  linkEnded(link: ReplicaLink, wasConnected: boolean, cache: { dbId: number } | null): void {
    if (link !== this.link) return;
    this.link = null;
    const node = this.node;
    if (cache !== null) {
      node.log('warning', 'Connection with master lost.');
      node.log('notice', 'Caching the disconnected master state.');
      this.cachedMaster = { replid: this.replid, appliedOffset: link.appliedOffset, dbId: cache.dbId };
    }
    if (this.masterHost !== null) {
      this.idleState = 'connect';
      // replicationHandleMasterDisconnection: only losing an established link starts the down time.
      if (wasConnected) this.downSinceMs = node.now();
    }
  }

  /** ROLE's reply (roleCommand). */
  roleReply(): Reply {
    if (this.masterHost === null) {
      const replicas: Reply[] = [];
      for (const peer of this.master.replicas) {
        if (peer.state !== 'online') continue;
        replicas.push(array([bulk(peer.ip()), bulk(String(peer.listeningPort)), bulk(String(peer.ackOff))]));
      }
      return array([bulk('master'), integer(this.masterReplOffset), array(replicas)]);
    }
    return array([
      bulk('slave'),
      bulk(this.masterHost),
      integer(this.masterPort),
      bulk(this._roleState()),
      integer(this.link?.master ? this.link.appliedOffset : -1),
    ]);
  }

  /** The fields of INFO's `# Replication` section, in genRedisInfoString's order. */
  infoFields(): [string, string | number][] {
    const node = this.node;
    const nowSec = Math.floor(node.now() / 1000);
    const fields: [string, string | number][] = [['role', this.masterHost === null ? 'master' : 'slave']];
    if (this.masterHost !== null) {
      const link = this.link;
      const connected = link?.state === 'connected';
      let applied = 1;
      let read = 1;
      if (link?.master) {
        applied = link.appliedOffset;
        read = link.readOffset;
      } else if (this.cachedMaster !== null) {
        applied = read = this.cachedMaster.appliedOffset;
      }
      fields.push(
        ['master_host', this.masterHost],
        ['master_port', this.masterPort],
        ['master_link_status', connected ? 'up' : 'down'],
        ['master_last_io_seconds_ago', link?.master ? nowSec - Math.floor(link.lastIo / 1000) : -1],
        ['master_sync_in_progress', link?.state === 'transfer' ? 1 : 0],
        ['slave_read_repl_offset', read],
        ['slave_repl_offset', applied],
      );
      if (link?.state === 'transfer' && link.reader !== null) {
        const total = Math.max(0, link.reader.totalBytes);
        const done = link.reader.readBytes;
        fields.push(
          ['master_sync_total_bytes', total],
          ['master_sync_read_bytes', done],
          ['master_sync_left_bytes', total - done],
          ['master_sync_perc', (total === 0 ? 0 : (done / total) * 100).toFixed(2)],
          ['master_sync_last_io_seconds_ago', nowSec - Math.floor(link.lastIo / 1000)],
        );
      }
      if (!connected) {
        fields.push([
          'master_link_down_since_seconds',
          this.downSinceMs !== 0 ? nowSec - Math.floor(this.downSinceMs / 1000) : -1,
        ]);
      }
      fields.push(
        ['slave_priority', node.config.getNumber('replica-priority')],
        ['slave_read_only', node.config.getBool('replica-read-only') ? 1 : 0],
        ['replica_announced', node.config.getBool('replica-announced') ? 1 : 0],
      );
    }
    const replicas = this.master.replicas;
    fields.push(['connected_slaves', replicas.length]);
    if (node.config.getNumber('min-replicas-to-write') > 0 && node.config.getNumber('min-replicas-max-lag') > 0) {
      fields.push(['min_slaves_good_slaves', this.master.goodReplicas()]);
    }
    let id = 0;
    for (const peer of replicas) {
      if (peer.state === 'rdb_transmitted') continue;
      const state = peer.state === 'online' ? 'online' : peer.state === 'send_bulk' ? 'send_bulk' : 'wait_bgsave';
      const lag = peer.state === 'online' ? nowSec - Math.floor(peer.ackTime / 1000) : 0;
      fields.push([
        `slave${id++}`,
        `ip=${peer.ip()},port=${peer.listeningPort},state=${state},offset=${peer.ackOff},lag=${lag}`,
      ]);
    }
    const backlog = this.backlog;
    fields.push(
      ['master_failover_state', this.failover.state],
      ['master_replid', this.replid],
      ['master_replid2', this.replid2],
      ['master_repl_offset', this.masterReplOffset],
      ['second_repl_offset', this.secondReplOffset],
      ['repl_backlog_active', backlog === null ? 0 : 1],
      ['repl_backlog_size', this.backlogSize],
      ['repl_backlog_first_byte_offset', backlog?.offset ?? 0],
      ['repl_backlog_histlen', backlog?.histlen ?? 0],
    );
    return fields;
  }

  /** Whether writes must be refused for lack of good replicas (min-replicas-to-write; checkGoodReplicasStatus). */
  lacksGoodReplicas(): boolean {
    const config = this.node.config;
    const min = config.getNumber('min-replicas-to-write');
    if (this.masterHost !== null || min === 0 || config.getNumber('min-replicas-max-lag') === 0) return false;
    return this.master.goodReplicas() < min;
  }

  /** A failover started: the cron runs at its faster period from now on, not at the next 1 s tick. */
  hastenCron(): void {
    this.cronTimer?.cancel();
    this._scheduleCron();
  }

  // --- internal ---

  private _append(data: Buffer): void {
    this.masterReplOffset += data.length;
    this.backlog?.append(data);
    this.master.feed(data);
  }

  private _roleState(): string {
    const link = this.link;
    if (link === null) return this.idleState === 'none' ? 'none' : 'connect';
    if (link.state === 'transfer') return 'sync';
    return link.state;
  }

  private _connect(): void {
    this.idleState = 'connect';
    this.link = new ReplicaLink(this, this.masterHost!, this.masterPort);
  }

  private _dropLink(): void {
    const link = this.link;
    if (link === null) return;
    link.shutdown();
    this.link = null;
  }

  /** shiftReplicationId: the current history stays valid as replid2 up to here. */
  private _shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.masterReplOffset + 1;
    this.changeReplicationId();
    this.node.log(
      'warning',
      `Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondReplOffset}. New replication ID is ${this.replid}`,
    );
  }

  private _scheduleCron(): void {
    // serverCron runs replicationCron every 100 ms instead of every second while a failover is under way.
    const period = this.failover.state === 'no-failover' ? 1000 : FAILOVER_CRON_PERIOD_MS;
    this.cronTimer = this.node.env.schedule(period, () => {
      this._cron();
      if (this.node.running) this._scheduleCron();
    });
  }

  /** replicationCron. */
  private _cron(): void {
    this.failover.update();
    const node = this.node;
    const now = node.now();
    const timeoutMs = node.config.getNumber('repl-timeout') * 1000;
    const link = this.link;
    if (this.masterHost !== null && link !== null) {
      if (link.state !== 'connected' && now - link.lastIo > timeoutMs) {
        node.log(
          'warning',
          link.state === 'transfer'
            ? "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
            : 'Timeout connecting to the MASTER...',
        );
        link.shutdown();
      } else if (link.state === 'connected' && now - link.lastIo > timeoutMs) {
        node.log('warning', 'MASTER timeout: no data nor PING received...');
        link.shutdown();
      }
    }
    if (this.masterHost !== null && this.link === null && this.idleState === 'connect') {
      node.log('notice', `Connecting to MASTER ${this.masterHost}:${this.masterPort}`);
      this._connect();
    }
    if (this.link?.state === 'connected') this.link.sendAck();
    this.master.cron(this.cronLoops);
    const ttl = node.config.getNumber('repl-backlog-ttl');
    if (this.master.replicas.length === 0 && ttl > 0 && this.backlog !== null && this.masterHost === null) {
      if (Math.floor(now / 1000) - Math.floor(this.noReplicasSince / 1000) > ttl) {
        this.changeReplicationId();
        this.clearReplicationId2();
        this.backlog = null;
        node.log('notice', `Replication backlog freed after ${ttl} seconds without connected replicas.`);
      }
    }
    this.cronLoops++;
  }

  private _release(waiter: _WaitingClient, acks: number): void {
    const i = this.waiters.indexOf(waiter);
    if (i === -1) return;
    this.waiters.splice(i, 1);
    waiter.timer?.cancel();
    const c = waiter.client;
    c.reply(integer(acks));
    c.resume();
  }

  /**
   * disconnectAllBlockedClients: a node turning replica fails every blocked client (keys or WAIT) and closes it once
   * the error is sent. Clients held by CLIENT PAUSE are not blocked in this sense and stay.
   */
  private _disconnectBlockedClients(): void {
    const node = this.node;
    const blocked = [...node.blocking.clients(), ...this.waiters.map((w) => w.client)];
    for (const waiter of this.waiters.splice(0)) waiter.timer?.cancel();
    for (const c of blocked) {
      node.blocking.drop(c);
      c.reply(Errors.unblockedByRoleChange());
      c.closeAfterReply();
      c.resume();
    }
  }

  /** CONFIG GET replicaof and CONFIG REWRITE follow the live master (getConfigReplicaOfOption). */
  private _configReplicaof(words: string[]): void {
    try {
      this.node.config.set('replicaof', words, 'file');
    } catch (e) {
      this.node.log('warning', `Could not record the master in the config: ${_message(e)}`);
    }
  }
}

// --- internal ---

const _NULL_REPLID = '0000000000000000000000000000000000000000';
/** CONFIG_REPL_BACKLOG_MIN_SIZE. */
const _BACKLOG_MIN_SIZE = 16 * 1024;

interface _WaitingClient {
  client: ClientSession;
  offset: number;
  numreplicas: number;
  timer: TimerHandle | null;
}

function _message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
