// Command generators for SORT and SORT_RO (sort.c) and for the collections and weights they read. Sources live on
// the shared key pool (so they collide with other types, and SORT's WRONGTYPE paths get exercised); weights live
// under names the BY/GET patterns build from elements (`w_<element>`, `h_<element>`, the element itself, and `k*`,
// which turns elements 1..3 into the shared keys k1..k3).
//
// Two things in real Redis are not deterministic, so the generators let a test stay clear of them:
// - the order in which a hashtable set or a sorted set's dictionary is visited (a per-process random hash seed):
//   it shows where elements compare equal (ALPHA BY a pattern), and in an unsorted set (BY without `*`). Lists are
//   always safe; see `sortShape` and the test's normaliser.
// - a stale errno: after any strtod range error (1e400, 1e-400, a subnormal...), Redis's SORT keeps reporting
//   "can't be converted into double" for non-integer weights. `mayLeaveErange` finds arguments that could cause one,
//   so sequences carrying them can be filtered out.

import fc from 'fast-check';
import type { Command } from './harness.js';
import { cmd, keyArb, type FamilyGenerator } from './generators.js';
import { strtod } from '../../src/node/types/zset.js';

/** Elements without NUL bytes: numbers in many spellings (some not numbers to Redis) and short strings. */
export const sortElementArb: fc.Arbitrary<string> = fc.constantFrom(
  'a',
  'b',
  'c',
  'B',
  '1',
  '2',
  '3',
  '10',
  '-1',
  '1.5',
  '-0',
  '007',
  ' 1',
  '',
  'x y',
  'inf',
  '-inf',
  'nan',
  '0x1A',
  '1e3',
  '3.0',
  '+2',
  'abc',
  '\u00e9',
);

/** Elements including NUL bytes: they tie under strcoll (which stops at NUL) but not under STORE's byte order. */
export const sortElementWithNulArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: sortElementArb },
  { weight: 1, arbitrary: fc.constantFrom('a\u0000b', 'a\u0000c', '\u0000', '\u0000x', '1\u0000z', 'a') },
);

/** Elements that are all numbers to Redis, so numeric sorts succeed. */
const numbersArb: fc.Arbitrary<string[]> = fc.array(
  fc.oneof(
    fc.integer({ min: -9, max: 40 }).map(String),
    fc.constantFrom('1.5', '-0', '007', '2e1', ' 3', 'inf', '0x8'),
  ),
  { minLength: 1, maxLength: 10 },
);

/** Weights: numbers, non-numbers and the strtod edge cases that stay clear of range errors. */
const weightArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -20, max: 20 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1.5',
      '-2.25',
      '',
      ' 4',
      '4 ',
      'inf',
      '-inf',
      'nan',
      '0x10',
      '2\u0000x',
      '\u0000',
      ' ',
      'B',
      'a',
      'abc',
    ),
  },
);

/** BY patterns: constant ones (no sorting), `*` substitutions, hash fields and the odd forms. */
const byPatternArb: fc.Arbitrary<string> = fc.constantFrom(
  'nosort',
  'w_*',
  'w_*',
  'h_*->f',
  'h_*->g',
  '*',
  'k*',
  'k*->f',
  '*->f',
  'w_*->',
  'x->*',
  '#',
  'w_\u0000*',
);

/** GET patterns, likewise. */
const getPatternArb: fc.Arbitrary<string> = fc.constantFrom(
  '#',
  '#',
  'w_*',
  'h_*->f',
  'h_*->g',
  '*',
  'k*',
  'nostar',
  '#x',
  '*->f',
  'w_*->',
);

const limitArgArb: fc.Arbitrary<string> = fc.constantFrom(
  '0',
  '1',
  '2',
  '3',
  '-1',
  '5',
  '100',
  '-5',
  'abc',
  '9223372036854775807',
  '-9223372036854775808',
);

