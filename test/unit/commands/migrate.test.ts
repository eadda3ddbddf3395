// MIGRATE between two simulated nodes: the single-key and KEYS forms, COPY, REPLACE, AUTH/AUTH2, the target's errors,
// IOERR on a dead or silent target, the connection cache (reuse, SELECT only when the database changes, the 10 s idle
// close, a retry after the target dropped the cached link), propagation of the DEL, and that every other client waits
// while the target answers, as it would behind Redis's blocking MIGRATE.

import { describe, expect, it } from 'vitest';
import { toPlain, type PlainReply } from '../../../src/protocol/reply-text.js';
import type { SimClient } from '../../../src/sim/sim-client.js';
import { Simulation, type Directives } from '../../../src/sim/simulation.js';

const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const SYNTAX = { error: 'ERR syntax error' };
const CONNECT_ERROR = { error: 'IOERR error or timeout connecting to the client' };
const READ_ERROR = { error: 'IOERR error or timeout reading to target instance' };
const WRITE_ERROR = { error: 'IOERR error or timeout writing to target instance' };
const targetError = (text: string): PlainReply => ({ error: `ERR Target instance replied with error: ${text}` });

/** Two nodes, `a` (the source) and `b` (the target), and a client on each. */
function world(targetDirectives: Directives = [], sourceDirectives: Directives = []) {
  const sim = new Simulation({ seed: 7 });
  sim.addNode('a', sourceDirectives);
  sim.addNode('b', targetDirectives);
  const a = sim.client('a');
  const b = sim.client('b');
  const [host, port] = sim.node('b').address.split(':') as [string, string];
  const run = (client: SimClient, ...args: (string | number)[]): PlainReply => toPlain(client.run(...args));
  const info = (client: SimClient, field: string): string => {
    const text = run(client, 'INFO', 'everything') as string;
    const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
    return line === undefined ? '' : line.slice(field.length + 1);
  };
  const connects = (): number => sim.eventLog.lines().filter((l) => l.includes(' connect a ')).length;
  return { sim, a, b, host, port, run, info, connects };
}

describe('MIGRATE arguments', () => {
  it('checks options, then the timeout, then the database, as migrateCommand does', () => {
    const { a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 1000, 'BOGUS')).toEqual(SYNTAX);
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 1000, 'AUTH')).toEqual(SYNTAX);
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 1000, 'AUTH2', 'user')).toEqual(SYNTAX);
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 1000, 'KEYS', 'k')).toEqual({
      error: 'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string',
    });
    expect(run(a, 'MIGRATE', host, port, 'k', 'x', 'y')).toEqual(NOT_INT);
    expect(run(a, 'MIGRATE', host, port, 'k', 'x', 1000)).toEqual(NOT_INT);
    expect(run(a, 'MIGRATE', host, port, 'k', 0, '+5')).toEqual(NOT_INT);
    expect(run(a, 'MIGRATE', host, port)).toEqual({ error: "ERR wrong number of arguments for 'migrate' command" });
    // Everything after KEYS is a key, even option names.
    expect(run(a, 'MIGRATE', host, port, '', 0, 1000, 'KEYS', 'COPY', 'AUTH')).toBe('NOKEY');
    expect(run(a, 'GET', 'k')).toBe('v');
  });

  it('answers +NOKEY when no key exists, without connecting', () => {
    const { a, host, port, run, connects } = world();
    expect(run(a, 'MIGRATE', host, port, 'missing', 0, 1000)).toBe('NOKEY');
    expect(run(a, 'MIGRATE', host, port, '', 0, 1000, 'KEYS', 'x', 'y')).toBe('NOKEY');
    expect(run(a, 'MIGRATE', host, port, '', 0, 1000, 'KEYS')).toBe('NOKEY');
    expect(connects()).toBe(0);
  });
});

