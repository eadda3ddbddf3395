// The values a key can hold. Strings are plain latin1 JS strings (one char per byte); every other type is an object
// whose `type` is the name TYPE reports, defined in its own module under src/node/types.

/** A non-string value: list, hash, set, zset or stream. */
export interface CollectionValue {
  readonly type: 'list' | 'hash' | 'set' | 'zset' | 'stream';
  /** A deep copy, for COPY. */
  clone(): CollectionValue;
  /** What OBJECT ENCODING reports, tracking Redis 7.0's one-way conversions (listpack → hashtable, ...). */
  readonly encoding: string;
}

/** Anything stored under a key. */
export type Value = string | CollectionValue;

/** The name TYPE reports for a value. */
export function typeName(value: Value): string {
  return typeof value === 'string' ? 'string' : value.type;
}
