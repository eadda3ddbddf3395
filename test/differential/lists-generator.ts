// Command generators for the lists family (t_list.c). Keys come from the shared pool, so lists collide with strings
// and other types and WRONGTYPE paths get exercised; elements come from the shared value pool (integers at the
// 64-bit edges are stored as listpack integers, which must read back unchanged). Blocking commands are generated
// only in forms that answer at once: a list that may hold elements, a tiny timeout (10 ms on both servers), or
// inside MULTI, where they may not block.

import fc from 'fast-check';
import { cmd, intArb, keyArb, valueArb, type FamilyGenerator } from './generators.js';

/** LEFT or RIGHT, with the odd spellings Redis accepts or rejects. */
const whereArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('LEFT', 'RIGHT') },
  { weight: 1, arbitrary: fc.constantFrom('left', 'Right', 'UP', '') },
);

/** Elements: the shared value pool, weighted towards a few repeated ones so LREM/LPOS/LINSERT find matches. */
const elementArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', '1', '-1') },
  { weight: 2, arbitrary: valueArb },
);
const elementsArb = fc.array(elementArb, { minLength: 1, maxLength: 5 });

/** A blocking timeout that never waits long: immediate service or a 10 ms timeout, plus invalid ones. */
const timeoutArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('0.01') },
  { weight: 1, arbitrary: fc.constantFrom('-1', 'abc', 'inf', '') },
);

/** An optional COUNT clause of LMPOP/BLMPOP. */
const mpopCountArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.constant<string[]>([]),
  fc.tuple(fc.constant('COUNT'), intArb).map((t) => [...t]),
);

/** LPOS options, valid and not. */
const lposOptionsArb: fc.Arbitrary<string[]> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('RANK'), intArb).map((t) => [...t]),
      fc.tuple(fc.constant('COUNT'), intArb).map((t) => [...t]),
      fc.tuple(fc.constant('MAXLEN'), intArb).map((t) => [...t]),
      fc.constant(['BOGUS']),
    ),
    { maxLength: 3 },
  )
  .map((groups) => groups.flat());

/** LMPOP/BLMPOP keys after their numkeys, which is usually right and sometimes not. */
const mpopKeysArb: fc.Arbitrary<string[]> = fc
  .tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 0, 0, 0, 1, -1))
  .map(([keys, skew]) => [String(keys.length + skew), ...keys]);

/** The lists family: every list command, blocking ones in their non-waiting forms. */
export const listsGenerator: FamilyGenerator = {
  name: 'lists',
  command: fc.oneof(
    { weight: 4, arbitrary: cmd(fc.constantFrom('LPUSH', 'RPUSH'), keyArb, elementsArb) },
    { weight: 1, arbitrary: cmd(fc.constantFrom('LPUSHX', 'RPUSHX'), keyArb, elementsArb) },
    { weight: 2, arbitrary: cmd(fc.constantFrom('LPOP', 'RPOP'), keyArb) },
    { weight: 2, arbitrary: cmd(fc.constantFrom('LPOP', 'RPOP'), keyArb, intArb) },
    { weight: 3, arbitrary: cmd('LRANGE', keyArb, intArb, intArb) },
    { weight: 1, arbitrary: cmd('LINDEX', keyArb, intArb) },
    { weight: 1, arbitrary: cmd('LSET', keyArb, intArb, elementArb) },
    {
      weight: 1,
      arbitrary: cmd('LINSERT', keyArb, fc.constantFrom('BEFORE', 'AFTER', 'after', 'middle'), elementArb, elementArb),
    },
    { weight: 1, arbitrary: cmd('LLEN', keyArb) },
    { weight: 1, arbitrary: cmd('LREM', keyArb, intArb, elementArb) },
    { weight: 1, arbitrary: cmd('LTRIM', keyArb, intArb, intArb) },
    { weight: 2, arbitrary: cmd('LPOS', keyArb, elementArb, lposOptionsArb) },
    { weight: 1, arbitrary: cmd('LMOVE', keyArb, keyArb, whereArb, whereArb) },
    { weight: 1, arbitrary: cmd('RPOPLPUSH', keyArb, keyArb) },
    { weight: 1, arbitrary: cmd('LMPOP', mpopKeysArb, whereArb, mpopCountArb) },
    {
      weight: 1,
      arbitrary: cmd(fc.constantFrom('BLPOP', 'BRPOP'), fc.array(keyArb, { minLength: 1, maxLength: 3 }), timeoutArb),
    },
    { weight: 1, arbitrary: cmd('BLMOVE', keyArb, keyArb, whereArb, whereArb, timeoutArb) },
    { weight: 1, arbitrary: cmd('BRPOPLPUSH', keyArb, keyArb, timeoutArb) },
    { weight: 1, arbitrary: cmd('BLMPOP', timeoutArb, mpopKeysArb, whereArb, mpopCountArb) },
  ),
};

/** MULTI/EXEC brackets, so queued blocking commands answer at once (CLIENT_DENY_BLOCKING). */
export const transactionGenerator: FamilyGenerator = {
  name: 'transactions',
  command: fc.oneof(cmd('MULTI'), cmd('EXEC'), cmd('DISCARD')),
};
