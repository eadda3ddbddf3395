// Persistence of `redis-sim server` processes on real files: clean SHUTDOWN + restart with the AOF and with
// snapshots only, kill -9 under appendfsync always, and interoperability with real redis-server 7.0.15 (each loads
// the other's dump.rdb and AOF directory; DEBUG DIGEST agrees).
import { afterAll, describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RespClient,
  startProcessServer,
  startSimProcess,
  tempDir,
  waitFor,
  type ProcessServer,
} from '../helpers/servers.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A temporary data directory removed after the suite. */
function dataDir(): string {
  const { dir, cleanup } = tempDir('redis-sim-persist-');
  cleanups.push(cleanup);
  return dir;
}

async function sim(dir: string, args: readonly string[]): Promise<ProcessServer> {
  const server = await startSimProcess(['--enable-debug-command', 'yes', ...args], { dir });
  cleanups.push(() => server.stop());
  return server;
}

async function real(dir: string, args: readonly string[]): Promise<ProcessServer> {
  const server = await startProcessServer('redis-server', ['--enable-debug-command', 'yes', ...args], { dir });
  cleanups.push(() => server.stop());
  return server;
}

async function connect(server: ProcessServer): Promise<RespClient> {
  const client = await RespClient.connect(server.port);
  cleanups.push(() => client.close());
  return client;
}

/** Sends SHUTDOWN (with options) and waits until the connection closes and the process has exited. */
async function shutdown(server: ProcessServer, client: RespClient, ...options: string[]): Promise<void> {
  const args = ['SHUTDOWN', ...options];
  client.socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
  await client.closed();
  await waitFor(() => server.process.exitCode !== null, { timeoutMs: 10_000, message: 'server did not exit' });
}

/** Writes a dataset over several databases, with expiries, binary data and integer and compressible values. */
async function writeDataset(c: RespClient): Promise<void> {
  expect(await c.run('SET', 'plain', 'value')).toBe('OK');
  await c.run('SET', 'int', '12345');
  await c.run('SET', 'big', '-123456789012345');
  await c.run('SET', 'long', 'abc'.repeat(200));
  await c.run('SET', 'bin\x00\r\n\xff', '\x00\x01\x02\xff');
  await c.run('SET', 'ttl', 'x', 'EX', 3600);
  await c.run('INCRBY', 'counter', 7);
  await c.run('APPEND', 'appended', 'part1');
  await c.run('APPEND', 'appended', 'part2');
  await c.run('SELECT', 3);
  await c.run('SET', 'db3', 'three');
  await c.run('SELECT', 15);
  await c.run('SET', 'db15', 'fifteen', 'PX', 7_200_000);
  await c.run('SELECT', 0);
}

/** Everything a dataset comparison needs: the digest, key counts and a few values with their TTLs. */
async function snapshot(c: RespClient): Promise<unknown> {
  await c.run('SELECT', 0);
  const digest = await c.run('DEBUG', 'DIGEST');
  const values = await c.run('MGET', 'plain', 'int', 'big', 'long', 'bin\x00\r\n\xff', 'ttl', 'counter', 'appended');
  const ttl = Number(await c.run('TTL', 'ttl'));
  await c.run('SELECT', 15);
  const db15 = [await c.run('GET', 'db15'), Number(await c.run('PTTL', 'db15')) > 7_000_000];
  await c.run('SELECT', 0);
  return { digest, values, ttlKept: ttl > 3500 && ttl <= 3600, db15, dbsize: await c.run('DBSIZE') };
}

