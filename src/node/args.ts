// Argument parsing with Redis's exact acceptance rules (util.c string2ll/string2ld, object.c getDoubleFromObject).

import { error } from '../protocol/reply.js';
import { Errors, fail } from './errors.js';
import { parseLongDouble } from './strings/long-double.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const _UINT64_MAX = 2n ** 64n - 1n;
const _LLONG_MAX = INT64_MAX;
const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;
const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;

/** Parses a signed 64-bit integer exactly (string2ll rules: no '+', no spaces, no leading zeros); null if invalid. */
export function parseInt64(s: string): bigint | null {
  if (s.length === 0 || s.length > 20 || !DECIMAL_INTEGER.test(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** Parses a signed 64-bit integer as a JS number (exact up to 2^53); null if invalid. */
export function parseInteger(s: string): number | null {
  if (s.length < 16) return DECIMAL_INTEGER.test(s) ? Number(s) : null;
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** Parses an integer argument or fails with `value is not an integer or out of range`. */
export function requireInteger(s: string): number {
  const v = parseInteger(s);
  return v === null ? fail(Errors.notInteger()) : v;
}

/** Parses an integer argument that must lie in [min, max], failing with the given reply otherwise. */
export function requireIntegerInRange(s: string, min: number, max: number, onError = Errors.notInteger): number {
  const v = parseInteger(s);
  return v === null || v < min || v > max ? fail(onError()) : v;
}

/**
 * Parses a double the way strtod does under Redis's checks: no leading space, no trailing bytes, no NaN, no
 * overflow; "inf"/"infinity" and hex floats are accepted. Returns null if invalid.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0) return null;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    // string2d also rejects an underflow to zero (strtod's ERANGE): "1e-400" is invalid, "0e-400" is 0.
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null;
    return Number.isFinite(v) ? v : null;
  }
  if (INFINITY.test(s)) return s.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
  if (HEX_FLOAT.test(s)) return _parseHexFloat(s);
  return null;
}

/** Parses a float argument or fails with `value is not a valid float`. */
export function requireDouble(s: string): number {
  const v = parseDouble(s);
  return v === null ? fail(Errors.notFloat()) : v;
}

/** Lower-cases an option keyword for case-insensitive matching, as Redis's strcasecmp does. */
export function keyword(s: string): string {
  return s.toLowerCase();
}

/**
 * The absolute deadline of a blocking command's timeout in seconds, 0 for none (getTimeoutFromObjectOrReply): the
 * seconds are read as an x87 long double, multiplied by 1000 in that precision and rounded up; a product beyond the
 * 64-bit range converts to LLONG_MIN, and so is "negative".
 */
export function parseBlockingTimeout(s: string, now: number): number {
  const v = parseLongDouble(s);
  if (v === null) return fail(Errors.timeoutNotFloat());
  if (v === 'inf') return fail(Errors.timeoutNegative());
  const ms = _ceilMillis(v.mant, v.exp);
  if (ms === null || ms < 0n) return fail(Errors.timeoutNegative());
  return ms === 0n ? 0 : Number(ms) + now;
}

/**
 * Parses a SCAN-family cursor the way parseScanCursorOrReply uses strtoul: decimal with an optional sign (a negative
 * cursor wraps around 2^64), no leading space, the empty string is 0, and C stops reading at a NUL byte. Fails with
 * `ERR invalid cursor`. Our cursors are sequence numbers far below 2^53, so rounding larger values is harmless.
 */
export function parseScanCursor(arg: string): number {
  const nul = arg.indexOf('\0');
  const s = nul === -1 ? arg : arg.slice(0, nul);
  if (s === '') return 0;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return fail(error('ERR invalid cursor'));
  const magnitude = BigInt(m[2]!);
  if (magnitude > _UINT64_MAX) return fail(error('ERR invalid cursor'));
  return Number(m[1] === '-' && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude);
}

// --- internal ---

/** ceill(mant * 2^exp * 1000) with the product rounded to a 64-bit mantissa first; null beyond LLONG_MAX. */
function _ceilMillis(mant: bigint, exp: number): bigint | null {
  const negative = mant < 0n;
  let p = (negative ? -mant : mant) * 1000n;
  const bits = p.toString(2).length;
  if (bits > 64) {
    const shift = bits - 64;
    const half = 1n << BigInt(shift - 1);
    const rest = p & ((1n << BigInt(shift)) - 1n);
    p >>= BigInt(shift);
    if (rest > half || (rest === half && (p & 1n) === 1n)) p += 1n;
    exp += shift;
  }
  let whole: bigint;
  if (exp >= 0) {
    whole = p << BigInt(exp);
  } else {
    const shift = BigInt(-exp);
    whole = p >> shift;
    // Rounding up: a positive fraction adds one; a negative value just drops it.
    if (!negative && (p & ((1n << shift) - 1n)) !== 0n) whole += 1n;
  }
  if (whole > _LLONG_MAX) return null;
  return negative ? -whole : whole;
}

function _parseHexFloat(s: string): number | null {
  let i = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    i = 1;
  }
  const body = s.slice(i + 2);
  const [mantissa = '', exponent = '0'] = body.split(/[pP]/);
  const [whole = '', frac = ''] = mantissa.split('.');
  let v = whole.length > 0 ? parseInt(whole, 16) : 0;
  for (let k = 0; k < frac.length; k++) v += parseInt(frac[k]!, 16) / 16 ** (k + 1);
  v *= 2 ** Number(exponent);
  return Number.isFinite(v) ? sign * v : null;
}
