// MIGRATE's cache of connections to target instances, one per `host:port` as the client wrote it (migrateGetSocket,
// migrateCloseSocket and migrateCloseTimedoutSockets in cluster.c). A connection remembers the database it last
// selected, so a later MIGRATE to the same database skips SELECT. Unlike Redis, where the whole server waits on the
// socket, MIGRATE here waits without stopping the node, so a connection also serialises the migrations that share it:
// each one starts when the previous one has finished, as it would in Redis.

import type { Env, LinkCloseReason } from '../env/env.js';
import { RespClient } from '../protocol/resp-client.js';

/** The most connections kept at once; a new one evicts a random idle entry (MIGRATE_SOCKET_CACHE_ITEMS). */
export const MIGRATE_SOCKET_CACHE_ITEMS = 64;
/** Seconds a connection may stay unused before the cron closes it (MIGRATE_SOCKET_CACHE_TTL). */
export const MIGRATE_SOCKET_CACHE_TTL = 10;
/** How often the cron looks for idle connections, in ms (serverCron's run_with_period(1000)). */
export const MIGRATE_CACHE_CHECK_PERIOD_MS = 1000;

/** One cached connection (migrateCachedSocket). */
export interface MigrateConnection {
  /** `host:port` as given to MIGRATE: the cache key. */
  readonly name: string;
  /** The RESP client on the link. */
  readonly client: RespClient;
  /** The database the target has selected on this connection, or null when unknown (last_dbid = -1). */
  lastDbid: bigint | null;
  /** Unix time in whole seconds of the last use (last_use_time, from server.unixtime). */
  lastUseTime: number;
  /** Why the link closed, once it has; `refused` means the connection attempt itself failed. */
  closeReason: LinkCloseReason | 'protocol' | null;
}

/** The node's MIGRATE connections (server.migrate_cached_sockets). */
export class MigrateConnections {
  private readonly cache = new Map<string, MigrateConnection>();
  /** Migrations waiting for a target that another migration is using, by cache key. */
  private readonly queues = new Map<string, (() => void)[]>();
  private lastCheck = 0;
  private closedForGood = false;

  constructor(private readonly env: Env) {}

  /** Number of cached connections (INFO `migrate_cached_sockets`). */
  get size(): number {
    return this.cache.size;
  }

  /** Whether a connection to `host:port` is cached. */
  has(host: string, port: string): boolean {
    return this.cache.has(_name(host, port));
  }

  /**
   * Runs `task` once no other migration uses `host:port`: at once if the target is free, else after the ones before
   * it have called `release`.
   */
  acquire(host: string, port: string, task: () => void): void {
    const name = _name(host, port);
    const queue = this.queues.get(name);
    if (queue !== undefined) {
      queue.push(task);
      return;
    }
    this.queues.set(name, []);
    task();
  }

  /** Ends a migration's use of `host:port` and starts the next one waiting for it. */
  release(host: string, port: string): void {
    const name = _name(host, port);
    const queue = this.queues.get(name);
    if (queue === undefined) return;
    const next = queue.shift();
    if (next === undefined) this.queues.delete(name);
    else next();
  }

