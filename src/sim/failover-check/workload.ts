// Workloads for failover checks: a workload is a function that, given a context, schedules operations through
// redirect-following clients and records every write a master acknowledged (with the master that acked it and the
// slot) in the ledger, so the checkers can later ask whether each one survived.

import { keyHashSlot } from '../../cluster/key-slot.js';
import { formatReply } from '../sim-client.js';
import type { Prng } from '../prng.js';
import type { Simulation } from '../simulation.js';
import { ClusterClient, type ClusterCallOutcome, type ClusterClientOptions } from './cluster-client.js';

/**
 * How a write's effect is read back: an element of a list (LRANGE), a member of a set (SMEMBERS) or sorted set
 * (ZRANGE), a field of a hash (HKEYS), or the whole value of a string written once (GET).
 */
export type Container = 'list' | 'set' | 'zset' | 'hash' | 'string';

/** A write a master acknowledged. */
export interface AckedWrite {
  readonly key: string;
  readonly slot: number;
  readonly container: Container;
  /** The element, member, field or value the write added. */
  readonly element: string;
  /** The simulation node name of the master that replied. */
  readonly node: string;
  /** Virtual time of the acknowledgement. */
  readonly at: number;
}

/** A write whose outcome is unknown (timeout or lost link after sending): it may or may not be there. */
export interface UnknownWrite {
  readonly key: string;
  readonly element: string;
  readonly node: string;
  readonly at: number;
  readonly why: string;
}

/** Every write a workload made, by outcome. */
export class WriteLedger {
  readonly acked: AckedWrite[] = [];
  readonly unknown: UnknownWrite[] = [];
  /** Writes that were refused (an error reply, or the client gave up before any node took them). */
  failed = 0;
  /** Reads that got a reply. */
  reads = 0;
  /** Error replies, by their first word (CLUSTERDOWN, MOVED…), for the report. */
  readonly errors = new Map<string, number>();

  /** Records a write acknowledged by `node`. */
  ack(write: Omit<AckedWrite, 'slot'>): void {
    this.acked.push({ ...write, slot: keyHashSlot(write.key) });
  }

  /** Records an outcome of a write of `element` to `key`: acked, unknown, or failed. */
  record(key: string, container: Container, element: string, outcome: ClusterCallOutcome): void {
    if (outcome.kind === 'reply') {
      if (outcome.reply.t === 'error') {
        this.failed++;
        this._countError(outcome.reply.s);
      } else {
        this.ack({ key, container, element, node: outcome.node, at: outcome.at });
      }
    } else if (outcome.kind === 'unknown') {
      this.unknown.push({ key, element, node: outcome.node, at: outcome.at, why: outcome.why });
    } else {
      this.failed++;
      this._countError(outcome.why);
    }
  }

  // --- internal ---

  private _countError(text: string): void {
    const word = text.split(' ')[0] ?? text;
    this.errors.set(word, (this.errors.get(word) ?? 0) + 1);
  }
}

/** What a workload gets whatever its clients (C, made from options O): the world, a random stream, the ledger and clients. */
export interface ClientWorkloadContext<C, O> {
  readonly sim: Simulation;
  /** The workload's own random stream (forked from the simulation seed). */
  readonly rng: Prng;
  /** Where acknowledged, unknown and failed writes go. */
  readonly ledger: WriteLedger;
  /** Whether new operations may still start. */
  active(): boolean;
  /** A new client. */
  client(options?: Partial<O>): C;
}

/** What a failover workload gets: the context of redirect-following clients, and where they may start. */
export interface WorkloadContext extends ClientWorkloadContext<ClusterClient, ClusterClientOptions> {
  /** Node names clients may start from. */
  readonly seeds: readonly string[];
  /** Virtual time after which no new operation may start (active() is now < endsAt). */
  readonly endsAt: number;
}

/** A workload: schedules its operations on the simulation (sim.schedule) and records writes in ctx.ledger. */
export type Workload = (ctx: WorkloadContext) => void;

