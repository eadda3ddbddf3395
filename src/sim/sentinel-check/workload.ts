// The default workload of Sentinel scenarios: clients that find the master through the Sentinels and RPUSH unique
// elements to a few lists, recording every acknowledged write (and every write whose outcome is unknown) in a ledger.

import type { Prng } from '../prng.js';
import type { Simulation } from '../simulation.js';
import { WriteLedger } from '../failover-check/workload.js';
import type { SentinelGroup } from './group.js';
import { SentinelClient, type SentinelClientOptions } from './sentinel-client.js';

/** What a workload gets: the world, the group, a random stream, the ledger and clients. */
export interface SentinelWorkloadContext {
  readonly sim: Simulation;
  readonly group: SentinelGroup;
  /** The workload's own random stream (forked from the simulation seed). */
  readonly rng: Prng;
  /** Where acknowledged, unknown and failed writes go. */
  readonly ledger: WriteLedger;
  /** Whether new operations may still start. */
  active(): boolean;
  /** A new Sentinel-aware client. */
  client(options?: Partial<SentinelClientOptions>): SentinelClient;
}

/** A workload: schedules its operations on the simulation and records writes in ctx.ledger. */
export type SentinelWorkload = (ctx: SentinelWorkloadContext) => void;

/** Options for appendWorkload. */
export interface AppendWorkloadOptions {
  /** Concurrent clients, each with one operation in flight (default 2). */
  readonly clients?: number;
  /** Lists written (default 8). */
  readonly keys?: number;
  /** Mean pause between one client's operations, in virtual ms (default 40). */
  readonly intervalMs?: number;
}

/** Clients RPUSH unique elements `<client>-<n>` to lists `list:<k>`; each acknowledged element must be read back. */
export function appendWorkload(options: AppendWorkloadOptions = {}): SentinelWorkload {
  const clients = options.clients ?? 2;
  const keys = options.keys ?? 8;
  const intervalMs = options.intervalMs ?? 40;
  return (ctx) => {
    for (let c = 0; c < clients; c++) {
      const client = ctx.client({ name: `w${c + 1}` });
      let seq = 0;
      const step = (): void => {
        if (!ctx.active()) return;
        const key = `list:${ctx.rng.nextInt(keys)}`;
        const element = `${client.name}-${++seq}`;
        client.call(['RPUSH', key, element], (outcome) => {
          ctx.ledger.record(key, 'list', element, outcome);
          ctx.sim.schedule(1 + ctx.rng.nextInt(intervalMs * 2), step);
        });
      };
      ctx.sim.schedule(ctx.rng.nextInt(intervalMs + 1), step);
    }
  };
}
