// Replication over real TCP with real Redis 7.0.15 as the witness, both ways: a real redis-server replicates from a
// redis-sim master (diskless and disk-based full syncs, the command stream, a partial resync after the link is
// killed), and redis-sim replicates from a real master (the same checks from the other side). ROLE and INFO
// replication are compared with real Redis field by field, values masked.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRdb } from '../../src/node/persistence/rdb.js';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import {
  ClientPool,
  freePort,
  startRealRedis,
  startSimServer,
  waitFor,
  type ProcessServer,
  type RespClient,
  tempDir,
} from '../helpers/servers.js';
import { info, infoPairs, masked, onlineReplicas } from '../helpers/resp-info.js';

type SimServer = Awaited<ReturnType<typeof startSimServer>>;

/** A real master with a real replica and a redis-sim replica. */
let realMaster: ProcessServer;
let realOfReal: ProcessServer;
let simOfReal: SimServer;
/** A redis-sim master with a real replica and a redis-sim replica. */
let simMaster: SimServer;
let realOfSim: ProcessServer;
let simOfSim: SimServer;
const pool = new ClientPool();
let rm: RespClient;
let rr: RespClient;
let sr: RespClient;
let sm: RespClient;
let rs: RespClient;
let ss: RespClient;

beforeAll(async () => {
  [realMaster, simMaster] = await Promise.all([
    startRealRedis(['--repl-diskless-sync-delay', '0']),
    startSimServer([['repl-diskless-sync-delay', ['0']]]),
  ]);
  const [simOfRealPort, simOfSimPort] = await Promise.all([freePort(), freePort()]);
  [realOfReal, simOfReal, realOfSim, simOfSim] = await Promise.all([
    startRealRedis(['--replicaof', '127.0.0.1', String(realMaster.port)]),
    startSimServer([
      ['port', [String(simOfRealPort)]],
      ['replicaof', ['127.0.0.1', String(realMaster.port)]],
    ]),
    startRealRedis(['--replicaof', '127.0.0.1', String(simMaster.port)]),
    startSimServer([
      ['port', [String(simOfSimPort)]],
      ['replicaof', ['127.0.0.1', String(simMaster.port)]],
    ]),
  ]);
  [rm, rr, sr, sm, rs, ss] = await Promise.all([
    pool.connect(realMaster),
    pool.connect(realOfReal),
    pool.connect(simOfReal),
    pool.connect(simMaster),
    pool.connect(realOfSim),
    pool.connect(simOfSim),
  ]);
  await Promise.all([
    waitFor(async () => (await onlineReplicas(rm)) === 2, { timeoutMs: 15_000, message: 'real master replicas' }),
    waitFor(async () => (await onlineReplicas(sm)) === 2, { timeoutMs: 15_000, message: 'sim master replicas' }),
  ]);
}, 40_000);

afterAll(async () => {
  await pool.closeAll();
  await Promise.all([realOfReal, simOfReal, realOfSim, simOfSim].map((s) => s?.stop()));
  await Promise.all([realMaster?.stop(), simMaster?.stop()]);
});

async function linkUp(c: RespClient): Promise<boolean> {
  return (await info(c)).master_link_status === 'up';
}

/** The shape of a reply: strings and numbers become their type names, arrays keep their shape. */
function shape(reply: PlainReply): unknown {
  if (Array.isArray(reply)) return reply.map(shape);
  return typeof reply;
}

