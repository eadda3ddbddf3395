// The string and bit commands against real Redis 7.0.15: a long fixed list of cases (edge cases and errors
// included) and a fast-check property over random command sequences, every reply compared exactly.

import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { Reply } from '../../src/protocol/reply.js';
import {
  RespClient,
  startRealRedis,
  startSimServer,
  type ProcessServer,
  type TestServer,
  ClientPool,
} from '../helpers/servers.js';

type Command = readonly string[];

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let realClient: RespClient;
let simClient: RespClient;
const clients = new ClientPool();

beforeAll(async () => {
  [real, sim] = await Promise.all([startRealRedis(), startSimServer()]);
  realClient = await clients.connect(real);
  simClient = await clients.connect(sim);
});

afterAll(async () => {
  await clients.closeAll();
  await Promise.all([real?.stop(), sim?.stop()]);
});

/** Empties both servers and puts a list under `l` on both, for WRONGTYPE cases. */
async function reset(): Promise<void> {
  await Promise.all([realClient.call('FLUSHALL'), simClient.call('FLUSHALL')]);
  await Promise.all([realClient.call('RPUSH', 'l', 'x'), simClient.call('RPUSH', 'l', 'x')]);
}

/** Runs one command on both servers and returns both replies. */
async function both(command: Command, clients = [realClient, simClient]): Promise<[Reply, Reply]> {
  const [r, s] = await Promise.all(clients.map((c) => c.call(...command)));
  return [r!, s!];
}

/** Runs a scenario on both servers (after a reset), failing on the first reply that differs. */
async function compare(scenario: readonly Command[], clients?: RespClient[]): Promise<void> {
  await reset();
  for (const command of scenario) {
    const [r, s] = await both(command, clients);
    expect({ command, reply: s }).toEqual({ command, reply: r });
  }
}

const NOW_S = () => Math.floor(Date.now() / 1000);

