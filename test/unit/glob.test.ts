import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { globMatch } from '../../src/node/glob.js';

/** [pattern, text, matches] — each answer observed from real Redis 7.0.15 with KEYS. */
const REDIS_OBSERVED: readonly (readonly [string, string, boolean])[] = [
  ['', '', true],
  ['', 'a', false],
  ['**', '', false],
  ['?', '', false],
  ['a*', 'a', true],
  ['a**', 'a', true],
  ['*a', 'a', true],
  ['*a*', 'xay', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'heeeello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[b-a]llo', 'hallo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['[', '[', false],
  ['[', 'a', false],
  ['[abc', 'b', true],
  ['[abc', 'd', false],
  ['[^', 'x', true],
  ['[^', '', false],
  ['[]', ']', false],
  ['[]]', ']', false],
  ['[]a]', 'a', false],
  ['\\', '\\', true],
  ['a\\', 'a\\', true],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\a', 'a', true],
  ['[\\]]', ']', true],
  ['[\\', '\\', true],
  ['[\\a', 'a', true],
  ['[a-', 'a', true],
  ['[a-', '-', true],
  ['[a-]', '-', false],
  ['[-a]', '-', true],
  ['[a-c-e]', 'd', false],
  ['[a-c-e]', '-', true],
  ['*b*c', 'abxbc', true],
  ['*?', 'a', true],
  ['*?', '', false],
  ['?*', 'a', true],
  ['a*b*c*d', 'aXbYcZd', true],
  ['a*b*c*d', 'aXbYcZ', false],
  ['*a*b', 'aab', true],
  ['*ab', 'aab', true],
  ['[\xe0-\xff]', '\xe9', true],
  ['[a-\xff]', 'z', false],
  ['[a-\xff]', '\xe9', false],
  ['[a-\xff]', '0', true],
  ['[\xff-a]', 'A', true],
  ['*[', 'a[', false],
  ['a[', 'a', false],
  ['[^a', 'b', true],
  ['[^a', 'a', false],
  ['[a-b-c]', 'c', true],
  ['x[*]', 'x*', true],
  ['[?]', '?', true],
  ['[?]', 'a', false],
  ['*\\', 'a\\', true],
  ['*x\\', 'ax\\', true],
  ['**a**', 'bab', true],
  ['[[]', '[', true],
  ['[^]]', 'a', false],
  ['[^]]', ']', false],
];

describe('globMatch', () => {
  it.each(REDIS_OBSERVED)('%j against %j is %s, as in Redis', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('folds ASCII case only when asked', () => {
    expect(globMatch('HeLLo', 'hello')).toBe(false);
    expect(globMatch('HeLLo', 'hello', true)).toBe(true);
    expect(globMatch('h[A-C]llo', 'hbllo', true)).toBe(true);
    expect(globMatch('h[A-C]llo', 'hbllo')).toBe(false);
    expect(globMatch('[abc]', 'B', true)).toBe(true);
    // Only ASCII letters fold (tolower in the C locale).
    expect(globMatch('\xc9', '\xe9', true)).toBe(false);
  });

  it('keeps the C quirks of nocase: bounds fold after ordering, escapes in a class never fold', () => {
    // [Z-a] is the range 90..97; folded it becomes 122..97, which is empty.
    expect(globMatch('[Z-a]', '_')).toBe(true);
    expect(globMatch('[Z-a]', '_', true)).toBe(false);
    expect(globMatch('[\\A]', 'a', true)).toBe(false);
    expect(globMatch('[\\A]', 'A', true)).toBe(true);
    expect(globMatch('\\A', 'a', true)).toBe(true);
  });

  it('matches any text with a lone star, and nothing empty with a non-empty pattern', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 20 }), (text) => {
        expect(globMatch('*', text)).toBe(text.length > 0);
        expect(globMatch('', text)).toBe(text.length === 0);
      }),
    );
  });

  it('matches a pattern without special characters only against itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9:]{1,12}$/), fc.stringMatching(/^[a-z0-9:]{1,12}$/), (a, b) => {
        expect(globMatch(a, b)).toBe(a === b);
      }),
    );
  });

  it('matches escaped special characters literally', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('*', '?', '[', ']', '\\', 'a'), minLength: 1, maxLength: 10 }),
        (text) => {
          const escaped = text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
          expect(globMatch(escaped, text)).toBe(true);
          expect(globMatch(escaped, `${text}x`)).toBe(false);
        },
      ),
    );
  });

  it('handles many stars without deep recursion or exponential time', () => {
    const pattern = 'a*'.repeat(20000) + 'b';
    const text = 'a'.repeat(30000);
    const start = performance.now();
    expect(globMatch(pattern, text)).toBe(false);
    expect(globMatch(pattern, text + 'b')).toBe(true);
    expect(globMatch(pattern, 'a'.repeat(19999) + 'b')).toBe(false);
    expect(globMatch('*a'.repeat(50) + '*', 'a'.repeat(50))).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
