// Command family — MIGRATE (cluster.c migrateCommand): moves keys to another Redis-protocol server as DUMP payloads
// sent with RESTORE (RESTORE-ASKING in cluster mode), then deletes them here unless COPY, propagating a DEL.
//
// Redis blocks its whole event loop on the target's socket, so no other client can touch a key while it moves;
// redis-cli's reshard relies on that (a key written mid-transfer would exist on both nodes and the next MIGRATE would
// fail with BUSYKEY). Here the node keeps running timers, the cluster bus and replication, but every other client is
// held by a `migrate` pause until the reply is in (replicas excepted, as with any pause); the replies, the retry rule
// and the error texts are Redis's. Should the pause's bound run out first, a key written meanwhile no longer holds
// what was sent and is kept. Inside MULTI/EXEC, where nothing may wait, a MIGRATE that would have to talk to the
// target is refused (after the same argument checks and `+NOKEY` answer Redis gives).

import type { TimerHandle } from '../../env/env.js';
import { OK, simple, type ErrorReply, type Reply } from '../../protocol/reply.js';
import { keyword, parseInt64 } from '../args.js';
import { BLOCKED } from '../blocking.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import type { Database } from '../database.js';
import { Errors } from '../errors.js';
import type { MigrateConnection } from '../migrate-connections.js';
import type { RedisNode } from '../node.js';
import { readValue } from '../strings/lookup.js';
import { dumpValue } from './dump-restore.js';

/** What a MIGRATE request asks for, once its arguments are parsed. */
export interface MigrateRequest {
  readonly host: string;
  /** The port argument's text (the connection cache keys on it; it is read like atoi). */
  readonly port: string;
  readonly dbid: bigint;
  /** Milliseconds for each wait on the target; 0 or less means 1000. */
  readonly timeout: number;
  readonly copy: boolean;
  readonly replace: boolean;
  readonly username: string | null;
  readonly password: string | null;
  /** The keys named, present or not. */
  readonly keys: readonly string[];
}

/** The `+NOKEY` status MIGRATE answers when none of its keys exists. */
export const NOKEY = simple('NOKEY');

/** Parses MIGRATE's arguments with migrateCommand's checks in its order; returns the error reply for bad ones. */
export function parseMigrate(args: readonly string[]): MigrateRequest | ErrorReply {
  let copy = false;
  let replace = false;
  let username: string | null = null;
  let password: string | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < args.length; j++) {
    const more = args.length - 1 - j;
    const option = keyword(args[j]!);
    if (option === 'copy') {
      copy = true;
    } else if (option === 'replace') {
      replace = true;
    } else if (option === 'auth') {
      if (more < 1) return Errors.syntax();
      password = args[++j]!;
    } else if (option === 'auth2') {
      if (more < 2) return Errors.syntax();
      username = args[++j]!;
      password = args[++j]!;
    } else if (option === 'keys') {
      if (args[3]!.length !== 0) return Errors.migrateKeysNeedEmptyKey();
      firstKey = j + 1;
      numKeys = args.length - j - 1;
      break;
    } else {
      return Errors.syntax();
    }
  }
  // getLongFromObjectOrReply: the timeout is checked before the database number.
  const timeout = parseInt64(args[5]!);
  if (timeout === null) return Errors.notInteger();
  const dbid = parseInt64(args[4]!);
  if (dbid === null) return Errors.notInteger();
  return {
    host: args[1]!,
    port: args[2]!,
    dbid,
    timeout: timeout <= 0n ? 1000 : Number(timeout),
    copy,
    replace,
    username,
    password,
    keys: args.slice(firstKey, firstKey + numKeys),
  };
}

/** The MIGRATE family's handlers by command name. */
export const migrateCommands: CommandFamily = {
  migrate(c, args) {
    const request = parseMigrate(args);
    if ('t' in request) return request;
    // lookupKeyRead for each key: hits, misses and expiry as Redis counts them; only present keys travel.
    const items: _Item[] = [];
    for (const key of request.keys) {
      const value = readValue(c, key);
      if (value === undefined) continue;
      const expiry = c.db.lookup(key)!.expiry;
      items.push({ key, payload: dumpValue(c, value), expireAt: expiry });
    }
    if (items.length === 0) return NOKEY;
    if (c.denyBlocking) return Errors.migrateInTransaction();
    const migration = new _Migration(c, request, items);
    c.node.migrateConnections.acquire(request.host, request.port, () => migration.attempt());
    return migration.handlerReply();
  },
};

// --- internal ---

/** One key on its way: the payload sent and the absolute expiry it had (0 for none). */
interface _Item {
  readonly key: string;
  readonly payload: string;
  readonly expireAt: number | bigint;
}

/**
 * One MIGRATE in flight, following migrateCommand from `try_again` on: it may run twice, because a failure before the
 * first RESTORE reply (a cached connection the target had closed) is retried once on a fresh connection.
 */