const SCENARIOS: Record<string, () => readonly Command[]> = {
  'GET/SET basics and binary values': () => [
    ['GET', 'a'],
    ['SET', 'a', 'hello'],
    ['GET', 'a'],
    ['SET', 'b', 'bin\x00\xff\r\nary'],
    ['GET', 'b'],
    ['SET', 'e', ''],
    ['GET', 'e'],
    ['STRLEN', 'e'],
    ['GET', 'l'],
    ['SET', 'l2', 'x'],
    ['SET', 'a'],
    ['GET', 'a', 'b'],
  ],
  'SET options and their clashes': () => [
    ['SET', 'a', '1', 'NX'],
    ['SET', 'a', '2', 'NX'],
    ['SET', 'a', '3', 'XX'],
    ['SET', 'z', '3', 'XX'],
    ['SET', 'a', '4', 'nx', 'xx'],
    ['SET', 'a', '4', 'XX', 'NX'],
    ['SET', 'a', '4', 'NX', 'NX'],
    ['SET', 'a', '5', 'GET'],
    ['SET', 'a', '6', 'GET', 'GET'],
    ['SET', 'z', '6', 'XX', 'GET'],
    ['SET', 'a', '7', 'NX', 'GET'],
    ['SET', 'y', '7', 'NX', 'GET'],
    ['SET', 'l', 'v', 'GET'],
    ['SET', 'a', 'v', 'EX', '100', 'PX', '100'],
    ['SET', 'a', 'v', 'EX', '100', 'EX', '200'],
    ['SET', 'a', 'v', 'KEEPTTL', 'EX', '100'],
    ['SET', 'a', 'v', 'EX', '100', 'KEEPTTL'],
    ['SET', 'a', 'v', 'KEEPTTL', 'KEEPTTL'],
    ['SET', 'a', 'v', 'PXAT', '1', 'EXAT', '1'],
    ['SET', 'a', 'v', 'PERSIST'],
    ['SET', 'a', 'v', 'EX'],
    ['SET', 'a', 'v', 'PX'],
    ['SET', 'a', 'v', 'EXAT'],
    ['SET', 'a', 'v', 'FOO'],
    ['SET', 'a', 'v', 'EX', 'abc'],
    ['SET', 'a', 'v', 'EX', '0'],
    ['SET', 'a', 'v', 'EX', '-1'],
    ['SET', 'a', 'v', 'PX', '0'],
    ['SET', 'a', 'v', 'EXAT', '0'],
    ['SET', 'a', 'v', 'PXAT', '-5'],
    ['SET', 'a', 'v', 'EX', '9223372036854775'],
    ['SET', 'a', 'v', 'EX', '9223372036854775807'],
    ['SET', 'a', 'v', 'PX', '9223372036854775807'],
    ['SET', 'a', 'v', 'PXAT', '9223372036854775807'],
    ['SET', 'a', 'v', 'EX', '1.5'],
    ['SET', 'a', 'v', 'EX', ' 10'],
    ['SET', 'l', 'v', 'EX', '0', 'GET'],
    ['SET', 'a', 'v', 'EX', 'x', 'FOO'],
    ['SET', 'a', 'v', 'nx\x00junk'],
    ['SET', 'a', 'v', 'Ex', '100', 'gEt'],
    ['SET', 'a', 'w', 'PXAT', '1', 'GET'],
    ['GET', 'a'],
    ['SET', 'a', 'w', 'EXAT', String(NOW_S() + 1000)],
    ['GET', 'a'],
    ['SET', 'a', 'x', 'KEEPTTL', 'XX', 'GET'],
    ['GET', 'a'],
  ],
  'SETNX, SETEX, PSETEX, GETSET, GETDEL': () => [
    ['SETNX', 'a', '1'],
    ['SETNX', 'a', '2'],
    ['SETNX', 'l', '2'],
    ['SETEX', 'b', '100', 'v'],
    ['SETEX', 'b', '0', 'v'],
    ['SETEX', 'b', '-3', 'v'],
    ['SETEX', 'b', 'x', 'v'],
    ['SETEX', 'b', '9223372036854775807', 'v'],
    ['PSETEX', 'c', '100000', 'v'],
    ['PSETEX', 'c', '0', 'v'],
    ['PSETEX', 'c', '9223372036854775807', 'v'],
    ['GET', 'c'],
    ['GETSET', 'a', 'new'],
    ['GETSET', 'z', 'new'],
    ['GETSET', 'l', 'new'],
    ['GETDEL', 'a'],
    ['GETDEL', 'a'],
    ['GETDEL', 'l'],
    ['GET', 'z'],
  ],
  GETEX: () => [
    ['GETEX', 'a'],
    ['SET', 'a', 'v'],
    ['GETEX', 'a'],
    ['GETEX', 'a', 'PERSIST'],
    ['GETEX', 'a', 'EX', '100'],
    ['GETEX', 'a', 'PX', '100000'],
    ['GETEX', 'a', 'EXAT', String(NOW_S() + 1000)],
    ['GETEX', 'a', 'PXAT', String(NOW_S() * 1000 + 1_000_000)],
    ['GETEX', 'a', 'persist'],
    ['GETEX', 'a', 'EX', '100', 'PERSIST'],
    ['GETEX', 'a', 'PERSIST', 'EX', '100'],
    ['GETEX', 'a', 'KEEPTTL'],
    ['GETEX', 'a', 'NX'],
    ['GETEX', 'a', 'GET'],
    ['GETEX', 'a', 'EX'],
    ['GETEX', 'a', 'EX', '0'],
    ['GETEX', 'a', 'EX', 'abc'],
    ['GETEX', 'a', 'PX', '-1'],
    ['GETEX', 'a', 'EX', '9223372036854775807'],
    ['GETEX', 'zz', 'EX', '0'],
    ['GETEX', 'l', 'EX', '0'],
    ['GETEX', 'l'],
    ['GETEX', 'a', 'EX', '100', 'EX', '200'],
    ['GETEX', 'a', 'PXAT', '1'],
    ['GET', 'a'],
    ['SET', 'b', 'v'],
    ['GETEX', 'b', 'EXAT', '1'],
    ['GET', 'b'],
  ],
  'MGET, MSET, MSETNX': () => [
    ['MSET', 'a', '1', 'b', '2'],
    ['MGET', 'a', 'b', 'c', 'l', 'a'],
    ['MSET', 'a'],
    ['MSET', 'a', '1', 'b'],
    ['MSET', 'a', '1', 'a', '2'],
    ['GET', 'a'],
    ['MSETNX', 'c', '3', 'd', '4'],
    ['MSETNX', 'd', '5', 'e', '6'],
    ['MGET', 'c', 'd', 'e'],
    ['MSETNX', 'f', '1', 'f', '2'],
    ['GET', 'f'],
    ['MSETNX', 'g'],
    ['MSETNX', 'l', '1'],
    ['MSET', 'l', 'now-a-string'],
    ['GET', 'l'],
  ],
  'INCR family': () => [
    ['INCR', 'n'],
    ['INCRBY', 'n', '10'],
    ['DECR', 'n'],
    ['DECRBY', 'n', '5'],
    ['DECRBY', 'n', '-5'],
    ['INCRBY', 'n', '-100'],
    ['INCRBY', 'n', 'x'],
    ['INCRBY', 'n', '1.5'],
    ['INCRBY', 'n', '+1'],
    ['INCRBY', 'n', '01'],
    ['INCRBY', 'n', '9223372036854775808'],
    ['SET', 'm', '9223372036854775806'],
    ['INCR', 'm'],
    ['INCR', 'm'],
    ['INCRBY', 'm', '-1'],
    ['SET', 'm', '-9223372036854775807'],
    ['DECR', 'm'],
    ['DECR', 'm'],
    ['DECRBY', 'm', '-9223372036854775807'],
    ['DECRBY', 'm', '-9223372036854775808'],
    ['DECRBY', 'm', '9223372036854775807'],
    ['INCRBY', 'big', '9007199254740993'],
    ['INCRBY', 'big', '9007199254740993'],
    ['SET', 's', 'abc'],
    ['INCR', 's'],
    ['SET', 's', ' 1'],
    ['INCR', 's'],
    ['SET', 's', '1 '],
    ['INCR', 's'],
    ['SET', 's', '-0'],
    ['INCR', 's'],
    ['SET', 's', '007'],
    ['INCR', 's'],
    ['SET', 's', '99999999999999999999'],
    ['INCR', 's'],
    ['SET', 's', ''],
    ['INCR', 's'],
    ['SET', 's', '12'],
    ['APPEND', 's', '3'],
    ['INCR', 's'],
    ['INCR', 'l'],
    ['INCRBY', 'l', 'x'],
    ['SET', 't', '10', 'EX', '1000'],
    ['INCR', 't'],
  ],
  INCRBYFLOAT: () => [
    ['INCRBYFLOAT', 'f', '10.5'],
    ['INCRBYFLOAT', 'f', '0.1'],
    ['INCRBYFLOAT', 'f', '-5.05'],
    ['INCRBYFLOAT', 'f', '1e3'],
    ['INCRBYFLOAT', 'f', '1.23e-5'],
    ['INCRBYFLOAT', 'f', '-1.23e-5'],
    ['INCRBYFLOAT', 'f', '0x1p4'],
    ['INCRBYFLOAT', 'f', '+.5'],
    ['INCRBYFLOAT', 'f', '5.'],
    ['INCRBYFLOAT', 'g', '0.1'],
    ['INCRBYFLOAT', 'g', '0.2'],
    ['INCRBYFLOAT', 'g', '-0.3'],
    ['INCRBYFLOAT', 'h', '1e30'],
    ['INCRBYFLOAT', 'h', '1e-30'],
    ['INCRBYFLOAT', 'i', '-1e-20'],
    ['INCRBYFLOAT', 'i', '3.0000000000000000001'],
    ['INCRBYFLOAT', 'j', '1e400'],
    ['INCRBYFLOAT', 'j', '1e4932'],
    ['INCRBYFLOAT', 'k', '1.2e4932'],
    ['INCRBYFLOAT', 'k', '1e-5000'],
    ['INCRBYFLOAT', 'k', '0e-99999'],
    ['INCRBYFLOAT', 'k', '4e-4951'],
    ['INCRBYFLOAT', 'k', '0x1p-16446'],
    ['INCRBYFLOAT', 'k', 'inf'],
    ['INCRBYFLOAT', 'k', '-Infinity'],
    ['INCRBYFLOAT', 'k', 'nan'],
    ['INCRBYFLOAT', 'k', 'abc'],
    ['INCRBYFLOAT', 'k', ''],
    ['INCRBYFLOAT', 'k', ' 1'],
    ['INCRBYFLOAT', 'k', '1 '],
    ['INCRBYFLOAT', 'k', '1e'],
    ['INCRBYFLOAT', 'k', '0x'],
    ['INCRBYFLOAT', 'k', '1\x002'],
    ['SET', 'tie', '0.000003814697265625'],
    ['INCRBYFLOAT', 'tie', '0'],
    ['SET', 'tie', '0.000011444091796875'],
    ['INCRBYFLOAT', 'tie', '0'],
    ['SET', 'x', 'inf'],
    ['INCRBYFLOAT', 'x', '1'],
    ['INCRBYFLOAT', 'x', 'abc'],
    ['SET', 'x', 'abc'],
    ['INCRBYFLOAT', 'x', '1'],
    ['SET', 'x', '9223372036854775807'],
    ['INCRBYFLOAT', 'x', '1'],
    ['INCRBYFLOAT', 'l', '1'],
    ['INCRBYFLOAT', 'l', 'abc'],
    ['SET', 'big', '1.1e4932'],
    ['INCRBYFLOAT', 'big', '1.1e4932'],
  ],
  'APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE': () => [
    ['APPEND', 'a', 'Hello'],
    ['APPEND', 'a', ' World'],
    ['APPEND', 'a', ''],
    ['APPEND', 'l', 'x'],
    ['STRLEN', 'a'],
    ['STRLEN', 'zz'],
    ['STRLEN', 'l'],
    ['GETRANGE', 'a', '0', '4'],
    ['GETRANGE', 'a', '-5', '-1'],
    ['GETRANGE', 'a', '-1', '-5'],
    ['GETRANGE', 'a', '5', '3'],
    ['GETRANGE', 'a', '0', '-100'],
    ['GETRANGE', 'a', '-100', '100'],
    ['GETRANGE', 'a', '20', '30'],
    ['GETRANGE', 'a', '0', '9223372036854775807'],
    ['GETRANGE', 'a', '-9223372036854775808', '2'],
    ['GETRANGE', 'a', '-9007199254740992', '-9007199254740993'],
    ['GETRANGE', 'a', '-9007199254740993', '-9007199254740992'],
    ['GETRANGE', 'a', 'x', '2'],
    ['GETRANGE', 'a', '1', 'y'],
    ['GETRANGE', 'zz', '0', '-1'],
    ['GETRANGE', 'zz', 'x', '-1'],
    ['GETRANGE', 'l', '0', '-1'],
    ['SUBSTR', 'a', '0', '2'],
    ['SUBSTR', 'a', '-3', '-1'],
    ['SETRANGE', 'a', '6', 'Redis'],
    ['GET', 'a'],
    ['SETRANGE', 'a', '20', 'X'],
    ['GET', 'a'],
    ['SETRANGE', 'a', '0', ''],
    ['SETRANGE', 'b', '5', ''],
    ['EXISTS', 'b'],
    ['SETRANGE', 'b', '3', 'ab'],
    ['GET', 'b'],
    ['SETRANGE', 'b', '-1', 'x'],
    ['SETRANGE', 'b', 'x', 'x'],
    ['SETRANGE', 'b', '536870912', 'x'],
    ['SETRANGE', 'b', '9223372036854775807', 'x'],
    ['SETRANGE', 'b', '536870912', ''],
    ['SETRANGE', 'l', '0', 'x'],
    ['SETRANGE', 'l', '-1', 'x'],
    ['SETRANGE', 'l', '0', ''],
    ['SET', 'n', '12345'],
    ['SETRANGE', 'n', '1', '9'],
    ['INCR', 'n'],
    ['SET', 'e', ''],
    ['GETRANGE', 'e', '0', '-1'],
    ['GETRANGE', 'e', '-1', '0'],
  ],
  LCS: () => [
    ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'],
    ['LCS', 'key1', 'key2'],
    ['LCS', 'key1', 'key2', 'LEN'],
    ['LCS', 'key1', 'key2', 'IDX'],
    ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '-4', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'idx', 'minmatchlen', '2', 'idx'],
    ['LCS', 'key1', 'key2', 'LEN', 'IDX'],
    ['LCS', 'key1', 'key2', 'LEN', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'FOO'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN', 'x'],
    ['LCS', 'key1', 'nokey'],
    ['LCS', 'nokey', 'nokey2', 'IDX'],
    ['LCS', 'key1', 'l'],
    ['LCS', 'l', 'key1', 'FOO'],
    ['LCS', 'key1'],
    ['MSET', 'x', 'aaaaaaaaaa', 'y', 'aaaaaaaaaa'],
    ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
    ['MSET', 'x', 'abcabcabc', 'y', 'cbacbacba'],
    ['LCS', 'x', 'y'],
    ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
    ['MSET', 'x', 'GATTACA\x00\xff', 'y', 'TAGACCA\xff'],
    ['LCS', 'x', 'y'],
    ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
  ],
  'SETBIT and GETBIT': () => [
    ['SETBIT', 'b', '7', '1'],
    ['GET', 'b'],
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '7', '0'],
    ['SETBIT', 'b', '100', '1'],
    ['STRLEN', 'b'],
    ['GETBIT', 'b', '100'],
    ['GETBIT', 'b', '101'],
    ['GETBIT', 'b', '100000'],
    ['GETBIT', 'nokey', '5'],
    ['GETBIT', 'b', '-1'],
    ['GETBIT', 'b', 'x'],
    ['GETBIT', 'b', '4294967296'],
    ['GETBIT', 'b', '4294967295'],
    ['SETBIT', 'b', '4294967296', '1'],
    ['SETBIT', 'b', '-1', '1'],
    ['SETBIT', 'b', '1', '2'],
    ['SETBIT', 'b', '1', '-1'],
    ['SETBIT', 'b', '1', 'x'],
    ['SETBIT', 'b', '1', '01'],
    ['SETBIT', 'b', 'x', '5'],
    ['SETBIT', 'b', '#1', '1'],
    ['SETBIT', 'l', '1', '1'],
    ['SETBIT', 'l', '1', '5'],
    ['GETBIT', 'l', '1'],
    ['GETBIT', 'l', 'x'],
    ['SET', 'n', '42'],
    ['GETBIT', 'n', '2'],
    ['SETBIT', 'n', '6', '1'],
    ['GET', 'n'],
  ],
  BITCOUNT: () => [
    ['SET', 'a', 'foobar'],
    ['BITCOUNT', 'a'],
    ['BITCOUNT', 'a', '0', '0'],
    ['BITCOUNT', 'a', '1', '1'],
    ['BITCOUNT', 'a', '1', '1', 'BYTE'],
    ['BITCOUNT', 'a', '5', '30', 'BIT'],
    ['BITCOUNT', 'a', '5', '30', 'bit'],
    ['BITCOUNT', 'a', '0', '-1', 'BIT'],
    ['BITCOUNT', 'a', '-3', '-1', 'BIT'],
    ['BITCOUNT', 'a', '-1', '-3'],
    ['BITCOUNT', 'a', '-1', '-3', 'FOO'],
    ['BITCOUNT', 'a', '3', '1'],
    ['BITCOUNT', 'a', '0', '100'],
    ['BITCOUNT', 'a', '-100', '-50'],
    ['BITCOUNT', 'a', '0', '1', 'FOO'],
    ['BITCOUNT', 'a', '0'],
    ['BITCOUNT', 'a', '0', '1', 'BIT', 'x'],
    ['BITCOUNT', 'a', 'x', '1'],
    ['BITCOUNT', 'a', '1', 'x'],
    ['BITCOUNT', 'nokey', 'x'],
    ['BITCOUNT', 'nokey', '0', '1', 'FOO'],
    ['BITCOUNT', 'l'],
    ['BITCOUNT', 'l', 'x'],
    ['BITCOUNT', 'a', '-9007199254740992', '-9007199254740993'],
    ['BITCOUNT', 'a', '-9007199254740993', '-9007199254740992', 'BIT'],
    ['BITCOUNT', 'a', '7', '7', 'BIT'],
    ['BITCOUNT', 'a', '9', '9', 'BIT'],
    ['BITCOUNT', 'a', '9', '8', 'BIT'],
    ['BITCOUNT', 'a', '47', '47', 'BIT'],
    ['SET', 'e', ''],
    ['BITCOUNT', 'e'],
    ['BITCOUNT', 'e', '0', '-1'],
    ['BITCOUNT', 'e', '0', '-1', 'BIT'],
    ['SET', 'n', '-123'],
    ['BITCOUNT', 'n'],
  ],
  BITPOS: () => [
    ['SET', 'a', '\xff\xf0\x00'],
    ['BITPOS', 'a', '0'],
    ['BITPOS', 'a', '1'],
    ['BITPOS', 'a', '0', '2'],
    ['BITPOS', 'a', '1', '2'],
    ['BITPOS', 'a', '1', '2', '-1'],
    ['BITPOS', 'a', '0', '0', '0'],
    ['BITPOS', 'a', '0', '0', '-1'],
    ['BITPOS', 'a', '0', '1', '1'],
    ['BITPOS', 'a', '1', '7', '15', 'BIT'],
    ['BITPOS', 'a', '0', '7', '15', 'BIT'],
    ['BITPOS', 'a', '0', '3', '7', 'BIT'],
    ['BITPOS', 'a', '1', '12', '23', 'BIT'],
    ['BITPOS', 'a', '0', '2', '3', 'BIT'],
    ['BITPOS', 'a', '0', '0', '11', 'BIT'],
    ['BITPOS', 'a', '1', '-5', '-1', 'BIT'],
    ['BITPOS', 'a', '0', '10', '2', 'BIT'],
    ['BITPOS', 'a', '0', '1', '2', 'byte'],
    ['BITPOS', 'a', '2'],
    ['BITPOS', 'a', '-1'],
    ['BITPOS', 'a', 'x'],
    ['BITPOS', 'a', '1', 'x'],
    ['BITPOS', 'a', '1', '0', 'x'],
    ['BITPOS', 'a', '1', '0', 'x', 'FOO'],
    ['BITPOS', 'a', '1', '0', '1', 'FOO'],
    ['BITPOS', 'a', '1', '0', '1', 'BIT', 'x'],
    ['BITPOS', 'nokey', '1'],
    ['BITPOS', 'nokey', '0'],
    ['BITPOS', 'nokey', '0', 'x', 'y'],
    ['BITPOS', 'nokey', '2'],
    ['BITPOS', 'l', '1'],
    ['BITPOS', 'l', '2'],
    ['SET', 'f', '\xff\xff\xff'],
    ['BITPOS', 'f', '0'],
    ['BITPOS', 'f', '0', '1'],
    ['BITPOS', 'f', '0', '1', '-1'],
    ['BITPOS', 'f', '0', '8', '-1', 'BIT'],
    ['BITPOS', 'f', '1', '0', '-1', 'BIT'],
    ['SET', 'z', '\x00\x00\x00'],
    ['BITPOS', 'z', '1'],
    ['BITPOS', 'z', '0'],
    ['BITPOS', 'z', '1', '4', '20', 'BIT'],
    ['BITPOS', 'z', '0', '4', '20', 'BIT'],
    ['SET', 'e', ''],
    ['BITPOS', 'e', '0'],
    ['BITPOS', 'e', '1'],
    ['BITPOS', 'e', '0', '0'],
    ['SET', 'n', '1'],
    ['BITPOS', 'n', '1'],
  ],
  BITOP: () => [
    ['SET', 'a', 'foobar'],
    ['SET', 'b', 'abcdef'],
    ['SET', 'c', '\xff'],
    ['BITOP', 'AND', 'd', 'a', 'b'],
    ['GET', 'd'],
    ['BITOP', 'or', 'd', 'a', 'b', 'c'],
    ['GET', 'd'],
    ['BITOP', 'XOR', 'd', 'a', 'c', 'nokey'],
    ['GET', 'd'],
    ['BITOP', 'NOT', 'd', 'a'],
    ['GET', 'd'],
    ['BITOP', 'NOT', 'd', 'a', 'b'],
    ['BITOP', 'NAND', 'd', 'a'],
    ['BITOP', 'AND', 'd', 'nokey', 'nokey2'],
    ['EXISTS', 'd'],
    ['BITOP', 'AND', 'd', 'nokey'],
    ['BITOP', 'AND', 'd', 'a', 'l'],
    ['BITOP', 'AND', 'l', 'a'],
    ['GET', 'l'],
    ['BITOP', 'AND', 'd'],
    ['SET', 'big1', 'x'.repeat(100)],
    ['SET', 'big2', 'y'.repeat(90) + '\x00'.repeat(5)],
    ['BITOP', 'AND', 'd', 'big1', 'big2'],
    ['GET', 'd'],
    ['BITOP', 'OR', 'd', 'big1', 'big2', 'a'],
    ['GET', 'd'],
    ['BITOP', 'NOT', 'd', 'big1'],
    ['GET', 'd'],
  ],
  BITFIELD: () => [
    ['BITFIELD', 'f', 'SET', 'u8', '0', '255', 'GET', 'u8', '0'],
    ['BITFIELD', 'f', 'INCRBY', 'u8', '0', '1'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '10', 'INCRBY', 'u8', '0', '-300'],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000', 'GET', 'u8', '0'],
    ['BITFIELD', 'f', 'SET', 'i8', '#1', '-100', 'GET', 'i8', '#1', 'GET', 'u8', '#1'],
    ['BITFIELD', 'f', 'INCRBY', 'i8', '8', '-100'],
    ['BITFIELD', 'f', 'OVERFLOW', 'sat', 'INCRBY', 'i8', '8', '-100', 'INCRBY', 'i8', '8', '1000'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-5', 'SET', 'i8', '0', '-9223372036854775808'],
    ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '-5', 'SET', 'i4', '0', '100'],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '-5', 'SET', 'u8', '0', '256', 'SET', 'u8', '0', '7'],
    ['BITFIELD', 'f', 'GET', 'i64', '0', 'GET', 'u63', '1', 'GET', 'u1', '3', 'GET', 'i1', '3'],
    ['BITFIELD', 'f', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'i64', '0', '9223372036854775807'],
    ['BITFIELD', 'f', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '9223372036854775807'],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', '9223372036854775807'],
    ['BITFIELD', 'f', 'SET', 'u63', '1', '9223372036854775807', 'INCRBY', 'u63', '1', '1'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '1', '9223372036854775807'],
    ['BITFIELD', 'f', 'GET', 'u64', '0'],
    ['BITFIELD', 'f', 'GET', 'i65', '0'],
    ['BITFIELD', 'f', 'GET', 'i0', '0'],
    ['BITFIELD', 'f', 'GET', 'U8', '0'],
    ['BITFIELD', 'f', 'GET', 'x8', '0'],
    ['BITFIELD', 'f', 'GET', 'u', '0'],
    ['BITFIELD', 'f', 'GET', 'u08', '0'],
    ['BITFIELD', 'f', 'GET', 'u8', '-1'],
    ['BITFIELD', 'f', 'GET', 'u8', 'x'],
    ['BITFIELD', 'f', 'GET', 'u8', '#-1'],
    ['BITFIELD', 'f', 'GET', 'u8', '##1'],
    ['BITFIELD', 'f', 'GET', 'u8', '4294967296'],
    ['BITFIELD', 'f', 'GET', 'u8', '4294967295'],
    ['BITFIELD', 'f', 'GET', 'u8', '#536870912'],
    ['BITFIELD', 'f', 'GET', 'i64', '#288230376151711744'],
    ['BITFIELD', 'f', 'GET', 'u8'],
    ['BITFIELD', 'f', 'SET', 'u8', '0'],
    ['BITFIELD', 'f', 'SET', 'u8', '0', 'x'],
    ['BITFIELD', 'f', 'INCRBY', 'u8', '0', '1.5'],
    ['BITFIELD', 'f', 'OVERFLOW'],
    ['BITFIELD', 'f', 'OVERFLOW', 'NOPE', 'GET', 'u8', '0'],
    ['BITFIELD', 'f', 'FOO'],
    ['BITFIELD', 'f', 'GET', 'u8', '0', 'FOO'],
    ['BITFIELD', 'f'],
    ['BITFIELD', 'f', 'OVERFLOW', 'WRAP'],
    ['BITFIELD', 'nokey', 'GET', 'u8', '0', 'GET', 'i16', '100'],
    ['EXISTS', 'nokey'],
    ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '10'],
    ['GET', 'g'],
    ['BITFIELD', 'g', 'SET', 'u2', '100', '0'],
    ['BITFIELD', 'l', 'GET', 'u8', '0'],
    ['BITFIELD', 'l', 'SET', 'u8', '0', '1'],
    ['BITFIELD', 'l', 'GET', 'u8', 'x'],
    ['BITFIELD_RO', 'f', 'GET', 'u8', '0', 'GET', 'i5', '3'],
    ['BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'],
    ['BITFIELD_RO', 'f', 'SET', 'u8', 'x', '1'],
    ['BITFIELD_RO', 'f', 'INCRBY', 'u8', '0', '1'],
    ['BITFIELD_RO', 'f', 'OVERFLOW', 'SAT'],
    ['BITFIELD_RO', 'f'],
    ['BITFIELD_RO', 'l', 'GET', 'u8', '0'],
    ['GET', 'f'],
    ['SET', 'n', '12'],
    ['BITFIELD', 'n', 'GET', 'u8', '0', 'INCRBY', 'u8', '8', '1'],
    ['GET', 'n'],
  ],
};

