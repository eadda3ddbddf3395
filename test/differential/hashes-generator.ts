// Command generators for the hashes family (t_hash.c). Keys come from the shared pool, so hashes collide with strings
// and WRONGTYPE paths get exercised; values come from the shared pool too (integers at the 64-bit edges, floats,
// binary), which is what HINCRBY/HINCRBYFLOAT need. Fields and values stay short, so generated hashes stay
// listpack-encoded and every reply, order included, must match byte for byte. The hashtable variant forces the other
// encoding and is compared with the order-insensitive normalisers below.

import fc from 'fast-check';
import type { Normaliser } from './harness.js';
import '../../src/node/types/index.js';
import { restorePayload } from '../../src/node/persistence/rdb.js';
import { HashValue } from '../../src/node/types/hash.js';
import { parseReplies } from '../../src/protocol/reply-parser.js';
import type { Reply } from '../../src/protocol/reply.js';
import { cmd, intArb, keyArb, patternArb, valueArb, type FamilyGenerator } from './generators.js';

/** A field: a small pool (so commands hit the same fields), with integer-looking and binary ones. */
export const fieldArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('f1', 'f2', 'f3') },
  { weight: 2, arbitrary: fc.constantFrom('f4', 'F1', 'a*', '1', '-5', '') },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(30), 'f\u0000\u00ff', '007', '12345678901234567890') },
);

const fieldsArb = fc.array(fieldArb, { minLength: 1, maxLength: 4 });
const pairsArb = fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 4 }).map((p) => p.flat());
/** Increments whose results stay short enough (<= 64 bytes) for a listpack. */
const floatIncrArb = fc.oneof(valueArb, fc.constantFrom('0.1', '-0.1', '2.5e-3', '5', '-1e-4900', '1e-20'));
/** Also increments with huge results, whose length alone converts the hash. */
const bigFloatIncrArb = fc.oneof(floatIncrArb, fc.constantFrom('1e308', '1e4900', '-1e60'));
/**
 * HRANDFIELD counts. A huge negative count without WITHVALUES is never generated: real Redis would stream replies
 * until it runs out of memory (redis-sim refuses it; see hashes.ts).
 */
const countArb = fc.oneof(
  fc.integer({ min: -8, max: 8 }).map(String),
  fc.constantFrom(
    '100',
    '-100',
    'abc',
    '',
    '1.5',
    '9223372036854775807',
    '-9223372036854775808',
    '9223372036854775808',
  ),
);
/** HRANDFIELD ... WITHVALUES counts, with the range limits of that form. */
const countWithValuesArb = fc.oneof(
  countArb,
  fc.constantFrom('-9223372036854775807', '4611686018427387903', '4611686018427387904', '-4611686018427387904'),
);
const cursorArb = fc.constantFrom('0', '0', '0', '1', '-1', 'abc', ' 0', '18446744073709551616', '');
const scanOptionsArb = fc
  .array(
    fc.oneof(
      cmd('MATCH', patternArb).map((c) => [...c]),
      cmd('MATCH', fc.constantFrom('f*', '?1', '*', 'a\\*')).map((c) => [...c]),
      cmd('COUNT', fc.constantFrom('1', '10', '0', '-1', 'abc')).map((c) => [...c]),
      fc.constant(['TYPE', 'hash']),
      fc.constant(['COUNT']),
    ),
    { maxLength: 2 },
  )
  .map((groups) => groups.flat());

/** Every hash command; results stay listpack-encoded. */
export const hashesGenerator: FamilyGenerator = {
  name: 'hashes',
  command: fc.oneof(
    { weight: 4, arbitrary: cmd('HSET', keyArb, pairsArb) },
    cmd('HSET', keyArb, fc.array(fieldArb, { minLength: 1, maxLength: 3 })),
    cmd('HMSET', keyArb, pairsArb),
    cmd('HSETNX', keyArb, fieldArb, valueArb),
    { weight: 2, arbitrary: cmd('HGET', keyArb, fieldArb) },
    cmd('HMGET', keyArb, fieldsArb),
    { weight: 2, arbitrary: cmd('HDEL', keyArb, fieldsArb) },
    cmd('HLEN', keyArb),
    cmd('HSTRLEN', keyArb, fieldArb),
    cmd('HEXISTS', keyArb, fieldArb),
    { weight: 2, arbitrary: cmd('HINCRBY', keyArb, fieldArb, intArb) },
    { weight: 2, arbitrary: cmd('HINCRBYFLOAT', keyArb, fieldArb, floatIncrArb) },
    cmd('HKEYS', keyArb),
    cmd('HVALS', keyArb),
    { weight: 2, arbitrary: cmd('HGETALL', keyArb) },
    cmd('HSCAN', keyArb, cursorArb, scanOptionsArb),
    cmd('HRANDFIELD', keyArb),
    cmd('HRANDFIELD', keyArb, countArb),
    cmd('HRANDFIELD', keyArb, countWithValuesArb, fc.constantFrom('WITHVALUES', 'withvalues', 'WITHVALUE')),
    cmd('HRANDFIELD', keyArb, '1', 'WITHVALUES', 'x'),
    cmd('DEBUG', 'DIGEST-VALUE', keyArb),
  ),
};

