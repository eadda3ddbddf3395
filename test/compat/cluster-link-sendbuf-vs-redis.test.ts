// cluster-link-sendbuf-limit on real sockets, redis-sim against real Redis 7.0.15: with one master stopped (SIGSTOP),
// pub/sub traffic piles up in the send buffer of the link to it once the kernels' buffers are full; CLUSTER LINKS
// shows it, and a limit below it makes clusterCron free the link, count it and log it, on both alike. Needs dist/.

import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterInfoFields,
  createClusterOrThrow,
  startKindNodes,
  waitFor,
  waitForClusterOk,
  type NodeKind,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { RespClient } from '../helpers/servers.js';

/** One PUBLISH payload: small enough to pass a reading peer at once, many of them fill a stopped one's buffers. */
const MESSAGE = 'm'.repeat(64 * 1024);

/** The CLUSTER LINKS entry of `from`'s outbound link to the node `to`, as a field → value record. */
async function linkTo(from: NodeProcess, to: string): Promise<Record<string, unknown> | undefined> {
  const links = (await from.run('CLUSTER', 'LINKS')) as unknown[][];
  return links
    .map((flat) => {
      const entry: Record<string, unknown> = {};
      for (let i = 0; i < flat.length; i += 2) entry[String(flat[i])] = flat[i + 1];
      return entry;
    })
    .find((entry) => entry['direction'] === 'to' && entry['node'] === to);
}

/** total_cluster_links_buffer_limit_exceeded of a node. */
async function exceeded(node: NodeProcess): Promise<number> {
  const info = clusterInfoFields(String(await node.run('CLUSTER', 'INFO')));
  return Number(info['total_cluster_links_buffer_limit_exceeded']);
}

describe('cluster-link-sendbuf-limit on real sockets', () => {
  let set: NodeSet | null = null;
  let stoppedPid = 0;
  afterEach(async () => {
    if (stoppedPid !== 0) process.kill(stoppedPid, 'SIGCONT');
    stoppedPid = 0;
    await set?.stop();
    set = null;
  });

  for (const kind of ['real', 'sim'] as NodeKind[]) {
    it(`${kind}: the link to a stopped master is freed, counted and logged once its send buffer passes the limit`, async () => {
      // A long node timeout: the stopped master must not be flagged failing while the test runs.
      set = await startKindNodes(kind, 3, { extraConfig: ['cluster-node-timeout 30000'] });
      const [first, , stopped] = set.nodes as [NodeProcess, NodeProcess, NodeProcess];
      await createClusterOrThrow(set.nodes, 0);
      await waitForClusterOk(first, set.nodes);
      const stoppedId = String(await stopped.run('CLUSTER', 'MYID'));
      const pid = Number(/process_id:(\d+)/.exec(String(await stopped.run('INFO', 'server')))![1]);
      expect(await exceeded(first)).toBe(0);

      process.kill(pid, 'SIGSTOP');
      stoppedPid = pid;
      // No limit yet: publish until more than 8 MB waits in our own send buffer for the stopped node. The margin
      // over the 1 MB limit set below matters: the kernel's send buffer keeps growing for a while (up to tcp_wmem's
      // 4 MB) and takes bytes from ours; were ours to fall far enough, clusterCron would shrink it under the limit.
      const client = await RespClient.connect(first.port);
      try {
        await waitFor(
          async () => {
            await Promise.all(Array.from({ length: 32 }, () => client.call('PUBLISH', 'ch', MESSAGE)));
            const link = await linkTo(first, stoppedId);
            return Number(link?.['send-buffer-used'] ?? 0) > 8 * 1024 * 1024;
          },
          { timeoutMs: 20_000, intervalMs: 1, message: `${kind}: no send buffer piled up` },
        );
      } finally {
        await client.close();
      }
      const piled = (await linkTo(first, stoppedId))!;
      expect(piled['events']).toBe('rw');
      expect(Number(piled['send-buffer-allocated'])).toBeGreaterThanOrEqual(Number(piled['send-buffer-used']));
      expect(await exceeded(first)).toBe(0);

      // A limit below what is pending: the next clusterCron frees that link, counts it and logs it.
      expect(await first.run('CONFIG', 'SET', 'cluster-link-sendbuf-limit', '1mb')).toBe('OK');
      await waitFor(async () => (await exceeded(first)) >= 1, { message: `${kind}: link not freed` });
      const freed = new RegExp(
        `^\\d+:M .* # Freeing cluster link\\(to node ${stoppedId}, used memory: (\\d+)\\) due to exceeding send ` +
          'buffer memory limit\\.$',
        'm',
      );
      await waitFor(() => freed.test(first.output()), { message: `${kind}: no log line` });
      expect(Number(freed.exec(first.output())![1])).toBeGreaterThan(1024 * 1024);
      const fresh = await linkTo(first, stoppedId);
      if (fresh !== undefined) expect(Number(fresh['create-time'])).toBeGreaterThan(Number(piled['create-time']));

      process.kill(pid, 'SIGCONT');
      stoppedPid = 0;
      await waitForClusterOk(first, set.nodes);
    }, 60_000);
  }
});
