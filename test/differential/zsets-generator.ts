// Command generator for the sorted sets family (t_zset.c), on the shared key pool so sorted sets collide with strings
// and other types (WRONGTYPE paths) and with each other (ZUNIONSTORE onto a source, ZRANGESTORE onto itself...).
// Members include an integer-looking one, the empty string, binary bytes and one longer than
// zset-max-listpack-value (to force the skiplist encoding); scores include every spelling Redis accepts or refuses.

import fc from 'fast-check';
import { cmd, keyArb, keysArb, options, type FamilyGenerator } from './generators.js';
import type { Command } from './harness.js';

/** A member: short ones collide often; one is too long for a listpack. */
export const memberArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e') },
  { weight: 2, arbitrary: fc.constantFrom('1', '-1', '10', '', 'A', 'ab', '\u0000\u00ff', 'x y') },
  { weight: 1, arbitrary: fc.constant('L'.repeat(65)) },
);

/** A score as ZADD reads it (string2d): valid spellings, edge values, and invalid ones. */
export const scoreArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -5, max: 5 }).map(String) },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '2.5',
      '-0',
      '0.1',
      '1e3',
      'inf',
      '-inf',
      '+inf',
      '3.0',
      '1e17',
      '4611686018427387904',
      '9007199254740993',
      '-2.5e-3',
      '1e-310',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('abc', 'nan', '(1', '', ' 1', '0x10', '1e400', '1e-400', '1.5e') },
);

/** One end of a score range (zslParseRange: strtod, with `(` for exclusive). */
export const scoreBoundArb: fc.Arbitrary<string> = fc.constantFrom(
  '-inf',
  '+inf',
  'inf',
  '0',
  '1',
  '(1',
  '(0',
  '2.5',
  '(2.5',
  '-1',
  '(-inf',
  '3',
  ' 2',
  '',
  '(',
  'abc',
  'nan',
  '1e400',
  '0x2',
);

/** One end of a lexicographic range (zslParseLexRangeItem). */
export const lexBoundArb: fc.Arbitrary<string> = fc.constantFrom(
  '-',
  '+',
  '[a',
  '(a',
  '[c',
  '(c',
  '[',
  '(',
  '[b',
  '(e',
  'a',
  '+x',
  '',
  '[1',
);

/** A rank index or count. */
export const indexArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('100', '-100', 'abc', '9223372036854775807', '-9223372036854775808') },
);

const words = (...w: string[]) => fc.constant(w);

/** Score, member pairs for ZADD. */
const pairsArb: fc.Arbitrary<string[]> = fc
  .array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 4 })
  .map((p) => p.flat());

/** ZADD's flags, in any order and combination (incompatible ones included). */
const zaddFlagsArb: fc.Arbitrary<string[]> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<string[]>(
      ['NX'],
      ['XX'],
      ['GT'],
      ['LT'],
      ['CH'],
      ['INCR'],
      ['XX', 'GT', 'CH'],
      ['lt', 'ch'],
      ['NX', 'INCR'],
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])
      .chain((flags) => fc.shuffledSubarray(flags, { minLength: flags.length, maxLength: flags.length })),
  },
);

/** numkeys followed by that many keys (sometimes a wrong numkeys). */
const numkeysArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 5, arbitrary: keysArb.map((keys) => [String(keys.length), ...keys]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('0', '-1', '5', 'abc'), keysArb).map(([n, k]) => [n, ...k]) },
);

/** WEIGHTS/AGGREGATE/WITHSCORES options for ZUNION and ZINTER (valid or not). */
const setOpOptionsArb: fc.Arbitrary<string[]> = options(
  fc
    .array(fc.constantFrom('1', '2', '-1', '0', '0.5', 'inf', 'abc'), { minLength: 1, maxLength: 3 })
    .map((w) => ['WEIGHTS', ...w]),
  cmd('AGGREGATE', fc.constantFrom('SUM', 'MIN', 'MAX', 'sum', 'avg')).map((c) => [...c]),
  words('WITHSCORES'),
);

/**
 * The key lexicographic ranges run on. Over members with different scores a lex range is undefined, and on a
 * skiplist-encoded set real Redis's answer even depends on its random node levels; so lex ranges get a key of their
 * own, outside the shared pool, that only ever holds members with score 0.
 */
export const LEX_KEY = 'zlex';

/** ZRANGE's options, lex ones excepted (bounds like `(1` are also valid lex items). */
const zrangeOptionsArb: fc.Arbitrary<string[]> = options(
  words('BYSCORE'),
  words('REV'),
  words('WITHSCORES'),
  cmd('LIMIT', indexArb, indexArb).map((c) => [...c]),
);

