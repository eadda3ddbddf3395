// CRC-64 as Redis computes it for RDB files and DUMP payloads (crc64.c): the Jones polynomial
// 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor. The 64-bit state is kept as two
// unsigned 32-bit halves so the hot loop stays in small-integer arithmetic instead of BigInt.

/** The reflected Jones polynomial, split into its high and low 32 bits. */
const _POLY_HI = 0x95ac9329;
const _POLY_LO = 0xac4bc9b5;

/** A running CRC-64 value as two unsigned 32-bit halves. */
export interface Crc64State {
  hi: number;
  lo: number;
}

/** A fresh CRC-64 state (Redis starts from 0). */
export function crc64Init(): Crc64State {
  return { hi: 0, lo: 0 };
}

/** Feeds `data[start, end)` into a running CRC-64. */
export function crc64Update(state: Crc64State, data: Uint8Array, start = 0, end = data.length): void {
  let hi = state.hi;
  let lo = state.lo;
  for (let i = start; i < end; i++) {
    const index = (lo ^ data[i]!) & 0xff;
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ _TABLE_LO[index]!;
    hi = (hi >>> 8) ^ _TABLE_HI[index]!;
  }
  state.hi = hi >>> 0;
  state.lo = lo >>> 0;
}

/** The CRC-64 of `data[start, end)` as a BigInt. */
export function crc64(data: Uint8Array, start = 0, end = data.length): bigint {
  const state = crc64Init();
  crc64Update(state, data, start, end);
  return crc64Value(state);
}

/** A state's value as a BigInt. */
export function crc64Value(state: Crc64State): bigint {
  return (BigInt(state.hi) << 32n) | BigInt(state.lo);
}

/** Writes a state's value as 8 little-endian bytes (how RDB files and DUMP payloads store it). */
export function crc64WriteLE(state: Crc64State, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 4; i++) out[offset + i] = (state.lo >>> (8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = (state.hi >>> (8 * i)) & 0xff;
}

/** Whether 8 little-endian bytes at `offset` equal the state's value. */
export function crc64EqualsLE(state: Crc64State, data: Uint8Array, offset: number): boolean {
  const lo = (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24)) >>> 0;
  const hi =
    (data[offset + 4]! | (data[offset + 5]! << 8) | (data[offset + 6]! << 16) | (data[offset + 7]! << 24)) >>> 0;
  return lo === state.lo && hi === state.hi;
}

// --- internal ---

const _TABLE_HI = new Uint32Array(256);
const _TABLE_LO = new Uint32Array(256);

/** One table entry per byte value: the state after shifting that byte through eight reflected steps. */
function _buildTables(): void {
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry !== 0) {
        hi = (hi ^ _POLY_HI) >>> 0;
        lo = (lo ^ _POLY_LO) >>> 0;
      }
    }
    _TABLE_HI[n] = hi;
    _TABLE_LO[n] = lo;
  }
}

_buildTables();
