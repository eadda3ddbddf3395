import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Prng } from '../../../src/sim/prng.js';

const seedArb = fc.integer({ min: 0, max: 0xffffffff });
const labelArb = fc.string({ maxLength: 12 });

function draw(rng: Prng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe('Prng', () => {
  it('pins the stream for known seeds, so a change to the algorithm is noticed', () => {
    expect(draw(new Prng(0), 3)).toEqual([591558436, 2737234123, 107644106]);
    expect(draw(new Prng(42).fork('node-1'), 2)).toEqual([3102491090, 1819175140]);
  });

  it('produces identical sequences from the same seed', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 200 }), (seed, count) => {
        const a = new Prng(seed);
        const b = new Prng(seed);
        const seqA = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? a.nextFloat() : a.nextInt(i + 1)));
        const seqB = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? b.nextFloat() : b.nextInt(i + 1)));
        expect(seqA).toEqual(seqB);
      }),
    );
  });

  it('produces different sequences from different seeds', () => {
    fc.assert(
      fc.property(seedArb, seedArb, (s1, s2) => {
        fc.pre(s1 !== s2);
        expect(draw(new Prng(s1), 4)).not.toEqual(draw(new Prng(s2), 4));
      }),
    );
  });

  it('keeps nextFloat in [0, 1) and nextInt in [0, max)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 2 ** 32 }), (seed, max) => {
        const rng = new Prng(seed);
        for (let i = 0; i < 20; i++) {
          const f = rng.nextFloat();
          expect(f >= 0 && f < 1).toBe(true);
          const n = rng.nextInt(max);
          expect(Number.isInteger(n) && n >= 0 && n < max).toBe(true);
        }
      }),
    );
  });

  it('spreads nextInt evenly over its range', () => {
    const rng = new Prng(7);
    const buckets = new Array<number>(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) buckets[rng.nextInt(10)]!++;
    for (const count of buckets) expect(Math.abs(count - draws / 10)).toBeLessThan(draws / 10 / 20);
  });

  it('rejects invalid seeds and bounds', () => {
    expect(() => new Prng(-1)).toThrow(RangeError);
    expect(() => new Prng(2 ** 32)).toThrow(RangeError);
    expect(() => new Prng(1.5)).toThrow('Expected `seed` to be an integer in [0, 4294967295], got `1.5`');
    const rng = new Prng(1);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow('Expected `maxExclusive` to be an integer in [1, 4294967296], got `2.5`');
  });

  it('derives the same child no matter what the parent drew or forked before', () => {
    fc.assert(
      fc.property(
        seedArb,
        labelArb,
        fc.nat({ max: 50 }),
        fc.array(labelArb, { maxLength: 5 }),
        (seed, label, n, others) => {
          const fresh = new Prng(seed).fork(label);
          const busy = new Prng(seed);
          draw(busy, n);
          for (const other of others) draw(busy.fork(other), 3);
          expect(draw(busy.fork(label), 8)).toEqual(draw(fresh, 8));
        },
      ),
    );
  });

  it('leaves the parent stream untouched when forking or drawing from a child', () => {
    fc.assert(
      fc.property(seedArb, labelArb, (seed, label) => {
        const plain = new Prng(seed);
        const forked = new Prng(seed);
        draw(forked.fork(label), 10);
        expect(draw(forked, 8)).toEqual(draw(plain, 8));
      }),
    );
  });

  it('gives different labels, nested paths and the parent independent streams', () => {
    fc.assert(
      fc.property(seedArb, labelArb, labelArb, (seed, l1, l2) => {
        fc.pre(l1 !== l2);
        const root = new Prng(seed);
        const streams = [root, root.fork(l1), root.fork(l2), root.fork(l1).fork(l2), root.fork(l2).fork(l1)];
        const firsts = streams.map((s) => draw(s, 4).join(','));
        expect(new Set(firsts).size).toBe(streams.length);
      }),
    );
  });

  it('records the seed and fork path for diagnostics', () => {
    const child = new Prng(9).fork('cluster').fork('node-2');
    expect(child.seed).toBe(9);
    expect(child.path).toEqual(['cluster', 'node-2']);
    expect(draw(new Prng(9, ['cluster', 'node-2']), 3)).toEqual(draw(child, 3));
  });
});