describe('MIGRATE transfers', () => {
  it('moves one key with its TTL and deletes it here', () => {
    const { sim, a, b, host, port, run } = world();
    run(a, 'SET', 'k', 'hello');
    run(a, 'PEXPIRE', 'k', 50_000);
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000)).toBe('OK');
    expect(run(a, 'EXISTS', 'k')).toBe(0);
    expect(run(b, 'GET', 'k')).toBe('hello');
    const pttl = run(b, 'PTTL', 'k') as number;
    expect(pttl).toBeGreaterThan(49_900);
    expect(pttl).toBeLessThanOrEqual(50_000);
    expect(sim.node('a').node.dirty).toBeGreaterThan(0);
  });

  it('moves every type, the KEYS form skipping missing keys, into the chosen database', () => {
    const { a, b, host, port, run } = world();
    run(a, 'SET', 's', 'str');
    run(a, 'RPUSH', 'l', 'x', 'y');
    run(a, 'HSET', 'h', 'f', 'v');
    run(a, 'SADD', 'set', 'm1', 'm2');
    run(a, 'ZADD', 'z', 1, 'one');
    const dumps = ['s', 'l', 'h', 'set', 'z'].map((k) => run(a, 'DUMP', k));
    expect(run(a, 'MIGRATE', host, port, '', 3, 5000, 'KEYS', 's', 'nope', 'l', 'h', 'set', 'z')).toBe('OK');
    expect(run(a, 'DBSIZE')).toBe(0);
    expect(run(b, 'DBSIZE')).toBe(0);
    run(b, 'SELECT', 3);
    expect(['s', 'l', 'h', 'set', 'z'].map((k) => run(b, 'DUMP', k))).toEqual(dumps);
  });

  it('keeps the keys with COPY, and needs REPLACE for a key the target has', () => {
    const { a, b, host, port, run } = world();
    run(a, 'SET', 'k', 'new');
    run(b, 'SET', 'k', 'old');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000, 'COPY')).toEqual(
      targetError('BUSYKEY Target key name already exists.'),
    );
    expect(run(a, 'GET', 'k')).toBe('new');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000, 'COPY', 'REPLACE')).toBe('OK');
    expect(run(a, 'GET', 'k')).toBe('new');
    expect(run(b, 'GET', 'k')).toBe('new');
    run(a, 'SET', 'k', 'newer');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000, 'REPLACE')).toBe('OK');
    expect(run(a, 'EXISTS', 'k')).toBe(0);
    expect(run(b, 'GET', 'k')).toBe('newer');
  });

  it('deletes the keys the target accepted even when another one failed', () => {
    const { a, b, host, port, run } = world();
    run(a, 'MSET', 'k1', 'a', 'k2', 'b', 'k3', 'c');
    run(b, 'SET', 'k2', 'taken');
    expect(run(a, 'MIGRATE', host, port, '', 0, 5000, 'KEYS', 'k1', 'k2', 'k3')).toEqual(
      targetError('BUSYKEY Target key name already exists.'),
    );
    expect(run(a, 'KEYS', '*')).toEqual(['k2']);
    expect(run(b, 'MGET', 'k1', 'k2', 'k3')).toEqual(['a', 'taken', 'c']);
    expect(run(a, 'INFO', 'errorstats')).toContain('errorstat_ERR:count=1');
  });

  it('authenticates with AUTH and AUTH2, reporting the target’s refusal', () => {
    const { a, b, host, port, run } = world([['requirepass', ['secret']]]);
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000)).toEqual(targetError('NOAUTH Authentication required.'));
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000, 'AUTH', 'wrong')).toEqual(
      targetError('WRONGPASS invalid username-password pair or user is disabled.'),
    );
    expect(run(a, 'GET', 'k')).toBe('v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000, 'AUTH', 'secret')).toBe('OK');
    run(a, 'SET', 'k2', 'v2');
    expect(run(a, 'MIGRATE', host, port, 'k2', 0, 5000, 'AUTH2', 'default', 'secret')).toBe('OK');
    // The cached connection stays authenticated, as Redis's does: no AUTH needed on it any more.
    run(a, 'SET', 'k3', 'v3');
    expect(run(a, 'MIGRATE', host, port, 'k3', 0, 5000)).toBe('OK');
    run(b, 'AUTH', 'secret');
    expect(run(b, 'MGET', 'k', 'k2', 'k3')).toEqual(['v', 'v2', 'v3']);
  });

  it('reports a bad database from the target’s SELECT', () => {
    const { a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', host, port, 'k', 99, 5000)).toEqual(targetError('ERR DB index is out of range'));
    expect(run(a, 'MIGRATE', host, port, 'k', -1, 5000)).toEqual(targetError('ERR DB index is out of range'));
    expect(run(a, 'GET', 'k')).toBe('v');
  });

  it('propagates a DEL of the migrated keys, and nothing for COPY', () => {
    const { sim, a, host, port, run } = world(
      [],
      [
        ['appendonly', ['yes']],
        ['appendfsync', ['always']],
      ],
    );
    run(a, 'MSET', 'gone', '1', 'kept', '2');
    expect(run(a, 'MIGRATE', host, port, 'gone', 0, 5000)).toBe('OK');
    expect(run(a, 'MIGRATE', host, port, 'kept', 0, 5000, 'COPY', 'REPLACE')).toBe('OK');
    sim.crash('a');
    sim.restart('a');
    const again = sim.client('a');
    expect(run(again, 'KEYS', '*')).toEqual(['kept']);
  });
});

