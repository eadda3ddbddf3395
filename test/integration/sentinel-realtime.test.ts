// `redis-sim sentinel-server` on real TCP next to a real redis-sentinel 7.0.15, both watching the same real master:
// SENTINEL replies must have Redis's field names, order and error texts; the two Sentinels find each other through
// hello messages; a real redis-sentinel watching redis-sim servers sees their replicas; and a mixed group of real and
// simulated Sentinels fails a real master over. Needs `npm run build`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import {
  CLI_PATH,
  ClientPool,
  freePort,
  startProcessServer,
  startRealRedis,
  startSimProcess,
  tempDir,
  waitFor,
  type ProcessServer,
  type RespClient,
} from '../helpers/servers.js';

/** Starts a Sentinel (real redis-sentinel, or redis-sim sentinel-server) with a fresh config file. */
async function startSentinel(kind: 'real' | 'sim', lines: readonly string[]): Promise<ProcessServer> {
  const { dir, cleanup } = tempDir('redis-sim-sentinel-');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const port = await freePort();
  const server =
    kind === 'real'
      ? await startProcessServer('redis-sentinel', [conf], { dir, port })
      : await startProcessServer(process.execPath, [CLI_PATH, 'sentinel-server', conf], { dir, port });
  return {
    ...server,
    async stop() {
      await server.stop();
      cleanup();
    },
  };
}