class _Migration {
  private readonly node: RedisNode;
  private readonly db: Database;
  /** True until the handler returns: a reply decided by then is returned, not delivered later. */
  private inHandler = true;
  /** The reply decided before the handler returned (an unusable port). */
  private early: Reply | null = null;
  private deliver: ((reply: Reply) => void) | null = null;
  private mayRetry = true;
  private attemptId = 0;
  private finished = false;

  constructor(
    private readonly c: ClientSession,
    private readonly request: MigrateRequest,
    private readonly items: readonly _Item[],
  ) {
    this.node = c.node;
    this.db = c.db;
  }

  /** What the handler returns: the reply if it is already known, else BLOCKED with the client held until it is. */
  handlerReply(): Reply {
    this.inHandler = false;
    if (this.early !== null) return this.early;
    this.deliver = this.c.deferReply();
    // Every wait on the target is bounded by the timeout and one retry is allowed: the pause cannot outlive that.
    const waitMs = this.request.timeout > 0 ? this.request.timeout : 1000;
    this.node.pauseClients(this.node.now() + 2 * waitMs * Math.max(1, this.items.length) + 1000, false, 'migrate');
    return BLOCKED;
  }

  /** Sends AUTH, SELECT and the RESTOREs pipelined, then reads their replies in order (migrateCommand's try_again). */
  attempt(): void {
    const { host, port, dbid, password, username, replace } = this.request;
    const conn = this.node.migrateConnections.get(host, port);
    if (conn === 'unresolvable') return this._finish(Errors.migrateConnect());
    if (conn === 'refused') return this._writeFailed();
    const id = ++this.attemptId;
    const client = conn.client;
    const select = conn.lastDbid !== dbid;
    const restoreName = this.node.cluster !== null ? 'RESTORE-ASKING' : 'RESTORE';
    const now = this.node.now();
    const sent: _Item[] = [];
    const restores: string[][] = [];
    for (const item of this.items) {
      let ttl = 0n;
      if (item.expireAt !== 0) {
        ttl = BigInt(item.expireAt) - BigInt(Math.trunc(now));
        if (ttl < 0n) continue;
        if (ttl < 1n) ttl = 1n;
      }
      sent.push(item);
      restores.push([restoreName, item.key, String(ttl), item.payload, ...(replace ? ['REPLACE'] : [])]);
    }

    const state: _AttemptState = {
      conn,
      select,
      authReply: null,
      selectReply: null,
      read: 0,
      errorFromTarget: null,
      acked: [],
      timer: null,
      toSelf: false,
    };
    const current = (): boolean => id === this.attemptId && !this.finished;
    const armTimer = (): void => {
      state.timer?.cancel();
      state.timer = this.node.env.schedule(this.request.timeout, () => {
        if (current()) this._socketError(state, true);
      });
    };
    armTimer();

    // Each reply is read in order; a null reply means the link went away before it came (connSyncReadLine <= 0).
    if (password !== null) {
      client.send(username !== null ? ['AUTH', username, password] : ['AUTH', password], (reply) => {
        if (!current()) return;
        if (reply === null) return this._socketError(state, false);
        state.authReply = reply;
        armTimer();
        if (!select && restores.length === 0) this._complete(state);
      });
    }
    if (select && current()) {
      client.send(['SELECT', String(dbid)], (reply) => {
        if (!current()) return;
        if (reply === null) return this._socketError(state, false);
        state.selectReply = reply;
        armTimer();
        if (restores.length === 0) this._complete(state);
      });
    }
    restores.forEach((args, j) => {
      if (!current()) return; // a reply already failed on a dead cached connection, and a retry took over
      client.send(args, (reply) => {
        if (!current() || state.toSelf) return;
        if (reply === null) return this._socketError(state, false);
        if (j === 0 && this._isSelf(conn)) {
          // Redis, migrating to itself, cannot serve its own RESTOREs until MIGRATE gives up: it times out and
          // deletes nothing. Here they were served at once; ignore their replies and let the timer answer.
          state.toSelf = true;
          return;
        }
        armTimer();
        state.read++;
        const failed = _errorText(state.authReply) ?? _errorText(state.selectReply) ?? _errorText(reply);
        if (failed !== null) {
          // On an error the selected database is no longer known: SELECT again next time.
          if (state.errorFromTarget === null) {
            conn.lastDbid = null;
            state.errorFromTarget = failed;
          }
        } else if (!this.request.copy) {
          state.acked.push(sent[j]!);
        }
        if (j === restores.length - 1) this._complete(state);
      });
    });
    if (current() && password === null && !select && restores.length === 0) this._complete(state);
  }

  // --- internal ---

