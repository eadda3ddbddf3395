// Persistence, AOF rewrite and DEBUG DIGEST codecs for sets: RDB_TYPE_SET_INTSET (the intset blob as one string) for
// intset-encoded sets and RDB_TYPE_SET (a length, then each member as a string) otherwise, as rdbSaveObject writes
// them; both are read back with rdbLoadObject's checks and conversions. Redis 7.0 has no listpack sets, so
// RDB_TYPE_SET_LISTPACK (20, from Redis 7.2) is not an object type here and fails as an unknown type.

import { registerAofRewriter } from '../persistence/aof.js';
import { registerDigestType, xorDigest } from '../persistence/digest.js';
import { decodeIntset } from '../persistence/intset.js';
import { RdbFormatError, type RdbReader } from '../persistence/rdb-codec.js';
import { RdbType, registerRdbType } from '../persistence/rdb-types.js';
import type { Value } from '../values.js';
import { RedisSet, SET_MAX_INTSET_ENTRIES_CAP, SET_MAX_INTSET_ENTRIES_DEFAULT } from './set.js';

/** Reads an RDB set body of type RDB_TYPE_SET or RDB_TYPE_SET_INTSET, converting like rdbLoadObject. */
export function readSet(r: RdbReader, rdbType: number, maxIntsetEntries = SET_MAX_INTSET_ENTRIES_DEFAULT): RedisSet {
  if (rdbType === RdbType.SET_INTSET) {
    const { values, width } = decodeIntset(Buffer.from(r.string(), 'latin1'));
    return RedisSet.fromIntset(values, width, maxIntsetEntries);
  }
  const length = r.length();
  // rdbLoadObject skips empty keys; a value cannot be empty here, so it is refused like a corrupt one.
  if (length === 0) throw new RdbFormatError('corrupt', 'Empty set value');
  const set =
    length > Math.min(maxIntsetEntries, SET_MAX_INTSET_ENTRIES_CAP)
      ? RedisSet.emptyHashtable()
      : RedisSet.emptyIntset();
  for (let i = 0; i < length; i++) {
    // The length check above already chose the encoding: elements never convert an intset by count here.
    if (!set.add(r.string(), Number.POSITIVE_INFINITY)) {
      throw new RdbFormatError('corrupt', 'Duplicate set members detected');
    }
  }
  return set;
}

// --- internal ---

const _AOF_REWRITE_ITEMS_PER_CMD = 64;

registerRdbType('set', {
  loads: [RdbType.SET, RdbType.SET_INTSET],
  typeOf: (value: Value) => ((value as RedisSet).encoding === 'intset' ? RdbType.SET_INTSET : RdbType.SET),
  write(w, value) {
    const set = value as RedisSet;
    if (set.encoding === 'intset') {
      w.string(set.intsetBlob().toString('latin1'));
      return;
    }
    w.length(set.size);
    for (const member of set.members()) w.string(member);
  },
  read: (r, rdbType) => readSet(r, rdbType),
});

// rewriteSetObject: SADD commands of at most AOF_REWRITE_ITEMS_PER_CMD (64) members, in iteration order.
registerAofRewriter('set', (key, value) => {
  const commands: string[][] = [];
  let command: string[] = [];
  for (const member of (value as RedisSet).members()) {
    if (command.length === 0) command = ['SADD', key];
    command.push(member);
    if (command.length === 2 + _AOF_REWRITE_ITEMS_PER_CMD) {
      commands.push(command);
      command = [];
    }
  }
  if (command.length > 0) commands.push(command);
  return commands;
});

// xorObjectDigest: members are unordered, so each one is XORed in.
registerDigestType('set', {
  objectType: 2,
  digest(d, value) {
    for (const member of (value as RedisSet).members()) xorDigest(d, member);
  },
});