/** A flat [k, v, ...] reply as a list of pairs, in order. */
function pairs(reply: PlainReply): [string, string][] {
  const flat = reply as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function field(reply: PlainReply, name: string): string | undefined {
  return pairs(reply).find(([k]) => k === name)?.[1];
}

describe('redis-sim Sentinel beside a real redis-sentinel', () => {
  const pool = new ClientPool();
  let master: ProcessServer;
  let replica: ProcessServer;
  let real: ProcessServer;
  let sim: ProcessServer;
  let rc: RespClient;
  let sc: RespClient;

  beforeAll(async () => {
    master = await startRealRedis();
    replica = await startRealRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    const conf = [
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 2`,
      'sentinel down-after-milliseconds mymaster 5000',
    ];
    real = await startSentinel('real', conf);
    sim = await startSentinel('sim', conf);
    rc = await pool.connect(real);
    sc = await pool.connect(sim);
    // Both find the replica through the master's INFO and each other through hello messages.
    for (const c of [rc, sc]) {
      await waitFor(
        async () => {
          const m = await c.run('SENTINEL', 'MASTER', 'mymaster');
          return field(m, 'num-slaves') === '1' && field(m, 'num-other-sentinels') === '1';
        },
        { timeoutMs: 20_000, message: 'sentinels did not discover the replica and each other' },
      );
    }
  }, 40_000);

  afterAll(async () => {
    await pool.closeAll();
    for (const s of [sim, real, replica, master]) await s?.stop();
  });

  it('answers SENTINEL MASTER / REPLICAS / SENTINELS with the same fields in the same order', async () => {
    for (const args of [
      ['SENTINEL', 'MASTER', 'mymaster'],
      ['SENTINEL', 'REPLICAS', 'mymaster'],
      ['SENTINEL', 'SLAVES', 'mymaster'],
      ['SENTINEL', 'SENTINELS', 'mymaster'],
      ['SENTINEL', 'MASTERS'],
      ['SENTINEL', 'DEBUG'],
    ]) {
      const a = await rc.run(...args);
      const b = await sc.run(...args);
      const shape = (r: PlainReply) =>
        Array.isArray(r) && Array.isArray(r[0])
          ? (r as PlainReply[]).map((e) => pairs(e).map(([k]) => k))
          : pairs(r).map(([k]) => k);
      expect(shape(b), args.join(' ')).toEqual(shape(a));
    }
    const m1 = await rc.run('SENTINEL', 'MASTER', 'mymaster');
    const m2 = await sc.run('SENTINEL', 'MASTER', 'mymaster');
    for (const name of [
      'name',
      'ip',
      'port',
      'runid',
      'flags',
      'role-reported',
      'config-epoch',
      'num-slaves',
      'quorum',
    ])
      expect(field(m2, name), name).toBe(field(m1, name));
    const r1 = ((await rc.run('SENTINEL', 'REPLICAS', 'mymaster')) as PlainReply[])[0]!;
    const r2 = ((await sc.run('SENTINEL', 'REPLICAS', 'mymaster')) as PlainReply[])[0]!;
    for (const name of ['name', 'ip', 'port', 'runid', 'flags', 'master-link-status', 'master-host', 'master-port'])
      expect(field(r2, name), name).toBe(field(r1, name));
    // Each sees the other: the real one lists our ID, we list its.
    const realId = await rc.run('SENTINEL', 'MYID');
    const simId = await sc.run('SENTINEL', 'MYID');
    expect(field(((await sc.run('SENTINEL', 'SENTINELS', 'mymaster')) as PlainReply[])[0]!, 'runid')).toBe(realId);
    expect(field(((await rc.run('SENTINEL', 'SENTINELS', 'mymaster')) as PlainReply[])[0]!, 'runid')).toBe(simId);
  });

  it('gives the same replies and errors for other SENTINEL subcommands and the sentinel command table', async () => {
    const cases: string[][] = [
      ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster'],
      ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'nosuch'],
      ['SENTINEL', 'MASTER', 'nosuch'],
      ['SENTINEL', 'FOO'],
      ['SENTINEL', 'MYID', 'extra'],
      ['SENTINEL', 'CKQUORUM', 'mymaster'],
      ['SENTINEL', 'SET', 'mymaster', 'foo', '1'],
      ['SENTINEL', 'SET', 'mymaster', 'quorum', 'x'],
      ['SENTINEL', 'CONFIG', 'GET', '*'],
      ['SENTINEL', 'CONFIG', 'FOO'],
      ['SENTINEL', 'CONFIG', 'SET', 'nope', '1'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', 'x', '0', '*'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', String(master.port), '0', '*'],
      ['SENTINEL', 'SIMULATE-FAILURE', 'HELP'],
      ['SENTINEL', 'SIMULATE-FAILURE', 'nope'],
      ['SENTINEL', 'MONITOR', 'x', '1.2.3.4', 'p', '2'],
      ['SENTINEL', 'MONITOR', 'x', '1.2.3.4', '1', '0'],
      ['SENTINEL', 'MONITOR', 'x', 'not-an-ip', '1', '1'],
      ['SENTINEL', 'MONITOR', 'mymaster', '127.0.0.1', '1', '1'],
      ['SENTINEL', 'DEBUG', 'nope', '1'],
      ['SENTINEL', 'DEBUG', 'info-period', 'x'],
      ['SENTINEL', 'PENDING-SCRIPTS'],
      ['SENTINEL', 'RESET', 'nomatch*'],
      ['SENTINEL', 'INFO-CACHE', 'nosuch'],
      ['PUBLISH', 'chan', 'msg'],
      ['ROLE'],
      ['PING'],
      ['GET', 'x'],
      ['SET', 'x', '1'],
    ];
    for (const args of cases) expect(await sc.run(...args), args.join(' ')).toEqual(await rc.run(...args));
    // The sentinel command table is redis-sentinel's, less what redis-sim lacks everywhere (ACL, client tracking).
    const simList = new Set((await sc.run('COMMAND', 'LIST')) as string[]);
    const realList = new Set((await rc.run('COMMAND', 'LIST')) as string[]);
    for (const name of simList) expect(realList.has(name), name).toBe(true);
    const missing = [...realList].filter((n) => !simList.has(n));
    expect(
      missing.filter((n) => !/^acl/.test(n) && !/^client\|(caching|getredir|tracking|trackinginfo)$/.test(n)),
    ).toEqual([]);
  });

  it('has the INFO sections and Sentinel fields of redis-sentinel', async () => {
    const headers = (text: PlainReply) => (text as string).split('\r\n').filter((l) => l.startsWith('#'));
    expect(headers(await sc.run('INFO'))).toEqual(headers(await rc.run('INFO')));
    expect(headers(await sc.run('INFO', 'all'))).toEqual(headers(await rc.run('INFO', 'all')));
    const names = (text: PlainReply) => (text as string).split('\r\n').map((l) => l.split(':')[0]);
    const a = (await rc.run('INFO', 'sentinel')) as string;
    const b = (await sc.run('INFO', 'sentinel')) as string;
    expect(names(b)).toEqual(names(a));
    expect(b.replace(/sentinels=\d+/, '')).toBe(a.replace(/sentinels=\d+/, ''));
  });
});

describe('a real redis-sentinel watching redis-sim servers', () => {
  it('discovers the redis-sim replica through the redis-sim master and fails over to it', async () => {
    const master = await startSimProcess();
    const replica = await startSimProcess(['--replicaof', '127.0.0.1', String(master.port)]);
    const pool = new ClientPool();
    // The master lists the replica in INFO once it is attached; Sentinel reads INFO every 10 s.
    const rc = await pool.connect(replica);
    await waitFor(async () => ((await rc.run('INFO', 'replication')) as string).includes('master_link_status:up'), {
      timeoutMs: 15_000,
      message: 'the redis-sim replica did not sync',
    });
    const sentinel = await startSentinel('real', [
      `sentinel monitor simmaster 127.0.0.1 ${master.port} 1`,
      'sentinel down-after-milliseconds simmaster 1000',
      'sentinel failover-timeout simmaster 5000',
    ]);
    try {
      const c = await pool.connect(sentinel);
      await waitFor(
        async () => {
          const replicas = (await c.run('SENTINEL', 'REPLICAS', 'simmaster')) as PlainReply[];
          return replicas.length === 1 && field(replicas[0]!, 'master-link-status') === 'ok';
        },
        { timeoutMs: 20_000, message: 'real sentinel did not see the redis-sim replica' },
      );
      const r = ((await c.run('SENTINEL', 'REPLICAS', 'simmaster')) as PlainReply[])[0]!;
      expect(field(r, 'name')).toBe(`127.0.0.1:${replica.port}`);
      expect(field(r, 'flags')).toBe('slave');
      expect(field(r, 'master-port')).toBe(String(master.port));
      expect(field(await c.run('SENTINEL', 'MASTER', 'simmaster'), 'flags')).toBe('master');
      // And it fails the redis-sim master over to the redis-sim replica (MULTI, SLAVEOF NO ONE, ..., EXEC).
      await master.stop();
      await waitFor(
        async () =>
          JSON.stringify(await c.run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'simmaster')) ===
          JSON.stringify(['127.0.0.1', String(replica.port)]),
        { timeoutMs: 30_000, message: 'real sentinel did not fail over to the redis-sim replica' },
      );
      // Sentinel's CLIENT KILL TYPE normal closed our earlier connection to the replica: use a new one.
      const promoted = await pool.connect(replica);
      expect((await promoted.run('INFO', 'replication')) as string).toContain('role:master\r\n');
    } finally {
      await pool.closeAll();
      for (const s of [sentinel, replica, master]) await s.stop();
    }
  }, 90_000);
});

describe('a mixed group of real and redis-sim Sentinels', () => {
  it.each([
    ['1 real + 2 redis-sim', ['real', 'sim', 'sim']],
    ['2 real + 1 redis-sim', ['real', 'real', 'sim']],
  ] as const)(
    '%s: fail a real master over to its real replica, once',
    async (_name, kinds) => {
      const master = await startRealRedis();
      const replica = await startRealRedis(['--replicaof', '127.0.0.1', String(master.port)]);
      const conf = [
        `sentinel monitor mm 127.0.0.1 ${master.port} 2`,
        'sentinel down-after-milliseconds mm 1000',
        'sentinel failover-timeout mm 5000',
      ];
      const sentinels = [];
      for (const kind of kinds) sentinels.push(await startSentinel(kind, conf));
      const pool = new ClientPool();
      try {
        const clients = await Promise.all(sentinels.map((s) => pool.connect(s)));
        for (const c of clients) {
          await waitFor(
            async () => {
              const m = await c.run('SENTINEL', 'MASTER', 'mm');
              return field(m, 'num-slaves') === '1' && field(m, 'num-other-sentinels') === '2';
            },
            { timeoutMs: 20_000, message: 'sentinels did not converge' },
          );
        }
        await master.stop();
        const promoted = ['127.0.0.1', String(replica.port)];
        for (const c of clients) {
          await waitFor(
            async () =>
              JSON.stringify(await c.run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mm')) === JSON.stringify(promoted),
            {
              timeoutMs: 30_000,
              message: 'the master address did not move to the replica',
            },
          );
        }
        const rc = await pool.connect(replica);
        expect(((await rc.run('INFO', 'replication')) as string).includes('role:master')).toBe(true);
        for (const c of clients) expect(field(await c.run('SENTINEL', 'MASTER', 'mm'), 'config-epoch')).toBe('1');
      } finally {
        await pool.closeAll();
        for (const s of [...sentinels, replica, master]) await s.stop();
      }
    },
    90_000,
  );
});
