import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database, type DatabaseHooks } from '../../src/node/database.js';
import type { CollectionValue } from '../../src/node/values.js';

/** Hooks with a settable clock that record what the database reports. */
class Recorder implements DatabaseHooks {
  time = 1_000;
  replica = false;
  readonly modifiedKeys: string[] = [];
  readonly expiredKeys: string[] = [];
  now(): number {
    return this.time;
  }
  modified(_db: Database, key: string): void {
    this.modifiedKeys.push(key);
  }
  expired(_db: Database, key: string): void {
    this.expiredKeys.push(key);
  }
  mayDeleteExpired(): boolean {
    return !this.replica;
  }
}

function fresh(id = 0): { db: Database; hooks: Recorder } {
  const hooks = new Recorder();
  return { db: new Database(id, hooks), hooks };
}

/** Runs a whole SCAN iteration with a fixed count and returns every key it produced, in order. */
function fullScan(db: Database, count: number): string[] {
  const seen: string[] = [];
  let cursor = 0;
  do {
    const page = db.scan(cursor, count);
    seen.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== 0);
  return seen;
}

/** Big inputs shrink slowly: stop shrinking after a while and report the smallest failure found so far. */
const SHRINK_LIMIT = { interruptAfterTimeLimit: 15_000, markInterruptAsFailure: true };

const list = (items: string[]): CollectionValue => ({
  type: 'list',
  encoding: 'listpack',
  clone: () => list([...items]),
});

