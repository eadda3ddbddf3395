// Number formatting exactly as C's printf renders it in Redis replies.

/** Formats a double like C's `%.17g`, which Redis 7.0 uses for double replies (addReplyDouble). */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return formatG(d, 17);
}

/**
 * Formats a finite double like C's `%.<precision>g`. JavaScript's own conversions break exact ties away from zero
 * while glibc rounds them to even (1234567890123456.25 is `…456.2` in C), so a possible tie is redone exactly.
 */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const probe = d.toExponential(precision);
  if (probe.charCodeAt(probe.indexOf('e') - 1) === 0x35) return _formatExact(d, precision);
  const exp = d.toExponential(precision - 1); // "-1.2345e+5"
  const ePos = exp.indexOf('e');
  const exponent = Number(exp.slice(ePos + 1));
  if (exponent < -4 || exponent >= precision) {
    return `${_stripZeros(exp.slice(0, ePos))}e${_exponentText(exponent)}`;
  }
  return _stripZeros(d.toFixed(Math.max(0, precision - 1 - exponent)));
}

// --- internal ---

function _stripZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

/** C's exponent spelling: a sign and at least two digits. */
function _exponentText(exponent: number): string {
  return `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** `%.<precision>g` from the double's exact decimal expansion, rounding half to even as glibc does. */
function _formatExact(d: number, precision: number): string {
  let { digits, exponent } = _exactDecimal(Math.abs(d));
  if (digits.length > precision) {
    const next = digits.charCodeAt(precision);
    const lastOdd = (digits.charCodeAt(precision - 1) & 1) === 1;
    const up = next > 0x35 || (next === 0x35 && (digits.length > precision + 1 || lastOdd));
    digits = digits.slice(0, precision);
    if (up) {
      const bumped = (BigInt(digits) + 1n).toString();
      if (bumped.length > digits.length) exponent++;
      digits = bumped.slice(0, precision);
    }
    digits = digits.replace(/0+$/, '');
  }
  const sign = d < 0 ? '-' : '';
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${_exponentText(exponent)}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** The exact decimal expansion of a positive finite double: significant digits (no trailing zeros) and exponent. */
function _exactDecimal(d: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  // m * 2^e is an integer when e >= 0, else m * 5^-e / 10^-e.
  const text = e >= 0 ? (mantissa << BigInt(e)).toString() : (mantissa * 5n ** BigInt(-e)).toString();
  const exponent = text.length - 1 + (e >= 0 ? 0 : e);
  return { digits: text.replace(/0+$/, ''), exponent };
}
