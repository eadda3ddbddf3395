// CONFIG against real Redis 7.0.15: the same directive names and defaults in CONFIG GET *, the same CONFIG SET
// replies (byte for byte), and the same CONFIG REWRITE of a config file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { Reply } from '../../src/protocol/reply.js';
import {
  RespClient,
  startProcessServer,
  startRealRedis,
  startSimProcess,
  startSimServer,
  tempDir,
  type ProcessServer,
  type TestServer,
} from '../helpers/servers.js';

/**
 * Directives whose value legitimately differs: each server has its own port and data dir, and redis-sim binds
 * loopback by default (`127.0.0.1 -::1`) where redis-server binds `* -::*`.
 */
const DEFAULT_EXCEPTIONS = new Set(['port', 'dir', 'bind']);

/** CONFIG SET requests answered identically, errors included (each runs after the previous ones). */
const SET_CASES: string[][] = [
  ['foo', 'bar'],
  ['port', 'abc'],
  ['PORT', 'abc'],
  ['slave-priority', 'abc'],
  ['daemonize', 'yes'],
  ['DAEMONIZE', 'yes'],
  ['port', '1', 'port', '2'],
  ['slave-priority', '1', 'replica-priority', '2'],
  ['maxmemory', '-1'],
  ['maxmemory', ''],
  ['maxmemory', 'kb'],
  ['maxmemory', '1b'],
  ['maxmemory', '99999999999999999999'],
  ['maxmemory', '0'],
  ['maxclients', '-1'],
  ['hz', 'abc'],
  ['hz', '1000'],
  ['hz', '-1'],
  ['hz', '10'],
  ['save', '1 2 3'],
  ['save', '0 1'],
  ['save', ' 100 1'],
  ['save', '100 0'],
  ['save', '5 '],
  ['dbfilename', 'x'],
  ['dir', '/tmp'],
  ['loglevel', 'foo'],
  ['appendfsync', 'foo'],
  ['shutdown-on-sigint', 'save nosave'],
  ['shutdown-on-sigint', 'now save'],
  ['shutdown-on-sigint', ''],
  ['notify-keyspace-events', 'KEA'],
  ['notify-keyspace-events', 'Q'],
  ['notify-keyspace-events', ''],
  ['maxmemory-clients', '10%'],
  ['maxmemory-clients', '200%'],
  ['maxmemory-clients', '1gb'],
  ['unixsocketperm', '777'],
  ['client-output-buffer-limit', 'normal 1 2'],
  ['client-output-buffer-limit', 'master 1 2 3'],
  ['client-output-buffer-limit', 'normal 1x 2 3'],
  ['client-output-buffer-limit', 'normal 1mb 2 3 replica 4mb 5 6'],
  ['oom-score-adj-values', '1 2'],
  ['oom-score-adj-values', '1 2 3000'],
  ['oom-score-adj', 'relative'],
  ['latency-tracking-info-percentiles', '50 101'],
  ['latency-tracking-info-percentiles', 'abc'],
  ['latency-tracking-info-percentiles', '50.5000 99'],
  ['bind', '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17'],
  ['cluster-announce-hostname', 'a_b'],
  ['cluster-announce-hostname', 'a'.repeat(300)],
  ['appendfilename', 'x'],
  ['activedefrag', 'yes'],
  ['activedefrag', 'maybe'],
  ['port', '99999'],
  ['list-max-listpack-size', '99999999999'],
  ['list-max-listpack-size', ' 5'],
  ['slowlog-log-slower-than', '-5'],
  ['slowlog-max-len', '-1'],
  ['proto-max-bulk-len', '1'],
  ['proc-title-template', '{foo}'],
  ['proc-title-template', '{server-mode}'],
  ['proc-title-template', 'x{port'],
  ['repl-backlog-size', '0'],
  ['tls-port', '1234'],
  ['tls-replication', 'yes'],
  ['acl-pubsub-default', 'allchannels'],
  ['enable-protected-configs', 'yes'],
  ['replicaof', 'localhost 1'],
  ['maxmemory', '10mb', 'maxmemory-policy', 'bogus'],
  ['maxmemory', '10mb', 'maxmemory-policy', 'allkeys-lru', 'lfu-log-factor', '5'],
  ['maxmemory', '1', 'bogus-name', '1', 'daemonize', 'no'],
];