describe('a real replica of a redis-sim master', () => {
  it('receives the dataset and the stream', async () => {
    await sm.run('SET', 'greeting', 'hello');
    await sm.run('SELECT', '5');
    await sm.run('HSET', 'h', 'f', 'v');
    await sm.run('MULTI');
    await sm.run('INCR', 'n');
    await sm.run('RPUSH', 'l', 'a', 'b', 'c');
    await sm.run('EXEC');
    await sm.run('SELECT', '0');
    await waitFor(async () => (await rs.run('GET', 'greeting')) === 'hello', {
      message: 'greeting on the real replica',
    });
    await rs.run('SELECT', '5');
    await waitFor(async () => JSON.stringify(await rs.run('LRANGE', 'l', 0, -1)) === '["a","b","c"]', {
      message: 'list',
    });
    expect(await rs.run('HGET', 'h', 'f')).toBe('v');
    expect(await rs.run('GET', 'n')).toBe('1');
    await rs.run('SELECT', '0');
    expect(await ss.run('GET', 'greeting')).toBe('hello');
  });

  it('acknowledges the master offset, and WAIT counts both replicas', async () => {
    await sm.run('SET', 'w', '1');
    expect(await sm.run('WAIT', 2, 5000)).toBe(2);
    const offset = (await info(sm)).master_repl_offset!;
    await waitFor(async () => (await info(rs)).slave_repl_offset === offset, { message: 'real replica offset' });
    await waitFor(async () => (await info(ss)).slave_repl_offset === offset, { message: 'sim replica offset' });
    const mi = await info(sm);
    expect(mi.slave0).toMatch(/^ip=127\.0\.0\.1,port=\d+,state=online,offset=\d+,lag=\d+$/);
    expect((await info(rs)).master_replid).toBe(mi.master_replid);
  });

  it('continues partially after CLIENT KILL TYPE replica on the master', async () => {
    const before = Number((await info(sm, 'stats')).sync_partial_ok);
    await sm.run('CLIENT', 'KILL', 'TYPE', 'replica');
    await sm.run('SET', 'after-kill', 'x');
    await waitFor(async () => Number((await info(sm, 'stats')).sync_partial_ok) === before + 2, {
      timeoutMs: 10_000,
      message: 'two partial resyncs',
    });
    await waitFor(async () => (await rs.run('GET', 'after-kill')) === 'x', { message: 'after-kill on real replica' });
    expect(await ss.run('GET', 'after-kill')).toBe('x');
    expect((await info(sm, 'stats')).sync_full).toBe('2');
  });

  it('full-syncs a real replica with a disk-based ($len) payload', async () => {
    await sm.run('CONFIG', 'SET', 'repl-diskless-sync', 'no');
    try {
      const before = Number((await info(sm, 'stats')).sync_full);
      await rs.run('REPLICAOF', 'NO', 'ONE');
      await rs.run('SET', 'local', 'only');
      await sm.run('SET', 'disk', 'based');
      expect(await rs.run('REPLICAOF', '127.0.0.1', simMaster.port)).toBe('OK');
      await waitFor(async () => (await rs.run('GET', 'disk')) === 'based', { timeoutMs: 10_000, message: 'disk sync' });
      expect(await rs.run('GET', 'local')).toBe(null);
      expect(Number((await info(sm, 'stats')).sync_full)).toBe(before + 1);
      await sm.run('SET', 'then', 'streamed');
      await waitFor(async () => (await rs.run('GET', 'then')) === 'streamed', { message: 'stream after $len' });
    } finally {
      await sm.run('CONFIG', 'SET', 'repl-diskless-sync', 'yes');
    }
  });

  it('refuses writes on the real replica as redis-sim refuses them on its own', async () => {
    expect(await rs.run('SET', 'x', '1')).toEqual(await ss.run('SET', 'x', '1'));
  });
});

