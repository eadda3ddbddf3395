// Clients blocked on keys (blocked.c): BLPOP and friends park the client here until another command makes one of
// its keys ready, its timeout fires, or CLIENT UNBLOCK releases it. Waiters on a key are served first come, first
// served, and only after the command that readied the key has finished (handleClientsBlockedOnKeys).

import type { TimerHandle } from '../env/env.js';
import { error, sequence, type Reply } from '../protocol/reply.js';
import type { ClientSession } from './client-session.js';
import { CommandError } from './errors.js';
import type { Database } from './database.js';

/** What a blocking command leaves behind while it waits. */
export interface BlockSpec {
  /** The database the keys live in. */
  db: Database;
  /** Keys whose change may let the client proceed. */
  keys: readonly string[];
  /** Absolute deadline in ms, or 0 to wait forever. */
  deadline: number;
  /**
   * Tries to complete the command now: returns its reply, or null to keep waiting. Propagates what it changes.
   * `key` is the key that became ready: Redis serves a client from the key whose readiness woke it.
   */
  tryServe(key: string): Reply | null;
  /** The reply on timeout: a null array (BLPOP, BZPOPMIN, and in 7.0.15 BLMOVE/BRPOPLPUSH too). */
  timeoutReply: Reply;
}

/** The reply a handler returns when it parked its client: nothing is sent until the client is released. */
export const BLOCKED: Reply = sequence([]);

interface Waiter {
  client: ClientSession;
  spec: BlockSpec;
  timer: TimerHandle | null;
}

/** The node's blocked clients and ready keys. */
export class BlockingRegistry {
  private readonly byKey = new Map<string, Waiter[]>();
  private readonly byClient = new Map<ClientSession, Waiter>();
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();

  constructor(
    private readonly schedule: (delayMs: number, task: () => void) => TimerHandle,
    private readonly now: () => number,
  ) {}

  /** Number of blocked clients (INFO `blocked_clients`). */
  get size(): number {
    return this.byClient.size;
  }

  /** Every blocked client, in blocking order. */
  clients(): ClientSession[] {
    return [...this.byClient.keys()];
  }

  /** Whether a client is blocked. */
  isBlocked(c: ClientSession): boolean {
    return this.byClient.has(c);
  }

  /**
   * Parks a client and returns BLOCKED for the handler to return — or, for a client that may not block (inside
   * EXEC: CLIENT_DENY_BLOCKING), returns the timeout reply at once.
   */
  block(c: ClientSession, spec: BlockSpec): Reply {
    if (c.denyBlocking) return spec.timeoutReply;
    const waiter: Waiter = { client: c, spec, timer: null };
    if (spec.deadline > 0) {
      waiter.timer = this.schedule(Math.max(0, spec.deadline - this.now()), () =>
        this._release(waiter, spec.timeoutReply),
      );
    }
    for (const key of new Set(spec.keys)) {
      const id = _id(spec.db, key);
      let list = this.byKey.get(id);
      if (list === undefined) this.byKey.set(id, (list = []));
      list.push(waiter);
    }
    this.byClient.set(c, waiter);
    c.hold = 'blocked';
    return BLOCKED;
  }

  /** Notes that a key changed; called for every modification (cheap when nobody waits). */
  keyModified(db: Database, key: string): void {
    if (this.byKey.size === 0) return;
    const id = _id(db, key);
    if (!this.byKey.has(id) || this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push(id);
  }

  /** Serves waiters of ready keys, in readiness order, until no key is ready (serving may ready more keys). */
  serveReady(): void {
    while (this.ready.length > 0) {
      const id = this.ready.shift()!;
      this.readySet.delete(id);
      const waiters = this.byKey.get(id);
      if (waiters === undefined) continue;
      for (const waiter of [...waiters]) {
        if (!this.byClient.has(waiter.client)) continue;
        let reply: Reply | null;
        const node = waiter.client.node;
        node.commandTime = node.now();
        try {
          reply = waiter.spec.tryServe(id.slice(id.indexOf('\0') + 1));
        } catch (e) {
          if (!(e instanceof CommandError)) throw e;
          reply = null; // wrong type: Redis keeps the client blocked
        }
        node.flushPropagation();
        if (reply !== null) this._release(waiter, reply);
      }
    }
  }

  /** Releases a blocked client as CLIENT UNBLOCK does; returns false if it was not blocked. */
  unblock(c: ClientSession, withError: boolean): boolean {
    const waiter = this.byClient.get(c);
    if (waiter === undefined) return false;
    this._release(
      waiter,
      withError ? error('UNBLOCKED client unblocked via CLIENT UNBLOCK') : waiter.spec.timeoutReply,
    );
    return true;
  }

  /** The keys a blocked client waits on (in the order its command named them), or null if it is not blocked. */
  keysOf(c: ClientSession): readonly string[] | null {
    return this.byClient.get(c)?.spec.keys ?? null;
  }

  /** Releases a blocked client with `reply` (a cluster redirection); returns false if it was not blocked. */
  releaseWith(c: ClientSession, reply: Reply): boolean {
    const waiter = this.byClient.get(c);
    if (waiter === undefined) return false;
    this._release(waiter, reply);
    return true;
  }

  /** Forgets a client that disconnected while blocked. */
  drop(c: ClientSession): void {
    const waiter = this.byClient.get(c);
    if (waiter !== undefined) this._forget(waiter);
  }

  // --- internal ---

  private _release(waiter: Waiter, reply: Reply): void {
    this._forget(waiter);
    const c = waiter.client;
    c.reply(reply);
    c.resume();
  }

  private _forget(waiter: Waiter): void {
    waiter.timer?.cancel();
    this.byClient.delete(waiter.client);
    for (const key of new Set(waiter.spec.keys)) {
      const id = _id(waiter.spec.db, key);
      const list = this.byKey.get(id);
      if (list === undefined) continue;
      const i = list.indexOf(waiter);
      if (i !== -1) list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(id);
    }
  }
}

function _id(db: Database, key: string): string {
  return `${db.id}\0${key}`;
}