describe('strings and bits vs real Redis 7.0.15', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      await compare(scenario());
    });
  }

  it('answers the same in RESP3', async () => {
    const realResp3 = await clients.connect(real);
    const simResp3 = await clients.connect(sim);
    const pair = [realResp3, simResp3];
    const [r, s] = await both(['HELLO', '3'], pair);
    expect(s.t).toBe(r.t);
    await compare(
      [
        ['GET', 'nokey'],
        ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'],
        ['MGET', 'key1', 'nokey'],
        ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'],
        ['LCS', 'nokey', 'key2', 'IDX'],
        ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300', 'GET', 'u8', '0'],
        ['SET', 'k', 'v', 'NX'],
        ['SET', 'k', 'v', 'NX', 'GET'],
        ['GETEX', 'nokey'],
        ['INCRBYFLOAT', 'k2', '1.5'],
      ],
      pair,
    );
  });

  it('counts keyspace hits and misses like Redis', async () => {
    await reset();
    await both(['CONFIG', 'RESETSTAT']);
    const commands: Command[] = [
      ['SET', 'a', 'x'],
      ['GET', 'a'],
      ['GET', 'b'],
      ['MGET', 'a', 'b', 'l'],
      ['SET', 'a', 'y', 'GET'],
      ['GETRANGE', 'a', '0', '1'],
      ['STRLEN', 'b'],
      ['INCR', 'n'],
      ['APPEND', 'a', 'z'],
      ['GETBIT', 'a', '1'],
      ['BITCOUNT', 'b'],
      ['BITPOS', 'a', '1'],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['BITFIELD', 'a', 'GET', 'u8', '0'],
      ['BITFIELD', 'a', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'b', 'GET', 'u8', '0'],
      ['LCS', 'a', 'b'],
      ['GETEX', 'a'],
      ['GETDEL', 'b'],
      ['GETSET', 'a', 'q'],
      ['SETRANGE', 'a', '1', 'x'],
      ['INCRBYFLOAT', 'f', '1'],
    ];
    for (const command of commands) await both(command);
    const stats = async (client: RespClient) => {
      const info = await client.call('INFO', 'stats');
      const text = info.t === 'bulk' || info.t === 'verbatim' ? info.s : '';
      return text.split('\r\n').filter((line) => /^keyspace_(hits|misses):/.test(line));
    };
    expect(await stats(simClient)).toEqual(await stats(realClient));
  });

  it('fires the same keyspace notifications', async () => {
    await reset();
    const commands: Command[] = [
      ['SET', 'a', '1'],
      ['SET', 'a', '2', 'EX', '1000', 'GET'],
      ['SET', 'a', '3', 'NX'],
      ['GET', 'missing'],
      ['SETNX', 'b', '1'],
      ['SETEX', 'c', '100', 'v'],
      ['GETSET', 'c', 'w'],
      ['MSET', 'd', '1', 'e', '2'],
      ['MSETNX', 'd', '1', 'f', '2'],
      ['INCR', 'd'],
      ['DECRBY', 'd', '5'],
      ['INCRBYFLOAT', 'd', '1.5'],
      ['APPEND', 'e', 'x'],
      ['SETRANGE', 'e', '5', 'y'],
      ['SETRANGE', 'e', '5', ''],
      ['GETEX', 'e', 'EX', '100'],
      ['GETEX', 'e', 'PERSIST'],
      ['GETEX', 'e', 'PERSIST'],
      ['GETEX', 'e', 'PXAT', '1'],
      ['GETDEL', 'b'],
      ['GETDEL', 'b'],
      ['SETBIT', 'g', '3', '1'],
      ['SETBIT', 'g', '3', '1'],
      ['BITOP', 'OR', 'h', 'g', 'missing'],
      ['BITOP', 'OR', 'h', 'missing'],
      ['BITFIELD', 'i', 'SET', 'u8', '0', '1', 'GET', 'u8', '0'],
      ['BITFIELD', 'i', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
      ['BITFIELD_RO', 'missing', 'GET', 'u8', '0'],
      ['MGET', 'a', 'missing'],
      ['LCS', 'a', 'missing'],
      ['STRLEN', 'missing'],
      ['GETRANGE', 'missing', '0', '1'],
      ['GETBIT', 'missing', '1'],
      ['BITCOUNT', 'missing'],
      ['BITPOS', 'missing', '1'],
      ['SET', 'j', 'v', 'PXAT', '1'],
      ['GET', 'j'],
    ];
    const run = async (client: RespClient, server: TestServer): Promise<Reply[]> => {
      const sub = await clients.connect(server);
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAm');
      await sub.call('PSUBSCRIBE', '__key*__:*');
      // Messages arrive with no call waiting; a PING written raw (its reply unsolicited too) marks the end.
      for (const command of commands) await client.call(...command);
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.socket.write('*1\r\n$4\r\nPING\r\n');
      const messages: Reply[] = [];
      for (;;) {
        const message = await sub.nextUnsolicited();
        if (message.t === 'array' && message.items[0]?.t === 'bulk' && message.items[0].s === 'pong') break;
        messages.push(message);
      }
      return messages;
    };
    const realMessages = await run(realClient, real);
    const simMessages = await run(simClient, sim);
    expect(realMessages.length).toBeGreaterThan(40);
    expect(simMessages).toEqual(realMessages);
  });

  it('matches on random sequences of string and bit commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(_commandArb(), { minLength: 1, maxLength: 20 }), async (commands) => {
        await reset();
        for (const command of commands) {
          const [r, s] = await both(command);
          expect({ command, reply: s }).toEqual({ command, reply: r });
        }
      }),
      { numRuns: 100 },
    );
  });
});

