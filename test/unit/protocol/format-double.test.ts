import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { formatDouble17g, formatG } from '../../../src/protocol/format-double.js';

/** The system Python (the pyenv shim on PATH is slow to start). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Formats doubles with C's printf (via Python's %-formatting, which rounds exactly as glibc does), in one batch. */
function printfG(values: readonly number[], precisions: readonly number[]): string[][] {
  const script = `import sys\nxs = [float.fromhex(t) for t in sys.stdin.read().split()]\nfor p in ${JSON.stringify(precisions)}:\n    print('\\n'.join('%.*g' % (p, x) for x in xs))`;
  const input = values.map(_hex).join('\n');
  const lines = execFileSync(PYTHON, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .trim()
    .split('\n');
  return precisions.map((_, i) => lines.slice(i * values.length, (i + 1) * values.length));
}

/** Doubles whose exact value lies halfway between two 17-digit (or 15-digit) decimals. */
const TIES = [
  1234567890123456.25,
  1234567890123456.75,
  2 ** 50 + 0.25,
  2 ** 51 - 0.25,
  123456789012345.5,
  0.5,
  2.5,
  9.5,
  0.125,
];

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.1,
  0.5,
  1e-5,
  1e-4,
  0.0001234,
  1e16,
  1e17,
  1e21,
  1e22,
  123456789012345678,
  5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  Math.PI,
  2 ** 53,
  2 ** 53 + 2,
  99999999999999999,
  9.999999999999999e16,
  0.30000000000000004,
  3.5,
  -2.5e-300,
  4.35,
  1 / 3,
];

describe('formatDouble17g (%.17g)', () => {
  it('handles the values Redis spells by hand', () => {
    expect(formatDouble17g(Infinity)).toBe('inf');
    expect(formatDouble17g(-Infinity)).toBe('-inf');
    expect(formatDouble17g(-0)).toBe('-0');
    expect(formatDouble17g(0)).toBe('0');
    expect(formatDouble17g(NaN)).toBe('nan');
    expect(formatDouble17g(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatDouble17g(1e17)).toBe('1e+17');
    expect(formatDouble17g(0.1)).toBe('0.10000000000000001');
    expect(formatDouble17g(3.5)).toBe('3.5');
  });

  it('matches C printf on special and random doubles', () => {
    const random = fc.sample(
      fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
        fc.integer({ min: -30, max: 30 }).map((e) => 10 ** e),
      ),
      { numRuns: 20000, seed: 42 },
    );
    const ties = fc.sample(
      fc.integer({ min: 2 ** 50, max: 2 ** 51 - 1 }).chain((n) => fc.constantFrom(n + 0.25, n + 0.75)),
      { numRuns: 500, seed: 3 },
    );
    const values = [...SPECIAL, ...TIES, ...ties, ...[...SPECIAL, ...TIES, ...ties].map((v) => -v), ...random];
    const expected = printfG(values, [17])[0]!;
    const mismatches = values
      .map((v, i) => [v, formatDouble17g(v), expected[i]])
      .filter(([, got, want]) => got !== want);
    expect(mismatches).toEqual([]);
  });

  it('matches C printf for other precisions of %g', () => {
    const values = [
      ...SPECIAL,
      ...TIES,
      ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 2000, seed: 7 }),
    ];
    const precisions = [1, 2, 6, 15];
    const expected = printfG(values, precisions);
    precisions.forEach((precision, i) => expect(values.map((v) => formatG(v, precision))).toEqual(expected[i]));
  });
});

// --- internal ---

/** Python's float.hex() spelling of a double, so the exact value crosses the process boundary. */
function _hex(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0x0p+0' : '0x0p+0';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? '-' : '';
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)).toString(16).padStart(13, '0');
  return exponent === 0 ? `${sign}0x0.${mantissa}p-1022` : `${sign}0x1.${mantissa}p${exponent - 1023}`;
}
