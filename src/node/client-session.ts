// One client connection's state and request loop: parse, dispatch, encode, flush. Mirrors the parts of Redis's
// `client` struct that are visible to users (CLIENT LIST fields, MULTI, RESP version, reply mode, db).

import { OutputBuffer } from '../protocol/output-buffer.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { encodeReply, type RespVersion } from '../protocol/reply-encoder.js';
import { error, type Reply } from '../protocol/reply.js';
import { RequestParser } from '../protocol/request-parser.js';
import type { Command } from './command-table.js';
import type { Connection } from './connection.js';
import type { Database } from './database.js';
import { processCommand } from './dispatch.js';
import type { RedisNode } from './node.js';
import type { ReplicaPeer } from './replication/master-side.js';

/** A queued transaction (MULTI … EXEC). */
export interface MultiState {
  readonly queue: { command: Command; args: string[] }[];
  /** A command was rejected while queuing, so EXEC must answer EXECABORT. */
  aborted: boolean;
}

/** One WATCHed key; `expired` records that it was already logically expired when watched (watchForKey). */
export interface WatchedKey {
  readonly db: Database;
  readonly key: string;
  expired: boolean;
}

/** CLIENT REPLY mode. */
export type ReplyMode = 'on' | 'off' | 'skip';

/**
 * Why a session is not reading requests right now: CLIENT PAUSE, a blocking command, or a command whose reply waits
 * for something outside the node (`waiting`: MIGRATE's target; not a blocked client in INFO or CLIENT LIST).
 */
export type Hold = 'none' | 'paused' | 'blocked' | 'waiting';

/** A connected client. The session is also the context every command handler receives. */
export class ClientSession {
  readonly id: number;
  readonly createdAt: number;
  name = '';
  resp: RespVersion = 2;
  db: Database;
  authenticated: boolean;
  multi: MultiState | null = null;
  /** WATCHed keys by `db\0key`; `watchDirty` is set when one of them changes (CLIENT_DIRTY_CAS). */
  readonly watched = new Map<string, WatchedKey>();
  watchDirty = false;
  replyMode: ReplyMode = 'on';
  /** Set by CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNext = false;
  /** Whether the running command's replies are dropped (CLIENT_REPLY_SKIP, armed by the previous command's skipNext). */
  private skipping = false;
  noEvict = false;
  /** CLIENT LIST `cmd=`: the last command run, as `name` or `container|sub`. */
  lastCommand = 'NULL';
  lastInteraction: number;
  /** Subscribed channels, patterns and shard channels (CLIENT LIST `sub=`/`psub=`/`ssub=`). */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Rewritten arguments to propagate to AOF/replicas instead of the request (rewriteClientCommandVector). */
  propagateAs: string[] | null = null;
  /**
   * Commands to propagate instead of the request, in order (alsoPropagate after preventCommandPropagation, as SPOP
   * with a count does); more than one are wrapped in MULTI/EXEC like propagatePendingCommands.
   */
  propagateAlso: string[][] | null = null;
  /** Set by a handler whose command must be propagated even when it changed nothing (forceCommandPropagation). */
  forcePropagation = false;
  closing = false;
  hold: Hold = 'none';
  /** Set while EXEC runs queued commands: blocking commands must answer at once (CLIENT_DENY_BLOCKING). */
  denyBlocking = false;
  /** What REPLCONF/PSYNC made of this client as a replica of this node (CLIENT_SLAVE once attached), or null. */
  replicaPeer: ReplicaPeer | null = null;
  /** Whether this is the link to our master, applying its stream (CLIENT_MASTER). */
  isMaster = false;
  /** ASKING was sent: the next command may use a slot this node is importing (CLIENT_ASKING). */
  asking = false;
  /** READONLY mode: a cluster replica serves reads of its master's slots (CLIENT_READONLY). */
  readOnly = false;
  /** The replication offset right after this client's last propagated write (c->woff), for WAIT. */
  woff = 0;

  private readonly parser: RequestParser;
  private readonly out = new OutputBuffer();
  /** A parsed request waiting for a CLIENT PAUSE to end. */
  private pending: string[] | null = null;
  private closed = false;
  inputBytes = 0;
  outputBytes = 0;

  constructor(
    readonly node: RedisNode,
    readonly connection: Connection | null,
    id: number,
  ) {
    this.id = id;
    this.createdAt = node.now();
    this.lastInteraction = this.createdAt;
    this.db = node.databases[0]!;
    this.authenticated = !node.authRequired();
    this.parser = new RequestParser({
      maxBulkLength: () => node.config.getNumber('proto-max-bulk-len'),
      authRequired: () => !this.authenticated,
    });
  }

  /** The (cached) time the current command runs at. */
  get now(): number {
    return this.node.commandTime;
  }