/** A ZRANGE by rank or score, with matching or mismatching options. */
const zrangeArgsArb: fc.Arbitrary<string[]> = fc
  .oneof(
    fc.tuple(indexArb, indexArb),
    fc.tuple(scoreBoundArb, scoreBoundArb).map(([a, b]) => [a, b]),
  )
  .chain((bounds) => zrangeOptionsArb.map((opts) => [...bounds, ...opts]));

/** A ZRANGE by lex (for the lex key), with its options and mismatching ones. */
const zrangeLexArgsArb: fc.Arbitrary<string[]> = fc.tuple(lexBoundArb, lexBoundArb).chain(([a, b]) =>
  options(
    words('BYLEX'),
    words('BYLEX'),
    words('REV'),
    words('WITHSCORES'),
    cmd('LIMIT', indexArb, indexArb).map((c) => [...c]),
  ).map((opts) => [a, b, ...opts]),
);

/** A short blocking timeout, so a blocking pop that finds nothing answers promptly on both servers. */
const shortTimeoutArb: fc.Arbitrary<string> = fc.constantFrom('0.01', '0.02', 'abc', '-1');

/** The sorted sets family. */
export const zsetsGenerator: FamilyGenerator = {
  name: 'zsets',
  command: fc.oneof(
    { weight: 8, arbitrary: cmd('ZADD', keyArb, pairsArb) },
    { weight: 4, arbitrary: cmd('ZADD', keyArb, zaddFlagsArb, pairsArb) },
    { weight: 2, arbitrary: cmd('ZINCRBY', keyArb, scoreArb, memberArb) },
    { weight: 2, arbitrary: cmd('ZREM', keyArb, fc.array(memberArb, { minLength: 1, maxLength: 3 })) },
    { weight: 2, arbitrary: cmd('ZCARD', keyArb) },
    { weight: 2, arbitrary: cmd('ZSCORE', keyArb, memberArb) },
    { weight: 1, arbitrary: cmd('ZMSCORE', keyArb, fc.array(memberArb, { minLength: 1, maxLength: 3 })) },
    { weight: 1, arbitrary: cmd(fc.constantFrom('ZRANK', 'ZREVRANK'), keyArb, memberArb) },
    { weight: 2, arbitrary: cmd('ZCOUNT', keyArb, scoreBoundArb, scoreBoundArb) },
    { weight: 4, arbitrary: cmd('ZRANGE', keyArb, zrangeArgsArb) },
    { weight: 2, arbitrary: cmd('ZRANGESTORE', keyArb, keyArb, zrangeArgsArb) },
    {
      weight: 2,
      arbitrary: cmd(
        'ZADD',
        LEX_KEY,
        fc.array(memberArb, { minLength: 1, maxLength: 4 }).map((ms) => ms.flatMap((m) => ['0', m])),
      ),
    },
    { weight: 1, arbitrary: cmd('ZLEXCOUNT', LEX_KEY, lexBoundArb, lexBoundArb) },
    { weight: 2, arbitrary: cmd('ZRANGE', LEX_KEY, zrangeLexArgsArb) },
    { weight: 1, arbitrary: cmd('ZRANGESTORE', keyArb, LEX_KEY, zrangeLexArgsArb) },
    { weight: 1, arbitrary: cmd('ZREM', LEX_KEY, fc.array(memberArb, { minLength: 1, maxLength: 3 })) },
    {
      weight: 1,
      arbitrary: cmd('ZREVRANGE', keyArb, indexArb, indexArb, options(words('WITHSCORES'), words('LIMIT', '0', '1'))),
    },
    {
      weight: 2,
      arbitrary: cmd(
        fc.constantFrom('ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'),
        keyArb,
        scoreBoundArb,
        scoreBoundArb,
        options(
          words('WITHSCORES'),
          cmd('LIMIT', indexArb, indexArb).map((c) => [...c]),
          words('REV'),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: cmd(
        fc.constantFrom('ZRANGEBYLEX', 'ZREVRANGEBYLEX'),
        LEX_KEY,
        lexBoundArb,
        lexBoundArb,
        options(
          cmd('LIMIT', indexArb, indexArb).map((c) => [...c]),
          words('WITHSCORES'),
        ),
      ),
    },
    { weight: 1, arbitrary: cmd('ZREMRANGEBYRANK', keyArb, indexArb, indexArb) },
    { weight: 1, arbitrary: cmd('ZREMRANGEBYSCORE', keyArb, scoreBoundArb, scoreBoundArb) },
    { weight: 1, arbitrary: cmd('ZREMRANGEBYLEX', LEX_KEY, lexBoundArb, lexBoundArb) },
    {
      weight: 2,
      arbitrary: cmd(
        fc.constantFrom('ZPOPMIN', 'ZPOPMAX'),
        keyArb,
        fc.constantFrom<string[]>([], ['1'], ['2'], ['0'], ['10'], ['-1'], ['abc'], ['1', '2']),
      ),
    },
    {
      weight: 2,
      arbitrary: cmd(
        'ZMPOP',
        numkeysArb,
        fc.constantFrom('MIN', 'MAX', 'max', 'LEFT'),
        fc.constantFrom<string[]>(
          [],
          ['COUNT', '2'],
          ['COUNT', '0'],
          ['COUNT', '10'],
          ['COUNT'],
          ['COUNT', '1', 'COUNT', '1'],
        ),
      ),
    },
    { weight: 1, arbitrary: cmd(fc.constantFrom('BZPOPMIN', 'BZPOPMAX'), keysArb, shortTimeoutArb) },
    {
      weight: 1,
      arbitrary: cmd(
        'BZMPOP',
        shortTimeoutArb,
        numkeysArb,
        fc.constantFrom('MIN', 'MAX'),
        fc.constantFrom<string[]>([], ['COUNT', '3']),
      ),
    },
    { weight: 2, arbitrary: cmd(fc.constantFrom('ZUNION', 'ZINTER'), numkeysArb, setOpOptionsArb) },
    { weight: 1, arbitrary: cmd('ZDIFF', numkeysArb, options(words('WITHSCORES'), words('WEIGHTS', '1'))) },
    {
      weight: 2,
      arbitrary: cmd(
        fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'),
        keyArb,
        numkeysArb,
        setOpOptionsArb.map((o) => o.filter((w) => w !== 'WITHSCORES')),
      ),
    },
    { weight: 1, arbitrary: cmd('ZDIFFSTORE', keyArb, numkeysArb) },
    {
      weight: 1,
      arbitrary: cmd(
        'ZINTERCARD',
        numkeysArb,
        fc.constantFrom<string[]>([], ['LIMIT', '1'], ['LIMIT', '-1'], ['LIMIT', '0']),
      ),
    },
    {
      weight: 1,
      arbitrary: cmd(
        'ZRANDMEMBER',
        keyArb,
        fc.constantFrom<string[]>(
          [],
          ['0'],
          ['1'],
          ['3'],
          ['-3'],
          ['10'],
          ['-10', 'WITHSCORES'],
          ['5', 'WITHSCORES'],
          ['abc'],
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: cmd(
        'ZSCAN',
        keyArb,
        fc.constantFrom('0', 'abc', ''),
        fc.constantFrom<string[]>(
          ['COUNT', '1000'],
          ['MATCH', '*', 'COUNT', '1000'],
          ['MATCH', '[ab]*', 'COUNT', '1000'],
          ['COUNT', '0'],
        ),
      ),
    },
    { weight: 2, arbitrary: cmd('OBJECT', 'ENCODING', keyArb) },
    // Plain sets are valid inputs of ZUNION, ZINTER and ZDIFF (score 1).
    // Integer members only: an intset's order (and DUMP) is deterministic, a hashtable's is Redis's hash order.
    {
      weight: 1,
      arbitrary: cmd('SADD', keyArb, fc.array(fc.constantFrom('1', '-1', '10', '5'), { minLength: 1, maxLength: 3 })),
    },
  ) as fc.Arbitrary<Command>,
};

/**
 * Commands that set the listpack thresholds (the same on both servers), so that small sequences also cross them:
 * every sequence starts with one, since the configuration outlives the FLUSHALL between sequences.
 */
export const zsetConfigArb: fc.Arbitrary<Command[]> = fc
  .tuple(fc.constantFrom('128', '128', '3', '1', '0'), fc.constantFrom('64', '64', '2', '0'))
  .map(([entries, value]) => [
    ['CONFIG', 'SET', 'zset-max-listpack-entries', entries],
    ['CONFIG', 'SET', 'zset-max-listpack-value', value],
  ]);

/** A set-up sequence that makes one sorted set skiplist-encoded (more than 128 members). */
export function bigZsetCommands(key: string): Command[] {
  const args: string[] = ['ZADD', key];
  for (let i = 0; i < 140; i++) args.push(String(i % 7), `m${i}`);
  return [args];
}