describe('a redis-sim replica of a real master', () => {
  it('receives the dataset and the stream', async () => {
    await rm.run('SET', 'greeting', 'hello');
    await rm.run('SELECT', '2');
    await rm.run('SADD', 's', 'a', 'b');
    await rm.run('SELECT', '0');
    await waitFor(async () => (await sr.run('GET', 'greeting')) === 'hello', { message: 'greeting on sim replica' });
    await sr.run('SELECT', '2');
    await waitFor(async () => (await sr.run('SCARD', 's')) === 2, { message: 'set on sim replica' });
    await sr.run('SELECT', '0');
  });

  it('keeps the same offset as the real replica', async () => {
    await rm.run('INCR', 'c');
    expect(await rm.run('WAIT', 2, 5000)).toBe(2);
    const offset = (await info(rm)).master_repl_offset!;
    await waitFor(async () => (await info(sr)).slave_repl_offset === offset, { message: 'sim replica offset' });
    await waitFor(async () => (await info(rr)).slave_repl_offset === offset, { message: 'real replica offset' });
    expect((await info(sr)).master_replid).toBe((await info(rm)).master_replid);
  });

  it('continues partially after CLIENT KILL TYPE master on the replica', async () => {
    const before = Number((await info(rm, 'stats')).sync_partial_ok);
    expect(await sr.run('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    await rm.run('SET', 'after-kill', 'y');
    await waitFor(async () => Number((await info(rm, 'stats')).sync_partial_ok) === before + 1, {
      timeoutMs: 10_000,
      message: 'partial resync on the real master',
    });
    await waitFor(async () => (await sr.run('GET', 'after-kill')) === 'y', { message: 'after-kill on sim replica' });
  });

  it('full-syncs again from a disk-based master', async () => {
    await rm.run('CONFIG', 'SET', 'repl-diskless-sync', 'no');
    try {
      const before = Number((await info(rm, 'stats')).sync_full);
      // A different replication id forces a full sync: promote, then follow the master again.
      await sr.run('REPLICAOF', 'NO', 'ONE');
      await sr.run('SET', 'local', 'only');
      await rm.run('SET', 'disk', 'based');
      expect(await sr.run('REPLICAOF', '127.0.0.1', realMaster.port)).toBe('OK');
      await waitFor(async () => (await sr.run('GET', 'disk')) === 'based', { timeoutMs: 10_000, message: 'disk sync' });
      expect(await sr.run('GET', 'local')).toBe(null);
      expect(Number((await info(rm, 'stats')).sync_full)).toBe(before + 1);
    } finally {
      await rm.run('CONFIG', 'SET', 'repl-diskless-sync', 'yes');
    }
  });
});

describe('ROLE and INFO replication next to real Redis', () => {
  it('ROLE has the same shape on masters and on replicas', async () => {
    await waitFor(async () => (await linkUp(sr)) && (await onlineReplicas(rm)) === 2, { message: 'links up' });
    expect(shape(await sm.run('ROLE'))).toEqual(shape(await rm.run('ROLE')));
    expect(shape(await ss.run('ROLE'))).toEqual(shape(await rr.run('ROLE')));
    expect(shape(await sr.run('ROLE'))).toEqual(shape(await rs.run('ROLE')));
    const role = (await sr.run('ROLE')) as PlainReply[];
    expect(role.slice(0, 4)).toEqual(['slave', '127.0.0.1', realMaster.port, 'connected']);
  });

  it('INFO replication has the same fields in the same order', async () => {
    expect(masked(await infoPairs(sm, 'replication'))).toEqual(masked(await infoPairs(rm, 'replication')));
    expect(masked(await infoPairs(sr, 'replication'))).toEqual(masked(await infoPairs(rr, 'replication')));
  });

  it('a replica whose master is unreachable reports the same fields', async () => {
    const dead = await freePort();
    const [real, sim] = await Promise.all([
      startRealRedis(['--replicaof', '127.0.0.1', String(dead)]),
      startSimServer([['replicaof', ['127.0.0.1', String(dead)]]]),
    ]);
    try {
      const [rc, sc] = await Promise.all([pool.connect(real), pool.connect(sim)]);
      const realInfo = masked(await infoPairs(rc, 'replication'));
      const simInfo = masked(await infoPairs(sc, 'replication'));
      expect(simInfo).toEqual(realInfo);
      expect(Object.fromEntries(await infoPairs(sc, 'replication')).master_link_down_since_seconds).toBe('-1');
      expect(shape(await sc.run('ROLE'))).toEqual(shape(await rc.run('ROLE')));
      expect(((await sc.run('ROLE')) as PlainReply[])[4]).toBe(-1);
      expect(await sc.run('PSYNC', '?', '-1')).toEqual(await rc.run('PSYNC', '?', '-1'));
    } finally {
      await Promise.all([real.stop(), sim.stop()]);
    }
  });

  it('REPLICAOF answers as Redis does', async () => {
    const same = ['REPLICAOF', '127.0.0.1', realMaster.port] as const;
    expect(await sr.run(...same)).toEqual(await rr.run(...same));
    for (const args of [
      ['REPLICAOF', '127.0.0.1', 'x'],
      ['REPLICAOF', '127.0.0.1', '70000'],
      ['SLAVEOF', 'a'],
      ['WAIT', '1', 'x'],
      ['WAIT', '1', '-1'],
    ]) {
      expect(await sm.run(...args), args.join(' ')).toEqual(await rm.run(...args));
    }
    expect(await sr.run('WAIT', 0, 0)).toEqual(await rr.run('WAIT', 0, 0));
  });

  it('CLIENT LIST flags the master and replica connections', async () => {
    const onMaster = (await sm.run('CLIENT', 'LIST', 'TYPE', 'replica')) as string;
    expect(onMaster.trim().split('\n')).toHaveLength(2);
    expect(onMaster).toMatch(/flags=S /);
    const onReplica = (await ss.run('CLIENT', 'LIST', 'TYPE', 'master')) as string;
    expect(onReplica.trim().split('\n')).toHaveLength(1);
    expect(onReplica).toContain(`addr=127.0.0.1:${simMaster.port} `);
    expect(onReplica).toMatch(/flags=M /);
  });
});

describe('redis-cli --rdb (REPLCONF rdb-only, SYNC)', () => {
  it('downloads the same dataset from redis-sim as from real Redis', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const c of [sm, rm]) {
        await c.run('SELECT', '9');
        await c.run('FLUSHDB');
        await c.run('SET', 'rdb:key', 'value');
        await c.run('ZADD', 'rdb:z', '1', 'a', '2', 'b');
        await c.run('SELECT', '0');
      }
      const keys: Record<string, string[]> = {};
      for (const [name, server] of [
        ['sim', simMaster],
        ['real', realMaster],
      ] as const) {
        const file = join(dir, `${name}.rdb`);
        await promisify(execFile)('redis-cli', ['-p', String(server.port), '--rdb', file], { timeout: 10_000 });
        const found: string[] = [];
        decodeRdb(readFileSync(file), (db, key) => found.push(`${db}/${key}`), { databases: 16, verifyChecksum: true });
        keys[name] = found.filter((k) => k.startsWith('9/')).sort();
      }
      expect(keys.sim).toEqual(['9/rdb:key', '9/rdb:z']);
      expect(keys.sim).toEqual(keys.real);
      // The RDB-only client is gone; the two replicas stay online.
      await waitFor(async () => (await info(sm)).connected_slaves === '2', { message: 'rdb-only client gone' });
      expect(await onlineReplicas(sm)).toBe(2);
    } finally {
      cleanup();
    }
  });
});