  /**
   * The cached connection to `host:port`, or a new one (migrateGetSocket). `port` is the argument's text, read like
   * atoi. Redis's connect only fails outright when the address does not resolve (`unresolvable`: a negative port, a
   * malformed IPv4 literal); a refusal shows up later, when the first write fails — `refused` here when there is no
   * TCP port to try at all (port 0), as a link closed with `refused` otherwise.
   */
  get(host: string, port: string): MigrateConnection | 'unresolvable' | 'refused' {
    const name = _name(host, port);
    const nowSeconds = Math.floor(this.env.now() / 1000);
    const cached = this.cache.get(name);
    if (cached !== undefined) {
      cached.lastUseTime = nowSeconds;
      return cached;
    }
    const portNumber = _atoi(port);
    if (portNumber < 0 || !_resolvable(host)) return 'unresolvable';
    // getaddrinfo takes the number as given and the port field keeps its low 16 bits (htons).
    const tcpPort = portNumber % 65536;
    if (tcpPort === 0 || this.closedForGood) return 'refused';
    if (this.cache.size >= MIGRATE_SOCKET_CACHE_ITEMS) this._evictRandom();
    let client: RespClient;
    try {
      client = new RespClient(this.env.net.connect(host, tcpPort));
    } catch {
      return 'refused';
    }
    const conn: MigrateConnection = { name, client, lastDbid: null, lastUseTime: nowSeconds, closeReason: null };
    // Record the reason before the client fails its waiting callbacks, so they can tell a refusal from a lost link.
    const link = client.link;
    const inner = link.onClose;
    link.onClose = (reason) => {
      conn.closeReason ??= reason;
      inner?.(reason);
    };
    this.cache.set(name, conn);
    return conn;
  }

  /** Closes and forgets the connection to `host:port`, if cached (migrateCloseSocket). */
  close(host: string, port: string): void {
    const name = _name(host, port);
    const conn = this.cache.get(name);
    if (conn === undefined) return;
    this.cache.delete(name);
    conn.closeReason ??= 'closed';
    conn.client.close();
  }

  /**
   * Closes connections unused for more than MIGRATE_SOCKET_CACHE_TTL seconds (migrateCloseTimedoutSockets); call it
   * from the node's cron: it acts at most once per MIGRATE_CACHE_CHECK_PERIOD_MS.
   */
  cron(now: number): void {
    if (this.cache.size === 0 || now - this.lastCheck < MIGRATE_CACHE_CHECK_PERIOD_MS) return;
    this.lastCheck = now;
    const nowSeconds = Math.floor(now / 1000);
    for (const conn of [...this.cache.values()]) {
      if (this.queues.has(conn.name)) continue; // in use: Redis's cron never sees a socket mid-MIGRATE
      if (nowSeconds - conn.lastUseTime > MIGRATE_SOCKET_CACHE_TTL) {
        this.cache.delete(conn.name);
        conn.client.close();
      }
    }
  }

  /** Closes every connection and opens no more (the node is shutting down). */
  closeAll(): void {
    this.closedForGood = true;
    for (const conn of [...this.cache.values()]) {
      this.cache.delete(conn.name);
      conn.closeReason ??= 'closed';
      conn.client.close();
    }
    this.queues.clear();
  }

  // --- internal ---

  /** Drops one random idle connection to make room (dictGetRandomKey in migrateGetSocket). */
  private _evictRandom(): void {
    const idle = [...this.cache.values()].filter((conn) => !this.queues.has(conn.name));
    if (idle.length === 0) return;
    const victim = idle[Math.floor(this.env.random() * idle.length)]!;
    this.cache.delete(victim.name);
    victim.client.close();
  }
}

/** The cache key: host and port joined by ':' exactly as the arguments were written. */
function _name(host: string, port: string): string {
  return `${host}:${port}`;
}

/**
 * Whether getaddrinfo could resolve `host` without a lookup failing: not empty, and when it is made of digits and
 * dots only, a valid inet_aton literal (1 to 4 parts, the last one filling the remaining bytes). Names that do not
 * resolve cannot be told from refusals here; they count as resolvable.
 */
function _resolvable(host: string): boolean {
  if (host.length === 0) return false;
  if (!/^[0-9.]+$/.test(host)) return true;
  const parts = host.split('.');
  if (parts.length > 4 || parts.some((p) => p.length === 0 || p.length > 10)) return false;
  const values = parts.map(Number);
  const last = values.pop()!;
  return values.every((v) => v <= 255) && last < 2 ** (8 * (4 - values.length));
}

/** C's atoi: optional leading whitespace and sign, then digits up to the first non-digit; 0 when there are none. */
function _atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (m === null) return 0;
  const digits = m[2]!.length > 12 ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  return m[1] === '-' ? -digits : digits;
}
