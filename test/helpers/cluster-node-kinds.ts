// One cluster-enabled node of either kind (real redis-server or redis-sim), and replies with node ids and ports
// masked, for tests that run the same scenario on both kinds and compare what they answer.

import { toPlain } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { type ClientPool, type RespClient, startRealClusterRedis, startSimServer } from './servers.js';

/** A running cluster-enabled node: its ports, its node id and a client connected to it. */
export interface ClusterNodeHandle {
  port: number;
  busPort: number;
  id: string;
  client: RespClient;
}

/** Starts a lone cluster-enabled node of the given kind; its stop is pushed on `cleanups`, its client on `pool`. */
export async function startClusterNodeOfKind(
  kind: 'real' | 'sim',
  pool: ClientPool,
  cleanups: (() => Promise<void>)[],
): Promise<ClusterNodeHandle> {
  let port: number;
  let busPort: number;
  if (kind === 'real') {
    const server = await startRealClusterRedis();
    cleanups.push(() => server.stop());
    ({ port, busPort } = server);
  } else {
    const server = await startSimServer([['cluster-enabled', ['yes']]]);
    cleanups.push(() => server.stop());
    port = server.port;
    busPort = server.server.busPort!;
  }
  const client = await pool.connect({ port });
  const id = String(toPlain(await client.call('CLUSTER', 'MYID')));
  return { port, busPort, id, client };
}

/**
 * A reply as a plain tree keeping RESP types, with each `[from, to]` replacement applied in order to every string,
 * and integers equal to a key of `ints` replaced by its placeholder.
 */
export function maskReply(
  reply: Reply,
  replacements: readonly (readonly [string, string])[],
  ints: ReadonlyMap<number, string> = new Map(),
): unknown {
  const text = (v: string) => replacements.reduce((s, [from, to]) => s.replaceAll(from, to), v);
  const walk = (r: Reply): unknown => {
    switch (r.t) {
      case 'simple':
      case 'error':
      case 'bulk':
      case 'verbatim':
        return { t: r.t, s: text(r.s) };
      case 'int':
        return { t: r.t, n: ints.get(Number(r.n)) ?? Number(r.n) };
      case 'array':
      case 'set':
      case 'push':
      case 'map':
        return { t: r.t, items: r.items.map(walk) };
      default:
        return r;
    }
  };
  return walk(reply);
}