describe('Database expiry', () => {
  it('expires a key only once the time is strictly past its expiry', () => {
    const { db, hooks } = fresh();
    db.set('k', 'v');
    db.setExpiry('k', 2_000);
    hooks.time = 2_000;
    expect(db.get('k')).toBe('v');
    expect(db.expiryOf('k')).toBe(2_000);
    hooks.time = 2_001;
    expect(db.get('k')).toBeUndefined();
    expect(hooks.expiredKeys).toEqual(['k']);
    expect(db.size).toBe(0);
    expect(db.volatileCount).toBe(0);
  });

  it('keeps an expired key on a replica but hides it', () => {
    const { db, hooks } = fresh();
    hooks.replica = true;
    db.set('k', 'v');
    db.setExpiry('k', 1_500);
    hooks.time = 1_501;
    expect(db.lookup('k')).toBeUndefined();
    expect(db.holds('k')).toBe(true);
    expect(db.isLogicallyExpired('k')).toBe(true);
    expect(hooks.expiredKeys).toEqual([]);
    expect(db.size).toBe(1);
    expect([...db.keys()]).toEqual([]);
    expect(db.expireSample(20)).toEqual({ expired: 0, sampled: 0 });
    db.set('k', 'new');
    expect(db.get('k')).toBe('new');
    expect(db.expiryOf('k')).toBe(0);
  });

  it('clears the expiry on overwrite unless asked to keep it', () => {
    const { db } = fresh();
    db.set('k', 'v');
    db.setExpiry('k', 5_000);
    db.set('k', 'w', true);
    expect(db.expiryOf('k')).toBe(5_000);
    db.set('k', 'x');
    expect(db.expiryOf('k')).toBe(0);
    expect(db.volatileCount).toBe(0);
    expect(db.setExpiry('missing', 10)).toBe(false);
    expect(db.expiryOf('missing')).toBeUndefined();
  });

  it('lists live keys only, without reclaiming expired ones', () => {
    const { db, hooks } = fresh();
    for (const k of ['a', 'b', 'c']) db.set(k, k);
    db.setExpiry('b', 1_200);
    hooks.time = 1_300;
    expect([...db.keys()]).toEqual(['a', 'c']);
    expect(db.size).toBe(3);
    expect(hooks.expiredKeys).toEqual([]);
  });

  it('reclaims expired keys in the active cycle and reports what it sampled', () => {
    const { db, hooks } = fresh();
    for (let i = 0; i < 30; i++) {
      db.set(`k${i}`, 'v');
      db.setExpiry(`k${i}`, i < 10 ? 1_100 : 9_000);
    }
    db.set('persistent', 'v');
    hooks.time = 1_200;
    let expired = 0;
    for (let pass = 0; pass < 10; pass++) {
      const r = db.expireSample(7);
      expect(r.sampled).toBeLessThanOrEqual(7);
      expect(r.expired).toBeLessThanOrEqual(r.sampled);
      expired += r.expired;
    }
    expect(expired).toBe(10);
    expect(db.size).toBe(21);
    expect(db.volatileCount).toBe(20);
    expect(hooks.expiredKeys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  });

  it('samples in every pass even when the previous pass stopped at the end of the volatile keys', () => {
    const { db, hooks } = fresh();
    for (let i = 0; i < 5; i++) {
      db.set(`k${i}`, 'v');
      db.setExpiry(`k${i}`, 5_000);
    }
    expect(db.expireSample(5).sampled).toBe(5);
    hooks.time = 6_000;
    expect(db.expireSample(5)).toEqual({ expired: 5, sampled: 5 });
  });
});

describe('Database writes', () => {
  it('reports every change to the node', () => {
    const { db, hooks } = fresh();
    db.set('a', '1');
    db.set('a', '2');
    db.setExpiry('a', 5_000);
    db.touch('a');
    expect(db.delete('a')).toBe(true);
    expect(db.delete('a')).toBe(false);
    expect(hooks.modifiedKeys).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it('flushes every key, expired ones included, and counts them without signalling each', () => {
    const { db, hooks } = fresh();
    for (const k of ['a', 'b', 'c']) db.set(k, k);
    db.setExpiry('c', 1_001);
    hooks.time = 2_000;
    hooks.modifiedKeys.length = 0;
    expect(db.flush()).toBe(3);
    expect(db.size).toBe(0);
    expect(db.volatileCount).toBe(0);
    expect(hooks.modifiedKeys).toEqual([]);
    expect(fullScan(db, 10)).toEqual([]);
    db.set('d', 'd');
    expect(fullScan(db, 10)).toEqual(['d']);
  });

  it('swaps contents, expiries and scan state with another database', () => {
    const { db: one, hooks } = fresh(1);
    const two = new Database(2, hooks);
    one.set('a', 'A');
    one.setExpiry('a', 5_000);
    two.set('b', 'B');
    two.set('c', list(['x']));
    one.swapWith(two);
    expect(one.id).toBe(1);
    expect([...one.keys()].sort()).toEqual(['b', 'c']);
    expect([...two.keys()]).toEqual(['a']);
    expect(two.expiryOf('a')).toBe(5_000);
    expect(two.volatileCount).toBe(1);
    expect(one.volatileCount).toBe(0);
    expect(fullScan(one, 1).sort()).toEqual(['b', 'c']);
    one.set('d', 'D');
    expect(fullScan(one, 2).sort()).toEqual(['b', 'c', 'd']);
    hooks.time = 6_000;
    expect(two.expireSample(20).expired).toBe(1);
  });
});

describe('Database.randomKey', () => {
  it('returns undefined when empty and only ever a live key', () => {
    const { db, hooks } = fresh();
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    expect(db.randomKey(random)).toBeUndefined();
    for (let i = 0; i < 20; i++) db.set(`k${i}`, 'v');
    for (let i = 0; i < 15; i++) db.delete(`k${i}`);
    db.setExpiry('k15', 1_100);
    hooks.time = 1_200;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(db.randomKey(random)!);
    expect([...seen].sort()).toEqual(['k16', 'k17', 'k18', 'k19']);
  });

  it('reclaims expired keys it meets and ends with undefined when all have expired', () => {
    const { db, hooks } = fresh();
    for (let i = 0; i < 5; i++) {
      db.set(`k${i}`, 'v');
      db.setExpiry(`k${i}`, 1_100);
    }
    hooks.time = 1_200;
    expect(db.randomKey(() => 0.5)).toBeUndefined();
    expect(db.size).toBe(0);
  });
});

describe('Database.scan', () => {
  it('returns each key exactly once in a full scan without changes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 300, size: 'max' }),
        fc.array(fc.nat(299), { maxLength: 300, size: 'max' }),
        fc.integer({ min: 1, max: 40 }),
        (keys, deletions, count) => {
          const { db } = fresh();
          for (const k of keys) db.set(k, 'v');
          for (const d of deletions) if (d < keys.length) db.delete(keys[d]!);
          const live = [...db.keys()];
          const seen = fullScan(db, count);
          // Booleans rather than expect(): shrinking a failure then stays fast.
          return (
            seen.length === live.length && new Set(seen).size === seen.length && live.every((k) => seen.includes(k))
          );
        },
      ),
      SHRINK_LIMIT,
    );
  });

  it('returns every key present for a whole iteration despite interleaved writes', () => {
    type Step = { op: 'set'; key: number } | { op: 'del'; key: number } | { op: 'scan'; count: number };
    // Enough keys and deletions that tombstones pile up and get compacted in the middle of iterations.
    const step: fc.Arbitrary<Step> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(200) }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('del' as const), key: fc.nat(200) }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('scan' as const), count: fc.integer({ min: 1, max: 30 }) }), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.nat(200), { maxLength: 200, size: 'max' }),
        fc.array(step, { minLength: 200, maxLength: 800, size: 'max' }),
        (initial, steps) => {
          const { db } = fresh();
          for (const k of initial) db.set(`k${k}`, 'v');
          let cursor = 0;
          // Keys present since the iteration began and never deleted since; and keys returned so far.
          let throughout = new Set(db.keys());
          let returned = new Set<string>();
          for (const s of steps) {
            if (s.op === 'set') {
              db.set(`k${s.key}`, 'v');
            } else if (s.op === 'del') {
              db.delete(`k${s.key}`);
              throughout.delete(`k${s.key}`);
            } else {
              const page = db.scan(cursor, s.count);
              if (page.keys.length > s.count) return false;
              for (const k of page.keys) {
                if (!db.has(k)) return false;
                returned.add(k);
              }
              cursor = page.cursor;
              if (cursor === 0) {
                for (const k of throughout) if (!returned.has(k)) return false;
                throughout = new Set(db.keys());
                returned = new Set();
              }
            }
          }
          return true;
        },
      ),
      SHRINK_LIMIT,
    );
  });
});
