// The intset blob (intset.c): a 4-byte encoding (2, 4 or 8: the byte width of every element), a 4-byte element
// count, then the elements sorted ascending without duplicates, each little-endian at that width. It is what RDB
// stores for RDB_TYPE_SET_INTSET, so writing it byte for byte lets real Redis load redis-sim's sets and back.

import { RdbFormatError } from './rdb-codec.js';

/** The byte width of an intset element: INTSET_ENC_INT16, INTSET_ENC_INT32 or INTSET_ENC_INT64. */
export type IntsetWidth = 2 | 4 | 8;

/** The size of the blob header (encoding + length). */
export const INTSET_HEADER_SIZE = 8;

/** The narrowest width that holds `v` (_intsetValueEncoding). */
export function intsetWidthFor(v: bigint): IntsetWidth {
  if (v < -2147483648n || v > 2147483647n) return 8;
  if (v < -32768n || v > 32767n) return 4;
  return 2;
}

/** An intset's contents: its element width and its sorted elements. */
export interface DecodedIntset {
  readonly width: IntsetWidth;
  readonly values: BigInt64Array;
}

/**
 * Builds the blob for the first `count` of `values` (sorted ascending, distinct) at `width`, which must hold every
 * value: Redis never narrows an intset after removals, so the caller tracks the width it has grown to.
 */
export function encodeIntset(values: BigInt64Array, count: number, width: IntsetWidth): Buffer {
  const out = Buffer.allocUnsafe(INTSET_HEADER_SIZE + count * width);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(count, 4);
  let at = INTSET_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (width === 2) out.writeInt16LE(Number(v), at);
    else if (width === 4) out.writeInt32LE(Number(v), at);
    else out.writeBigInt64LE(v, at);
    at += width;
  }
  return out;
}

/**
 * Reads an intset blob, checking it the way intsetValidateIntegrity does with deep validation: a known width, a
 * size that matches the count, at least one element, and strictly ascending elements. Fails with RdbFormatError.
 */
export function decodeIntset(blob: Uint8Array): DecodedIntset {
  if (blob.length < INTSET_HEADER_SIZE) throw _corrupt('shorter than its header');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = view.getUint32(0, true);
  if (width !== 2 && width !== 4 && width !== 8) throw _corrupt(`unknown encoding ${width}`);
  const count = view.getUint32(4, true);
  if (INTSET_HEADER_SIZE + count * width !== blob.length) throw _corrupt('size does not match its length');
  if (count === 0) throw _corrupt('empty');
  const values = new BigInt64Array(count);
  let at = INTSET_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const v =
      width === 2
        ? BigInt(view.getInt16(at, true))
        : width === 4
          ? BigInt(view.getInt32(at, true))
          : view.getBigInt64(at, true);
    if (i > 0 && v <= values[i - 1]!) throw _corrupt('elements out of order or duplicated');
    values[i] = v;
    at += width;
  }
  return { width, values };
}

// --- internal ---

function _corrupt(why: string): RdbFormatError {
  return new RdbFormatError('corrupt', `Intset integrity check failed: ${why}`);
}
