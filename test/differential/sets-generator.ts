// Command generator for the sets family (t_set.c), on the shared key pool so sets collide with strings and other
// types. Members are mostly small integers (intsets, whose order is Redis's too) with strings, non-canonical
// integer spellings and 64-bit edges mixed in (hashtables and the string2ll boundary). Commands with a random
// effect are generated only in forms whose effect is not random: SPOP with a count that empties any generated set
// (or 0, or invalid), never bare SPOP; SRANDMEMBER only reads, so any count is fine except huge negative ones,
// which real Redis would try to answer.

import fc from 'fast-check';
import { cmd, keyArb, keysArb, patternArb, type FamilyGenerator } from './generators.js';

/** A set member: canonical integers, the int64 edges, non-canonical spellings and plain strings. */
export const memberArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 12 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '100000',
      '-70000',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '007',
      '-0',
      '+1',
      '1.5',
      ' 2',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('a', 'b', 'c', 'hello', '', 'x'.repeat(30), '\u0000\u00ff') },
);

/** One to four members. */
const membersArb = fc.array(memberArb, { minLength: 1, maxLength: 4 });

/** Many integers at once, around set-max-intset-entries (512), to cross the intset → hashtable threshold. */
const bulkMembersArb = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 505, max: 520 }))
  .map(([start, n]) => Array.from({ length: n }, (_, i) => String(start + i)));

/** SRANDMEMBER counts: every rule, without negative counts so large that Redis would build a giant reply. */
const randomCountArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -12, max: 12 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('100', '-100', '9223372036854775807', '-9223372036854775808', 'abc', '', '1.5', ' 1'),
  },
);

/** SPOP counts whose effect is not random: 0, at least any generated set's size, or invalid. */
const popCountArb = fc.constantFrom('0', '1000', '100000', '9223372036854775807', '-1', 'abc', '9223372036854775808');

/** SINTERCARD's numkeys, keys and options, with the invalid forms mixed in. */
const sintercardArgsArb: fc.Arbitrary<string[]> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(keysArb, fc.constantFrom<string[]>([], ['LIMIT', '0'], ['LIMIT', '1'], ['limit', '2'], ['LIMIT', '100']))
      .map(([keys, opts]) => [String(keys.length), ...keys, ...opts]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string[]>(
      ['0', 'k1'],
      ['-1', 'k1'],
      ['abc', 'k1'],
      ['3', 'k1', 'k2'],
      ['1', 'k1', 'LIMIT', '-1'],
      ['1', 'k1', 'LIMIT', 'x'],
      ['1', 'k1', 'LIMIT'],
      ['1', 'k1', 'k2'],
      ['1', 'k1', 'LIMIT', '1', 'LIMIT', '2'],
    ),
  },
);

/** The sets family. */
export const setsGenerator: FamilyGenerator = {
  name: 'sets',
  command: fc.oneof(
    { weight: 8, arbitrary: cmd('SADD', keyArb, membersArb) },
    { weight: 1, arbitrary: cmd('SADD', keyArb, bulkMembersArb) },
    { weight: 4, arbitrary: cmd('SREM', keyArb, membersArb) },
    { weight: 2, arbitrary: cmd('SCARD', keyArb) },
    { weight: 2, arbitrary: cmd('SISMEMBER', keyArb, memberArb) },
    { weight: 2, arbitrary: cmd('SMISMEMBER', keyArb, membersArb) },
    { weight: 3, arbitrary: cmd('SMEMBERS', keyArb) },
    { weight: 2, arbitrary: cmd('SMOVE', keyArb, keyArb, memberArb) },
    { weight: 2, arbitrary: cmd('SINTER', keysArb) },
    { weight: 2, arbitrary: cmd('SINTERCARD', sintercardArgsArb) },
    { weight: 2, arbitrary: cmd('SINTERSTORE', keyArb, keysArb) },
    { weight: 2, arbitrary: cmd('SUNION', keysArb) },
    { weight: 2, arbitrary: cmd('SUNIONSTORE', keyArb, keysArb) },
    { weight: 2, arbitrary: cmd('SDIFF', keysArb) },
    { weight: 2, arbitrary: cmd('SDIFFSTORE', keyArb, keysArb) },
    { weight: 2, arbitrary: cmd('SRANDMEMBER', keyArb) },
    { weight: 2, arbitrary: cmd('SRANDMEMBER', keyArb, randomCountArb) },
    { weight: 2, arbitrary: cmd('SPOP', keyArb, popCountArb) },
    { weight: 1, arbitrary: cmd('SPOP', keyArb, popCountArb, fc.constant('extra')) },
    // COUNT covers every generated set, so one call answers everything in both servers.
    { weight: 2, arbitrary: cmd('SSCAN', keyArb, '0', 'COUNT', '10000') },
    { weight: 1, arbitrary: cmd('SSCAN', keyArb, '0', 'COUNT', '10000', 'MATCH', patternArb) },
    {
      weight: 1,
      arbitrary: cmd(
        'SSCAN',
        keyArb,
        fc.constantFrom<string[]>(
          ['abc'],
          [' 0'],
          ['0', 'COUNT', '0'],
          ['0', 'COUNT', 'x'],
          ['0', 'TYPE', 'set'],
          ['0', 'MATCH'],
        ),
      ),
    },
  ),
};
