// Persistence of a simulated node: RDB snapshots, save points, SHUTDOWN, the multi-part AOF with its manifest,
// fsync policies under crashes, truncated tails and rewrites. Nodes are restarted on the same in-memory storage.
import { describe, it, expect } from 'vitest';
import { HarnessClient } from '../../helpers/node-harness.js';
import { Config } from '../../../src/node/config.js';
import { RedisNode } from '../../../src/node/node.js';
import { PersistenceLoadError } from '../../../src/node/persistence/persistence.js';
import { decodeRdb } from '../../../src/node/persistence/rdb.js';
import { encodeAofCommand } from '../../../src/node/persistence/aof.js';
import { EventLog } from '../../../src/sim/event-log.js';
import { EventQueue, DEFAULT_START_TIME_MS } from '../../../src/sim/event-queue.js';
import { MemoryStorage } from '../../../src/sim/memory-storage.js';
import { Prng } from '../../../src/sim/prng.js';
import { createSimEnv } from '../../../src/sim/sim-env.js';

type Directives = readonly (readonly [string, readonly string[]])[];

/** A node started on `storage` (a restart when the storage already holds files). */
function boot(storage: MemoryStorage, directives: Directives = [], startTime = DEFAULT_START_TIME_MS) {
  const queue = new EventQueue({ startTime });
  const log = new EventLog();
  const config = new Config();
  config.set('save', [''], 'file');
  for (const [name, words] of directives) config.set(name, words, 'file');
  const env = createSimEnv({ queue, rng: new Prng(7), storage, name: 'node', log });
  const node = new RedisNode(env, config);
  node.start();
  const client = new HarnessClient(node);
  return {
    node,
    queue,
    client,
    run: (...args: (string | number)[]) => client.run(...args),
    advance: (ms: number) => queue.runFor(ms),
    logs: () => log.lines().join('\n'),
  };
}

const AOF: Directives = [['appendonly', ['yes']]];

function text(storage: MemoryStorage, name: string): string | undefined {
  return storage.read(name)?.toString('latin1');
}

/** Writes a small dataset touching several databases, an expiry and a binary key. */
function writeDataset(run: (...args: (string | number)[]) => unknown): void {
  run('SET', 'a', '1');
  run('SET', 'bin\x00\xff', 'v\r\n');
  run('INCRBY', 'a', 41);
  run('SET', 'ttl', 'x', 'EX', 1000);
  run('SELECT', 3);
  run('SET', 'other', 'db3');
  run('SELECT', 0);
}

function expectDataset(run: (...args: (string | number)[]) => unknown): void {
  expect(run('GET', 'a')).toBe('42');
  expect(run('GET', 'bin\x00\xff')).toBe('v\r\n');
  expect(run('GET', 'ttl')).toBe('x');
  expect(Number(run('PTTL', 'ttl'))).toBeGreaterThan(900_000);
  expect(run('SELECT', 3)).toBe('OK');
  expect(run('GET', 'other')).toBe('db3');
  expect(run('SELECT', 0)).toBe('OK');
}

