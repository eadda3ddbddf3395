// Number formatting exactly as C's printf renders it in Redis replies.

/** Formats a double like C's `%.17g`, which Redis 7.0 uses for double replies (addReplyDouble). */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return formatG(d, 17);
}

/** Formats a finite double like C's `%.<precision>g`. */
export function formatG(d: number, precision: number): string {
  const exp = d.toExponential(precision - 1); // "-1.2345e+5"
  const ePos = exp.indexOf('e');
  const exponent = Number(exp.slice(ePos + 1));
  if (exponent < -4 || exponent >= precision) {
    const mantissa = _stripZeros(exp.slice(0, ePos));
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return _stripZeros(d.toFixed(Math.max(0, precision - 1 - exponent)));
}

function _stripZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}
