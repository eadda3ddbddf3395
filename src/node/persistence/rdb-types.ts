// The registry of RDB value codecs, keyed by the value's type name (what TYPE reports) for writing and by the RDB
// type byte for reading. Strings are built in; each collection type module registers its own codec (with its
// listpack/intset/quicklist encodings) by calling registerRdbType when it is loaded.

import { typeName, type Value } from '../values.js';
import { RdbFormatError, type RdbReader, type RdbWriter } from './rdb-codec.js';

/** RDB type bytes of Redis 7.0 (rdb.h), for codecs to name what they write and read. */
export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** How one value type is written to and read from RDB. */
export interface RdbTypeCodec {
  /** The RDB type bytes this codec can read. */
  readonly loads: readonly number[];
  /** The RDB type byte written before the key, which may depend on the value's encoding (rdbSaveObjectType). */
  typeOf(value: Value): number;
  /** Writes the value's body (rdbSaveObject). */
  write(w: RdbWriter, value: Value): void;
  /** Reads a value body of RDB type `rdbType` (rdbLoadObject). */
  read(r: RdbReader, rdbType: number): Value;
}

/** Registers the codec for values whose TYPE is `valueTypeName`; replaces an earlier registration. */
export function registerRdbType(valueTypeName: string, codec: RdbTypeCodec): void {
  const previous = _byName.get(valueTypeName);
  if (previous !== undefined) for (const t of previous.loads) _byRdbType.delete(t);
  _byName.set(valueTypeName, codec);
  for (const t of codec.loads) _byRdbType.set(t, codec);
}

/** Writes a value's RDB type byte; fails with RdbFormatError when no codec handles its type. */
export function writeRdbType(w: RdbWriter, value: Value): void {
  w.byte(_codecFor(value).typeOf(value));
}

/** Writes a value's body with its codec. */
export function writeRdbValue(w: RdbWriter, value: Value): void {
  _codecFor(value).write(w, value);
}

/** Reads a value body of RDB type `rdbType`; unknown or unsupported types fail with a clear RdbFormatError. */
export function readRdbValue(r: RdbReader, rdbType: number): Value {
  const codec = _byRdbType.get(rdbType);
  if (codec === undefined) {
    const known = _RDB_TYPE_NAMES.get(rdbType);
    if (known !== undefined) {
      throw new RdbFormatError('unsupported', `RDB value type ${rdbType} (${known}) is not supported by redis-sim`);
    }
    throw new RdbFormatError('unknown-type', `Unknown RDB value type ${rdbType}`);
  }
  return codec.read(r, rdbType);
}

/** Whether `rdbType` is a value type byte Redis 7.0 defines (rdbIsObjectType). */
export function isRdbObjectType(rdbType: number): boolean {
  return (rdbType >= 0 && rdbType <= 7) || (rdbType >= 9 && rdbType <= 19);
}

// --- internal ---

const _byName = new Map<string, RdbTypeCodec>();
const _byRdbType = new Map<number, RdbTypeCodec>();

const _RDB_TYPE_NAMES = new Map<number, string>(
  Object.entries(RdbType).map(([name, code]) => [code, name.toLowerCase()] as [number, string]),
);

function _codecFor(value: Value): RdbTypeCodec {
  const name = typeName(value);
  const codec = _byName.get(name);
  if (codec === undefined) throw new RdbFormatError('unsupported', `No RDB codec for values of type '${name}'`);
  return codec;
}

/** Strings: RDB_TYPE_STRING, written with rdbSaveStringObject's integer and LZF encodings. */
registerRdbType('string', {
  loads: [RdbType.STRING],
  typeOf: () => RdbType.STRING,
  write: (w, value) => w.string(value as string),
  read: (r) => r.string(),
});