  /** Whether the connection leads back to this node: one of its clients is the other end of the link. */
  private _isSelf(conn: MigrateConnection): boolean {
    const local = conn.client.link.localAddress;
    if (local === '') return false;
    for (const other of this.node.clients.values()) if (other.connection?.remoteAddress === local) return true;
    return false;
  }

  /** Every reply has been read: answer OK, or the first error the target sent. */
  private _complete(state: _AttemptState): void {
    state.timer?.cancel();
    if (state.errorFromTarget === null) state.conn.lastDbid = this.request.dbid;
    this._deleteAcked(state.acked);
    this._finish(state.errorFromTarget === null ? OK : Errors.migrateTargetError(state.errorFromTarget));
  }

  /**
   * The link failed or a wait timed out (migrateCommand's socket_err paths): before any RESTORE reply and without a
   * timeout, retry once on a new connection; otherwise close the connection, delete what the target acknowledged,
   * and answer with the target's error if one came, else IOERR.
   */
  private _socketError(state: _AttemptState, timedOut: boolean): void {
    state.timer?.cancel();
    const { host, port } = this.request;
    const refused = state.conn.closeReason === 'refused';
    this.attemptId++; // this attempt's other callbacks, failed by the close below, are ignored
    this.node.migrateConnections.close(host, port);
    if (refused) return this._writeFailed();
    if (state.errorFromTarget === null && state.read === 0 && this.mayRetry && !timedOut) {
      this.mayRetry = false;
      return this.attempt();
    }
    this._deleteAcked(state.acked);
    if (state.errorFromTarget !== null) return this._finish(Errors.migrateTargetError(state.errorFromTarget));
    this._finish(Errors.migrateIo('reading'));
  }

  /**
   * Sending failed because the connection was refused: Redis's non-blocking connect reports success, and the refusal
   * surfaces as a write error, retried once on a new connection before IOERR "writing".
   */
  private _writeFailed(): void {
    this.attemptId++;
    this.node.migrateConnections.close(this.request.host, this.request.port);
    if (this.mayRetry && this.node.running) {
      this.mayRetry = false;
      return this.attempt();
    }
    this._finish(Errors.migrateIo('writing'));
  }

  /**
   * Deletes the keys the target acknowledged (dbDelete, the `del` event, dirty) and propagates them as one DEL, as
   * migrateCommand rewrites itself. A key changed by another client meanwhile no longer holds what was sent: it stays.
   */
  private _deleteAcked(acked: readonly _Item[]): void {
    const node = this.node;
    node.commandTime = node.now();
    const deleted: string[] = [];
    for (const item of acked) {
      const entry = this.db.lookup(item.key);
      if (entry === undefined || dumpValue(this.c, entry.value) !== item.payload) continue;
      this.db.delete(item.key);
      node.notify('g', 'del', item.key, this.db.id);
      node.dirty++;
      deleted.push(item.key);
    }
    if (deleted.length === 0) return;
    const offsetBefore = node.replication.masterReplOffset;
    node.propagate(this.db.id, ['DEL', ...deleted]);
    node.flushPropagation();
    // c->woff, as processCommand sets it: a WAIT after this MIGRATE waits for the DEL to reach the replicas.
    if (node.replication.masterReplOffset !== offsetBefore) this.c.woff = node.replication.masterReplOffset;
  }

  /**
   * Lets the next migration to the target start, then answers: inside the handler by returning the reply, later by
   * delivering it to the held client and counting an error the way call() would have.
   */
  private _finish(reply: Reply): void {
    if (this.finished) return;
    this.finished = true;
    this.node.migrateConnections.release(this.request.host, this.request.port);
    if (this.inHandler) {
      this.early = reply;
      return;
    }
    if (reply.t === 'error') {
      this.node.commands.get('migrate')!.stats.failedCalls++;
      this.node.countError(reply.s);
    }
    const deliver = this.deliver;
    this.deliver = null;
    deliver?.(reply);
    // Only now do the others run: as in Redis, the migrating client's own pipelined requests come first (they are
    // held by this pause and resume first, in client order), and a MIGRATE among them pauses everyone again.
    this.node.unpause('migrate');
  }
}

/** What one attempt has read so far. */
interface _AttemptState {
  readonly conn: MigrateConnection;
  readonly select: boolean;
  authReply: Reply | null;
  selectReply: Reply | null;
  /** RESTORE replies read. */
  read: number;
  /** The first error the target replied with (without its '-'), or null. */
  errorFromTarget: string | null;
  /** Items whose RESTORE succeeded, to delete unless COPY. */
  acked: _Item[];
  timer: TimerHandle | null;
  /** The target turned out to be this very node. */
  toSelf: boolean;
}

/** The text of an error reply, or null for any other reply (Redis only checks for a leading '-'). */
function _errorText(reply: Reply | null): string | null {
  return reply !== null && reply.t === 'error' ? reply.s : null;
}
