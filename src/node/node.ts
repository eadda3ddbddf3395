// One Redis instance: databases, clients, the command table, the cron, persistence and propagation.
// It never touches I/O itself; everything arrives through its Env and the Connections the runtime hands it.

import { randomHex, type Env, type LogLevel, type TimerHandle } from '../env/env.js';
import type { ProtocolError } from '../protocol/protocol-error.js';
import { error, type ErrorReply } from '../protocol/reply.js';
import { Cluster } from '../cluster/cluster.js';
import { redirectBlockedClients } from '../cluster/blocked-redirect.js';
import { redirectFor } from '../cluster/redirect.js';
import { BlockingRegistry } from './blocking.js';
import { ClientSession } from './client-session.js';
import { CommandTable, type Command } from './command-table.js';
import { ALL_COMMAND_FAMILIES } from './commands/index.js';
import type { Config } from './config.js';
import type { Connection } from './connection.js';
import { Database } from './database.js';
import { Errors } from './errors.js';
import { MigrateConnections } from './migrate-connections.js';
import { enablesClass, notificationTargets, parseKeyspaceEvents, type EventClass } from './keyspace-events.js';
import { Persistence } from './persistence/persistence.js';
import { PubSub, type ChannelKind } from './pubsub.js';
import { Replication } from './replication/replication.js';
import { Sentinel } from '../sentinel/sentinel.js';
import type { SentinelDirective } from '../sentinel/sentinel-config.js';
import { SENTINEL_COMMAND_FAMILIES, SENTINEL_COMMAND_META } from '../sentinel/sentinel-commands.js';
import './types/index.js';

/** Counters reported by INFO stats. */
export interface NodeStats {
  connectionsReceived: number;
  rejectedConnections: number;
  totalCommands: number;
  netInputBytes: number;
  netOutputBytes: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalErrorReplies: number;
  /** Error reply counts by their first word (INFO errorstats). */
  errorCodes: Map<string, number>;
  /** Operations per second, sampled by the cron (instantaneous_ops_per_sec). */
  instantaneousOps: number;
}

/** Hooks a node's host provides. */
export interface NodeOptions {
  /** Called when the node has shut down (SHUTDOWN, or a fatal start-up error); the host exits or closes listeners. */
  onShutdown?: (exitCode: number) => void;
  /** Runs the node in sentinel mode with these `sentinel` directives of its config file (redis-server --sentinel). */
  sentinel?: readonly SentinelDirective[];
}

/** How SHUTDOWN treats the snapshot. */
export type ShutdownSave = 'default' | 'save' | 'nosave';

/** Why clients are paused (pause_purpose): CLIENT PAUSE, a cluster manual failover on its master, or a MIGRATE in flight. */
export type PausePurpose = 'client' | 'failover' | 'migrate';

