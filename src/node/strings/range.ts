// Start/end index arguments of GETRANGE, BITCOUNT and BITPOS: parsed exactly as 64-bit integers, then narrowed to
// numbers for arithmetic with string lengths.

import { parseInt64 } from '../args.js';
import { Errors, fail } from '../errors.js';

const SAFE_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/** Parses a 64-bit integer argument exactly (getLongLongFromObjectOrReply), failing with Redis's integer error. */
export function requireInt64(s: string): bigint {
  return parseInt64(s) ?? fail(Errors.notInteger());
}

/**
 * Narrows an index to a number, clamping beyond ±2^53: string lengths (even in bits) are far smaller, so the
 * clamped index still lands on the same side of every bound Redis compares it with.
 */
export function toIndex(v: bigint): number {
  if (v > SAFE_LIMIT) return Number.MAX_SAFE_INTEGER;
  if (v < -SAFE_LIMIT) return -Number.MAX_SAFE_INTEGER;
  return Number(v);
}