/** Where STORE writes: the shared pool (overwriting sources, even the sorted key) or a key of its own. */
const storeKeyArb: fc.Arbitrary<string> = fc.oneof(keyArb, fc.constant('dst'));

/** SORT's options in any order, including repeats, bad ones and missing arguments. */
const sortOptionsArb: fc.Arbitrary<string[]> = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(['ASC'], ['DESC'], ['desc']) },
      { weight: 3, arbitrary: fc.constantFrom(['ALPHA'], ['alpha']) },
      { weight: 3, arbitrary: byPatternArb.map((p) => ['BY', p]) },
      { weight: 3, arbitrary: getPatternArb.map((p) => ['GET', p]) },
      { weight: 2, arbitrary: fc.tuple(limitArgArb, limitArgArb).map(([a, b]) => ['LIMIT', a, b]) },
      { weight: 1, arbitrary: storeKeyArb.map((k) => ['STORE', k]) },
    ),
    { maxLength: 4 },
  )
  .chain((groups) =>
    fc
      .oneof(
        { weight: 15, arbitrary: fc.constant<string[]>([]) },
        { weight: 1, arbitrary: fc.constantFrom(['BOGUS'], ['LIMIT', '1'], ['BY'], ['GET'], ['STORE']) },
      )
      .map((tail) => [...groups.flat(), ...tail]),
  );

/** SORT and SORT_RO on the shared keys. */
export const sortGenerator: FamilyGenerator = {
  name: 'sort',
  command: cmd(fc.constantFrom('SORT', 'SORT', 'sort', 'SORT', 'SORT_RO'), keyArb, sortOptionsArb),
};

/** Lists, hashes and strings only: whatever SORT reads from them is deterministic. */
export function listSourcesGenerator(elementArb: fc.Arbitrary<string>): FamilyGenerator {
  const elements = fc.array(elementArb, { minLength: 1, maxLength: 8 });
  return {
    name: 'list sources',
    command: fc.oneof(
      { weight: 4, arbitrary: cmd(fc.constantFrom('RPUSH', 'LPUSH'), keyArb, elements) },
      { weight: 2, arbitrary: cmd(fc.constantFrom('RPUSH', 'LPUSH'), keyArb, numbersArb) },
      { weight: 3, arbitrary: _weightCommand(elementArb) },
      { weight: 1, arbitrary: cmd('LRANGE', fc.oneof(keyArb, fc.constant('dst')), '0', '-1') },
    ),
  };
}

/** Sets (intsets and hashtables) and sorted sets as well as lists. */
export const collectionSourcesGenerator: FamilyGenerator = {
  name: 'collection sources',
  command: fc.oneof(
    { weight: 2, arbitrary: cmd(fc.constantFrom('RPUSH', 'LPUSH'), keyArb, _elements(sortElementArb)) },
    { weight: 1, arbitrary: cmd(fc.constantFrom('RPUSH', 'LPUSH'), keyArb, numbersArb) },
    {
      weight: 1,
      arbitrary: cmd(
        'ZADD',
        keyArb,
        numbersArb.map((ns) => ns.flatMap((n, i) => [String(i % 3), n])),
      ),
    },
    { weight: 3, arbitrary: cmd('SADD', keyArb, _elements(sortElementArb)) },
    {
      weight: 2,
      arbitrary: cmd('SADD', keyArb, fc.array(fc.integer({ min: -5, max: 30 }).map(String), { maxLength: 6 })),
    },
    {
      weight: 3,
      arbitrary: cmd(
        'ZADD',
        keyArb,
        fc
          .array(fc.tuple(fc.integer({ min: -3, max: 3 }).map(String), sortElementArb), { minLength: 1, maxLength: 5 })
          .map((pairs) => pairs.flat()),
      ),
    },
    { weight: 1, arbitrary: cmd(fc.constantFrom('SREM', 'ZREM'), keyArb, sortElementArb) },
    { weight: 4, arbitrary: _weightCommand(sortElementArb) },
    { weight: 1, arbitrary: cmd('LRANGE', fc.oneof(keyArb, fc.constant('dst')), '0', '-1') },
  ),
};