/** Redis's dict order is random; compare CONFIG GET replies as name → value maps. */
function asMap(reply: unknown): Map<string, string> {
  const flat = reply as string[];
  const map = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

let real: ProcessServer;
let sim: TestServer;
let realClient: RespClient;
let simClient: RespClient;

beforeAll(async () => {
  [real, sim] = await Promise.all([startRealRedis(), startSimServer()]);
  [realClient, simClient] = await Promise.all([RespClient.connect(real.port), RespClient.connect(sim.port)]);
});

afterAll(async () => {
  await realClient?.close();
  await simClient?.close();
  await real?.stop();
  await sim?.stop();
});

describe('CONFIG vs real Redis 7.0.15', () => {
  it('CONFIG GET * has the same names and default values', async () => {
    const expected = asMap(await realClient.run('CONFIG', 'GET', '*'));
    const actual = asMap(await simClient.run('CONFIG', 'GET', '*'));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, value] of expected) if (!DEFAULT_EXCEPTIONS.has(name)) expect(actual.get(name), name).toBe(value);
    expect(actual.get('bind')).toBe('127.0.0.1 -::1');
    expect(expected.get('bind')).toBe('* -::*');
  });

  it('CONFIG GET answers patterns, exact names and hidden directives alike', async () => {
    for (const args of [
      ['PORT'],
      ['po*'],
      ['slaveof'],
      ['rdb-key-save-delay'],
      ['rdb-key*'],
      ['save', 'appendonly'],
      ['*max*'],
      ['nosuch'],
    ]) {
      const expected = asMap(await realClient.run('CONFIG', 'GET', ...args));
      const actual = asMap(await simClient.run('CONFIG', 'GET', ...args));
      for (const m of [expected, actual]) for (const key of ['port', 'PORT']) m.delete(key);
      expect([...actual.entries()].sort(), args.join(' ')).toEqual([...expected.entries()].sort());
    }
  });

  it('CONFIG SET replies are identical, and so are the values they leave', async () => {
    for (const args of SET_CASES) {
      const [expected, actual]: Reply[] = await Promise.all([
        realClient.call('CONFIG', 'SET', ...args),
        simClient.call('CONFIG', 'SET', ...args),
      ]);
      expect(actual, `CONFIG SET ${args.join(' ')}`).toEqual(expected);
      const names = args.filter((_, i) => i % 2 === 0 && !['foo', 'bogus-name'].includes(args[i]!));
      if (names.length === 0) continue;
      const [before, after] = await Promise.all([
        realClient.run('CONFIG', 'GET', ...names),
        simClient.run('CONFIG', 'GET', ...names),
      ]);
      const [want, got] = [asMap(before), asMap(after)];
      for (const m of [want, got])
        for (const key of m.keys()) if (DEFAULT_EXCEPTIONS.has(key.toLowerCase())) m.delete(key);
      expect(got, `CONFIG GET ${names.join(' ')}`).toEqual(want);
    }
    for (const args of [
      ['SET'],
      ['SET', 'port'],
      ['SET', 'port', '1', 'x'],
      ['GET'],
      ['NOSUCH'],
      ['REWRITE'],
      ['RESETSTAT'],
    ]) {
      const [expected, actual] = await Promise.all([
        realClient.call('CONFIG', ...args),
        simClient.call('CONFIG', ...args),
      ]);
      expect(actual, `CONFIG ${args.join(' ')}`).toEqual(expected);
    }
    // HELP is worded by redis-sim; its frame (header, HELP entry, status replies) is Redis's.
    const [realHelp, simHelp] = await Promise.all([realClient.run('CONFIG', 'HELP'), simClient.run('CONFIG', 'HELP')]);
    expect((simHelp as string[])[0]).toBe((realHelp as string[])[0]);
    expect((simHelp as string[]).slice(-2)).toEqual((realHelp as string[]).slice(-2));
  });
});

describe('CONFIG REWRITE vs real Redis 7.0.15', () => {
  it('rewrites the same file the same way (appended lines compared as a set: Redis appends in hash order)', async () => {
    const { dir, cleanup } = tempDir();
    const texts: string[] = [];
    try {
      for (const kind of ['real', 'sim'] as const) {
        const conf = join(dir, `${kind}.conf`);
        writeFileSync(
          conf,
          '# lab config\nsave 900 1\nsave 300 10\nmaxmemory 100mb\n# keep me\nslave-priority 50\nlist-max-ziplist-entries 512\n',
        );
        const server =
          kind === 'real'
            ? await startProcessServer('redis-server', [conf], { dir })
            : await startSimProcess([conf, '--save', '900 1', '--save', '300 10'], { dir });
        try {
          const client = await RespClient.connect(server.port);
          expect(
            await client.run(
              'CONFIG',
              'SET',
              'maxmemory',
              '200mb',
              'save',
              '60 5',
              'notify-keyspace-events',
              'Kx',
              'hz',
              '20',
              'client-output-buffer-limit',
              'pubsub 1mb 0 0',
              'maxmemory-clients',
              '5%',
              'requirepass',
              'secret',
            ),
          ).toBe('OK');
          expect(await client.run('CONFIG', 'REWRITE')).toBe('OK');
          await client.close();
        } finally {
          await server.stop();
        }
        texts.push(readFileSync(conf, 'latin1').replace(/^port \d+$/m, 'port P'));
      }
    } finally {
      cleanup();
    }
    const [expected, actual] = texts.map((t) => {
      const [head, tail = ''] = t!.split('# Generated by CONFIG REWRITE\n');
      return { head, tail: tail.split('\n').sort() };
    });
    expect(actual!.head).toBe(expected!.head);
    expect(actual!.tail).toEqual(expected!.tail);
  });
});