describe('MIGRATE side effects and edge cases', () => {
  it('skips expired keys, and fires the del keyspace event for migrated ones', () => {
    const { sim, a, host, port, run } = world([], [['notify-keyspace-events', ['Eg']]]);
    run(a, 'SET', 'short', 'x', 'PX', 10);
    sim.runFor(20);
    expect(run(a, 'MIGRATE', host, port, 'short', 0, 1000)).toBe('NOKEY');
    const listener = sim.client('a');
    run(listener, 'SUBSCRIBE', '__keyevent@0__:del');
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 1000)).toBe('OK');
    sim.runFor(10);
    expect(listener.pushes.map((p) => toPlain(p))).toContainEqual(['message', '__keyevent@0__:del', 'k']);
  });

  it('honours CLIENT REPLY OFF and SKIP for the late reply', () => {
    const { sim, host, port, run } = world();
    const c = sim.client('a', { name: 'quiet' });
    run(c, 'MSET', 'k1', '1', 'k2', '2');
    const received = (): string[] =>
      sim.eventLog
        .lines()
        .filter((l) => l.includes('[quiet] <- '))
        .map((l) => l.slice(l.indexOf('<- ') + 3));
    const before = received().length;
    for (const args of [
      ['CLIENT', 'REPLY', 'SKIP'],
      ['MIGRATE', host, port, 'k1', 0, 1000],
      ['EXISTS', 'k1'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['MIGRATE', host, port, 'k2', 0, 1000],
      ['CLIENT', 'REPLY', 'ON'],
      ['EXISTS', 'k2'],
    ])
      c.call(...args);
    sim.runFor(100);
    expect(received().slice(before)).toEqual([':0', '+OK', ':0']);
    expect(run(sim.client('b'), 'MGET', 'k1', 'k2')).toEqual(['1', '2']);
  });

  it('finishes the migration when its client disconnects while waiting', () => {
    const { sim, a, b, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    a.call('MIGRATE', host, port, 'k', 0, 10_000);
    sim.runFor(5);
    a.close();
    sim.resume('b');
    sim.runFor(50);
    const again = sim.client('a');
    expect(run(again, 'EXISTS', 'k')).toBe(0);
    expect(run(b, 'GET', 'k')).toBe('v');
  });

  it('runs a SHUTDOWN sent during a migration once the migration is answered', () => {
    const { sim, a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    const migrate = a.call('MIGRATE', host, port, 'k', 0, 10_000);
    sim.client('a').call('SHUTDOWN', 'NOSAVE');
    sim.runFor(100);
    expect(sim.node('a').state).toBe('running');
    sim.resume('b');
    sim.runUntil(() => sim.node('a').state === 'stopped' && migrate.done, 5000);
    expect(migrate.plain()).toBe('OK');
  });
});

describe('MIGRATE in cluster mode', () => {
  it('sends RESTORE-ASKING, so a target importing the slot accepts the keys', () => {
    const { sim, a, b, host, port, run, info } = world([], [['cluster-enabled', ['yes']]]);
    // Only the command MIGRATE sends matters here, not which slots this lone cluster node serves.
    sim.node('a').node.redirect = () => null;
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 5000)).toBe('OK');
    expect(info(b, 'cmdstat_restore-asking')).toMatch(/^calls=1,/);
    expect(info(b, 'cmdstat_restore')).toBe('');
    expect(run(b, 'GET', 'k')).toBe('v');
  });
});

