// Argument parsing with Redis's exact acceptance rules (util.c string2ll/string2ld, object.c getDoubleFromObject).

import { Errors, fail } from './errors.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
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

// --- internal ---

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
