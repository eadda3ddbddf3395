// Persistence, AOF rewrite and DEBUG DIGEST codecs for hashes. rdbSaveObject writes a listpack hash as RDB_TYPE_HASH_LISTPACK
// (the listpack blob, byte for byte what Redis holds in memory, as one string) and a hashtable hash as RDB_TYPE_HASH
// (a length, then field and value strings). rdbLoadObject also reads the older RDB_TYPE_HASH_ZIPLIST and
// RDB_TYPE_HASH_ZIPMAP blobs, and picks the encoding with its own rules: a loaded listpack or ziplist converts only
// when it has too many entries, a zipmap also when an element is too long, and RDB_TYPE_HASH is rebuilt as a listpack
// (so a small hashtable hash comes back listpack-encoded) unless it is too big or an element too long.

import { registerAofRewriter } from '../persistence/aof.js';
import { mixDigest, newDigest, registerDigestType, xorDigest } from '../persistence/digest.js';
import { decodeListpack, decodeZiplist, encodeListpack } from '../persistence/listpack.js';
import { RdbFormatError, type RdbReader, type RdbWriter } from '../persistence/rdb-codec.js';
import { RdbType, registerRdbType } from '../persistence/rdb-types.js';
import type { Value } from '../values.js';
import { DEFAULT_HASH_LIMITS, HashValue, type HashLimits } from './hash.js';

/** Writes a hash's RDB body: the listpack blob, or the length and every field and value (rdbSaveObject). */
export function writeHash(w: RdbWriter, h: HashValue): void {
  if (h.isListpack) {
    const flat: string[] = [];
    for (const [field, value] of h.entries()) flat.push(field, value);
    w.string(encodeListpack(flat).toString('latin1'));
    return;
  }
  w.length(h.size);
  for (const [field, value] of h.entries()) {
    w.string(field);
    w.string(value);
  }
}

/**
 * Reads a hash body of one of the four hash RDB types with rdbLoadObject's checks (duplicate fields, odd element
 * counts and malformed blobs are corrupt) and encoding choices under `limits`. Redis skips an empty hash when loading
 * (RDB_LOAD_ERR_EMPTY_KEY) and RESTORE refuses it; it is refused as corrupt here.
 */
export function readHash(r: RdbReader, rdbType: number, limits: HashLimits = DEFAULT_HASH_LIMITS): HashValue {
  switch (rdbType) {
    case RdbType.HASH:
      return _readPairs(r, limits);
    case RdbType.HASH_LISTPACK:
    case RdbType.HASH_ZIPLIST: {
      const blob = Buffer.from(r.string(), 'latin1');
      const flat = rdbType === RdbType.HASH_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob);
      const h = _fromFlat(flat, rdbType === RdbType.HASH_LISTPACK ? 'listpack' : 'ziplist');
      if (h.size > limits.maxEntries) h.toHashtable();
      return h;
    }
    case RdbType.HASH_ZIPMAP: {
      const flat = _decodeZipmap(Buffer.from(r.string(), 'latin1'));
      const h = _fromFlat(flat, 'zipmap');
      let longest = 0;
      for (const s of flat) if (s.length > longest) longest = s.length;
      if (h.size > limits.maxEntries || longest > limits.maxValue) h.toHashtable();
      return h;
    }
    default:
      throw new RdbFormatError('unknown-type', `RDB type ${rdbType} is not a hash`);
  }
}

/** The commands that rebuild a hash in an AOF-format base file: HMSET with at most 64 pairs each (rewriteHashObject). */
export function hashAofCommands(key: string, h: HashValue): string[][] {
  const commands: string[][] = [];
  let command: string[] = [];
  for (const [field, value] of h.entries()) {
    if (command.length === 0) command = ['HMSET', key];
    command.push(field, value);
    if (command.length === 2 + 2 * _AOF_REWRITE_ITEMS_PER_CMD) {
      commands.push(command);
      command = [];
    }
  }
  if (command.length > 0) commands.push(command);
  return commands;
}