describe('MIGRATE failures', () => {
  it('answers IOERR writing after a retry when nobody listens, as Redis’s non-blocking connect does', () => {
    const { a, run, info, connects } = world();
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', '127.0.0.1', 7999, 'k', 0, 1000)).toEqual(WRITE_ERROR);
    expect(connects()).toBe(2);
    // atoi: no digits is port 0, and 70000 keeps its low 16 bits (4464); nobody listens on either.
    expect(run(a, 'MIGRATE', '127.0.0.1', 'notaport', 'k', 0, 1000)).toEqual(WRITE_ERROR);
    expect(run(a, 'MIGRATE', '127.0.0.1', 70000, 'k', 0, 1000)).toEqual(WRITE_ERROR);
    expect(connects()).toBe(4);
    expect(run(a, 'GET', 'k')).toBe('v');
    expect(info(a, 'migrate_cached_sockets')).toBe('0');
  });

  it('answers IOERR connecting when the address cannot resolve', () => {
    const { a, run, connects } = world();
    run(a, 'SET', 'k', 'v');
    expect(run(a, 'MIGRATE', '127.0.0.1', -5, 'k', 0, 1000)).toEqual(CONNECT_ERROR);
    expect(run(a, 'MIGRATE', '256.1.1.1', 6379, 'k', 0, 1000)).toEqual(CONNECT_ERROR);
    expect(run(a, 'MIGRATE', '', 6379, 'k', 0, 1000)).toEqual(CONNECT_ERROR);
    expect(connects()).toBe(0);
    expect(run(a, 'GET', 'k')).toBe('v');
  });

  it('times out on a target that does not answer, leaving the key', () => {
    const { sim, a, b, host, port, run, info } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    const call = a.call('MIGRATE', host, port, 'k', 0, 500);
    sim.runUntil(() => call.done, 5000);
    expect(call.plain()).toEqual(READ_ERROR);
    expect(call.settledAt! - call.sentAt).toBeGreaterThanOrEqual(500);
    expect(call.settledAt! - call.sentAt).toBeLessThan(510);
    expect(run(a, 'GET', 'k')).toBe('v');
    expect(info(a, 'migrate_cached_sockets')).toBe('0');
    // As with a stopped Redis, the RESTORE still reaches the target once it runs again: the key is on both sides.
    sim.resume('b');
    expect(run(b, 'GET', 'k')).toBe('v');
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 500)).toEqual(targetError('BUSYKEY Target key name already exists.'));
    expect(run(a, 'MIGRATE', host, port, 'k', 0, 500, 'REPLACE')).toBe('OK');
    expect(run(a, 'EXISTS', 'k')).toBe(0);
  });

  it('times out migrating to itself, deleting nothing, as Redis blocked on its own socket does', () => {
    const { sim, a, run } = world();
    const [host, port] = sim.node('a').address.split(':') as [string, string];
    run(a, 'SET', 'k', 'v');
    const call = a.call('MIGRATE', host, port, 'k', 0, 300, 'REPLACE');
    sim.runUntil(() => call.done, 5000);
    expect(call.plain()).toEqual(READ_ERROR);
    expect(call.settledAt! - call.sentAt).toBeGreaterThanOrEqual(300);
    expect(run(a, 'GET', 'k')).toBe('v');
  });

  it('uses 1000 ms for a timeout of zero or less', () => {
    const { sim, a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    const call = a.call('MIGRATE', host, port, 'k', 0, -5);
    sim.runUntil(() => call.done, 5000);
    expect(call.plain()).toEqual(READ_ERROR);
    expect(call.settledAt! - call.sentAt).toBeGreaterThanOrEqual(1000);
    expect(call.settledAt! - call.sentAt).toBeLessThan(1010);
  });

  it('retries once on a fresh connection when the cached one was dropped by the target', () => {
    const { sim, a, host, port, run, connects } = world();
    run(a, 'MSET', 'k1', '1', 'k2', '2', 'k3', '3');
    expect(run(a, 'MIGRATE', host, port, 'k1', 0, 5000)).toBe('OK');
    expect(connects()).toBe(1);
    sim.crash('b');
    sim.restart('b');
    sim.runFor(10);
    expect(run(a, 'MIGRATE', host, port, 'k2', 0, 5000)).toBe('OK');
    expect(connects()).toBe(2);
    expect(run(sim.client('b'), 'GET', 'k2')).toBe('2');
    // With the target gone for good, the retry's connection is refused: IOERR writing, the key stays.
    sim.crash('b');
    sim.runFor(10);
    expect(run(a, 'MIGRATE', host, port, 'k3', 0, 5000)).toEqual(WRITE_ERROR);
    expect(connects()).toBe(3);
    expect(run(a, 'GET', 'k3')).toBe('3');
  });

  it('refuses to wait inside MULTI/EXEC, after the same checks as Redis', () => {
    const { a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    run(a, 'MULTI');
    run(a, 'MIGRATE', host, port, 'missing', 0, 1000);
    run(a, 'MIGRATE', host, port, 'k', 0, 1000);
    run(a, 'MIGRATE', host, port, 'k', 'x', 1000);
    run(a, 'GET', 'k');
    expect(run(a, 'EXEC')).toEqual([
      'NOKEY',
      {
        error: 'ERR MIGRATE cannot wait for its target inside MULTI/EXEC in redis-sim; send it outside the transaction',
      },
      NOT_INT,
      'v',
    ]);
  });
});

