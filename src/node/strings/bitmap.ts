// Bit-level reading and writing of latin1 strings (one char per byte), with bit 0 being the most significant bit
// of the first byte as in Redis's bitops.c. Reads work on the string itself; writes go through a Buffer.

/** Set bits in each byte value. */
const POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let i = 1; i < 256; i++) table[i] = (i & 1) + table[i >> 1]!;
  return table;
})();

/** Counts the set bits of bytes `start..end` (inclusive) of a latin1 string (redisPopcount). */
export function popcount(s: string, start: number, end: number): number {
  let bits = 0;
  for (let i = start; i <= end; i++) bits += POPCOUNT[s.charCodeAt(i)]!;
  return bits;
}

/** Counts the set bits of one byte. */
export function popcountByte(byte: number): number {
  return POPCOUNT[byte & 0xff]!;
}

/**
 * The position of the first `bit` in `count` bytes of `s` from byte `from` (redisBitpos): looking for a 1 gives -1
 * when there is none; looking for a 0 gives `count * 8` when there is none, as if the string went on with zeros.
 */
export function firstBit(s: string, from: number, count: number, bit: 0 | 1): number {
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const byte = s.charCodeAt(from + i);
    if (byte !== skip) return i * 8 + firstBitInByte(byte, bit);
  }
  return bit === 1 ? -1 : count * 8;
}

/** The position (0..7) of the first `bit` in one byte; 8 for a 0 in 0xff, -1 for a 1 in 0x00 (redisBitpos). */
export function firstBitInByte(byte: number, bit: 0 | 1): number {
  for (let i = 0; i < 8; i++) if (((byte >> (7 - i)) & 1) === bit) return i;
  return bit === 1 ? -1 : 8;
}

/** The bit at `offset` of a latin1 string, 0 past its end. */
export function getBit(s: string, offset: number): 0 | 1 {
  const byte = Math.floor(offset / 8);
  if (byte >= s.length) return 0;
  return ((s.charCodeAt(byte) >> (7 - (offset % 8))) & 1) as 0 | 1;
}

/** Reads `bits` (1..64) bits at `offset` as an unsigned integer, treating bytes past the end as zero. */
export function readUnsigned(s: string | Uint8Array, offset: number, bits: number): bigint {
  const len = s.length;
  let value = 0n;
  let pending = 0;
  let pendingBits = 0;
  for (let j = 0; j < bits; j++, offset++) {
    const byte = Math.floor(offset / 8);
    const b = byte < len ? (typeof s === 'string' ? s.charCodeAt(byte) : s[byte]!) : 0;
    pending = pending * 2 + ((b >> (7 - (offset % 8))) & 1);
    if (++pendingBits === 32) {
      value = (value << 32n) | BigInt(pending);
      pending = 0;
      pendingBits = 0;
    }
  }
  return pendingBits === 0 ? value : (value << BigInt(pendingBits)) | BigInt(pending);
}

/** Reads `bits` (1..64) bits at `offset` as a two's complement signed integer. */
export function readSigned(s: string | Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, readUnsigned(s, offset, bits));
}

/** Writes the low `bits` bits of `value` at `offset` into a buffer that is long enough. */
export function writeBits(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((v >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset % 8));
    buf[byte] = bit === 1 ? buf[byte]! | mask : buf[byte]! & ~mask;
  }
}
