// The default workload of Sentinel scenarios: clients that find the master through the Sentinels and RPUSH unique
// elements to a few lists, recording every acknowledged write (and every write whose outcome is unknown) in a ledger.

import { startListAppenders, type ClientWorkloadContext } from '../failover-check/workload.js';
import type { SentinelGroup } from './group.js';
import type { SentinelClient, SentinelClientOptions } from './sentinel-client.js';

/** What a Sentinel workload gets: the context of Sentinel-aware clients, and the group. */
export interface SentinelWorkloadContext extends ClientWorkloadContext<SentinelClient, SentinelClientOptions> {
  readonly group: SentinelGroup;
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
  return (ctx) =>
    startListAppenders(ctx, { clients, keys, intervalMs }, (client, _key, args, done) => client.call(args, done));
}