/** Options for listAppendWorkload. */
export interface ListAppendOptions {
  /** Concurrent clients, each with one operation in flight (default 3). */
  readonly clients?: number;
  /** Keys written (default 24, spread over every master's slots). */
  readonly keys?: number;
  /** Mean pause between one client's operations, in virtual ms (default 40). */
  readonly intervalMs?: number;
  /** Share of operations that are reads (LRANGE), default 0.2. */
  readonly readShare?: number;
}

/**
 * The default workload, in the manner of Jepsen's Redis tests: clients RPUSH unique elements to a few lists (and read
 * them back now and then); an acknowledged element must be in its list at the end unless its master lost its slots.
 */
export function listAppendWorkload(options: ListAppendOptions = {}): Workload {
  const clients = options.clients ?? 3;
  const keys = options.keys ?? 24;
  const intervalMs = options.intervalMs ?? 40;
  const readShare = options.readShare ?? 0.2;
  return (ctx) =>
    startListAppenders(ctx, { clients, keys, intervalMs, readShare }, (client, key, args, done) =>
      client.call(key, args, done),
    );
}

/** The shape of the list-append loops: how many, over how many lists, how often, and the share of reads. */
export interface ListAppendShape {
  readonly clients: number;
  readonly keys: number;
  readonly intervalMs: number;
  /** Share of operations that are reads (LRANGE); when undefined there are none, and no random draw decides. */
  readonly readShare?: number;
}

/**
 * Starts the list-append clients `w1`, `w2`, …, each with one operation in flight while ctx.active(): RPUSH a unique
 * element `<client>-<n>` to a random list `list:<k>` (recorded in the ledger), or now and then read the list back,
 * then pause 1 to 2×intervalMs virtual ms. `send` sends a command for a key through a client.
 */
export function startListAppenders<C extends { readonly name: string }>(
  ctx: ClientWorkloadContext<C, { readonly name: string }>,
  shape: ListAppendShape,
  send: (client: C, key: string, args: readonly string[], done: (outcome: ClusterCallOutcome) => void) => void,
): void {
  const { keys, intervalMs, readShare } = shape;
  for (let c = 0; c < shape.clients; c++) {
    const client = ctx.client({ name: `w${c + 1}` });
    let seq = 0;
    const step = (): void => {
      if (!ctx.active()) return;
      const key = `list:${ctx.rng.nextInt(keys)}`;
      const next = (): void => {
        ctx.sim.schedule(1 + ctx.rng.nextInt(intervalMs * 2), step);
      };
      if (readShare !== undefined && ctx.rng.nextFloat() < readShare) {
        send(client, key, ['LRANGE', key, '0', '-1'], (outcome) => {
          if (outcome.kind === 'reply' && outcome.reply.t !== 'error') ctx.ledger.reads++;
          next();
        });
        return;
      }
      const element = `${client.name}-${++seq}`;
      send(client, key, ['RPUSH', key, element], (outcome) => {
        ctx.ledger.record(key, 'list', element, outcome);
        next();
      });
    };
    ctx.sim.schedule(ctx.rng.nextInt(intervalMs + 1), step);
  }
}

/** The elements a read-back reply holds for a container (HKEYS fields, ZRANGE members…); [] for nil or errors. */
export function elementsOf(container: Container, reply: ClusterCallOutcome): string[] | null {
  if (reply.kind !== 'reply') return null;
  const r = reply.reply;
  if (r.t === 'error') return null;
  if (container === 'string') return r.t === 'bulk' ? [r.s] : [];
  if (r.t !== 'array' && r.t !== 'set') return r.t === 'nil' || r.t === 'nilarray' ? [] : null;
  return r.items.map((item) => (item.t === 'bulk' ? item.s : formatReply(item)));
}

/** The command that reads a key's elements back for a container. */
export function readBackArgs(container: Container, key: string): string[] {
  switch (container) {
    case 'list':
      return ['LRANGE', key, '0', '-1'];
    case 'set':
      return ['SMEMBERS', key];
    case 'zset':
      return ['ZRANGE', key, '0', '-1'];
    case 'hash':
      return ['HKEYS', key];
    case 'string':
      return ['GET', key];
  }
}
