// Real clients in Sentinel mode against `redis-sim sentinel-server` watching redis-sim servers: node-redis 5's
// createSentinel reads the topology from SENTINEL SENTINELS / MASTER / REPLICAS; ioredis finds the
// master through SENTINEL GET-MASTER-ADDR-BY-NAME and follows it through a SENTINEL FAILOVER (Sentinel's CLIENT KILL
// drops its connection; it asks again). Needs `npm run build`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis as IoRedis5 } from 'ioredis5';
import { createSentinel } from 'redis5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import {
  CLI_PATH,
  ClientPool,
  freePort,
  startProcessServer,
  startSimProcess,
  tempDir,
  waitFor,
  type ProcessServer,
} from '../helpers/servers.js';

function field(reply: PlainReply, name: string): string | undefined {
  const flat = reply as string[];
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return undefined;
}

describe('ioredis through a redis-sim Sentinel', () => {
  const pool = new ClientPool();
  let master: ProcessServer;
  let replica: ProcessServer;
  let sentinel: ProcessServer;
  let cleanupConf: () => void = () => {};

  beforeAll(async () => {
    master = await startSimProcess(['--repl-diskless-sync-delay', '0']);
    replica = await startSimProcess([
      '--replicaof',
      '127.0.0.1',
      String(master.port),
      '--repl-diskless-sync-delay',
      '0',
    ]);
    const rc = await pool.connect(replica);
    await waitFor(async () => ((await rc.run('INFO', 'replication')) as string).includes('master_link_status:up'), {
      timeoutMs: 10_000,
      message: 'replica did not sync',
    });
    const { dir, cleanup } = tempDir('redis-sim-sentinel-');
    cleanupConf = cleanup;
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
        'sentinel down-after-milliseconds mymaster 2000',
        'sentinel failover-timeout mymaster 6000',
        '',
      ].join('\n'),
    );
    sentinel = await startProcessServer(process.execPath, [CLI_PATH, 'sentinel-server', conf], {
      dir,
      port: await freePort(),
    });
    const sc = await pool.connect(sentinel);
    await waitFor(
      async () => {
        const replicas = (await sc.run('SENTINEL', 'REPLICAS', 'mymaster')) as PlainReply[];
        return replicas.length === 1 && field(replicas[0]!, 'master-link-status') === 'ok';
      },
      { timeoutMs: 20_000, message: 'sentinel did not see the replica' },
    );
  }, 40_000);

  afterAll(async () => {
    await pool.closeAll();
    for (const s of [sentinel, replica, master]) await s?.stop();
    cleanupConf();
  });

  it('serves node-redis 5 createSentinel (SENTINEL SENTINELS / MASTER / REPLICAS, then the master)', async () => {
    const client = createSentinel({
      name: 'mymaster',
      sentinelRootNodes: [{ host: '127.0.0.1', port: sentinel.port }],
    });
    const errors: string[] = [];
    client.on('error', (e: Error) => errors.push(e.message));
    await client.connect();
    try {
      expect(await client.set('nr', '1')).toBe('OK');
      const mc = await pool.connect(master);
      expect(await mc.run('GET', 'nr')).toBe('1');
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('connects to the master it names and follows a failover', async () => {
    const client = new IoRedis5({
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      name: 'mymaster',
      sentinelRetryStrategy: () => 100,
      retryStrategy: () => 100,
    });
    // ioredis reports each failed resolution round as an error event; they are collected, not fatal.
    const errors: string[] = [];
    client.on('error', (e: Error) => errors.push(e.message));
    try {
      await client.set('k', 'v1');
      expect(client.stream.remotePort).toBe(master.port);
      const sc = await pool.connect(sentinel);
      expect(await sc.run('SENTINEL', 'FAILOVER', 'mymaster')).toBe('OK');
      await waitFor(
        async () => {
          const addr = (await sc.run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[];
          return addr[1] === String(replica.port);
        },
        { timeoutMs: 20_000, message: 'sentinel did not switch the master' },
      );
      await waitFor(
        async () => {
          try {
            await client.set('k', 'v2');
            return client.stream.remotePort === replica.port;
          } catch {
            return false;
          }
        },
        { timeoutMs: 20_000, message: 'ioredis did not follow the failover' },
      );
      const rc = await pool.connect(replica);
      expect(await rc.run('GET', 'k')).toBe('v2');
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