/** A Redis node. */
export class RedisNode {
  readonly databases: Database[];
  readonly commands: CommandTable;
  readonly clients = new Map<number, ClientSession>();
  readonly runId: string;
  readonly startedAt: number;
  readonly persistence: Persistence;
  readonly stats: NodeStats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    totalCommands: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    totalErrorReplies: 0,
    errorCodes: new Map(),
    instantaneousOps: 0,
  };
  /** Changes since the last save (server.dirty). */
  dirty = 0;
  /** Whether the cron expires keys actively (DEBUG SET-ACTIVE-EXPIRE; server.active_expire_enabled). */
  activeExpire = true;
  /** The time the current command runs at; every expiry check in one command sees the same instant. */
  commandTime: number;
  /**
   * The pause in force, all purposes together: the strictest mode and, for it, the latest end
   * (client_pause_type / client_pause_end_time). Set through pauseClients/unpause only.
   */
  pause: { until: number; writesOnly: boolean; timer: TimerHandle | null } | null = null;
  /** Pauses by purpose (client_pause_per_purpose): CLIENT PAUSE and a cluster manual failover each keep their own. */
  private readonly pausesByPurpose = new Map<PausePurpose, { until: number; writesOnly: boolean }>();
  /** Clients blocked on keys (BLPOP and friends). */
  readonly blocking: BlockingRegistry;
  /** Pub/sub subscribers. */
  readonly pubsub = new PubSub();
  /** Parsed `notify-keyspace-events`, kept current by a config listener. */
  keyspaceEvents = 0;
  /** Set while the node is running; cleared by shutdown. */
  running = false;
  /** What HELLO and INFO report as `mode`. */
  readonly mode: 'standalone' | 'cluster' | 'sentinel';
  /** Replication role; `slave` is Redis's word in INFO. */
  role: 'master' | 'slave' = 'master';
  /** The cluster subsystem, in cluster mode. */
  readonly cluster: Cluster | null;
  /** The Sentinel subsystem, in sentinel mode (its command table is Sentinel's). */
  readonly sentinel: Sentinel | null;
  /** Replication: ids, offsets, backlog, the master link and the replicas (node.replication). */
  readonly replication: Replication;
  /** Set while a replica applies its master's stream: expired keys still exist for those commands. */
  applyingMasterStream = false;
  /** MIGRATE's cached connections to target instances (server.migrate_cached_sockets). */
  readonly migrateConnections: MigrateConnections;

  private nextClientId = 1;
  private pendingPropagation: { dbId: number; args: readonly string[] }[] = [];
  private readonly watchers = new Map<string, Set<ClientSession>>();
  private cronTimer: TimerHandle | null = null;
  private cronLoops = 0;
  private opsSample = { at: 0, commands: 0 };

  constructor(
    readonly env: Env,
    readonly config: Config,
    private readonly options: NodeOptions = {},
  ) {
    this.runId = randomHex(env, 40);
    this.mode =
      options.sentinel !== undefined ? 'sentinel' : config.getBool('cluster-enabled') ? 'cluster' : 'standalone';
    this.startedAt = env.now();
    this.commandTime = this.startedAt;
    this.commands =
      this.mode === 'sentinel'
        ? new CommandTable(SENTINEL_COMMAND_FAMILIES, SENTINEL_COMMAND_META)
        : new CommandTable(ALL_COMMAND_FAMILIES);
    this.blocking = new BlockingRegistry(
      (ms, task) => env.schedule(ms, task),
      () => this.now(),
    );
    const hooks = {
      now: () => this.commandTime,
      modified: (db: Database, key: string) => {
        this._touchWatched(db, key);
        this.blocking.keyModified(db, key);
      },
      expired: (db: Database, key: string) => this._expired(db, key),
      created: (db: Database, key: string) => this.notify('n', 'new', key, db.id),
      // A replica keeps expired keys until its master's DEL arrives; while clients are paused the dataset stays
      // constant too (expireIfNeeded, activeExpireCycle).
      mayDeleteExpired: () => this.role === 'master' && !this.clientsPaused(),
      expiredKeysLive: () => this.applyingMasterStream,
    };
    this.databases = Array.from({ length: config.getNumber('databases') }, (_, i) => new Database(i, hooks));
    // Cluster mode keeps DB 0's keys by hash slot (slotToKeyInit in clusterInit); only DB 0 is used there.
    if (this.mode === 'cluster') this.databases[0]!.enableSlotIndex();
    this.persistence = new Persistence(this);
    this.replication = new Replication(this);
    this.migrateConnections = new MigrateConnections(env);
    this.cluster = this.mode === 'cluster' ? new Cluster(this) : null;
    this.sentinel = options.sentinel !== undefined ? new Sentinel(this, options.sentinel) : null;
    this.keyspaceEvents = parseKeyspaceEvents(config.given('notify-keyspace-events')) ?? 0;
    config.onChange((name) => {
      if (name === 'notify-keyspace-events') this.keyspaceEvents = parseKeyspaceEvents(config.given(name)) ?? 0;
    });
  }

  /** Loads persisted data and starts the cron. */
  start(): void {
    // clusterInit runs in initServer, before the dataset loads: a bad nodes.conf stops the start-up first.
    this.cluster?.load();
    // Sentinel needs its config file to keep its state (sentinelCheckConfigFile) and loads no dataset.
    if (this.sentinel !== null && this.env.configFile === '') {
      this.log('warning', 'Sentinel needs config file on disk to save state. Exiting...');
      this.exit(1);
      return;
    }
    // redis-sentinel neither loads a dataset nor logs these two lines (main() skips them in sentinel mode).
    if (this.sentinel === null) this.log('warning', 'Server initialized');
    if (this.sentinel === null) this.persistence.loadOnStart();
    this.running = true;
    this._scheduleCron();
    this.cluster?.start();
    this.replication.start();
    this.sentinel?.start();
    if (this.sentinel === null) this.log('notice', 'Ready to accept connections');
  }

  /** Ends the process at once with `exitCode`, saving nothing (exit() in Redis: fatal start-up errors, simulated crashes). */
  exit(exitCode: number): void {
    this.running = false;
    this.cronTimer?.cancel();
    this.sentinel?.shutdown();
    this.cluster?.shutdown();
    this.replication.shutdown();
    for (const c of [...this.clients.values()]) c.kill();
    this.options.onShutdown?.(exitCode);
  }

  /** The current time from the environment. */
  now(): number {
    return this.env.now();
  }

  /** Writes a log line when `level` passes the configured `loglevel`. */
  log(level: LogLevel, message: string): void {
    if (_LEVELS.indexOf(level) < _LEVELS.indexOf(this.config.get('loglevel') as LogLevel)) return;
    // serverLogRaw's role letter: X for Sentinel, S for a replica, M for a master.
    this.env.log(level, this.mode === 'sentinel' ? 'X' : this.role === 'slave' ? 'S' : 'M', message);
  }

  /** Accepts a new client connection. */
  connect(connection: Connection | null): ClientSession {
    const session = new ClientSession(this, connection, this.nextClientId++);
    this.clients.set(session.id, session);
    this.stats.connectionsReceived++;
    // Protected mode (clientAcceptHandler): without a password only loopback clients may talk to the node.
    if (connection !== null && !connection.isLocal && this.config.getBool('protected-mode') && !this.authRequired()) {
      this.stats.rejectedConnections++;
      session.reply(Errors.protectedMode());
      session.closeAfterReply();
      session.flush();
    }
    return session;
  }

  /** Registers a client that no listener accepted (the master link of a replica): not counted as a connection. */
  internalClient(connection: Connection): ClientSession {
    const session = new ClientSession(this, connection, this.nextClientId++);
    this.clients.set(session.id, session);
    return session;
  }

  /** Zeroes the counters INFO reports and every command's stats (CONFIG RESETSTAT: resetServerStats and friends). */
  resetStats(): void {
    const stats = this.stats as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value === 'number') stats[key] = 0;
      else if (value instanceof Map) value.clear();
    }
    this.opsSample = { at: this.now(), commands: 0 };
    const replStats = this.replication.stats as unknown as Record<string, number>;
    for (const key of Object.keys(replStats)) replStats[key] = 0;
    const reset = (command: Command): void => {
      const counters = command.stats as unknown as Record<string, number>;
      for (const key of Object.keys(counters)) counters[key] = 0;
      for (const sub of command.subcommands?.values() ?? []) reset(sub);
    };
    for (const command of this.commands.all()) reset(command);
  }

  /** Forgets a client that has gone away. */
  clientGone(c: ClientSession): void {
    this.clients.delete(c.id);
    this.unwatchAll(c);
    this.pubsub.dropClient(c);
    this.blocking.drop(c);
    this.replication.clientGone(c);
  }

  /** Whether clients must AUTH before running commands (`requirepass` is set). */
  authRequired(): boolean {
    return this.config.get('requirepass') !== '';
  }

  /** Whether DEBUG may run for this client (`enable-debug-command` yes, or local and the client is local). */
  allowsDebug(c: ClientSession): boolean {
    const mode = this.config.get('enable-debug-command');
    return mode === 'yes' || (mode === 'local' && (c.connection?.isLocal ?? true));
  }

  /** The redirection error a cluster node answers instead of running the command, or null (standalone: never). */
  redirect(c: ClientSession, command: Command, args: string[]): ErrorReply | null {
    return this.cluster === null ? null : redirectFor(this.cluster, c, command, args);
  }

  /** Whether CLIENT PAUSE holds this request back. */
  mustPause(c: ClientSession, args: string[]): boolean {
    if (this.pause === null) return false;
    // Replicas are never paused: their ACKs must flow (processCommand's CLIENT_SLAVE exception).
    if (c.replicaPeer?.attached === true) return false;
    if (this.now() >= this.pause.until) {
      this._updatePause();
      if (this.pause === null) return false;
    }
    if (!this.pause.writesOnly) return true;
    const command = this.commands.lookup(args);
    if (command === undefined) return false;
    if (c.multi !== null && command.name === 'exec') return c.multi.queue.some((q) => _mayWrite(q.command));
    return _mayWrite(command);
  }

  /** Whether a pause of any purpose is in force now (checkClientPauseTimeoutAndReturnIfPaused). */
  clientsPaused(): boolean {
    // Read only: an expired pause is cleared by its timer, which also resumes the clients it held.
    return this.pause !== null && this.now() < this.pause.until;
  }

  /**
   * Pauses clients until `until` for a purpose (pauseClients): a pause already in force for the same purpose keeps
   * its later end and its stricter mode.
   */
  pauseClients(until: number, writesOnly: boolean, purpose: PausePurpose = 'client'): void {
    const current = this.pausesByPurpose.get(purpose);
    if (current === undefined || current.until <= this.now()) this.pausesByPurpose.set(purpose, { until, writesOnly });
    else
      this.pausesByPurpose.set(purpose, {
        until: Math.max(current.until, until),
        writesOnly: current.writesOnly && writesOnly,
      });
    this._updatePause();
  }

  /** Ends one purpose's pause (CLIENT UNPAUSE: 'client'); clients held by it run unless another pause holds them. */
  unpause(purpose: PausePurpose = 'client'): void {
    if (!this.pausesByPurpose.delete(purpose)) return;
    this._updatePause();
  }

  /**
   * Queues a write for the AOF (and, later, replicas) until the current command finishes (alsoPropagate); nothing is
   * propagated while a dataset is loading.
   */
  propagate(dbId: number, args: readonly string[]): void {
    if (this.persistence.loading) return;
    this.pendingPropagation.push({ dbId, args });
  }

  /** Propagates at once, outside the current command's batch (propagateNow: deletions of expired keys). */
  propagateNow(dbId: number, args: readonly string[]): void {
    if (this.persistence.loading) return;
    this.persistence.feed(dbId, args);
    this.replication.feed(dbId, args);
  }

  /**
   * Sends the writes queued by the command that just finished (propagatePendingCommands): more than one are wrapped in
   * MULTI/EXEC, so a transaction, or a command that propagates as several, replays atomically.
   */
  flushPropagation(): void {
    const ops = this.pendingPropagation;
    if (ops.length === 0) return;
    this.pendingPropagation = [];
    const wrap = ops.length > 1;
    // Each sink (AOF, replication stream) keeps its own selected database.
    for (const sink of [this.persistence, this.replication]) {
      if (wrap) sink.feed(ops[0]!.dbId, ['MULTI']);
      for (const op of ops) sink.feed(op.dbId, op.args);
      if (wrap) sink.feed(ops[ops.length - 1]!.dbId, ['EXEC']);
    }
  }

  /** Called before replies are sent: persistence writes what was acknowledged (beforeSleep's AOF flush). */
  beforeReply(): void {
    this.cluster?.beforeReply();
    this.replication.beforeReply();
    this.persistence.flushAof();
  }

  /** Counts an error reply by its code for INFO errorstats. */
  countError(text: string): void {
    this.stats.totalErrorReplies++;
    const space = text.indexOf(' ');
    const code = space === -1 ? text : text.slice(0, space);
    this.stats.errorCodes.set(code, (this.stats.errorCodes.get(code) ?? 0) + 1);
  }

  /** Turns an unexpected exception inside a handler into an error reply, so bad input never kills the node. */
  internalError(command: Command, e: unknown): ErrorReply {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.log('warning', `Internal error while running '${command.fullName}': ${detail}`);
    return error(`ERR internal error in redis-sim while running '${command.fullName}'`);
  }

  /** Logs a client's protocol error at verbose level, as setProtocolError does. */
  logProtocolError(c: ClientSession, e: ProtocolError): void {
    this.log('verbose', `Protocol error (${e.code}) from client: id=${c.id} addr=${c.connection?.remoteAddress ?? ''}`);
  }

  /** Drops every channel and pattern subscription of a client (RESET, disconnect). */
  unsubscribeAll(c: ClientSession): void {
    this.pubsub.dropClient(c);
  }

  /** Publishes a message to local subscribers; returns how many received it. */
  publish(channel: string, message: string, kind: ChannelKind): number {
    return this.pubsub.publish(channel, message, kind);
  }

  /** Sends a keyspace notification when `notify-keyspace-events` enables its class (notifyKeyspaceEvent). */
  notify(cls: EventClass, event: string, key: string, dbId: number): void {
    const flags = this.keyspaceEvents;
    if (flags === 0 || !enablesClass(flags, cls)) return;
    const { keyspace, keyevent } = notificationTargets(flags);
    if (keyspace) this.publish(`__keyspace@${dbId}__:${key}`, event, 'channel');
    if (keyevent) this.publish(`__keyevent@${dbId}__:${event}`, key, 'channel');
  }

  /** Adds a WATCHed key for a client (watchForKey). */
  watch(c: ClientSession, db: Database, key: string): void {
    const id = `${db.id}\0${key}`;
    if (c.watched.has(id)) return;
    c.watched.set(id, { db, key, expired: db.isLogicallyExpired(key) });
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    set.add(c);
  }

  /** Drops every WATCHed key of a client (UNWATCH, EXEC, DISCARD). */
  unwatchAll(c: ClientSession): void {
    for (const id of c.watched.keys()) {
      const set = this.watchers.get(id);
      set?.delete(c);
      if (set?.size === 0) this.watchers.delete(id);
    }
    c.watched.clear();
  }

  /** Whether a WATCHed key that was live when watched has expired since (isWatchedKeyExpired). */
  watchedKeyExpired(c: ClientSession): boolean {
    for (const wk of c.watched.values()) if (!wk.expired && wk.db.isLogicallyExpired(wk.key)) return true;
    return false;
  }

  /**
   * Flags clients watching keys of a database that is about to be emptied or swapped with `replacedWith`
   * (touchAllWatchedKeysInDb). Call it BEFORE the flush or swap: it compares both databases' contents.
   */
  touchAllWatched(emptied: Database, replacedWith: Database | null = null): void {
    if (this.watchers.size === 0) return;
    const prefix = `${emptied.id}\0`;
    for (const [id, set] of this.watchers) {
      if (!id.startsWith(prefix)) continue;
      const key = id.slice(prefix.length);
      const inEmptied = emptied.holds(key);
      const inReplacement = replacedWith?.holds(key) ?? false;
      if (!inEmptied && !inReplacement) continue;
      for (const c of set) {
        const wk = c.watched.get(id)!;
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false;
            continue;
          }
          if (replacedWith!.isLogicallyExpired(key)) continue;
        } else if (!inEmptied && replacedWith!.isLogicallyExpired(key)) {
          wk.expired = true;
          continue;
        }
        c.watchDirty = true;
      }
    }
  }

  /** Shuts the node down: saves as configured, closes clients and tells the host. Returns false if saving failed. */
  shutdown(save: ShutdownSave, force = false): boolean {
    this.log('warning', 'User requested shutdown...');
    // A Sentinel never saves a dataset on the way out (prepareForShutdown forces NOSAVE in sentinel mode).
    if (!this.persistence.shutdown(this.sentinel !== null ? 'nosave' : save, force)) return false;
    this.running = false;
    this.cronTimer?.cancel();
    this.migrateConnections.closeAll();
    this.cluster?.shutdown();
    this.sentinel?.shutdown();
    this.replication.shutdown();
    this.pause?.timer?.cancel();
    for (const c of [...this.clients.values()]) c.kill();
    this.log('warning', `${this.sentinel !== null ? 'Sentinel' : 'Redis'} is now ready to exit, bye bye...`);
    this.options.onShutdown?.(0);
    return true;
  }

  // --- internal ---

  /** Recomputes the pause in force from every purpose's, dropping expired ones (updateClientPauseTypeAndEndTime). */
  private _updatePause(): void {
    const now = this.now();
    let writesOnly: boolean | null = null;
    for (const [purpose, p] of [...this.pausesByPurpose]) {
      if (p.until <= now) this.pausesByPurpose.delete(purpose);
      else writesOnly = writesOnly === false ? false : p.writesOnly;
    }
    const old = this.pause;
    old?.timer?.cancel();
    if (writesOnly === null) {
      this.pause = null;
    } else {
      let until = 0;
      for (const p of this.pausesByPurpose.values())
        if (p.writesOnly === writesOnly && p.until > until) until = p.until;
      // A pause without end (FAILOVER's) needs no timer.
      const timer = Number.isFinite(until)
        ? this.env.schedule(Math.max(0, until - now), () => this._updatePause())
        : null;
      this.pause = { until, writesOnly, timer };
    }
    // A pause that ended or became less strict lets held clients try again (unblockPostponedClients).
    if (old !== null && (this.pause === null || (this.pause.writesOnly && !old.writesOnly)))
      for (const c of [...this.clients.values()]) if (c.hold === 'paused') c.resume();
  }

  /**
   * Flags the clients watching a key that was just modified (touchWatchedKey). A watch taken on an already expired
   * key is not disturbed when that key is merely reclaimed; Redis 7.0.15 also stops flagging further clients there,
   * which we do not copy.
   */
  private _touchWatched(db: Database, key: string): void {
    if (this.watchers.size === 0) return;
    const id = `${db.id}\0${key}`;
    const set = this.watchers.get(id);
    if (set === undefined) return;
    for (const c of [...set]) {
      const wk = c.watched.get(id)!;
      if (wk.expired) {
        if (!db.holds(key)) wk.expired = false;
        continue;
      }
      c.watchDirty = true;
      this.unwatchAll(c);
    }
  }

  private _expired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.notify('x', 'expired', key, db.id);
    this.propagateNow(db.id, [this.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
  }

  private _scheduleCron(): void {
    const hz = Math.min(500, Math.max(1, this.config.getNumber('hz')));
    this.cronTimer = this.env.schedule(Math.round(1000 / hz), () => {
      this._cron();
      if (this.running) this._scheduleCron();
    });
  }

  /** serverCron: active expiry, the ops/sec sample, persistence timers. */
  private _cron(): void {
    this.cronLoops++;
    this.commandTime = this.now();
    // clientsCron: clients blocked on keys of a slot this node no longer serves are redirected.
    if (this.cluster !== null) redirectBlockedClients(this.cluster);
    // Only a master expires keys actively; a replica waits for its master's DELs (serverCron's databasesCron).
    for (const db of this.activeExpire && this.role === 'master' ? this.databases : []) {
      for (let pass = 0; pass < 16; pass++) {
        const { expired, sampled } = db.expireSample(20);
        // Repeat while more than 10% of the sample was stale (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE in expire.c).
        if (sampled === 0 || expired * 10 <= sampled) break;
      }
    }
    const now = this.now();
    if (now - this.opsSample.at >= 100) {
      const elapsed = now - this.opsSample.at;
      this.stats.instantaneousOps = Math.round(((this.stats.totalCommands - this.opsSample.commands) * 1000) / elapsed);
      this.opsSample = { at: now, commands: this.stats.totalCommands };
    }
    this.persistence.cron();
    this.replication.cronTick();
    this.migrateConnections.cron(now);
  }
}

const _LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

function _mayWrite(command: Command): boolean {
  return command.flags.has('write') || command.flags.has('may_replicate');
}