describe('MIGRATE connection cache and waiting', () => {
  it('reuses one connection, sends SELECT only when the database changes, and closes it after 10 s idle', () => {
    const { sim, a, b, host, port, run, info, connects } = world();
    run(a, 'MSET', 'k1', '1', 'k2', '2', 'k3', '3');
    expect(run(a, 'MIGRATE', host, port, 'k1', 0, 5000)).toBe('OK');
    expect(run(a, 'MIGRATE', host, port, 'k2', 0, 5000)).toBe('OK');
    expect(run(a, 'MIGRATE', host, port, 'k3', 1, 5000)).toBe('OK');
    expect(connects()).toBe(1);
    expect(info(a, 'migrate_cached_sockets')).toBe('1');
    expect(info(b, 'cmdstat_select')).toMatch(/^calls=2,/);
    expect(info(b, 'cmdstat_restore')).toMatch(/^calls=3,/);
    // migrateCloseTimedoutSockets: more than 10 whole seconds unused, checked once a second.
    sim.runFor(10_000);
    expect(info(a, 'migrate_cached_sockets')).toBe('1');
    sim.runFor(2_100);
    expect(info(a, 'migrate_cached_sockets')).toBe('0');
    run(a, 'SET', 'k4', '4');
    expect(run(a, 'MIGRATE', host, port, 'k4', 1, 5000)).toBe('OK');
    expect(connects()).toBe(2);
    expect(info(b, 'cmdstat_select')).toMatch(/^calls=3,/);
  });

  it('holds every other client until the target answers, as Redis’s blocking MIGRATE does', () => {
    const { sim, a, b, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    const migrate = a.call('MIGRATE', host, port, 'k', 0, 10_000);
    const after = a.call('EXISTS', 'k');
    const other = sim.client('a');
    const ping = other.call('PING');
    const write = other.call('SET', 'k', 'new');
    sim.runFor(1000);
    expect([migrate.done, after.done, ping.done, write.done]).toEqual([false, false, false, false]);
    sim.resume('b');
    sim.runUntil(() => after.done && write.done, 5000);
    expect([migrate.plain(), after.plain(), ping.plain(), write.plain()]).toEqual(['OK', 0, 'PONG', 'OK']);
    // The write ran after the key had moved, so it created a new key here and left the target's copy alone.
    expect(write.settledAt!).toBeGreaterThanOrEqual(migrate.settledAt!);
    expect(run(a, 'GET', 'k')).toBe('new');
    expect(run(b, 'GET', 'k')).toBe('v');
    expect(run(other, 'INFO', 'clients')).toContain('blocked_clients:0');
  });

  it('lets clients go when the target times out', () => {
    const { sim, a, host, port, run } = world();
    run(a, 'SET', 'k', 'v');
    sim.pause('b');
    const migrate = a.call('MIGRATE', host, port, 'k', 0, 500);
    const other = sim.client('a').call('GET', 'k');
    sim.runUntil(() => other.done && migrate.done, 5000);
    expect(migrate.plain()).toEqual(READ_ERROR);
    expect(other.plain()).toBe('v');
  });

  it('runs two clients’ migrations to one target one after the other on the shared connection', () => {
    const { sim, a, b, host, port, run, connects } = world();
    run(a, 'MSET', 'k1', '1', 'k2', '2');
    const other = sim.client('a');
    const first = a.call('MIGRATE', host, port, 'k1', 0, 5000);
    const second = other.call('MIGRATE', host, port, 'k2', 2, 5000);
    sim.runUntil(() => first.done && second.done, 5000);
    expect([first.plain(), second.plain()]).toEqual(['OK', 'OK']);
    expect(connects()).toBe(1);
    expect(run(b, 'GET', 'k1')).toBe('1');
    run(b, 'SELECT', 2);
    expect(run(b, 'GET', 'k2')).toBe('2');
  });

  it('replays the same event log for the same seed', () => {
    const runOnce = (): string => {
      const { sim, a, host, port, run } = world();
      run(a, 'MSET', 'k1', '1', 'k2', '2');
      run(a, 'MIGRATE', host, port, '', 0, 5000, 'KEYS', 'k1', 'k2');
      sim.runFor(15_000);
      return sim.eventLog.hash();
    };
    expect(runOnce()).toBe(runOnce());
  });
});
