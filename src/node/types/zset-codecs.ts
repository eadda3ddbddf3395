// Persistence and DEBUG DIGEST codecs for sorted sets. rdbSaveObject writes a listpack-encoded set as
// RDB_TYPE_ZSET_LISTPACK (the listpack blob as one string: member, score, member, score... with scores as zzlInsertAt
// spells them) and a skiplist-encoded one as RDB_TYPE_ZSET_2 (a length, then member strings and 8-byte binary
// doubles from the highest score to the lowest). rdbLoadObject also reads RDB_TYPE_ZSET_ZIPLIST (converted to a
// listpack) and RDB_TYPE_ZSET (scores as length-prefixed text), and picks the encoding with its own rules: a loaded
// listpack or ziplist converts to a skiplist only when it has too many entries, while a loaded skiplist becomes a
// listpack when it is small and its members short.

import { formatDouble17g } from '../../protocol/format-double.js';
import { registerAofRewriter } from '../persistence/aof.js';
import { mixDigest, newDigest, registerDigestType, xorDigest } from '../persistence/digest.js';
import { decodeListpack, decodeZiplist, encodeListpack } from '../persistence/listpack.js';
import { RdbFormatError, type RdbReader, type RdbWriter } from '../persistence/rdb-codec.js';
import { RdbType, registerRdbType } from '../persistence/rdb-types.js';
import type { Value } from '../values.js';
import { DEFAULT_ZSET_LIMITS, SortedSet, listpackScoreText, strtod, type ZsetLimits } from './zset.js';

/** Writes a sorted set's RDB body (rdbSaveObject). */
export function writeZset(w: RdbWriter, z: SortedSet): void {
  if (z.encoding === 'listpack') {
    const flat: string[] = [];
    for (const node of z.nodes()) flat.push(node.member, listpackScoreText(node.score));
    w.string(encodeListpack(flat).toString('latin1'));
    return;
  }
  w.length(z.size);
  const score = Buffer.allocUnsafe(8);
  for (let node = z.last; node !== null; node = node.backward) {
    w.string(node.member);
    score.writeDoubleLE(node.score, 0);
    w.bytes(score);
  }
}

/**
 * Reads a sorted set body of one of the four zset RDB types with rdbLoadObject's checks (NaN scores, duplicate
 * members, odd element counts and malformed blobs are corrupt) and encoding choices under `limits`. Redis skips an
 * empty set when loading and RESTORE refuses it; it is refused as corrupt here. `random` draws skiplist levels.
 */
export function readZset(
  r: RdbReader,
  rdbType: number,
  limits: ZsetLimits = DEFAULT_ZSET_LIMITS,
  random: () => number = levelRandom(),
): SortedSet {
  switch (rdbType) {
    case RdbType.ZSET_2:
    case RdbType.ZSET: {
      const length = r.length();
      if (length === 0) throw new RdbFormatError('corrupt', 'Empty zset value');
      const z = new SortedSet('skiplist', random);
      let longest = 0;
      for (let i = 0; i < length; i++) {
        const member = r.string();
        const score = rdbType === RdbType.ZSET_2 ? r.bytes(8).readDoubleLE(0) : _readTextScore(r);
        if (Number.isNaN(score)) throw new RdbFormatError('corrupt', 'Zset with NAN score detected');
        if (z.score(member) !== undefined) throw new RdbFormatError('corrupt', 'Duplicate zset fields detected');
        z.insert(score, member);
        if (member.length > longest) longest = member.length;
      }
      // Converted after loading, since the pairs are not stored in order (rdbLoadObject).
      z.convertToListpackIfFits(limits, longest);
      return z;
    }
    case RdbType.ZSET_LISTPACK:
    case RdbType.ZSET_ZIPLIST: {
      const blob = Buffer.from(r.string(), 'latin1');
      const flat = rdbType === RdbType.ZSET_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob);
      const what = rdbType === RdbType.ZSET_LISTPACK ? 'listpack' : 'ziplist';
      if (flat.length % 2 !== 0) throw new RdbFormatError('corrupt', `Zset ${what} has an odd number of elements`);
      if (flat.length === 0) throw new RdbFormatError('corrupt', 'Empty zset value');
      const z = new SortedSet('listpack', random);
      for (let i = 0; i < flat.length; i += 2) {
        const member = flat[i]!;
        if (z.score(member) !== undefined) throw new RdbFormatError('corrupt', `Zset ${what} with dup elements`);
        z.insert(strtod(flat[i + 1]!).value, member);
      }
      if (z.size > limits.maxEntries) z.convertToSkiplist();
      return z;
    }
    default:
      throw new RdbFormatError('unknown-type', `RDB type ${rdbType} is not a sorted set`);
  }
}

/** The digest of a sorted set's contents: each member mixed with its `%.17g` score, then XORed in (xorObjectDigest). */
export function digestZset(digest: Uint8Array, z: SortedSet): void {
  for (const node of z.nodes()) {
    const element = newDigest();
    mixDigest(element, node.member);
    mixDigest(element, formatDouble17g(node.score));
    xorDigest(digest, element);
  }
}

/**
 * The commands that rebuild a sorted set in an AOF-format base file (rewriteSortedSetObject): ZADD with at most 64
 * `%.17g` score, member pairs each, in score order (Redis walks a skiplist-encoded set in its dict's order).
 */
export function zsetAofCommands(key: string, z: SortedSet): string[][] {
  const commands: string[][] = [];
  let command: string[] = [];
  for (const node of z.nodes()) {
    if (command.length === 0) command = ['ZADD', key];
    command.push(formatDouble17g(node.score), node.member);
    if (command.length === 2 + 2 * _AOF_REWRITE_ITEMS_PER_CMD) {
      commands.push(command);
      command = [];
    }
  }
  if (command.length > 0) commands.push(command);
  return commands;
}

/**
 * A generator for the skiplist levels of a set built without a node at hand (RDB loading): a fixed-seed xorshift,
 * so loading stays deterministic. Levels only shape the skiplist; no reply depends on them.
 */
export function levelRandom(): () => number {
  let state = 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

// --- internal ---

registerRdbType('zset', {
  loads: [RdbType.ZSET, RdbType.ZSET_2, RdbType.ZSET_ZIPLIST, RdbType.ZSET_LISTPACK],
  typeOf: (value: Value) => ((value as SortedSet).encoding === 'listpack' ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2),
  write: (w, value) => writeZset(w, value as SortedSet),
  read: (r, rdbType) => readZset(r, rdbType),
});

registerDigestType('zset', { objectType: 3, digest: (d, value) => digestZset(d, value as SortedSet) });

registerAofRewriter('zset', (key, value) => zsetAofCommands(key, value as SortedSet));

/** AOF_REWRITE_ITEMS_PER_CMD: pairs per ZADD in a rewritten AOF. */
const _AOF_REWRITE_ITEMS_PER_CMD = 64;

/** rdbLoadDoubleValue: a length byte (253 NaN, 254 +inf, 255 -inf) then that many bytes of `%lg` text. */
function _readTextScore(r: RdbReader): number {
  const length = r.byte();
  if (length === 253) return NaN;
  if (length === 254) return Infinity;
  if (length === 255) return -Infinity;
  const text = r.bytes(length).toString('latin1');
  const { value, end } = strtod(text);
  if (end === 0) throw new RdbFormatError('corrupt', `Invalid zset score ${JSON.stringify(text)}`);
  return value;
}
