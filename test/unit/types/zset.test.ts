import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SkipList, type LexRange, type ScoreRange } from '../../../src/node/types/skiplist.js';
import {
  SortedSet,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZADD_XX,
  listpackScoreText,
  parseLexRange,
  parseScoreRange,
  strtod,
} from '../../../src/node/types/zset.js';
import { digestZset, levelRandom, readZset, writeZset, zsetAofCommands } from '../../../src/node/types/zset-codecs.js';
import { RdbReader, RdbWriter } from '../../../src/node/persistence/rdb-codec.js';
import { RdbType } from '../../../src/node/persistence/rdb-types.js';
import { dumpPayload, restorePayload } from '../../../src/node/persistence/rdb.js';
import { digestHex, newDigest, valueDigest } from '../../../src/node/persistence/digest.js';
import { Prng } from '../../../src/sim/prng.js';

const LIMITS = { maxEntries: 128, maxValue: 64 };

/** A seeded generator, as the node's env.random() is in the simulation. */
function rng(seed = 1): () => number {
  const p = new Prng(seed >>> 0);
  return () => p.nextFloat();
}

/** The reference model: (score, member) pairs kept sorted by score, then member bytes. */
type Pair = [number, string];
function sortModel(model: Pair[]): Pair[] {
  return model.sort((a, b) => (a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

const memberArb = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', 'c', '\u0000', '\u00ff') });
const scoreArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -Infinity, Infinity, 1e300));

type Op =
  | { op: 'insert'; score: number; member: string }
  | { op: 'delete'; member: string }
  | { op: 'update'; member: string; score: number }
  | { op: 'deleteRank'; start: number; end: number }
  | { op: 'deleteScore'; min: number; max: number; minex: boolean; maxex: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), score: scoreArb, member: memberArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), member: memberArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('update' as const), member: memberArb, score: scoreArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deleteRank' as const),
      start: fc.integer({ min: 1, max: 8 }),
      end: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deleteScore' as const),
      min: scoreArb,
      max: scoreArb,
      minex: fc.boolean(),
      maxex: fc.boolean(),
    }),
  },
);