/** The digest of a hash's contents: each field/value pair mixed on its own, then XORed in (xorObjectDigest). */
export function digestHash(digest: Uint8Array, h: HashValue): void {
  for (const [field, value] of h.entries()) {
    const pair = newDigest();
    mixDigest(pair, field);
    mixDigest(pair, value);
    xorDigest(digest, pair);
  }
}

// --- internal ---

/** Pairs per HMSET in an AOF rewrite (AOF_REWRITE_ITEMS_PER_CMD). */
const _AOF_REWRITE_ITEMS_PER_CMD = 64;

registerRdbType('hash', {
  loads: [RdbType.HASH, RdbType.HASH_LISTPACK, RdbType.HASH_ZIPLIST, RdbType.HASH_ZIPMAP],
  typeOf: (value: Value) => ((value as HashValue).isListpack ? RdbType.HASH_LISTPACK : RdbType.HASH),
  write: (w, value) => writeHash(w, value as HashValue),
  read: (r, rdbType) => readHash(r, rdbType),
});

registerAofRewriter('hash', (key, value) => hashAofCommands(key, value as HashValue));

registerDigestType('hash', { objectType: 4, digest: (d, value) => digestHash(d, value as HashValue) });

/** RDB_TYPE_HASH: listpack while small (converting at the first long element), hashtable when the count is big. */
function _readPairs(r: RdbReader, limits: HashLimits): HashValue {
  const length = r.length();
  if (length === 0) throw new RdbFormatError('corrupt', 'Empty hash value');
  const h = new HashValue();
  if (length > limits.maxEntries) h.toHashtable();
  // The count was checked up front: only an element's length may convert the hash while loading.
  const loading: HashLimits = { maxEntries: Number.POSITIVE_INFINITY, maxValue: limits.maxValue };
  for (let i = 0; i < length; i++) {
    const field = r.string();
    const value = r.string();
    if (h.has(field)) throw new RdbFormatError('corrupt', 'Duplicate hash fields detected');
    h.set(field, value, loading);
  }
  return h;
}

/** A listpack-encoded hash from a flat field/value list, refusing what lpPairsValidateIntegrityAndDups refuses. */
function _fromFlat(flat: readonly string[], what: string): HashValue {
  if (flat.length % 2 !== 0) throw new RdbFormatError('corrupt', `Hash ${what} has an odd number of elements`);
  if (flat.length === 0) throw new RdbFormatError('corrupt', 'Empty hash value');
  const h = new HashValue();
  const loading: HashLimits = { maxEntries: Number.POSITIVE_INFINITY, maxValue: Number.POSITIVE_INFINITY };
  for (let i = 0; i < flat.length; i += 2) {
    if (!h.set(flat[i]!, flat[i + 1]!, loading)) {
      throw new RdbFormatError('corrupt', `Hash ${what} with dup elements`);
    }
  }
  return h;
}

/**
 * Decodes a zipmap (Redis 2.4 and older): a count byte, then per pair a length-prefixed field, a length-prefixed
 * value with a count of free bytes after it, and 0xFF at the end. Lengths below 254 take one byte; 254 announces
 * a 4-byte little-endian length.
 */
function _decodeZipmap(zm: Buffer): string[] {
  const out: string[] = [];
  let pos = 1;
  const need = (n: number): void => {
    if (pos + n > zm.length) throw new RdbFormatError('corrupt', 'Zipmap integrity check failed.');
  };
  const length = (): number => {
    need(1);
    const b = zm[pos++]!;
    if (b < 254) return b;
    if (b === 255) throw new RdbFormatError('corrupt', 'Zipmap integrity check failed.');
    need(4);
    const n = zm.readUInt32LE(pos);
    pos += 4;
    return n;
  };
  for (;;) {
    need(1);
    if (zm[pos] === 255) break;
    const fieldLength = length();
    need(fieldLength);
    out.push(zm.toString('latin1', pos, pos + fieldLength));
    pos += fieldLength;
    const valueLength = length();
    need(1);
    const free = zm[pos++]!;
    need(valueLength + free);
    out.push(zm.toString('latin1', pos, pos + valueLength));
    pos += valueLength + free;
  }
  if (pos + 1 !== zm.length) throw new RdbFormatError('corrupt', 'Zipmap integrity check failed.');
  return out;
}
