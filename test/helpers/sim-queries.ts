// Questions unit tests ask the nodes of a simulation, each through a fresh client: a command's plain reply, a flat
// field/value reply as a record, and an INFO section as a record.

import { toPlain } from '../../src/protocol/reply-text.js';
import type { Simulation } from '../../src/sim/simulation.js';

/** Runs a command on node `name` through a fresh client; its reply as plain data (toPlain). */
export function run(sim: Simulation, name: string, ...args: string[]): unknown {
  return toPlain(sim.client(name).run(...args));
}

/** A flat `[field, value, field, value, …]` reply (SENTINEL MASTER, SENTINEL REPLICAS entries) as a record. */
export function fields(entry: unknown): Record<string, string> {
  const flat = entry as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** INFO `section` of node `name` as a record of its `field:value` lines. */
export function info(sim: Simulation, name: string, section = 'replication'): Record<string, string> {
  const text = run(sim, name, 'INFO', section) as string;
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
