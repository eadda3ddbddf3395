// HyperLogLog sketches in Redis 7.0's exact string format (hyperloglog.c), so that PFADD/PFMERGE/PFCOUNT leave
// byte-identical values to real Redis and GET/DUMP/RESTORE move them across freely.
//
// Layout: a 16-byte header — "HYLL", the encoding byte (0 dense, 1 sparse), 3 unused bytes, the cached cardinality as
// 8 little-endian bytes whose top bit marks the cache as stale — then the registers. Dense: 16384 registers of 6 bits
// packed LSB first. Sparse: a run-length sequence of ZERO (00xxxxxx, 1..64 zero registers), XZERO (01xxxxxx
// xxxxxxxx, 1..16384 zero registers) and VAL (1vvvvvxx, 1..4 registers holding 1..32) opcodes. Elements are hashed
// with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the run of zeros above them (plus one)
// is the candidate value.

/** log2 of the number of registers. */
export const HLL_P = 14;
/** Hash bits left above the register index. */
export const HLL_Q = 64 - HLL_P;
/** Number of registers. */
export const HLL_REGISTERS = 1 << HLL_P;
/** Largest value a dense register holds (6 bits). */
export const HLL_REGISTER_MAX = 63;
/** Size of the header. */
export const HLL_HDR_SIZE = 16;
/** Exact size of a dense HLL string. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
/** Encoding byte of a dense HLL. */
export const HLL_DENSE = 0;
/** Encoding byte of a sparse HLL. */
export const HLL_SPARSE = 1;
/** Largest value a sparse VAL opcode holds; larger ones force the dense encoding. */
export const HLL_SPARSE_VAL_MAX_VALUE = 32;
/** Seed of the element hash. */
export const HLL_HASH_SEED = 0xadc83b19;

/** What a register update did: 1 changed a register, 0 changed nothing, -1 found a corrupt sparse encoding. */
export type HllUpdate = -1 | 0 | 1;

/** A HyperLogLog held as its Redis string bytes, updated in place like Redis's sds. */
export class HyperLogLog {
  /** The bytes; always at least one byte longer than `len`, and that byte is 0 (sds's terminator). */
  private b: Uint8Array;
  private len: number;

  private constructor(bytes: Uint8Array, len: number) {
    this.b = bytes;
    this.len = len;
  }

  /** A new, empty HLL: sparse, one XZERO opcode, cached cardinality 0 (createHLLObject). */
  static create(): HyperLogLog {
    const b = new Uint8Array(HLL_HDR_SIZE + 2 + 4);
    b.set(_MAGIC, 0);
    b[4] = HLL_SPARSE;
    _putXzero(b, HLL_HDR_SIZE, HLL_REGISTERS);
    return new HyperLogLog(b, HLL_HDR_SIZE + 2);
  }

