// INCRBYFLOAT arithmetic in the x87 80-bit `long double` Redis uses on x86-64 (64-bit mantissa, 15-bit exponent):
// strtold-compatible parsing (string2ld), correctly rounded addition, and the `%.17Lf` human formatting of
// ld2string(LD_STR_HUMAN). Plain JS doubles would print 10.5 + 0.1 as 10.59999999999999964; Redis prints 10.6.

/** A finite extended-precision value: `mant * 2^exp`, with `|mant| < 2^64` (mant is signed; zero is 0n). */
export interface LongDouble {
  readonly mant: bigint;
  readonly exp: number;
}

/** What string2ld makes of a string: a finite value, an infinity (which INCRBYFLOAT always rejects), or null. */
export type ParsedLongDouble = LongDouble | 'inf' | null;

/** The longest string string2ld accepts is one byte less than this (MAX_LONG_DOUBLE_CHARS). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
/** Mantissa bits of the x87 extended format. */
const MANT_BITS = 64;
/** Exponent of the lowest mantissa bit of the smallest subnormal (2^-16445). */
const MIN_EXP = -16445;
/** Every finite value is below 2^16384. */
const MAX_BITS = 16384;
const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;
const TEN_POW_17 = 10n ** 17n;

/** Zero. */
export const LD_ZERO: LongDouble = { mant: 0n, exp: 0 };

/**
 * Parses a string the way string2ld does: the whole string must be a strtold number with no leading space; NaN,
 * overflow to infinity and underflow to zero are rejected, but "inf" itself is accepted.
 */
export function parseLongDouble(s: string): ParsedLongDouble {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const hex = HEX.exec(s);
  if (hex !== null) return _parseHex(hex[1] === '-', hex[2]!, hex[3] ?? '', hex[4]);
  const dec = DECIMAL.exec(s);
  if (dec !== null) return _parseDecimal(dec[1] === '-', dec[2]!, dec[3] ?? '', dec[4]);
  return INFINITY.test(s) ? 'inf' : null;
}

/** Adds two values with round-to-nearest-even; null when the sum overflows to infinity. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const exp = Math.min(a.exp, b.exp);
  const sum = (a.mant << BigInt(a.exp - exp)) + (b.mant << BigInt(b.exp - exp));
  return _round(sum, exp);
}

/** Formats like `%.17Lf` with trailing zeros (and a bare dot) removed, and "-0" turned into "0" (LD_STR_HUMAN). */
export function formatLongDoubleHuman(v: LongDouble): string {
  const neg = v.mant < 0n;
  const abs = neg ? -v.mant : v.mant;
  let text: string;
  if (v.exp >= 0) {
    text = (abs << BigInt(v.exp)).toString();
  } else {
    const shift = BigInt(-v.exp);
    const scaled = abs * TEN_POW_17;
    let q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    const whole = (q / TEN_POW_17).toString();
    const frac = (q % TEN_POW_17).toString().padStart(17, '0');
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end--;
    text = end === 0 ? whole : `${whole}.${frac.slice(0, end)}`;
  }
  if (!neg) return text;
  return text === '0' ? '0' : `-${text}`;
}

// --- internal ---

function _parseDecimal(neg: boolean, whole: string, frac: string, expText: string | undefined): ParsedLongDouble {
  if (whole.length === 0 && frac.length === 0) return null;
  let digits = (whole + frac).replace(/^0+/, '');
  if (digits.length === 0) return LD_ZERO;
  let exp10 = _clampExponent(expText) - frac.length;
  const trimmed = digits.replace(/0+$/, '');
  exp10 += digits.length - trimmed.length;
  digits = trimmed;
  const magnitude = digits.length + exp10; // value < 10^magnitude
  if (magnitude > 4934) return null; // beyond LDBL_MAX (about 1.19e4932): ERANGE, HUGE_VAL
  if (magnitude < -4952) return null; // below half the smallest subnormal (about 3.65e-4951): ERANGE, zero
  const d = BigInt(digits);
  let result: LongDouble | null;
  if (exp10 >= 0) {
    result = _round(d * 10n ** BigInt(exp10), 0);
  } else {
    const p = 10n ** BigInt(-exp10);
    // Scale so the quotient keeps at least 66 bits; a sticky bit below them makes the rounding exact.
    const k = MANT_BITS + 3 - (_bitLength(d) - _bitLength(p));
    const q = k >= 0 ? (d << BigInt(k)) / p : d / (p << BigInt(-k));
    const exact = k >= 0 ? q * p === d << BigInt(k) : q * (p << BigInt(-k)) === d;
    result = _round((q << 1n) | (exact ? 0n : 1n), -k - 1);
  }
  if (result === null || result.mant === 0n) return null;
  return neg ? { mant: -result.mant, exp: result.exp } : result;
}

function _parseHex(neg: boolean, whole: string, frac: string, expText: string | undefined): ParsedLongDouble {
  if (whole.length === 0 && frac.length === 0) return null;
  const h = BigInt(`0x${whole}${frac}`);
  if (h === 0n) return LD_ZERO;
  const exp2 = _clampExponent(expText) - 4 * frac.length;
  const top = _bitLength(h) + exp2;
  if (top > MAX_BITS + 1) return null;
  if (top < MIN_EXP - 1) return null;
  const result = _round(h, exp2);
  if (result === null || result.mant === 0n) return null;
  return neg ? { mant: -result.mant, exp: result.exp } : result;
}

/** A decimal exponent, clamped far beyond any finite long double so huge ones cannot blow up the arithmetic. */
function _clampExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Math.max(-1_000_000, Math.min(1_000_000, n));
}

/**
 * Rounds the exact value `m * 2^e` to the extended format (64-bit mantissa, subnormals below 2^-16382) with
 * ties to even; null on overflow. An underflow gives zero (string2ld's callers reject it).
 */
function _round(m: bigint, e: number): LongDouble | null {
  if (m === 0n) return LD_ZERO;
  const neg = m < 0n;
  let a = neg ? -m : m;
  const bits = _bitLength(a);
  let target = Math.max(e + bits - MANT_BITS, MIN_EXP);
  if (target > e) {
    const drop = target - e;
    if (drop > bits) {
      a = 0n;
    } else {
      const shift = BigInt(drop);
      let q = a >> shift;
      const r = a - (q << shift);
      const half = 1n << (shift - 1n);
      if (r > half || (r === half && (q & 1n) === 1n)) q++;
      if (q >> BigInt(MANT_BITS) !== 0n) {
        q >>= 1n;
        target++;
      }
      a = q;
    }
    e = target;
  }
  if (a === 0n) return LD_ZERO;
  if (_bitLength(a) + e > MAX_BITS) return null;
  return { mant: neg ? -a : a, exp: e };
}

function _bitLength(a: bigint): number {
  return a === 0n ? 0 : a.toString(2).length;
}