  /** Whether this client is a pub/sub subscriber (RESP2 subscribed mode). */
  get subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** Feeds bytes received from the connection and runs every complete request in them. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.inputBytes += chunk.length;
    // The master link's bytes count as replication input (stat_net_repl_input_bytes), counted by replication.
    if (!this.isMaster) this.node.stats.netInputBytes += chunk.length;
    this.parser.push(chunk);
    const now = this.node.now();
    this.lastInteraction = now;
    this.processInput(now);
  }

  /**
   * Runs buffered requests until the input runs dry or the client is held (paused, blocked) or closing. `receivedAt`
   * is the clock reading `receive` already took: the first request runs at it, so the clock is read once per request.
   */
  processInput(receivedAt?: number): void {
    let now = receivedAt;
    try {
      while (!this.closing && this.hold === 'none') {
        const args = this.pending ?? this.parser.next();
        this.pending = null;
        if (args === null) break;
        if (this.node.mustPause(this, args)) {
          this.pending = args;
          this.hold = 'paused';
          break;
        }
        const reply = processCommand(this, args, now);
        now = undefined;
        if (reply !== undefined) this.reply(reply);
        // resetClient: a SKIP requested by this command applies to the next one only.
        this.skipping = this.skipNext;
        this.skipNext = false;
        // resetClient: ASKING lasts for one command, unless inside MULTI or that command was ASKING itself.
        if (this.multi === null && this.lastCommand !== 'asking') this.asking = false;
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.node.logProtocolError(this, e);
      this.reply(error(`ERR ${e.message}`));
      this.closeAfterReply();
    }
    this.flush();
  }

  /** Resumes a client held by CLIENT PAUSE or a blocking command. */
  resume(): void {
    this.hold = 'none';
    this.processInput();
  }

  /**
   * Holds the client while its running command waits for something outside the node (MIGRATE's target). The handler
   * returns BLOCKED; the returned function later sends the reply, under the CLIENT REPLY mode the command ran with,
   * and resumes the client, so its pipelined requests keep their order. Only the first call counts.
   */
  deferReply(): (reply: Reply) => void {
    const dropped = this.replyMode === 'off' || this.skipping;
    this.hold = 'waiting';
    let settled = false;
    return (reply) => {
      if (settled) return;
      settled = true;
      if (!dropped) encodeReply(reply, this.resp, this.out);
      this.resume();
    };
  }

  /** Queues a reply, honouring CLIENT REPLY OFF/SKIP. */
  reply(reply: Reply): void {
    if (this.replyMode === 'off' || this.skipping) return;
    encodeReply(reply, this.resp, this.out);
  }

  /** Sends an out-of-band message now (pub/sub, a blocked client's reply): it bypasses CLIENT REPLY. */
  pushNow(reply: Reply): void {
    encodeReply(reply, this.resp, this.out);
    this.flush();
  }

  /**
   * Queues an out-of-band message, bypassing CLIENT REPLY, without flushing: for pushes made in the middle of a state
   * change, whose sender flushes the client afterwards (clients_pending_write in beforeSleep).
   */
  queuePush(reply: Reply): void {
    if (this.closed) return;
    encodeReply(reply, this.resp, this.out);
  }

  /** Writes bytes as they are, after the replies queued so far (a replica's PSYNC answer, RDB and stream). */
  writeRaw(data: Buffer): void {
    if (this.closed) return;
    // Nothing queued before it: the bytes go as they are, without a copy (an RDB payload can be large).
    let all = data;
    if (this.out.size > 0) {
      this.out.writeBytes(data);
      all = this.out.take();
    }
    this.outputBytes += all.length;
    this.node.replication.stats.netOutputBytes += all.length;
    this.connection?.write(all);
  }

  /** Writes queued replies to the connection. */
  flush(): void {
    if (this.closed) return;
    this.node.beforeReply();
    if (this.out.size > 0) {
      const data = this.out.take();
      this.outputBytes += data.length;
      this.node.stats.netOutputBytes += data.length;
      this.connection?.write(data);
    }
    if (this.closing) this._close();
  }

  /** Closes the connection once the replies queued so far, and the current one, are flushed (CLIENT_CLOSE_AFTER_REPLY). */
  closeAfterReply(): void {
    this.closing = true;
  }

  /** Returns the session to a fresh connection's state (RESET, resetCommand in networking.c). */
  resetState(): void {
    if (this.multi !== null) this.multi = null;
    this.node.unwatchAll(this);
    this.node.unsubscribeAll(this);
    this.db = this.node.databases[0]!;
    this.resp = 2;
    this.name = '';
    this.replyMode = 'on';
    this.skipNext = false;
    this.noEvict = false;
    this.asking = false;
    this.readOnly = false;
    this.authenticated = !this.node.authRequired();
  }

  /** Closes the connection now (CLIENT KILL, shutdown). */
  kill(): void {
    this.closing = true;
    this._close();
  }

  /** Called by the runtime when the peer went away. */
  disconnected(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.node.clientGone(this);
  }

  /** Bytes received but not yet parsed (CLIENT LIST `qbuf=`). */
  get queryBufferLength(): number {
    return this.parser.buffered();
  }

  // --- internal ---

  private _close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection?.close();
    this.node.clientGone(this);
  }
}
