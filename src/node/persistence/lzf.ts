// LZF compression as Redis uses it for strings in RDB files and DUMP payloads (lzf_c.c / lzf_d.c, liblzf 3.6 with
// Redis's settings: HLOG 16, VERY_FAST, no hash-table initialisation). The compressor follows the same match-finding
// steps as the C code, so a compressed string is byte-for-byte what Redis writes and DUMP payloads compare equal.
// Redis leaves its hash table uninitialised; we treat every slot as empty, which is what a fresh table means.

/** Literal runs hold at most this many bytes. */
const _MAX_LIT = 1 << 5;
/** Back references reach at most this far. */
const _MAX_OFF = 1 << 13;
/** Back references copy at most this many bytes (plus two). */
const _MAX_REF = (1 << 8) + (1 << 3);
const _HSIZE = 1 << 16;

/**
 * Compresses `input` into at most `maxOut` bytes; returns null when the result would not fit (lzf_compress
 * returning 0), which is how Redis decides a string is not worth compressing.
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut);
  const generation = _nextGeneration();
  const inEnd = inLen;
  const outEnd = maxOut;
  let ip = 0;
  let op = 1; // leave room for the first run's control byte
  let lit = 0;
  let hval = _first(input, ip);
  while (ip < inEnd - 2) {
    hval = _next(hval, input, ip);
    const slot = _idx(hval);
    const ref = _stamps[slot] === generation ? _positions[slot]! : -1;
    _stamps[slot] = generation;
    _positions[slot] = ip;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off < _MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxLen = inEnd - ip - len;
      if (maxLen > _MAX_REF) maxLen = _MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // an empty run is undone
      len = _matchLength(input, ref, ip, len, maxLen);
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a new run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // VERY_FAST: re-hash the two positions just before the new ip.
      ip -= 2;
      hval = _first(input, ip);
      hval = _next(hval, input, ip);
      _setSlot(_idx(hval), ip, generation);
      ip++;
      hval = _next(hval, input, ip);
      _setSlot(_idx(hval), ip, generation);
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === _MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return null;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === _MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/** Decompresses `input` into exactly `outLen` bytes; returns null for corrupt input (lzf_decompress failing). */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.alloc(outLen);
  let ip = 0;
  let op = 0;
  const inEnd = input.length;
  while (ip < inEnd) {
    let ctrl = input[ip++]!;
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inEnd) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inEnd) return null;
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= inEnd) return null;
      }
      ref -= input[ip++]!;
      if (op + len + 2 > outLen || ref < 0) return null;
      len += 2;
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!; // byte by byte: source and target may overlap
    }
  }
  return op === outLen ? out : null;
}

// --- internal ---

/** The hash table: a position per slot, valid only when its stamp equals the current call's generation. */
const _positions = new Int32Array(_HSIZE);
const _stamps = new Uint32Array(_HSIZE);
let _generation = 0;

/** Starts a new compression call: bumping the generation empties the table without clearing it. */
function _nextGeneration(): number {
  _generation = (_generation + 1) >>> 0;
  if (_generation === 0) {
    _stamps.fill(0);
    _generation = 1;
  }
  return _generation;
}

function _setSlot(slot: number, position: number, generation: number): void {
  _stamps[slot] = generation;
  _positions[slot] = position;
}

/** FRST: the first two bytes at p. */
function _first(data: Uint8Array, p: number): number {
  return ((data[p]! << 8) | data[p + 1]!) >>> 0;
}

/** NEXT: shifts the third byte at p into the running (32-bit unsigned) hash value. */
function _next(v: number, data: Uint8Array, p: number): number {
  return ((v << 8) | data[p + 2]!) >>> 0;
}

/** IDX with VERY_FAST: ((h >> 8) - h*5) & (HSIZE - 1), in 32-bit unsigned arithmetic. */
function _idx(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (_HSIZE - 1);
}

/**
 * Extends a 3-byte match the way lzf_compress does: sixteen unguarded steps when more than sixteen bytes may
 * follow, then single steps while below `maxLen`. Returns the number of matching bytes.
 */
function _matchLength(input: Uint8Array, ref: number, ip: number, start: number, maxLen: number): number {
  let len = start;
  if (maxLen > 16) {
    for (let k = 0; k < 16; k++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxLen && input[ref + len] === input[ip + len]);
  return len;
}
