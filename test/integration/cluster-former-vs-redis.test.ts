// The core's cluster former, run on real sockets against real Redis 7.0.15 nodes: it must form a cluster that real
// `redis-cli --cluster check` accepts, exactly as `redis-cli --cluster create` would have.

import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ClusterFormError,
  startClusterFormer,
  type FormClusterOptions,
  type FormedCluster,
  type FormerTarget,
} from '../../src/cluster/cluster-former.js';
import { LinkSet } from '../../src/runtime/tcp-link.js';
import { RespClient, freePort, startRealRedis, type ProcessServer } from '../helpers/servers.js';

/** Runs the former over real TCP with wall-clock timers. */
function form(targets: FormerTarget[], options: FormClusterOptions): Promise<FormedCluster | ClusterFormError> {
  const links = new LinkSet();
  return new Promise((resolve) => {
    startClusterFormer(
      {
        net: links.network(),
        schedule: (ms, task) => {
          const t = setTimeout(task, ms);
          return { cancel: () => clearTimeout(t) };
        },
      },
      targets,
      options,
      (result) => {
        links.destroyAll();
        resolve(result);
      },
    );
  });
}

describe('cluster former against real Redis', () => {
  let servers: ProcessServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });

  async function startNodes(count: number): Promise<FormerTarget[]> {
    const targets: FormerTarget[] = [];
    for (let i = 0; i < count; i++) {
      const busPort = await freePort();
      const server = await startRealRedis(['--cluster-enabled', 'yes', '--cluster-port', String(busPort)]);
      servers.push(server);
      targets.push({ host: '127.0.0.1', port: server.port, busPort });
    }
    return targets;
  }

  it('forms 3 masters with 1 replica each; redis-cli --cluster check agrees', async () => {
    const targets = await startNodes(6);
    const result = await form(targets, { replicas: 1, joinDelayMs: 100, pollMs: 100, timeoutMs: 20_000 });
    if (result instanceof ClusterFormError) throw result;
    expect(result.nodes.map((n) => n.role)).toEqual(['master', 'master', 'master', 'replica', 'replica', 'replica']);
    expect(result.nodes[0]!.slots).toEqual([{ first: 0, last: 5460 }]);
    expect(result.nodes[3]!.masterId).toBe(result.nodes[2]!.id);
    const check = spawnSync('redis-cli', ['--cluster', 'check', `127.0.0.1:${targets[0]!.port}`], { encoding: 'utf8' });
    expect(check.stdout).toContain('[OK] All 16384 slots covered.');
    expect(check.status, check.stdout).toBe(0);
    const client = await RespClient.connect(targets[4]!.port);
    expect(await client.run('CLUSTER', 'INFO')).toMatch(/cluster_state:ok\r\n.*cluster_known_nodes:6\r\n/s);
    client.socket.destroy();
  });

  it('refuses a node that is not empty, with redis-cli wording', async () => {
    const targets = await startNodes(3);
    // A node that already knows another is not empty (redis-cli checks cluster_known_nodes:1).
    const client = await RespClient.connect(targets[1]!.port);
    expect(await client.run('CLUSTER', 'MEET', '127.0.0.1', targets[2]!.port, targets[2]!.busPort!)).toBe('OK');
    client.socket.destroy();
    const result = await form(targets, { replicas: 0, timeoutMs: 5000 });
    expect(result).toBeInstanceOf(ClusterFormError);
    expect((result as Error).message).toBe(
      `[ERR] Node 127.0.0.1:${targets[1]!.port} is not empty. Either the node already knows other nodes (check with ` +
        'CLUSTER NODES) or contains some key in database 0.',
    );
  });

  it('refuses a standalone node and an address where nobody listens', async () => {
    const standalone = await startRealRedis();
    servers.push(standalone);
    const targets = await startNodes(2);
    const notCluster = await form([{ host: '127.0.0.1', port: standalone.port }, ...targets], { replicas: 0 });
    expect((notCluster as Error).message).toBe(
      `[ERR] Node 127.0.0.1:${standalone.port} is not configured as a cluster node.`,
    );
    const nobody = await freePort();
    const refused = await form([...targets, { host: '127.0.0.1', port: nobody }], { replicas: 0 });
    expect((refused as Error).message).toBe(`Could not connect to Redis at 127.0.0.1:${nobody}: Connection refused`);
  });
});