  /**
   * Reads a string value as an HLL, or null when it is not one: shorter than the header, wrong magic, unknown
   * encoding, or a dense one of the wrong size (isHLLObjectOrReply). Sparse opcodes are only checked when used.
   */
  static fromString(s: string): HyperLogLog | null {
    const n = s.length;
    if (n < HLL_HDR_SIZE) return null;
    if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) {
      return null;
    }
    const encoding = s.charCodeAt(4);
    if (encoding > HLL_SPARSE) return null;
    if (encoding === HLL_DENSE && n !== HLL_DENSE_SIZE) return null;
    const b = Buffer.allocUnsafe(n + 4);
    b.write(s, 0, 'latin1');
    b.fill(0, n);
    return new HyperLogLog(b, n);
  }

  /** An HLL made of the given header bytes and register bytes, unchecked (for tests and fixtures). */
  static fromBytes(bytes: Uint8Array): HyperLogLog {
    const b = new Uint8Array(bytes.length + 4);
    b.set(bytes, 0);
    return new HyperLogLog(b, bytes.length);
  }

  /** 'dense' or 'sparse', as PFDEBUG ENCODING says. */
  get encoding(): 'dense' | 'sparse' {
    return this.b[4] === HLL_DENSE ? 'dense' : 'sparse';
  }

  /** Size of the string in bytes. */
  get length(): number {
    return this.len;
  }

  /** The value as a latin1 string (one char per byte), the way the keyspace stores it. */
  toString(): string {
    return Buffer.from(this.b.buffer, this.b.byteOffset, this.len).toString('latin1');
  }

  /** A copy of the string's bytes. */
  toBytes(): Uint8Array {
    return this.b.slice(0, this.len);
  }

  /** Adds an element: updates its register if the element's run is longer (hllAdd). */
  add(element: string, sparseMaxBytes: number): HllUpdate {
    const packed = hllPatLen(element);
    return this.setRegister(packed >>> 6, packed & 63, sparseMaxBytes);
  }

  /**
   * Raises register `index` to `count` if it is lower (hllDenseSet / hllSparseSet). A sparse HLL is promoted to
   * dense when the value does not fit a VAL opcode or the string would grow past `sparseMaxBytes`.
   */
  setRegister(index: number, count: number, sparseMaxBytes: number): HllUpdate {
    if (this.b[4] === HLL_DENSE) return _denseSet(this.b, index, count) ? 1 : 0;
    return this._sparseSet(index, count, sparseMaxBytes);
  }

  /** The value of a register of a dense HLL. */
  register(index: number): number {
    return _denseGet(this.b, index);
  }

  /** Converts a sparse HLL to dense in place; false (and unchanged) when the sparse opcodes are corrupt. */
  toDense(): boolean {
    if (this.b[4] === HLL_DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
    dense.set(this.b.subarray(0, HLL_HDR_SIZE), 0);
    dense[4] = HLL_DENSE;
    let idx = 0;
    for (const op of _sparseOps(this.b, this.len)) {
      if (op.value !== 0) {
        if (op.run + idx > HLL_REGISTERS) break;
        for (let k = 0; k < op.run; k++) _denseWrite(dense, idx + k, op.value);
      }
      idx += op.run;
    }
    if (idx !== HLL_REGISTERS) return false;
    this.b = dense;
    this.len = HLL_DENSE_SIZE;
    return true;
  }

  /** Raises each `max[i]` to register i's value (hllMerge); false when the sparse opcodes are corrupt. */
  mergeInto(max: Uint8Array): boolean {
    const b = this.b;
    if (b[4] === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = _denseGet(b, i);
        if (v > max[i]!) max[i] = v;
      }
      return true;
    }
    let i = 0;
    for (const op of _sparseOps(b, this.len)) {
      if (op.value !== 0) {
        if (op.run + i > HLL_REGISTERS) break;
        for (let k = i; k < i + op.run; k++) if (op.value > max[k]!) max[k] = op.value;
      }
      i += op.run;
    }
    return i === HLL_REGISTERS;
  }

  /** The estimated cardinality (hllCount), or null when the sparse opcodes do not cover exactly every register. */
  count(): bigint | null {
    const histogram = new Array<number>(64).fill(0);
    const b = this.b;
    if (b[4] === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) histogram[_denseGet(b, i)]!++;
      return estimateCardinality(histogram);
    }
    let idx = 0;
    for (const op of _sparseOps(b, this.len)) {
      idx += op.run;
      histogram[op.value]! += op.run;
    }
    return idx === HLL_REGISTERS ? estimateCardinality(histogram) : null;
  }

  /** The cached cardinality, or null when the cache is marked stale. */
  cachedCardinality(): bigint | null {
    if ((this.b[15]! & 0x80) !== 0) return null;
    let card = 0n;
    for (let i = 15; i >= 8; i--) card = (card << 8n) | BigInt(this.b[i]!);
    return card;
  }

  /** Stores a cardinality (an unsigned 64-bit value) in the header cache. */
  storeCardinality(card: bigint): void {
    let v = BigInt.asUintN(64, card);
    for (let i = 8; i < 16; i++) {
      this.b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /** Marks the cached cardinality stale (HLL_INVALIDATE_CACHE). */
  invalidateCache(): void {
    this.b[15]! |= 0x80;
  }

  /** The sparse opcodes in PFDEBUG DECODE's notation (`z:len`, `Z:len`, `v:value,len`), space separated. */
  decodeSparse(): string {
    const parts: string[] = [];
    for (const op of _sparseOps(this.b, this.len)) {
      parts.push(op.value !== 0 ? `v:${op.value},${op.run}` : `${op.long ? 'Z' : 'z'}:${op.run}`);
    }
    return parts.join(' ');
  }

  // --- internal ---

  /** hllSparseSet: finds the opcode covering `index`, splits it in place, then merges equal neighbouring VALs. */
  private _sparseSet(index: number, count: number, sparseMaxBytes: number): HllUpdate {
    if (count > HLL_SPARSE_VAL_MAX_VALUE) return this._promote(index, count);
    this._reserve(3);
    const b = this.b;
    let end = this.len;
    let p = HLL_HDR_SIZE;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p]!;
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if ((op & 0x80) !== 0) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | b[p + 1]!) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p]!;
    const isXzero = (op & 0xc0) === 0x40;
    const isZero = (op & 0xc0) === 0;
    const isVal = !isXzero && !isZero;
    let next = isXzero ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]!) + 1 : (op & 3) + 1;

    let trivial = false;
    if (isVal) {
      if (((op >> 2) & 0x1f) + 1 >= count) return 0;
      trivial = runlen === 1;
    } else if (isZero && runlen === 1) trivial = true;

    if (trivial) b[p] = _val(count, 1);
    else {
      // Split the opcode into up to three: the registers before ours, ours, the registers after.
      const seq: number[] = [];
      const last = first + span - 1;
      if (!isVal) {
        if (index !== first) _pushZeros(seq, index - first);
        seq.push(_val(count, 1));
        if (index !== last) _pushZeros(seq, last - index);
      } else {
        const current = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(_val(current, index - first));
        seq.push(_val(count, 1));
        if (index !== last) seq.push(_val(current, last - index));
      }
      const delta = seq.length - (isXzero ? 2 : 1);
      if (delta > 0 && this.len + delta > sparseMaxBytes) return this._promote(index, count);
      if (delta !== 0 && next !== -1) b.copyWithin(next + delta, next, end);
      this.len += delta;
      b[this.len] = 0;
      for (let i = 0; i < seq.length; i++) b[p + i] = seq[i]!;
      end += delta;
    }

    // Merge adjacent VAL opcodes of equal value, scanning at most five opcodes from the one before ours.
    p = prev !== -1 ? prev : HLL_HDR_SIZE;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const cur = b[p]!;
      if ((cur & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((cur & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && (b[p + 1]! & 0x80) !== 0) {
        const nxt = b[p + 1]!;
        const value = ((cur >> 2) & 0x1f) + 1;
        if (value === ((nxt >> 2) & 0x1f) + 1) {
          const merged = (cur & 3) + 1 + (nxt & 3) + 1;
          if (merged <= 4) {
            b[p + 1] = _val(value, merged);
            b.copyWithin(p, p + 1, end + 1);
            this.len--;
            b[this.len] = 0;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  /** Converts to dense and sets the register there (hllSparseSet's promote path). */
  private _promote(index: number, count: number): HllUpdate {
    if (!this.toDense()) return -1;
    _denseSet(this.b, index, count);
    return 1;
  }

  /** Makes room for `extra` more bytes plus the terminator. */
  private _reserve(extra: number): void {
    if (this.len + extra + 1 <= this.b.length) return;
    const grown = new Uint8Array(Math.max(this.len + extra + 1, this.b.length * 2));
    grown.set(this.b.subarray(0, this.len + 1), 0);
    this.b = grown;
  }
}

/** The cardinality estimate from a histogram of register values (hllCount: Ertl's improved estimator). */
export function estimateCardinality(histogram: readonly number[]): bigint {
  const m = HLL_REGISTERS;
  let z = m * _tau((m - histogram[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j]!;
    z *= 0.5;
  }
  z += m * _sigma(histogram[0]! / m);
  const e = (_ALPHA_INF * m * m) / z;
  // llroundl of a value that does not fit a long long gives LLONG_MIN on x86, which Redis then reads as unsigned.
  if (!(e < 9223372036854775808)) return 1n << 63n;
  return BigInt(Math.round(e));
}

/** The estimate for an array of one byte per register (PFCOUNT of several keys). */
export function countRawRegisters(registers: Uint8Array): bigint {
  const histogram = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]!]!++;
  return estimateCardinality(histogram);
}

/**
 * Hashes an element (latin1 string, one char per byte) and returns `index << 6 | count`: the register it lands in and
 * the length of the 000..1 pattern above the index bits, 1..51 (hllPatLen).
 */
export function hllPatLen(element: string): number {
  _murmur64a(element, HLL_HASH_SEED);
  const index = _lo & (HLL_REGISTERS - 1);
  const low = (_lo >>> HLL_P) | (_hi << (32 - HLL_P));
  let count: number;
  if (low !== 0) count = _ctz(low) + 1;
  else {
    const high = _hi >>> HLL_P;
    count = high !== 0 ? 32 + _ctz(high) + 1 : HLL_Q + 1;
  }
  return (index << 6) | count;
}

/** MurmurHash64A of a latin1 string as an unsigned 64-bit value (Redis's endian-neutral variant). */
export function murmurHash64A(data: string, seed: number): bigint {
  _murmur64a(data, seed);
  return (BigInt(_hi >>> 0) << 32n) | BigInt(_lo >>> 0);
}

// --- internal ---

const _MAGIC = [72, 89, 76, 76]; // "HYLL"
/** 0.5/ln(2): the bias constant of the estimator for an infinite number of registers. */
const _ALPHA_INF = 0.72134752044448170368;
const _M_HI = 0xc6a4a793;
const _M_LO = 0x5bd1e995;

// The 64-bit state of the hash as two 32-bit halves (module-level so hashing allocates nothing).
let _hi = 0;
let _lo = 0;

/** Sets (_hi, _lo) to (hi, lo) * 0xc6a4a7935bd1e995 mod 2^64. */
function _mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = _M_LO & 0xffff;
  const b1 = _M_LO >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = low >= 4294967296 ? 1 : 0;
  const high = a1 * b1 + Math.floor(mid / 65536) + carry;
  _lo = low >>> 0;
  _hi = (high + Math.imul(hi, _M_LO) + Math.imul(lo, _M_HI)) >>> 0;
}

function _murmur64a(data: string, seed: number): void {
  const len = data.length;
  _mulM(0, len);
  let hHi = _hi;
  let hLo = (_lo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo =
      data.charCodeAt(i) |
      (data.charCodeAt(i + 1) << 8) |
      (data.charCodeAt(i + 2) << 16) |
      (data.charCodeAt(i + 3) << 24);
    const kHi =
      data.charCodeAt(i + 4) |
      (data.charCodeAt(i + 5) << 8) |
      (data.charCodeAt(i + 6) << 16) |
      (data.charCodeAt(i + 7) << 24);
    _mulM(kHi, kLo);
    _mulM(_hi, (_lo ^ (_hi >>> 15)) >>> 0);
    hHi = (hHi ^ _hi) >>> 0;
    hLo = (hLo ^ _lo) >>> 0;
    _mulM(hHi, hLo);
    hHi = _hi;
    hLo = _lo;
  }
  const tail = len & 7;
  if (tail !== 0) {
    for (let j = tail - 1; j >= 0; j--) {
      const byte = data.charCodeAt(blocks + j);
      if (j >= 4) hHi = (hHi ^ (byte << ((j - 4) * 8))) >>> 0;
      else hLo = (hLo ^ (byte << (j * 8))) >>> 0;
    }
    _mulM(hHi, hLo);
    hHi = _hi;
    hLo = _lo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  _mulM(hHi, hLo);
  _lo = (_lo ^ (_hi >>> 15)) >>> 0;
}

function _ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function _denseGet(b: Uint8Array, index: number): number {
  const bit = index * 6;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  return ((b[at]! >> fb) | (b[at + 1]! << (8 - fb))) & HLL_REGISTER_MAX;
}

function _denseWrite(b: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  b[at] = (b[at]! & ~(HLL_REGISTER_MAX << fb)) | (value << fb);
  b[at + 1] = (b[at + 1]! & ~(HLL_REGISTER_MAX >> (8 - fb))) | (value >> (8 - fb));
}

/** Raises a dense register; whether it changed. */
function _denseSet(b: Uint8Array, index: number, count: number): boolean {
  if (count <= _denseGet(b, index)) return false;
  _denseWrite(b, index, count);
  return true;
}

function _val(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

function _putXzero(b: Uint8Array, at: number, len: number): void {
  b[at] = ((len - 1) >> 8) | 0x40;
  b[at + 1] = (len - 1) & 0xff;
}

/** Appends the opcode for a run of zero registers: ZERO up to 64, XZERO beyond. */
function _pushZeros(seq: number[], len: number): void {
  if (len > 64) seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
  else seq.push(len - 1);
}

/** Ertl's sigma function (hllSigma). */
function _sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's tau function (hllTau). */
function _tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    const t = 1 - x;
    z -= t * t * y;
  } while (previous !== z);
  return z / 3;
}

/** One sparse opcode: `run` registers set to `value` (0 for ZERO and XZERO; `long` marks XZERO). */
interface _SparseOp {
  run: number;
  value: number;
  long: boolean;
}

/** Decodes the sparse opcodes (ZERO, XZERO, VAL) of `b` between the header and `end`, in order. */
function* _sparseOps(b: Uint8Array, end: number): Generator<_SparseOp> {
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p]!;
    if ((op & 0xc0) === 0) {
      yield { run: (op & 0x3f) + 1, value: 0, long: false };
      p++;
    } else if ((op & 0xc0) === 0x40) {
      yield { run: (((op & 0x3f) << 8) | b[p + 1]!) + 1, value: 0, long: true };
      p += 2;
    } else {
      yield { run: (op & 3) + 1, value: ((op >> 2) & 0x1f) + 1, long: false };
      p++;
    }
  }
}
