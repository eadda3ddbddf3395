// Command generators for differential tests. Small key and value pools make commands collide on the same keys (that
// is where bugs live); values include the awkward ones (integers at the 64-bit edges, floats, empty, binary).
// A family is just an arbitrary of commands: add a new family by adding a generator here and listing it in a test.

import fc from 'fast-check';
import type { Command, Sequence } from './harness.js';

/** A generator of commands of one family. */
export interface FamilyGenerator {
  readonly name: string;
  readonly command: fc.Arbitrary<Command>;
}

/** The key pool: three plain keys and one hash-tagged key (same slot as k1). */
export const KEY_POOL = ['k1', 'k2', 'k3', '{k1}t'] as const;

/** A key from the pool. */
export const keyArb: fc.Arbitrary<string> = fc.constantFrom(...KEY_POOL);

/** One to three keys from the pool (repeats allowed, as clients may send them). */
export const keysArb: fc.Arbitrary<string[]> = fc.array(keyArb, { minLength: 1, maxLength: 3 });

/** A value: integers (incl. 64-bit edges), floats, empty, text, and binary bytes. */
export const valueArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      '0',
      '1',
      '-1',
      '42',
      '007',
      '+5',
      ' 7',
      '3.14',
      '-2.5',
      '1e3',
      '0x1f',
      '10.50',
      '5.0e-1',
      'inf',
      '-inf',
      'nan',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      'abc',
      'hello world',
      'x'.repeat(50),
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u).toString('latin1')) },
);

/** An integer-ish argument for counts, offsets and increments, with invalid spellings mixed in. */
export const intArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -12, max: 12 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '100',
      '-100',
      'abc',
      '',
      '1.5',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      ' 1',
    ),
  },
);

/** A relative expiry in seconds: long enough never to fire during a test, plus invalid ones. */
export const secondsArb: fc.Arbitrary<string> = fc.constantFrom(
  '100',
  '1000',
  '100000',
  '0',
  '-1',
  'abc',
  '1.5',
  '9223372036854775807',
  '4611686018427388',
);

/** A relative expiry in milliseconds, likewise. */
export const millisArb: fc.Arbitrary<string> = fc.constantFrom(
  '100000',
  '1000000',
  '0',
  '-1',
  'abc',
  '9223372036854775807',
  '9223372036854775',
);

/** An absolute unix time in seconds: long past (the key expires at once), far future, and invalid. */
export const unixSecondsArb: fc.Arbitrary<string> = fc.constantFrom('1', '4102444800', '0', '-1', 'abc');

/** An absolute unix time in milliseconds, likewise. */
export const unixMillisArb: fc.Arbitrary<string> = fc.constantFrom('1', '4102444800000', '0', '-1', 'abc');

/** A glob pattern for KEYS/SCAN MATCH. */
export const patternArb: fc.Arbitrary<string> = fc.constantFrom(
  '*',
  'k*',
  'k?',
  '*1*',
  '[k]1',
  'k[1-2]',
  '{*',
  '\\{*',
  'k[^1]',
  'nomatch',
  '',
);

/** A database index, mostly valid. */
export const dbArb: fc.Arbitrary<string> = fc.constantFrom('0', '1', '2', '0', '1', '15', '16', '-1', 'abc');

/** Builds one command from literal words and arbitraries. */
export function cmd(...parts: (string | fc.Arbitrary<string> | fc.Arbitrary<string[]>)[]): fc.Arbitrary<Command> {
  return fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(p) : p))).map((words) => words.flat());
}

/** Zero or more option groups, in random order. */
export function options(...groups: fc.Arbitrary<string[]>[]): fc.Arbitrary<string[]> {
  return fc.array(fc.oneof(...groups), { maxLength: 3 }).map((chosen) => chosen.flat());
}

/** An expiry option group for SET/GETEX. */
const expiryOptionArb: fc.Arbitrary<string[]> = fc
  .oneof(cmd('EX', secondsArb), cmd('PX', millisArb), cmd('EXAT', unixSecondsArb), cmd('PXAT', unixMillisArb))
  .map((c) => [...c]);

const words = (...w: string[]) => fc.constant(w);