/**
 * Commands for hashes forced into the hashtable encoding (the test sets hash-max-listpack-entries low): the same
 * writes, and reads whose order the normalisers below ignore. HSCAN uses a COUNT large enough for one call.
 */
export const hashtableHashesGenerator: FamilyGenerator = {
  name: 'hashes (hashtable)',
  command: fc.oneof(
    { weight: 4, arbitrary: cmd('HSET', keyArb, pairsArb) },
    cmd('HSETNX', keyArb, fieldArb, valueArb),
    cmd('HGET', keyArb, fieldArb),
    cmd('HMGET', keyArb, fieldsArb),
    { weight: 2, arbitrary: cmd('HDEL', keyArb, fieldsArb) },
    cmd('HLEN', keyArb),
    cmd('HSTRLEN', keyArb, fieldArb),
    cmd('HINCRBY', keyArb, fieldArb, intArb),
    cmd('HINCRBYFLOAT', keyArb, fieldArb, bigFloatIncrArb),
    cmd('HKEYS', keyArb),
    cmd('HVALS', keyArb),
    { weight: 2, arbitrary: cmd('HGETALL', keyArb) },
    cmd('HSCAN', keyArb, '0', 'COUNT', '1000'),
    cmd('HSCAN', keyArb, '0', 'MATCH', fc.constantFrom('f*', '*1'), 'COUNT', '1000'),
    cmd('HRANDFIELD', keyArb, countArb),
    cmd('DEBUG', 'DIGEST-VALUE', keyArb),
  ),
};

/**
 * HRANDFIELD picks at random, so only the reply's shape is compared: nil or not, and the number of elements at each
 * level (RESP2 flat pairs, RESP3 nested pairs). Which fields come out is checked by the unit tests.
 */
export const hrandfieldNormaliser: Normaliser = (_args, raw) => _withReply(raw, _shapeOf);

/** Hashtable-encoded hashes iterate in hash order: HKEYS/HVALS compare as sorted lists. */
export const sortedArrayNormaliser: Normaliser = (_args, raw) =>
  _withReply(raw, (r) => ('items' in r ? JSON.stringify(r.items.map(_text).sort()) : null));

/** HGETALL on a hashtable-encoded hash: the field/value pairs, sorted by field. */
export const sortedPairsNormaliser: Normaliser = (_args, raw) => _withReply(raw, (r) => _sortedPairs(r));

/** HSCAN on a hashtable-encoded hash in one call: the cursor, then the pairs sorted by field. */
export const sortedScanNormaliser: Normaliser = (_args, raw) =>
  _withReply(raw, (r) => {
    if (r.t !== 'array' || r.items.length !== 2) return null;
    return `${_text(r.items[0]!)}:${_sortedPairs(r.items[1]!)}`;
  });

/**
 * DUMP of a hashtable-encoded hash (RDB_TYPE_HASH) lists the pairs in hash order, and so its checksum differs too:
 * such payloads compare as their decoded, sorted pairs. Every other payload is compared byte for byte.
 */
export const hashtableDumpNormaliser: Normaliser = (_args, raw) =>
  _withReply(raw, (r) => {
    if (r.t !== 'bulk' || r.s.charCodeAt(0) !== 4) return null;
    const value = restorePayload(Buffer.from(r.s, 'latin1'));
    if (!(value instanceof HashValue)) return null;
    return `hash payload:${[...value.entries()]
      .map((p) => JSON.stringify(p))
      .sort()
      .join(',')}`;
  });

// --- internal ---

function _withReply(raw: string, f: (r: Reply) => string | null): string {
  let replies: Reply[];
  try {
    replies = parseReplies(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
  if (replies.length !== 1) return raw;
  return f(replies[0]!) ?? raw;
}

function _text(r: Reply): string | null {
  return r.t === 'bulk' || r.t === 'simple' ? r.s : null;
}

function _shapeOf(r: Reply): string {
  if ('items' in r) return `${r.t}[${r.items.map(_shapeOf).join(',')}]`;
  return r.t;
}

function _sortedPairs(r: Reply): string | null {
  if (!('items' in r)) return null;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < r.items.length; i += 2) {
    pairs.push(JSON.stringify([_text(r.items[i]!), _text(r.items[i + 1]!)]));
  }
  return `${r.t}:${pairs.sort().join(',')}`;
}
