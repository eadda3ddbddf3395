// BITFIELD's argument parsing and integer arithmetic (bitops.c): typed fields up to 64 bits at arbitrary bit offsets,
// with the WRAP/SAT/FAIL overflow policies. Fields are handled as BigInt, emulating C's 64-bit wrap-around exactly
// where Redis relies on it.

import { parseInt64 } from '../args.js';
import { Errors, fail } from '../errors.js';
import { cKeyword } from './lookup.js';

/** What BITFIELD does when a SET or INCRBY does not fit its field (the OVERFLOW subcommand). */
export type BitfieldOverflow = 'wrap' | 'sat' | 'fail';

/** One parsed BITFIELD operation. */
export interface BitfieldOp {
  readonly op: 'get' | 'set' | 'incrby';
  readonly signed: boolean;
  readonly bits: number;
  /** Bit offset of the field's most significant bit. */
  readonly offset: number;
  /** The SET value or INCRBY increment (0n for GET). */
  readonly value: bigint;
  readonly overflow: BitfieldOverflow;
}

/** The operations of one BITFIELD call. */
export interface BitfieldPlan {
  readonly ops: BitfieldOp[];
  /** Whether there is no SET or INCRBY (then the key is looked up for reading only). */
  readonly readOnly: boolean;
  /** The highest bit any SET or INCRBY touches; the string is grown to reach it. */
  readonly highestWrite: number;
}

/** The outcome of fitting a value into a field: whether it overflowed, and the value the policy gives then. */
export interface FieldFit {
  readonly overflow: boolean;
  /** The wrapped or saturated value; meaningless under FAIL. */
  readonly limit: bigint;
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Parses a bit offset argument (getBitOffsetFromArgument): a non-negative integer whose byte lies below
 * proto-max-bulk-len. With `hashBits` > 0 the `#n` form means field number n of that width, multiplied with C's
 * 64-bit wrap-around.
 */
export function parseBitOffset(s: string, maxBulkLen: number, hashBits = 0): number {
  const useHash = hashBits > 0 && s.charCodeAt(0) === 0x23;
  let v = parseInt64(useHash ? s.slice(1) : s);
  if (v === null) return fail(Errors.bitOffset());
  if (useHash) v = BigInt.asIntN(64, v * BigInt(hashBits));
  if (v < 0n || v >> 3n >= BigInt(maxBulkLen)) return fail(Errors.bitOffset());
  return Number(v);
}

/** Parses BITFIELD's subcommands (from args[2]), failing with the first error in argument order, as Redis does. */
export function parseBitfield(args: readonly string[], maxBulkLen: number): BitfieldPlan {
  const ops: BitfieldOp[] = [];
  let overflow: BitfieldOverflow = 'wrap';
  let readOnly = true;
  let highestWrite = 0;
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const sub = cKeyword(args[j]!);
    let op: BitfieldOp['op'];
    if (sub === 'get' && remaining >= 2) op = 'get';
    else if (sub === 'set' && remaining >= 3) op = 'set';
    else if (sub === 'incrby' && remaining >= 3) op = 'incrby';
    else if (sub === 'overflow' && remaining >= 1) {
      const policy = cKeyword(args[++j]!);
      if (policy === 'wrap' || policy === 'sat' || policy === 'fail') overflow = policy;
      else fail(Errors.bitfieldOverflowType());
      continue;
    } else {
      return fail(Errors.syntax());
    }
    const { signed, bits } = _parseType(args[j + 1]!);
    const offset = parseBitOffset(args[j + 2]!, maxBulkLen, bits);
    let value = 0n;
    if (op !== 'get') {
      readOnly = false;
      highestWrite = Math.max(highestWrite, offset + bits - 1);
      value = parseInt64(args[j + 3]!) ?? fail(Errors.notInteger());
    }
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === 'get' ? 2 : 3;
  }
  return { ops, readOnly, highestWrite };
}

/**
 * Checks whether `value + incr` fits an unsigned field of `bits` (checkUnsignedBitfieldOverflow); `value` is the
 * field as C's uint64_t (a SET of a negative number arrives as its 64-bit two's complement).
 */
export function fitUnsigned(value: bigint, incr: bigint, bits: number, policy: BitfieldOverflow): FieldFit {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = BigInt.asIntN(64, max - value);
  const minIncr = BigInt.asIntN(64, -value);
  if (value > max || (incr > 0n && incr > maxIncr)) {
    return { overflow: true, limit: policy === 'sat' ? max : BigInt.asUintN(bits, value + incr) };
  }
  if (incr < 0n && incr < minIncr) {
    return { overflow: true, limit: policy === 'sat' ? 0n : BigInt.asUintN(bits, value + incr) };
  }
  return { overflow: false, limit: 0n };
}

/**
 * Checks whether `value + incr` fits a signed field of `bits` (checkSignedBitfieldOverflow), including its
 * 64-bit wrap-around in the limits it compares against: a SET of a value far below a small field's minimum can
 * be seen as an overflow rather than an underflow, and SAT then stores the maximum, like Redis.
 */
export function fitSigned(value: bigint, incr: bigint, bits: number, policy: BitfieldOverflow): FieldFit {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = BigInt.asIntN(64, max - value);
  const minIncr = BigInt.asIntN(64, min - value);
  const wrapped = () => BigInt.asIntN(bits, value + incr);
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
    return { overflow: true, limit: policy === 'sat' ? max : wrapped() };
  }
  if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
    return { overflow: true, limit: policy === 'sat' ? min : wrapped() };
  }
  return { overflow: false, limit: 0n };
}

// --- internal ---

/** Parses a field type: `i1`..`i64` or `u1`..`u63` (getBitfieldTypeFromArgument; the sign letter is case-sensitive). */
function _parseType(s: string): { signed: boolean; bits: number } {
  const sign = s.charCodeAt(0);
  if (sign !== 0x69 && sign !== 0x75) return fail(Errors.bitfieldType());
  const signed = sign === 0x69;
  const nul = s.indexOf('\0');
  const bits = parseInt64(s.slice(1, nul === -1 ? s.length : nul));
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) return fail(Errors.bitfieldType());
  return { signed, bits: Number(bits) };
}
