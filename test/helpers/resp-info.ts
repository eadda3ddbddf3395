// INFO over RESP for tests that compare redis-sim with real Redis: a section as ordered pairs or as a record, the
// replicas a master counts online, and values masked so that only names, order and formats are compared.

import type { RespClient } from './servers.js';

/** INFO <section> as ordered [name, value] pairs. */
export async function infoPairs(c: RespClient, section: string): Promise<[string, string][]> {
  const text = (await c.run('INFO', section)) as string;
  return text
    .split('\r\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1)];
    });
}

/** INFO <section> (default replication) as a record. */
export async function info(c: RespClient, section = 'replication'): Promise<Record<string, string>> {
  return Object.fromEntries(await infoPairs(c, section));
}

/** connected_slaves counting only online ones, so a replica mid-sync does not count. */
export async function onlineReplicas(c: RespClient): Promise<number> {
  const i = await info(c);
  return Object.keys(i).filter((k) => /^slave\d+$/.test(k) && i[k]!.includes('state=online')).length;
}

/** INFO values with digits and hex ids masked, so only names, order and formats are compared. */
export function masked(pairs: [string, string][]): [string, string][] {
  return pairs.map(([k, v]) => [k, v.replace(/[0-9a-f]{40}/g, '<id>').replace(/[0-9]+(\.[0-9]+)?/g, 'N')]);
}