/** The strings family (t_string.c). */
export const stringsGenerator: FamilyGenerator = {
  name: 'strings',
  command: fc.oneof(
    cmd('GET', keyArb),
    cmd('SET', keyArb, valueArb),
    cmd('SET', keyArb, valueArb, options(words('NX'), words('XX'), words('GET'), words('KEEPTTL'), expiryOptionArb)),
    cmd('SETNX', keyArb, valueArb),
    cmd('SETEX', keyArb, secondsArb, valueArb),
    cmd('PSETEX', keyArb, millisArb, valueArb),
    cmd('GETSET', keyArb, valueArb),
    cmd('GETDEL', keyArb),
    cmd('GETEX', keyArb, options(words('PERSIST'), expiryOptionArb)),
    cmd('APPEND', keyArb, valueArb),
    cmd('STRLEN', keyArb),
    cmd('INCR', keyArb),
    cmd('DECR', keyArb),
    cmd('INCRBY', keyArb, intArb),
    cmd('DECRBY', keyArb, intArb),
    cmd('INCRBYFLOAT', keyArb, fc.oneof(valueArb, fc.constantFrom('0.1', '-0.1', '1e308', '2.5e-3', '5'))),
    cmd('MGET', keysArb),
    cmd(
      'MSET',
      fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 3 }).map((p) => p.flat()),
    ),
    cmd(
      'MSETNX',
      fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 3 }).map((p) => p.flat()),
    ),
    cmd(
      'SETRANGE',
      keyArb,
      fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), fc.constantFrom('-1', '536870912', 'abc')),
      valueArb,
    ),
    cmd('GETRANGE', keyArb, intArb, intArb),
    cmd('SUBSTR', keyArb, intArb, intArb),
    cmd(
      'LCS',
      keyArb,
      keyArb,
      options(
        words('LEN'),
        words('IDX'),
        cmd('MINMATCHLEN', intArb).map((c) => [...c]),
        words('WITHMATCHLEN'),
      ),
    ),
  ),
};

/** The generic keyspace family (db.c, expire.c). */
export const keysGenerator: FamilyGenerator = {
  name: 'keys',
  command: fc.oneof(
    cmd('DEL', keysArb),
    cmd('UNLINK', keysArb),
    cmd('EXISTS', keysArb),
    cmd('TOUCH', keysArb),
    cmd('TYPE', keyArb),
    cmd('RENAME', keyArb, keyArb),
    cmd('RENAMENX', keyArb, keyArb),
    cmd(
      'COPY',
      keyArb,
      keyArb,
      options(
        cmd('DB', dbArb).map((c) => [...c]),
        words('REPLACE'),
      ),
    ),
    cmd('MOVE', keyArb, dbArb),
    cmd('EXPIRE', keyArb, secondsArb, options(words('NX'), words('XX'), words('GT'), words('LT'))),
    cmd('PEXPIRE', keyArb, millisArb, options(words('NX'), words('XX'), words('GT'), words('LT'))),
    cmd('EXPIREAT', keyArb, unixSecondsArb, options(words('NX'), words('XX'), words('GT'), words('LT'))),
    cmd('PEXPIREAT', keyArb, unixMillisArb),
    cmd('TTL', keyArb),
    cmd('PTTL', keyArb),
    cmd('EXPIRETIME', keyArb),
    cmd('PEXPIRETIME', keyArb),
    cmd('PERSIST', keyArb),
    cmd('KEYS', patternArb),
    cmd(
      'SCAN',
      '0',
      options(
        cmd('MATCH', patternArb).map((c) => [...c]),
        words('COUNT', '100'),
        cmd('TYPE', fc.constantFrom('string', 'list', 'nosuch')).map((c) => [...c]),
      ),
    ),
    cmd('RANDOMKEY'),
    cmd('DBSIZE'),
    cmd('OBJECT', fc.constantFrom('ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ'), keyArb),
    cmd('DUMP', keyArb),
    cmd('FLUSHDB', fc.constantFrom<string[]>([], ['ASYNC'], ['SYNC'])),
    cmd('SWAPDB', dbArb, dbArb),
  ),
};

/** Connection and server basics (PING, ECHO, SELECT, HELLO, RESET) plus unknown commands and wrong arities. */
export const connectionGenerator: FamilyGenerator = {
  name: 'connection',
  command: fc.oneof(
    cmd('PING'),
    cmd('PING', valueArb),
    cmd('ECHO', valueArb),
    cmd('SELECT', dbArb),
    cmd('HELLO', fc.constantFrom('2', '3')),
    cmd('RESET'),
    cmd(fc.constantFrom('NOSUCHCOMMAND', 'get', 'Set', 'ECHO', 'PING', 'object'), fc.array(valueArb, { maxLength: 3 })),
  ),
};

/** Sequences of up to `maxLength` commands drawn from the given families. */
export function sequenceArb(families: readonly FamilyGenerator[], { maxLength = 25 } = {}): fc.Arbitrary<Sequence> {
  return fc.array(fc.oneof(...families.map((f) => f.command)), { minLength: 1, maxLength });
}