describe('RDB snapshots', () => {
  it('SAVE writes dump.rdb atomically and a restart loads it back', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage);
    writeDataset(n1.run);
    expect(n1.node.dirty).toBeGreaterThan(0);
    n1.advance(5000);
    expect(n1.run('SAVE')).toBe('OK');
    expect(n1.node.dirty).toBe(0);
    expect(n1.run('LASTSAVE')).toBe(Math.floor((DEFAULT_START_TIME_MS + 5000) / 1000));
    const keys: string[] = [];
    decodeRdb(storage.read('dump.rdb')!, (db, key) => keys.push(`${db}:${key}`), {
      databases: 16,
      verifyChecksum: true,
    });
    expect(keys.sort()).toEqual(['0:a', '0:bin\x00\xff', '0:ttl', '3:other']);
    const n2 = boot(storage);
    expectDataset(n2.run);
    expect(n2.node.persistence.lastLoadKeysLoaded).toBe(4);
    expect(n2.node.dirty).toBe(0);
  });

  it('drops keys whose expiry passed while the node was down', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage);
    n1.run('SET', 'short', 'v', 'PX', 500);
    n1.run('SET', 'long', 'v');
    n1.run('SAVE');
    const n2 = boot(storage, [], DEFAULT_START_TIME_MS + 10_000);
    expect(n2.run('DBSIZE')).toBe(1);
    expect(n2.node.persistence.lastLoadKeysExpired).toBe(1);
    expect(n2.logs()).toContain('Done loading RDB, keys loaded: 1, keys expired: 1.');
  });

  it('BGSAVE saves at once and answers like Redis; BGSAVE SCHEDULE too; anything else is a syntax error', () => {
    const storage = new MemoryStorage();
    const n = boot(storage);
    n.run('SET', 'k', 'v');
    expect(n.run('BGSAVE')).toBe('Background saving started');
    expect(storage.exists('dump.rdb')).toBe(true);
    expect(n.run('BGSAVE', 'schedule')).toBe('Background saving started');
    expect(n.run('BGSAVE', 'now')).toEqual({ error: 'ERR syntax error' });
    expect(n.run('BGSAVE', 'schedule', 'x')).toEqual({ error: 'ERR syntax error' });
    const info = Object.fromEntries(n.node.persistence.infoFields());
    expect(info.rdb_saves).toBe(2);
    expect(info.rdb_last_bgsave_status).toBe('ok');
    expect(info.rdb_changes_since_last_save).toBe(0);
  });

  it('saves in the cron once a save point is reached, and only then', () => {
    const storage = new MemoryStorage();
    const n = boot(storage, [['save', ['10', '2', '100', '1']]]);
    n.run('SET', 'k1', 'v');
    n.advance(11_000);
    expect(storage.exists('dump.rdb')).toBe(false); // 1 change: neither 10s/2 nor 100s/1 yet
    n.run('SET', 'k2', 'v');
    n.advance(1000);
    expect(storage.exists('dump.rdb')).toBe(true);
    expect(n.node.dirty).toBe(0);
    expect(n.logs()).toContain('2 changes in 10 seconds. Saving...');
    storage.remove('dump.rdb');
    n.run('SET', 'k3', 'v');
    n.advance(50_000);
    expect(storage.exists('dump.rdb')).toBe(false);
    n.advance(60_000);
    expect(storage.exists('dump.rdb')).toBe(true);
    expect(n.logs()).toContain('1 changes in 100 seconds. Saving...');
  });

  it('FLUSHALL saves the empty dataset when save points are configured', () => {
    const storage = new MemoryStorage();
    const n = boot(storage, [['save', ['3600', '1']]]);
    n.run('SET', 'k', 'v');
    n.node.persistence.afterFlushAll();
    expect(storage.exists('dump.rdb')).toBe(true);
    const off = boot(new MemoryStorage());
    off.node.persistence.afterFlushAll();
    expect(off.node.env.storage.exists('dump.rdb')).toBe(false);
  });
});

describe('SHUTDOWN', () => {
  it('saves when save points are configured, so a clean restart loses nothing', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, [['save', ['3600', '1']]]);
    writeDataset(n1.run);
    n1.client.send(['SHUTDOWN']);
    expect(n1.node.running).toBe(false);
    expect(n1.client.closed).toBe(true);
    expectDataset(boot(storage).run);
  });

  it('does not save with NOSAVE or without save points, and saves with SAVE', () => {
    const s1 = new MemoryStorage();
    const n1 = boot(s1, [['save', ['3600', '1']]]);
    n1.run('SET', 'k', 'v');
    n1.client.send(['SHUTDOWN', 'NOSAVE']);
    expect(s1.exists('dump.rdb')).toBe(false);
    const s2 = new MemoryStorage();
    const n2 = boot(s2);
    n2.run('SET', 'k', 'v');
    n2.client.send(['shutdown']);
    expect(n2.node.running).toBe(false);
    expect(s2.exists('dump.rdb')).toBe(false);
    const s3 = new MemoryStorage();
    const n3 = boot(s3);
    n3.run('SET', 'k', 'v');
    n3.client.send(['SHUTDOWN', 'SAVE', 'NOW']);
    expect(boot(s3).run('GET', 'k')).toBe('v');
  });

  it('rejects bad flag combinations and ABORT like Redis', () => {
    const n = boot(new MemoryStorage());
    expect(n.run('SHUTDOWN', 'SAVE', 'NOSAVE')).toEqual({ error: 'ERR syntax error' });
    expect(n.run('SHUTDOWN', 'ABORT', 'NOW')).toEqual({ error: 'ERR syntax error' });
    expect(n.run('SHUTDOWN', 'BOGUS')).toEqual({ error: 'ERR syntax error' });
    expect(n.run('SHUTDOWN', 'ABORT')).toEqual({ error: 'ERR No shutdown in progress.' });
    expect(n.node.running).toBe(true);
  });

  it('refuses to exit when the snapshot cannot be written, unless FORCE', () => {
    const storage = new FailingStorage();
    const n = boot(storage, [['save', ['3600', '1']]]);
    n.run('SET', 'k', 'v');
    storage.failing = true;
    expect(n.run('SHUTDOWN')).toEqual({ error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    expect(n.node.running).toBe(true);
    expect(n.run('SAVE')).toEqual({ error: 'ERR' });
    expect(n.logs()).toContain("Error trying to save the DB, can't exit.");
    n.client.send(['SHUTDOWN', 'FORCE']);
    expect(n.node.running).toBe(false);
    expect(n.logs()).toContain('Error trying to save the DB. Exit anyway.');
  });
});