// --- internal ---

/** One random string or bit command over keys a, b, c (and the list l), with some invalid arguments mixed in. */
function _commandArb(): fc.Arbitrary<Command> {
  const key = fc.constantFrom('a', 'b', 'c', 'a', 'b', 'l');
  const value = fc.oneof(
    fc.constantFrom('', '0', '1', '-1', '10', '3.5', '1e3', 'abc', 'x\x00y', '\xff\xf0', '9223372036854775807'),
    fc.string({ maxLength: 6 }),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.array(fc.constantFrom('a', 'b', '\x00', '\xff', '\x0f'), { maxLength: 24 }).map((cs) => cs.join('')),
  );
  const int = fc.oneof(
    fc.integer({ min: -20, max: 40 }).map(String),
    fc.constantFrom('x', '1.5', '-9223372036854775808', '9223372036854775807', '4294967296'),
  );
  const float = fc.oneof(
    fc.constantFrom('0.1', '-0.1', '1e2', '1.5', '-3', 'abc', 'inf', '0x10', '.5', '1e400', '1e-400'),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String),
  );
  const setOption = fc.oneof(
    fc.constant(['NX']),
    fc.constant(['XX']),
    fc.constant(['GET']),
    fc.constant(['KEEPTTL']),
    fc.constantFrom(['EX', '1000'], ['PX', '1000000'], ['EXAT', '1'], ['PXAT', '1'], ['EX', '0'], ['PX', 'x']),
    fc.constant(['EXAT', String(NOW_S() + 10_000)]),
    fc.constant(['BOGUS']),
  );
  const getexOption = fc.constantFrom([], ['PERSIST'], ['EX', '1000'], ['PXAT', '1'], ['EXAT', '-1'], ['NX']);
  const unit = fc.constantFrom([], ['BIT'], ['BYTE'], ['bogus']);
  const bitfieldOp = fc.oneof(
    fc.tuple(fc.constantFrom('GET'), _bitfieldType(), _bitfieldOffset()).map((t) => [...t]),
    fc.tuple(fc.constantFrom('SET', 'INCRBY'), _bitfieldType(), _bitfieldOffset(), int).map((t) => [...t]),
    fc.constantFrom(['OVERFLOW', 'WRAP'], ['OVERFLOW', 'SAT'], ['OVERFLOW', 'FAIL'], ['OVERFLOW', 'NO']),
  );
  return fc.oneof(
    fc.tuple(key).map(([k]) => ['GET', k]),
    fc.tuple(key, value, fc.array(setOption, { maxLength: 3 })).map(([k, v, opts]) => ['SET', k, v, ...opts.flat()]),
    fc.tuple(key, value).map(([k, v]) => ['SETNX', k, v]),
    fc.tuple(key, value).map(([k, v]) => ['GETSET', k, v]),
    fc.tuple(key).map(([k]) => ['GETDEL', k]),
    fc.tuple(key, getexOption).map(([k, o]) => ['GETEX', k, ...o]),
    fc.tuple(key, key).map(([k1, k2]) => ['MGET', k1, k2]),
    fc.tuple(key, value, key, value).map(([k1, v1, k2, v2]) => ['MSET', k1, v1, k2, v2]),
    fc.tuple(key, value, key, value).map(([k1, v1, k2, v2]) => ['MSETNX', k1, v1, k2, v2]),
    fc.tuple(fc.constantFrom('INCR', 'DECR'), key).map(([c, k]) => [c, k]),
    fc.tuple(fc.constantFrom('INCRBY', 'DECRBY'), key, int).map(([c, k, n]) => [c, k, n]),
    fc.tuple(key, float).map(([k, f]) => ['INCRBYFLOAT', k, f]),
    fc.tuple(key, value).map(([k, v]) => ['APPEND', k, v]),
    fc.tuple(key).map(([k]) => ['STRLEN', k]),
    fc.tuple(fc.constantFrom('GETRANGE', 'SUBSTR'), key, int, int).map(([c, k, s, e]) => [c, k, s, e]),
    fc
      .tuple(key, fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), int), value)
      .map(([k, o, v]) => ['SETRANGE', k, o, v]),
    fc
      .tuple(key, key, fc.subarray(['LEN', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '2']))
      .map(([k1, k2, o]) => ['LCS', k1, k2, ...o]),
    fc
      .tuple(key, fc.integer({ min: 0, max: 80 }).map(String), fc.constantFrom('0', '1', '2'))
      .map(([k, o, b]) => ['SETBIT', k, o, b]),
    fc.tuple(key, fc.oneof(fc.integer({ min: 0, max: 80 }).map(String), int)).map(([k, o]) => ['GETBIT', k, o]),
    fc
      .tuple(key, fc.option(fc.tuple(int, int, unit), { nil: undefined }))
      .map(([k, r]) => (r === undefined ? ['BITCOUNT', k] : ['BITCOUNT', k, r[0], r[1], ...r[2]])),
    fc
      .tuple(key, fc.constantFrom('0', '1', '2'), fc.array(int, { maxLength: 2 }), unit)
      .map(([k, b, range, u]) => ['BITPOS', k, b, ...range, ...(range.length === 2 ? u : [])]),
    fc
      .tuple(fc.constantFrom('AND', 'OR', 'XOR', 'NOT', 'NOPE'), key, fc.array(key, { minLength: 1, maxLength: 3 }))
      .map(([op, dest, srcs]) => ['BITOP', op, dest, ...srcs]),
    fc
      .tuple(fc.constantFrom('BITFIELD', 'BITFIELD_RO'), key, fc.array(bitfieldOp, { maxLength: 4 }))
      .map(([c, k, ops]) => [c, k, ...ops.flat()]),
  );
}

function _bitfieldType(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.constantFrom('i', 'u'), fc.integer({ min: 1, max: 64 })).map(([s, n]) => `${s}${n}`),
    fc.constantFrom('u64', 'i0', 'x8'),
  );
}

function _bitfieldOffset(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: 70 }).map(String),
    fc.integer({ min: 0, max: 5 }).map((n) => `#${n}`),
    fc.constantFrom('-1', 'x'),
  );
}
