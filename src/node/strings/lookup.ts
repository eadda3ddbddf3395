// Key lookups shared by the string and bit commands, with the side effects of Redis's lookupKeyRead (db.c):
// a read lookup counts a keyspace hit or miss and may fire `keymiss`; a write lookup does neither.

import type { ClientSession } from '../client-session.js';
import { Errors, fail } from '../errors.js';
import type { Value } from '../values.js';

/**
 * Looks a key up for reading (lookupKeyRead): counts a keyspace hit or miss, fires `keymiss` on a miss and refreshes
 * the key's access time on a hit; any type.
 */
export function readValue(c: ClientSession, key: string): Value | undefined {
  const entry = c.db.lookup(key);
  if (entry === undefined) {
    c.node.stats.keyspaceMisses++;
    c.node.notify('m', 'keymiss', key, c.db.id);
    return undefined;
  }
  c.node.stats.keyspaceHits++;
  entry.accessedAt = c.now;
  return entry.value;
}

/** Looks a string up for reading, counting a hit or miss; fails with WRONGTYPE when the key holds another type. */
export function readString(c: ClientSession, key: string): string | undefined {
  const v = readValue(c, key);
  if (v === undefined || typeof v === 'string') return v;
  return fail(Errors.wrongType());
}

/** The configured `proto-max-bulk-len`: the largest string a command may build. */
export function maxStringLength(c: ClientSession): number {
  return c.node.config.getNumber('proto-max-bulk-len');
}

/** Fails with Redis's size error when a string of `size + append` bytes would exceed the limit (checkStringLength). */
export function checkStringLength(c: ClientSession, size: number, append: number): void {
  if (size + append > maxStringLength(c)) fail(Errors.stringTooLong());
}

/**
 * An option keyword as C's strcmp family sees it: lower-cased and cut at the first NUL byte, since Redis compares
 * the argument as a C string (so `nx\0junk` is NX).
 */
export function cKeyword(s: string): string {
  const nul = s.indexOf('\0');
  return (nul === -1 ? s : s.slice(0, nul)).toLowerCase();
}