describe('AOF', () => {
  it('creates the base, incr and manifest files on start, like Redis 7.0', () => {
    const storage = new MemoryStorage();
    boot(storage, AOF);
    expect(text(storage, 'appendonlydir/appendonly.aof.manifest')).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    expect(text(storage, 'appendonlydir/appendonly.aof.1.base.rdb')?.startsWith('REDIS0010')).toBe(true);
    expect(text(storage, 'appendonlydir/appendonly.aof.1.incr.aof')).toBe('');
  });

  it('appends written commands as RESP with a SELECT when the database changes', () => {
    const storage = new MemoryStorage();
    const n = boot(storage, AOF);
    n.run('SET', 'k', 'v');
    n.run('GET', 'k');
    n.run('SET', 'k', 'v2');
    n.run('SELECT', 2);
    n.run('set', 'x', 'y');
    n.run('DEL', 'missing');
    const expected =
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n' +
      encodeAofCommand(['SET', 'k', 'v']) +
      encodeAofCommand(['SET', 'k', 'v2']) +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n' +
      encodeAofCommand(['set', 'x', 'y']);
    expect(text(storage, 'appendonlydir/appendonly.aof.1.incr.aof')).toBe(expected);
  });

  it('restores everything after a clean SHUTDOWN and restart', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    writeDataset(n1.run);
    n1.client.send(['SHUTDOWN']);
    expect(storage.exists('dump.rdb')).toBe(false);
    const n2 = boot(storage, AOF);
    expectDataset(n2.run);
    expect(n2.logs()).toContain('DB loaded from incr file appendonly.aof.1.incr.aof');
    expect(n2.logs()).toContain('Opening AOF incr file appendonly.aof.1.incr.aof on server start');
  });

  it('replays without counting a connection and keeps dirty, as Redis does', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    n1.run('SET', 'a', '1');
    n1.run('SET', 'b', '2');
    const n2 = boot(storage, AOF);
    expect(n2.node.stats.connectionsReceived).toBe(1); // the test's own client only
    expect(n2.node.dirty).toBe(2);
    expect(n2.run('MGET', 'a', 'b')).toEqual(['1', '2']);
  });

  it('keeps a key whose expiry was removed later, even when that expiry lies in the past at load time', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    n1.run('SET', 'k', 'v', 'PX', 100);
    n1.run('PERSIST', 'k');
    const n2 = boot(storage, AOF, DEFAULT_START_TIME_MS + 60_000);
    expect(n2.run('GET', 'k')).toBe('v');
    expect(n2.run('TTL', 'k')).toBe(-1);
    expect(new Map(n2.node.databases[0]!.rawEntries()).get('k')?.accessedAt).toBe(DEFAULT_START_TIME_MS + 60_000);
  });

  it('with appendfsync always, a crash right after the reply loses nothing', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, [...AOF, ['appendfsync', ['always']]]);
    writeDataset(n1.run);
    storage.crash();
    expectDataset(boot(storage, AOF).run);
  });

  it('with everysec, fsyncs at most once a second: a crash loses the writes since', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    n1.run('SET', 'first', '1'); // no fsync yet this second: synced at once
    n1.run('SET', 'second', '1');
    n1.advance(400);
    storage.crash();
    const n2 = boot(storage, AOF);
    expect(n2.run('MGET', 'first', 'second')).toEqual(['1', null]);
    n2.run('SET', 'third', '1');
    n2.run('SET', 'fourth', '1');
    n2.advance(1100); // the cron's flush fsyncs once the second has changed
    storage.crash();
    expect(boot(storage, AOF).run('MGET', 'first', 'third', 'fourth')).toEqual(['1', '1', '1']);
  });

  it('loads a truncated last command with a warning and cuts the file at the last whole command', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    n1.run('SET', 'a', '1');
    n1.client.send(['SHUTDOWN', 'NOSAVE']);
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    const whole = storage.read(incr)!.length;
    storage.append(incr, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\nab'));
    const n2 = boot(storage, AOF);
    expect(n2.run('GET', 'a')).toBe('1');
    expect(n2.run('EXISTS', 'b')).toBe(0);
    expect(n2.logs()).toContain(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${whole} !!!`);
    expect(n2.logs()).toContain('AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled');
    n2.run('SET', 'c', '3');
    expect(boot(storage, AOF).run('MGET', 'a', 'b', 'c')).toEqual(['1', null, '3']);
  });

  it('refuses a truncated AOF when aof-load-truncated is no, and a corrupt one always', () => {
    const storage = new MemoryStorage();
    boot(storage, AOF).run('SET', 'a', '1');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    storage.append(incr, Buffer.from('*2\r\n$3\r\nGET'));
    expect(() => boot(storage, [...AOF, ['aof-load-truncated', ['no']]])).toThrow(PersistenceLoadError);
    const corrupt = new MemoryStorage();
    boot(corrupt, AOF).run('SET', 'a', '1');
    corrupt.append(incr, Buffer.from('garbage\r\n'));
    expect(() => boot(corrupt, AOF)).toThrow(/Bad file format/);
    const unknown = new MemoryStorage();
    boot(unknown, AOF);
    unknown.append(incr, Buffer.from(encodeAofCommand(['NOSUCHCOMMAND', 'x'])));
    expect(() => boot(unknown, AOF)).toThrow(/Unknown command 'NOSUCHCOMMAND'/);
  });

  it('reverts a MULTI left open at the end of the file', () => {
    const storage = new MemoryStorage();
    boot(storage, AOF).run('SET', 'a', '1');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    storage.append(incr, Buffer.from(encodeAofCommand(['MULTI']) + encodeAofCommand(['SET', 'b', '2'])));
    const n = boot(storage, AOF);
    expect(n.run('MGET', 'a', 'b')).toEqual(['1', null]);
    expect(n.logs()).toContain('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof');
  });

  it('fails to start when a file the manifest lists is missing', () => {
    const storage = new MemoryStorage();
    boot(storage, AOF);
    storage.remove('appendonlydir/appendonly.aof.1.base.rdb');
    expect(() => boot(storage, AOF)).toThrow(/does not exist/);
  });

  it('BGREWRITEAOF writes a new base and incr, switches the manifest and deletes the old files', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage, AOF);
    writeDataset(n1.run);
    expect(n1.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    expect(text(storage, 'appendonlydir/appendonly.aof.manifest')).toBe(
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    expect(storage.exists('appendonlydir/appendonly.aof.1.base.rdb')).toBe(false);
    expect(storage.exists('appendonlydir/appendonly.aof.1.incr.aof')).toBe(false);
    expect(text(storage, 'appendonlydir/appendonly.aof.2.incr.aof')).toBe('');
    n1.run('SET', 'after', 'rewrite');
    storage.crash(); // the default everysec policy has not synced this write yet
    const n2 = boot(storage, AOF);
    expectDataset(n2.run);
    expect(n2.run('GET', 'after')).toBe(null);
    expect(Object.fromEntries(n1.node.persistence.infoFields()).aof_rewrites).toBe(1);
  });

  it('writes a base in command form when aof-use-rdb-preamble is no', () => {
    const storage = new MemoryStorage();
    const directives: Directives = [...AOF, ['aof-use-rdb-preamble', ['no']]];
    const n1 = boot(storage, directives);
    writeDataset(n1.run);
    n1.run('BGREWRITEAOF');
    const base = text(storage, 'appendonlydir/appendonly.aof.2.base.aof')!;
    expect(base).toContain(encodeAofCommand(['SET', 'a', '42']));
    expect(base).toContain('*3\r\n$9\r\nPEXPIREAT\r\n$3\r\nttl\r\n');
    expectDataset(boot(storage, directives).run);
  });

  it('CONFIG SET appendonly yes writes a base of the current data; no stops appending', () => {
    const storage = new MemoryStorage();
    const n1 = boot(storage);
    writeDataset(n1.run);
    expect(n1.run('CONFIG', 'SET', 'appendonly', 'yes')).toBe('OK');
    expect(text(storage, 'appendonlydir/appendonly.aof.manifest')).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    n1.run('SET', 'later', 'x');
    n1.client.send(['SHUTDOWN']);
    const n2 = boot(storage, AOF);
    expectDataset(n2.run);
    expect(n2.run('GET', 'later')).toBe('x');
    expect(n2.run('CONFIG', 'SET', 'appendonly', 'no')).toBe('OK');
    n2.run('SET', 'not-logged', 'x');
    expect(text(storage, 'appendonlydir/appendonly.aof.1.incr.aof')).not.toContain('not-logged');
  });

  it('moves an old-style appendonly.aof into the AOF directory', () => {
    const storage = new MemoryStorage();
    storage.writeAtomic('appendonly.aof', Buffer.from(encodeAofCommand(['SET', 'legacy', '1'])));
    const n = boot(storage, AOF);
    expect(n.run('GET', 'legacy')).toBe('1');
    expect(storage.exists('appendonly.aof')).toBe(false);
    expect(text(storage, 'appendonlydir/appendonly.aof.manifest')).toBe(
      'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
  });

  it('rewrites automatically once the AOF has grown by auto-aof-rewrite-percentage', () => {
    const storage = new MemoryStorage();
    const n = boot(storage, [
      ...AOF,
      ['auto-aof-rewrite-min-size', ['1000']],
      ['auto-aof-rewrite-percentage', ['100']],
    ]);
    const base = storage.read('appendonlydir/appendonly.aof.1.base.rdb')!.length;
    n.run('SET', 'k', 'x'.repeat(Math.max(1000, base * 2)));
    n.advance(200);
    expect(n.logs()).toMatch(/Starting automatic rewriting of AOF on \d+% growth/);
    expect(text(storage, 'appendonlydir/appendonly.aof.manifest')).toContain('appendonly.aof.2.base.rdb');
    expect(n.run('STRLEN', 'k')).toBe(Math.max(1000, base * 2));
  });

  it('reports a failed rewrite in INFO and keeps the old files', () => {
    const storage = new FailingStorage();
    const n = boot(storage, AOF);
    n.run('SET', 'k', 'v');
    storage.failing = true;
    expect(n.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    const info = Object.fromEntries(n.node.persistence.infoFields());
    expect(info.aof_last_bgrewrite_status).toBe('err');
    expect(info.aof_rewrites_consecutive_failures).toBe(1);
    storage.failing = false;
    n.run('SET', 'k2', 'v');
    n.client.send(['SHUTDOWN', 'NOSAVE']);
    expect(boot(storage, AOF).run('MGET', 'k', 'k2')).toEqual(['v', 'v']);
  });

  it('reports AOF sizes in INFO persistence', () => {
    const storage = new MemoryStorage();
    const n = boot(storage, AOF);
    n.run('SET', 'k', 'v');
    const info = Object.fromEntries(n.node.persistence.infoFields());
    const base = storage.read('appendonlydir/appendonly.aof.1.base.rdb')!.length;
    const incr = storage.read('appendonlydir/appendonly.aof.1.incr.aof')!.length;
    expect(info.aof_enabled).toBe(1);
    expect(info.aof_base_size).toBe(base);
    expect(info.aof_current_size).toBe(base + incr);
    expect(info.aof_buffer_length).toBe(0);
  });
});

/** MemoryStorage whose atomic writes fail on demand, like a full disk. */
class FailingStorage extends MemoryStorage {
  failing = false;

  override writeAtomic(name: string, data: Buffer): void {
    if (this.failing) throw new Error('No space left on device');
    super.writeAtomic(name, data);
  }
}