/** The parts of a SORT command that decide how deterministic its reply is, parsed as sortCommandGeneric does. */
export interface SortShape {
  readonly alpha: boolean;
  /** Some BY pattern without `*` (so nothing is sorted). */
  readonly dontSort: boolean;
  /** The last BY pattern has a `*`. */
  readonly byPattern: boolean;
  readonly limit: boolean;
  readonly store: boolean;
  readonly gets: number;
}

/** Reads a SORT/SORT_RO command's options (malformed ones end the parse; Redis answers an error for them). */
export function sortShape(command: Command): SortShape {
  let alpha = false;
  let dontSort = false;
  let byPattern = false;
  let limit = false;
  let store = false;
  let gets = 0;
  for (let j = 2; j < command.length; j++) {
    const option = command[j]!.toLowerCase();
    const left = command.length - j - 1;
    if (option === 'alpha') alpha = true;
    else if (option === 'limit' && left >= 2) {
      limit = true;
      j += 2;
    } else if (option === 'store' && left >= 1) {
      store = true;
      j++;
    } else if (option === 'by' && left >= 1) {
      const pattern = command[++j]!;
      byPattern = pattern.split('\u0000')[0]!.includes('*');
      if (!byPattern) dontSort = true;
    } else if (option === 'get' && left >= 1) {
      gets++;
      j++;
    } else if (option !== 'asc' && option !== 'desc') break;
  }
  return { alpha, dontSort, byPattern, limit, store, gets };
}

/**
 * Whether a SORT over a set or sorted set may store data that depends on Redis's hash order: ALPHA by a pattern,
 * where elements with equal or missing weights keep the order they were visited in.
 */
export function storesHashOrder(command: Command): boolean {
  const name = (command[0] ?? '').toLowerCase();
  if (name !== 'sort') return false;
  const shape = sortShape(command);
  return shape.store && shape.alpha && shape.byPattern && !shape.dontSort;
}

/**
 * Whether an argument could make a strtod in real Redis fail with ERANGE (overflow, or an inexact result below the
 * smallest normal double), leaving errno set for a later SORT to trip over. Errs on the side of yes.
 */
export function mayLeaveErange(arg: string): boolean {
  const { value, end } = strtod(arg);
  if (end === 0) return false;
  const text = arg.slice(0, end);
  if (!Number.isFinite(value)) return !Number.isNaN(value) && !/inf/i.test(text);
  const mantissa = text.replace(/[eEpP].*$/, '').replace(/^\s*[+-]?0[xX]/, '');
  return Math.abs(value) < 2.2250738585072014e-308 && /[1-9a-fA-F]/.test(mantissa);
}

// --- internal ---

function _elements(elementArb: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc.array(elementArb, { minLength: 1, maxLength: 8 });
}

/** Writes or removes a weight some pattern can reach. */
function _weightCommand(elementArb: fc.Arbitrary<string>): fc.Arbitrary<Command> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(elementArb, weightArb).map(([e, w]) => ['SET', `w_${e}`, w]) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(elementArb, fc.constantFrom('f', 'g'), weightArb)
        .map(([e, field, w]) => ['HSET', `h_${e}`, field, w]),
    },
    { weight: 1, arbitrary: fc.tuple(elementArb, weightArb).map(([e, w]) => ['SET', e, w]) },
    { weight: 1, arbitrary: fc.tuple(keyArb, weightArb).map(([k, w]) => ['HSET', k, 'f', w]) },
    { weight: 1, arbitrary: fc.tuple(elementArb, weightArb).map(([e, w]) => ['HSET', e, 'f', w]) },
    { weight: 1, arbitrary: elementArb.map((e) => ['DEL', `w_${e}`, `h_${e}`]) },
    { weight: 1, arbitrary: fc.tuple(elementArb).map(([e]) => ['RPUSH', `w_${e}`, 'x']) },
  );
}