describe('redis-sim server persistence', () => {
  it('loses nothing across SHUTDOWN and restart with appendonly yes', async () => {
    const dir = dataDir();
    const s1 = await sim(dir, ['--appendonly', 'yes']);
    const c1 = await connect(s1);
    await writeDataset(c1);
    const before = await snapshot(c1);
    await shutdown(s1, c1, 'NOSAVE');
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
    expect(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    const s2 = await sim(dir, ['--appendonly', 'yes']);
    const c2 = await connect(s2);
    expect(await snapshot(c2)).toEqual(before);
    expect(before).toMatchObject({ ttlKept: true, dbsize: 8 });
  });

  it('loses nothing across SHUTDOWN and restart with snapshots only (save 3600 1)', async () => {
    const dir = dataDir();
    const s1 = await sim(dir, ['--save', '3600 1']);
    const c1 = await connect(s1);
    await writeDataset(c1);
    const before = await snapshot(c1);
    await shutdown(s1, c1);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    const s2 = await sim(dir, ['--save', '3600 1']);
    expect(await snapshot(await connect(s2))).toEqual(before);
  });

  it('keeps every acknowledged write through kill -9 with appendfsync always', async () => {
    const dir = dataDir();
    const s1 = await sim(dir, ['--appendonly', 'yes', '--appendfsync', 'always']);
    const c1 = await connect(s1);
    for (let i = 0; i < 200; i++) expect(await c1.run('SET', `k${i}`, `v${i}`)).toBe('OK');
    await c1.run('INCR', 'k-counter');
    s1.process.kill('SIGKILL');
    await waitFor(() => s1.process.signalCode !== null, { message: 'server was not killed' });
    const s2 = await sim(dir, ['--appendonly', 'yes']);
    const c2 = await connect(s2);
    expect(await c2.run('DBSIZE')).toBe(201);
    expect(await c2.run('GET', 'k199')).toBe('v199');
    expect(await c2.run('GET', 'k-counter')).toBe('1');
  });

  it('BGREWRITEAOF keeps the data and switches to a new base and incr file', async () => {
    const dir = dataDir();
    const s1 = await sim(dir, ['--appendonly', 'yes']);
    const c1 = await connect(s1);
    await writeDataset(c1);
    expect(await c1.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    await c1.run('SET', 'after-rewrite', '1');
    const before = await snapshot(c1);
    await shutdown(s1, c1, 'NOSAVE');
    expect(existsSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'))).toBe(false);
    const s2 = await sim(dir, ['--appendonly', 'yes']);
    expect(await snapshot(await connect(s2))).toEqual(before);
  });
});

describe('interoperability with real redis-server 7.0.15', () => {
  it('real Redis loads a dump.rdb written by redis-sim', async () => {
    const dir = dataDir();
    const s = await sim(dir, []);
    const c = await connect(s);
    await writeDataset(c);
    const before = await snapshot(c);
    expect(await c.run('SAVE')).toBe('OK');
    await shutdown(s, c, 'NOSAVE');
    const r = await real(dir, ['--save', '', '--appendonly', 'no']);
    expect(await snapshot(await connect(r))).toEqual(before);
  });

  it('redis-sim loads a dump.rdb written by real Redis', async () => {
    const dir = dataDir();
    const r = await real(dir, ['--save', '', '--appendonly', 'no']);
    const rc = await connect(r);
    await writeDataset(rc);
    await rc.run('SET', 'compressible', 'x'.repeat(5000));
    const before = await snapshot(rc);
    expect(await rc.run('SAVE')).toBe('OK');
    await shutdown(r, rc, 'NOSAVE');
    const s = await sim(dir, []);
    const sc = await connect(s);
    expect(await snapshot(sc)).toEqual(before);
    expect(await sc.run('STRLEN', 'compressible')).toBe(5000);
  });

  it('each loads the AOF directory the other wrote', async () => {
    const simDir = dataDir();
    const s = await sim(simDir, ['--appendonly', 'yes']);
    const sc = await connect(s);
    await writeDataset(sc);
    const simData = await snapshot(sc);
    await shutdown(s, sc, 'NOSAVE');
    const r = await real(simDir, ['--save', '', '--appendonly', 'yes']);
    expect(await snapshot(await connect(r))).toEqual(simData);

    const realDir = dataDir();
    const r2 = await real(realDir, ['--save', '', '--appendonly', 'yes']);
    const rc = await connect(r2);
    await writeDataset(rc);
    await rc.run('SET', 'extra', 'real');
    const realData = await snapshot(rc);
    await shutdown(r2, rc, 'NOSAVE');
    const s2 = await sim(realDir, ['--appendonly', 'yes']);
    expect(await snapshot(await connect(s2))).toEqual(realData);
  });

  it('DEBUG DIGEST and DIGEST-VALUE agree with real Redis for the same commands', async () => {
    const s = await sim(dataDir(), []);
    const r = await real(dataDir(), ['--save', '', '--appendonly', 'no']);
    const sc = await connect(s);
    const rc = await connect(r);
    expect(await sc.run('DEBUG', 'DIGEST')).toBe('0'.repeat(40));
    expect(await rc.run('DEBUG', 'DIGEST')).toBe('0'.repeat(40));
    await writeDataset(sc);
    await writeDataset(rc);
    const keys = ['plain', 'ttl', 'long', 'missing'];
    expect(await sc.run('DEBUG', 'DIGEST-VALUE', ...keys)).toEqual(await rc.run('DEBUG', 'DIGEST-VALUE', ...keys));
    // Absolute expiries make both datasets identical, TTLs included.
    for (const c of [sc, rc]) await c.run('PEXPIREAT', 'ttl', 4102444800000);
    for (const c of [sc, rc]) await c.run('SELECT', 15);
    for (const c of [sc, rc]) await c.run('PEXPIREAT', 'db15', 4102444800000);
    const simDigest = await sc.run('DEBUG', 'DIGEST');
    expect(simDigest).toMatch(/^[0-9a-f]{40}$/);
    expect(simDigest).toBe(await rc.run('DEBUG', 'DIGEST'));
  });
});