describe('SkipList against a sorted-array model', () => {
  it('keeps order, spans, back links and ranks through random operations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.integer(), (ops, seed) => {
        const list = new SkipList(rng(seed));
        let model: Pair[] = [];
        const removed: string[] = [];
        for (const o of ops) {
          const at = model.findIndex((p) => p[1] === ('member' in o ? o.member : ''));
          if (o.op === 'insert') {
            if (at !== -1) continue;
            list.insert(o.score, o.member);
            model.push([o.score, o.member]);
          } else if (o.op === 'delete') {
            const existing = at === -1 ? 0 : model[at]![0];
            expect(list.delete(existing, o.member)).toBe(at !== -1);
            if (at !== -1) model.splice(at, 1);
          } else if (o.op === 'update') {
            if (at === -1) continue;
            const node = list.updateScore(model[at]![0], o.member, o.score);
            expect(node.score).toBe(o.score);
            model[at]![0] = o.score;
          } else if (o.op === 'deleteRank') {
            sortModel(model);
            const n = list.deleteRangeByRank(o.start, o.end, (m) => removed.push(m));
            const gone = model.slice(o.start - 1, Math.max(o.start - 1, o.end));
            expect(n).toBe(gone.length);
            model = model.filter((p) => !gone.includes(p));
          } else {
            const range: ScoreRange = o;
            const inRange = (s: number) => (o.minex ? s > o.min : s >= o.min) && (o.maxex ? s < o.max : s <= o.max);
            const n = list.deleteRangeByScore(range, (m) => removed.push(m));
            expect(n).toBe(model.filter((p) => inRange(p[0])).length);
            model = model.filter((p) => !inRange(p[0]));
          }
          sortModel(model);
          expect(list.check()).toBeNull();
        }
        expect([...list.nodes()].map((n) => [n.score, n.member])).toEqual(model);
        for (let i = 0; i < model.length; i++) {
          const [score, member] = model[i]!;
          expect(list.rankOf(score, member)).toBe(i + 1);
          expect(list.byRank(i + 1)!.member).toBe(member);
        }
        expect(list.byRank(model.length + 1)).toBeNull();
        expect(list.byRank(0)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('finds the first and last node in score and lex ranges like a linear scan', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(memberArb, { maxLength: 30 }),
        scoreArb,
        scoreArb,
        fc.boolean(),
        fc.boolean(),
        (members, min, max, minex, maxex) => {
          // Scores spread out (ties too) for score ranges; lex ranges need equal scores to be meaningful.
          const list = new SkipList(rng(7));
          const flat = new SkipList(rng(8));
          members.forEach((m, i) => {
            list.insert((i % 5) - 2, m);
            flat.insert(0, m);
          });
          const range: ScoreRange = { min, max, minex, maxex };
          const inRange = (s: number) => (minex ? s > min : s >= min) && (maxex ? s < max : s <= max);
          const nodes = [...list.nodes()].filter((n) => inRange(n.score));
          expect(list.firstInRange(range)?.member ?? null).toBe(nodes[0]?.member ?? null);
          expect(list.lastInRange(range)?.member ?? null).toBe(nodes.at(-1)?.member ?? null);

          const sorted = [...members].sort();
          const lo = sorted[0] ?? '';
          const hi = sorted.at(-1) ?? '';
          const lex: LexRange = {
            min: { kind: 'value', value: lo },
            max: { kind: 'value', value: hi },
            minex,
            maxex,
          };
          const inLex = (m: string) => (minex ? m > lo : m >= lo) && (maxex ? m < hi : m <= hi);
          const lexNodes = [...flat.nodes()].filter((n) => inLex(n.member));
          expect(flat.firstInLexRange(lex)?.member ?? null).toBe(lexNodes[0]?.member ?? null);
          expect(flat.lastInLexRange(lex)?.member ?? null).toBe(lexNodes.at(-1)?.member ?? null);
          expect(flat.firstInLexRangeByScan(lex)?.member ?? null).toBe(lexNodes[0]?.member ?? null);
          expect(flat.lastInLexRangeByScan(lex)?.member ?? null).toBe(lexNodes.at(-1)?.member ?? null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('draws levels with p = 1/4 up to 32 from the injected generator', () => {
    const always = new SkipList(() => 0);
    always.insert(1, 'a');
    expect(always.level).toBe(32);
    const never = new SkipList(() => 0.99);
    for (let i = 0; i < 100; i++) never.insert(i, `m${i}`);
    expect(never.level).toBe(1);
    expect(never.check()).toBeNull();
    const seeded = new SkipList(rng(3));
    for (let i = 0; i < 10000; i++) seeded.insert(i, `m${i}`);
    // log4(10000) is about 6.6: a handful of levels, not 1 and not 32.
    expect(seeded.level).toBeGreaterThan(4);
    expect(seeded.level).toBeLessThan(14);
  });

  it('stays consistent at 100k members, drawing one level per insertion from the generator', () => {
    let calls = 0;
    const random = rng(11);
    const list = new SkipList(() => {
      calls++;
      return random();
    });
    for (let i = 0; i < 100_000; i++) list.insert(i, `m${String(i).padStart(6, '0')}`);
    expect(list.rankOf(73_214, 'm073214')).toBe(73_215);
    expect(list.byRank(50_001)!.member).toBe('m050000');
    expect(calls).toBeGreaterThan(100_000);
    expect(list.check()).toBeNull();
  });
});

describe('SortedSet', () => {
  it('implements zsetAdd flags: NX, XX, GT, LT, INCR and NaN', () => {
    const z = new SortedSet('listpack', rng());
    expect(z.add(1, 'a', 0, LIMITS)).toBe(ZADD_OUT_ADDED);
    expect(z.add(1, 'a', 0, LIMITS)).toBe(0);
    expect(z.add(2, 'a', ZADD_NX, LIMITS)).toBe(ZADD_OUT_NOP);
    expect(z.add(2, 'b', ZADD_XX, LIMITS)).toBe(ZADD_OUT_NOP);
    expect(z.add(0, 'a', ZADD_GT, LIMITS)).toBe(ZADD_OUT_NOP);
    expect(z.add(5, 'a', ZADD_GT, LIMITS)).toBe(ZADD_OUT_UPDATED);
    expect(z.add(9, 'a', ZADD_LT, LIMITS)).toBe(ZADD_OUT_NOP);
    expect(z.add(2, 'a', ZADD_INCR | ZADD_LT, LIMITS)).toBe(ZADD_OUT_NOP);
    expect(z.add(-2, 'a', ZADD_INCR | ZADD_LT, LIMITS)).toBe(ZADD_OUT_UPDATED);
    expect(z.newScore).toBe(3);
    expect(z.add(Infinity, 'a', 0, LIMITS)).toBe(ZADD_OUT_UPDATED);
    expect(z.add(-Infinity, 'a', ZADD_INCR, LIMITS)).toBe(ZADD_OUT_NAN);
    expect(z.add(NaN, 'c', 0, LIMITS)).toBe(ZADD_OUT_NAN);
    expect(z.score('a')).toBe(Infinity);
    expect(z.check()).toBeNull();
  });

  it('converts to a skiplist when a new member does not fit a listpack, and never back', () => {
    const z = new SortedSet('listpack', rng());
    const limits = { maxEntries: 3, maxValue: 4 };
    z.add(1, 'a', 0, limits);
    z.add(2, 'b', 0, limits);
    z.add(3, 'c', 0, limits);
    expect(z.encoding).toBe('listpack');
    z.add(4, 'c', 0, limits); // an update never converts
    expect(z.encoding).toBe('listpack');
    z.add(4, 'd', 0, limits);
    expect(z.encoding).toBe('skiplist');
    z.remove('d');
    z.remove('c');
    expect(z.encoding).toBe('skiplist');
    const long = new SortedSet('listpack', rng());
    long.add(1, 'abcde', 0, limits);
    expect(long.encoding).toBe('skiplist');
    expect(SortedSet.createFor('abcde', limits, rng()).encoding).toBe('skiplist');
    expect(SortedSet.createFor('abcd', limits, rng()).encoding).toBe('listpack');
    expect(SortedSet.createFor('a', { maxEntries: 0, maxValue: 64 }, rng()).encoding).toBe('skiplist');
  });

  it('stores -0 as 0 in a listpack (an integer entry) but keeps it in a skiplist', () => {
    const lp = new SortedSet('listpack', rng());
    lp.add(-0, 'a', 0, LIMITS);
    expect(Object.is(lp.score('a'), 0)).toBe(true);
    expect(Object.is(lp.newScore, -0)).toBe(true);
    const sl = new SortedSet('skiplist', rng());
    sl.add(-0, 'a', 0, LIMITS);
    expect(Object.is(sl.score('a'), -0)).toBe(true);
    sl.convertToListpackIfFits(LIMITS, 1);
    expect(sl.encoding).toBe('listpack');
    expect(Object.is(sl.score('a'), 0)).toBe(true);
  });

  it('ranks, counts and removes ranges', () => {
    const z = new SortedSet('skiplist', rng());
    'abcdefghij'.split('').forEach((m, i) => z.add(i, m, 0, LIMITS));
    expect(z.rank('c', false)).toBe(2);
    expect(z.rank('c', true)).toBe(7);
    expect(z.rank('zz', false)).toBe(-1);
    expect(z.countInRange({ min: 2, max: 5, minex: true, maxex: false })).toBe(3);
    expect(z.removeRangeByRank(0, 1)).toBe(2);
    expect(z.removeRangeByScore({ min: 8, max: Infinity, minex: false, maxex: false })).toBe(2);
    expect([...z.nodes()].map((n) => n.member).join('')).toBe('cdefgh');
    expect(z.size).toBe(6);
    expect(z.check()).toBeNull();
  });

  it('scans a skiplist-encoded set with stable cursors across removals', () => {
    const z = new SortedSet('skiplist', rng());
    for (let i = 0; i < 100; i++) z.add(i, `m${i}`, 0, LIMITS);
    const seen = new Set<string>();
    let cursor = 0;
    let steps = 0;
    do {
      const page = z.scan(cursor, 7);
      page.members.forEach((m) => seen.add(m));
      cursor = page.cursor;
      // Remove members already returned while scanning: the rest must still come.
      for (const m of page.members.slice(0, 3)) z.remove(m);
      steps++;
    } while (cursor !== 0);
    expect(seen.size).toBe(100);
    expect(steps).toBeGreaterThan(5);
  });

  it('clones deeply with the same encoding', () => {
    const z = new SortedSet('listpack', rng());
    z.add(1, 'a', 0, LIMITS);
    const copy = z.clone();
    copy.add(2, 'b', 0, LIMITS);
    expect(z.size).toBe(1);
    expect(copy.encoding).toBe('listpack');
    expect(copy.check()).toBeNull();
  });
});

describe('range parsing', () => {
  it('reads score bounds like strtod under zslParseRange', () => {
    expect(parseScoreRange('(1', '5')).toEqual({ min: 1, max: 5, minex: true, maxex: false });
    expect(parseScoreRange('', '(')).toEqual({ min: 0, max: 0, minex: false, maxex: true });
    expect(parseScoreRange(' 1', '-inf')).toEqual({ min: 1, max: -Infinity, minex: false, maxex: false });
    expect(parseScoreRange('1e400', '0x10')).toEqual({ min: Infinity, max: 16, minex: false, maxex: false });
    expect(parseScoreRange('-Infinity', '+inf')!.min).toBe(-Infinity);
    expect(parseScoreRange('5\u0000junk', '1')!.min).toBe(5);
    for (const bad of ['1 ', 'nan', '(nan', 'abc', '1.5e', '0x', ' ', 'infx']) {
      expect(parseScoreRange(bad, '1')).toBeNull();
    }
  });

  it('reads lex bounds like zslParseLexRangeItem', () => {
    expect(parseLexRange('-', '+')).toEqual({ min: { kind: '-' }, max: { kind: '+' }, minex: true, maxex: true });
    expect(parseLexRange('[a', '(b')).toEqual({
      min: { kind: 'value', value: 'a' },
      max: { kind: 'value', value: 'b' },
      minex: false,
      maxex: true,
    });
    expect(parseLexRange('+\u0000x', '[')).not.toBeNull();
    for (const bad of ['a', '', '+a', '-a']) expect(parseLexRange(bad, '+')).toBeNull();
  });

  it('emulates strtod prefixes', () => {
    expect(strtod('  -1.5e3xyz')).toEqual({ value: -1500, end: 8 });
    expect(strtod('0x1p4')).toEqual({ value: 16, end: 5 });
    expect(strtod('inf')).toEqual({ value: Infinity, end: 3 });
    expect(strtod('-INFINITY')).toEqual({ value: -Infinity, end: 9 });
    expect(strtod('x')).toEqual({ value: 0, end: 0 });
    expect(Number.isNaN(strtod('nan(123)').value)).toBe(true);
  });

  it('spells listpack scores as zzlInsertAt does', () => {
    expect(listpackScoreText(5)).toBe('5');
    expect(listpackScoreText(-0)).toBe('0');
    expect(listpackScoreText(0.1)).toBe('0.10000000000000001');
    expect(listpackScoreText(1e17)).toBe('100000000000000000');
    expect(listpackScoreText(2 ** 62)).toBe('4611686018427387904');
    expect(listpackScoreText(2 ** 63)).toBe('9.2233720368547758e+18');
    expect(listpackScoreText(-Infinity)).toBe('-inf');
  });
});

describe('RDB codecs', () => {
  function roundTrip(z: SortedSet, limits = LIMITS): SortedSet {
    const w = new RdbWriter();
    writeZset(w, z);
    const type = z.encoding === 'listpack' ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
    return readZset(new RdbReader(w.toBuffer()), type, limits, levelRandom());
  }

  it('round-trips both encodings', () => {
    const lp = new SortedSet('listpack', rng());
    [
      [1.5, 'a'],
      [-0, 'b'],
      [Infinity, 'c'],
      [2 ** 62, '123'],
      [1e300, ''],
    ].forEach(([s, m]) => lp.add(s as number, m as string, 0, LIMITS));
    const back = roundTrip(lp);
    expect(back.encoding).toBe('listpack');
    expect([...back.nodes()].map((n) => [n.member, n.score])).toEqual([...lp.nodes()].map((n) => [n.member, n.score]));

    const sl = new SortedSet('skiplist', rng());
    for (let i = 0; i < 200; i++) sl.add(i / 3, `m${i}`, 0, LIMITS);
    sl.add(-0, 'negzero', 0, LIMITS);
    const back2 = roundTrip(sl);
    expect(back2.encoding).toBe('skiplist');
    expect(Object.is(back2.score('negzero'), -0)).toBe(true);
    expect(back2.size).toBe(201);
    expect(back2.check()).toBeNull();
  });

  it('loads a small skiplist as a listpack and a big listpack as a skiplist', () => {
    const sl = new SortedSet('skiplist', rng());
    sl.add(1, 'a', 0, LIMITS);
    expect(roundTrip(sl).encoding).toBe('listpack');
    const lp = new SortedSet('listpack', rng());
    for (let i = 0; i < 5; i++) lp.add(i, `m${i}`, 0, LIMITS);
    expect(roundTrip(lp, { maxEntries: 4, maxValue: 64 }).encoding).toBe('skiplist');
  });

  it('reads RDB_TYPE_ZSET with text scores and refuses NaN, duplicates and empty sets', () => {
    const w = new RdbWriter();
    w.length(3);
    w.string('a');
    w.latin1('\u0003' + '1.5');
    w.string('b');
    w.byte(254);
    w.string('c');
    w.byte(255);
    const z = readZset(new RdbReader(w.toBuffer()), RdbType.ZSET);
    expect([...z.nodes()].map((n) => [n.member, n.score])).toEqual([
      ['c', -Infinity],
      ['a', 1.5],
      ['b', Infinity],
    ]);
    const nan = new RdbWriter();
    nan.length(1);
    nan.string('a');
    nan.byte(253);
    expect(() => readZset(new RdbReader(nan.toBuffer()), RdbType.ZSET)).toThrow(/NAN/);
    const dup = new RdbWriter();
    dup.length(2);
    for (let i = 0; i < 2; i++) {
      dup.string('a');
      dup.bytes(Buffer.alloc(8));
    }
    expect(() => readZset(new RdbReader(dup.toBuffer()), RdbType.ZSET_2)).toThrow(/Duplicate/);
    const empty = new RdbWriter();
    empty.length(0);
    expect(() => readZset(new RdbReader(empty.toBuffer()), RdbType.ZSET_2)).toThrow(/Empty/);
  });

  it('reads RDB_TYPE_ZSET_ZIPLIST (Redis before 7.0) as a listpack', () => {
    // A ziplist of 'b', '2.5', 'a', 7 (a 4-bit immediate integer), built by hand: 1-byte prevlens, short strings.
    const entries: Buffer[] = [];
    let prev = 0;
    const offsets: number[] = [];
    let at = 10;
    for (const e of ['b', '2.5', 'a', 7] as const) {
      const body =
        typeof e === 'number' ? Buffer.from([0xf1 + e]) : Buffer.concat([Buffer.from([e.length]), Buffer.from(e)]);
      const entry = Buffer.concat([Buffer.from([prev]), body]);
      offsets.push(at);
      at += entry.length;
      prev = entry.length;
      entries.push(entry);
    }
    const header = Buffer.alloc(10);
    const zl = Buffer.concat([header, ...entries, Buffer.from([0xff])]);
    zl.writeUInt32LE(zl.length, 0);
    zl.writeUInt32LE(offsets.at(-1)!, 4);
    zl.writeUInt16LE(4, 8);
    const w = new RdbWriter();
    w.string(zl.toString('latin1'));
    const z = readZset(new RdbReader(w.toBuffer()), RdbType.ZSET_ZIPLIST);
    expect(z.encoding).toBe('listpack');
    expect([...z.nodes()].map((n) => [n.member, n.score])).toEqual([
      ['b', 2.5],
      ['a', 7],
    ]);
  });

  it('goes through DUMP payloads', () => {
    const z = new SortedSet('listpack', rng());
    z.add(1, 'a', 0, LIMITS);
    z.add(2.5, 'b', 0, LIMITS);
    const back = restorePayload(dumpPayload(z)) as SortedSet;
    expect(back).toBeInstanceOf(SortedSet);
    expect([...back.nodes()].map((n) => [n.member, n.score])).toEqual([
      ['a', 1],
      ['b', 2.5],
    ]);
  });

  it('rewrites a set as ZADD commands of at most 64 pairs with %.17g scores', () => {
    const z = new SortedSet('skiplist', rng());
    for (let i = 0; i < 130; i++) z.add(i + 0.1, `m${i}`, 0, LIMITS);
    const commands = zsetAofCommands('k', z);
    expect(commands.map((c) => c.length)).toEqual([130, 130, 6]);
    expect(commands[0]!.slice(0, 4)).toEqual(['ZADD', 'k', '0.10000000000000001', 'm0']);
  });

  it('digests members with %.17g scores, independently of encoding and order', () => {
    const a = new SortedSet('listpack', rng());
    const b = new SortedSet('skiplist', rng());
    for (const [s, m] of [
      [0.1, 'x'],
      [3, 'y'],
    ] as const) {
      a.add(s, m, 0, LIMITS);
      b.add(s, m, 0, LIMITS);
    }
    const da = newDigest();
    const db = newDigest();
    digestZset(da, a);
    digestZset(db, b);
    expect(digestHex(da)).toBe(digestHex(db));
    expect(digestHex(valueDigest(a, false))).toBe(digestHex(valueDigest(b, false)));
    expect(digestHex(valueDigest(a, false))).not.toBe(digestHex(valueDigest(a, true)));
  });
});
