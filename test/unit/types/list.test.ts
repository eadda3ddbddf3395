// The quicklist-shaped list value: every operation against a plain array model, the node invariants (exact listpack
// sizes, no empty nodes, fill limits), Redis's node-splitting rules on known cases, and the RDB/digest codecs
// (legacy encodings included).

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import '../../../src/node/types/index.js';
import { digestHex, valueDigest } from '../../../src/node/persistence/digest.js';
import { encodeListpack, listpackBytes } from '../../../src/node/persistence/listpack.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../../../src/node/persistence/rdb-codec.js';
import { dumpPayload, restorePayload } from '../../../src/node/persistence/rdb.js';
import { listAofCommands, readList, writeList } from '../../../src/node/types/list-codecs.js';
import { ListValue } from '../../../src/node/types/list.js';

/** Checks the structural invariants and returns the node sizes (element counts). */
function checkNodes(list: ListValue): number[] {
  const counts: number[] = [];
  let total = 0;
  for (const node of list.nodeViews()) {
    expect(node.items.length).toBeGreaterThan(0);
    expect(node.bytes).toBe(node.plain ? node.items[0]!.length : listpackBytes(node.items));
    counts.push(node.items.length);
    total += node.items.length;
  }
  expect(total).toBe(list.length);
  expect(counts.length).toBe(list.nodeCount);
  return counts;
}

type Op =
  | { op: 'push'; end: 'head' | 'tail'; value: string }
  | { op: 'pop'; end: 'head' | 'tail' }
  | { op: 'set'; index: number; value: string }
  | { op: 'insert'; pivot: string; value: string; after: boolean }
  | { op: 'remove'; value: string; limit: number; fromTail: boolean }
  | { op: 'deleteRange'; start: number; count: number };

const valueArb = fc.oneof(
  fc.constantFrom('a', 'b', '1', '-7', '128', '', '9223372036854775807'),
  fc.integer({ min: 1, max: 300 }).map((n) => 'x'.repeat(n)),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('push' as const),
      end: fc.constantFrom('head' as const, 'tail' as const),
      value: valueArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('pop' as const), end: fc.constantFrom('head' as const, 'tail' as const) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      index: fc.integer({ min: -20, max: 20 }),
      value: valueArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('insert' as const), pivot: valueArb, value: valueArb, after: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('remove' as const),
      value: valueArb,
      limit: fc.integer({ min: 0, max: 3 }),
      fromTail: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deleteRange' as const),
      start: fc.integer({ min: -20, max: 20 }),
      count: fc.integer({ min: -1, max: 10 }),
    }),
  },
);

/** Applies an operation to the model array, as the list should. */
function applyModel(model: string[], o: Op): void {
  switch (o.op) {
    case 'push':
      if (o.end === 'head') model.unshift(o.value);
      else model.push(o.value);
      return;
    case 'pop':
      if (o.end === 'head') model.shift();
      else model.pop();
      return;
    case 'set': {
      const i = o.index < 0 ? model.length + o.index : o.index;
      if (i >= 0 && i < model.length) model[i] = o.value;
      return;
    }
    case 'insert': {
      const i = model.indexOf(o.pivot);
      if (i !== -1) model.splice(o.after ? i + 1 : i, 0, o.value);
      return;
    }
    case 'remove': {
      let removed = 0;
      const order = [...model.keys()];
      if (o.fromTail) order.reverse();
      const drop = new Set<number>();
      for (const i of order) {
        if (o.limit !== 0 && removed >= o.limit) break;
        if (model[i] === o.value) {
          drop.add(i);
          removed++;
        }
      }
      const kept = model.filter((_, i) => !drop.has(i));
      model.splice(0, model.length, ...kept);
      return;
    }
    case 'deleteRange': {
      if (o.count <= 0) return;
      const start = o.start < 0 ? model.length + o.start : o.start;
      if (start < 0 || start >= model.length) return;
      model.splice(start, o.count);
      return;
    }
  }
}

function apply(list: ListValue, o: Op): void {
  switch (o.op) {
    case 'push':
      list.push(o.value, o.end);
      return;
    case 'pop':
      list.pop(o.end);
      return;
    case 'set':
      list.set(o.index, o.value);
      return;
    case 'insert':
      list.insert(o.pivot, o.value, o.after);
      return;
    case 'remove':
      list.remove(o.value, o.limit, o.fromTail);
      return;
    case 'deleteRange':
      list.deleteRange(o.start, o.count);
      return;
  }
}

describe('ListValue', () => {
  it('behaves like an array under any sequence of operations, for every fill', () => {
    fc.assert(
      fc.property(fc.constantFrom(-5, -2, -1, 1, 2, 4, 100), fc.array(opArb, { maxLength: 120 }), (fill, ops) => {
        const list = new ListValue(fill);
        const model: string[] = [];
        for (const o of ops) {
          apply(list, o);
          applyModel(model, o);
          checkNodes(list);
        }
        expect([...list.values()]).toEqual(model);
        expect(list.length).toBe(model.length);
        if (model.length > 0) expect(list.range(0, model.length - 1)).toEqual(model);
        for (let i = -model.length - 1; i <= model.length; i++) {
          expect(list.get(i)).toBe(model[i < 0 ? model.length + i : i]);
        }
        const reversed: string[] = [];
        list.scan(false, (v) => (reversed.push(v), true));
        expect(reversed).toEqual([...model].reverse());
      }),
      { numRuns: 300 },
    );
  });

  it('always answers quicklist as its encoding (Redis 7.0 has no listpack lists)', () => {
    const list = ListValue.of(['a']);
    expect(list.encoding).toBe('quicklist');
    for (let i = 0; i < 10_000; i++) list.push(String(i), 'tail');
    while (list.length > 1) list.pop('head');
    expect(list.encoding).toBe('quicklist');
    expect(list.nodeCount).toBe(1);
  });

  it('fills nodes by element count for a positive fill, and by bytes for a negative one', () => {
    const byCount = ListValue.of(['1', '2', '3', '4', '5', '6', '7'], 3);
    expect(checkNodes(byCount)).toEqual([3, 3, 1]);
    const headFirst = new ListValue(3);
    for (const v of ['1', '2', '3', '4', '5', '6', '7']) headFirst.push(v, 'head');
    expect(checkNodes(headFirst)).toEqual([1, 3, 3]);
    // -1 allows 4096 bytes per node, counting a new entry as its length + 8: 100-byte strings (103 bytes as entries)
    // fit 39 to a node; real Redis reports ql_nodes:3 for the same pushes.
    const byBytes = ListValue.of(
      Array.from({ length: 100 }, () => 'x'.repeat(100)),
      -1,
    );
    expect(checkNodes(byBytes)).toEqual([39, 39, 22]);
    // A count fill still stops at 8 KB per node (SIZE_SAFETY_LIMIT).
    const safety = ListValue.of(
      Array.from({ length: 100 }, () => 'y'.repeat(1000)),
      1000,
    );
    expect(checkNodes(safety).every((n) => n <= 8)).toBe(true);
  });

  it('splits a full node on insert and merges the pieces back where they fit', () => {
    const list = ListValue.of(['a', 'b', 'c', 'd', 'e', 'f'], 3);
    expect(checkNodes(list)).toEqual([3, 3]);
    list.insert('b', 'X', true);
    expect([...list.values()]).toEqual(['a', 'b', 'X', 'c', 'd', 'e', 'f']);
    expect(checkNodes(list)).toEqual([2, 2, 3]);
    list.insert('a', 'Y', false);
    expect(checkNodes(list)).toEqual([3, 2, 3]);
    list.insert('d', 'Z', true);
    // Real Redis: LRANGE gives Y a b X c d Z e f and DEBUG OBJECT ql_nodes:3 ql_avg_node:3.00.
    expect([...list.values()]).toEqual(['Y', 'a', 'b', 'X', 'c', 'd', 'Z', 'e', 'f']);
    expect(checkNodes(list)).toEqual([3, 3, 3]);
  });

  it('clones deeply, keeping the node layout', () => {
    const list = ListValue.of(['a', 'b', 'c', 'd'], 2);
    const copy = list.clone();
    copy.push('e', 'tail');
    copy.set(0, 'z');
    expect([...list.values()]).toEqual(['a', 'b', 'c', 'd']);
    expect([...copy.values()]).toEqual(['z', 'b', 'c', 'd', 'e']);
    expect(checkNodes(list)).toEqual([2, 2]);
    expect(copy.fill).toBe(2);
  });

  it('adopts the configured fill only when it was loaded without one', () => {
    const loaded = new ListValue(null);
    expect(loaded.fill).toBe(-2);
    loaded.adopt(4, 1);
    expect([loaded.fill, loaded.compressDepth]).toEqual([4, 1]);
    loaded.adopt(7, 0);
    expect(loaded.fill).toBe(4);
    expect(new ListValue(-9).fill).toBe(-5);
    expect(new ListValue(100_000).fill).toBe(32767);
  });
});

describe('list RDB codec', () => {
  const roundTrip = (list: ListValue): ListValue => {
    const w = new RdbWriter();
    writeList(w, list);
    return readList(new RdbReader(w.toBuffer()), 18);
  };

  it('writes one listpack per node and reads the same layout back', () => {
    const list = ListValue.of(['a', 'b', 'c', '1', '2'], 2);
    const copy = roundTrip(list);
    expect([...copy.values()]).toEqual(['a', 'b', 'c', '1', '2']);
    expect(checkNodes(copy)).toEqual([2, 2, 1]);
  });

  it('matches the DUMP payload of real Redis 7.0.15 for RPUSH l a b c', () => {
    // redis-cli DUMP l after RPUSH l a b c on redis-server 7.0.15.
    const real = Buffer.from('12010210100000000300816102816202816302ff0a00c818b90c9533529e', 'hex');
    expect(dumpPayload(ListValue.of(['a', 'b', 'c'])).toString('hex')).toBe(real.toString('hex'));
    expect([...(restorePayload(real) as ListValue).values()]).toEqual(['a', 'b', 'c']);
  });

  it('reads the legacy encodings: plain lists, ziplists and quicklists of ziplists', () => {
    // A ziplist of "a", 1, "hello": prevlen + encoding + data per entry (ziplist.c).
    const ziplist = Buffer.from('170000000f0000000300' + '000161' + '03f2' + '020568656c6c6f' + 'ff', 'hex');
    const zl = new RdbWriter(false);
    zl.string(ziplist.toString('latin1'));
    expect([...readList(new RdbReader(zl.toBuffer()), 10).values()]).toEqual(['a', '1', 'hello']);

    const ql = new RdbWriter(false);
    ql.length(2);
    ql.string(ziplist.toString('latin1'));
    ql.string(ziplist.toString('latin1'));
    const quick = readList(new RdbReader(ql.toBuffer()), 14);
    expect([...quick.values()]).toEqual(['a', '1', 'hello', 'a', '1', 'hello']);
    expect(checkNodes(quick)).toEqual([3, 3]);

    const plain = new RdbWriter(false);
    plain.length(3);
    for (const s of ['x', '42', '']) plain.string(s);
    expect([...readList(new RdbReader(plain.toBuffer()), 1).values()]).toEqual(['x', '42', '']);
  });

  it('reads plain nodes and rejects empty lists and bad containers', () => {
    const w = new RdbWriter(false);
    w.length(2);
    w.length(1);
    w.string('huge element');
    w.length(2);
    w.string(encodeListpack(['a']).toString('latin1'));
    const list = readList(new RdbReader(w.toBuffer()), 18);
    expect([...list.nodeViews()].map((n) => n.plain)).toEqual([true, false]);
    expect([...list.values()]).toEqual(['huge element', 'a']);

    const empty = new RdbWriter(false);
    empty.length(1);
    empty.length(2);
    empty.string(encodeListpack([]).toString('latin1'));
    expect(() => readList(new RdbReader(empty.toBuffer()), 18)).toThrow(RdbFormatError);

    const bad = new RdbWriter(false);
    bad.length(1);
    bad.length(3);
    bad.string(encodeListpack(['a']).toString('latin1'));
    expect(() => readList(new RdbReader(bad.toBuffer()), 18)).toThrow(/Quicklist integrity/);
  });

  it('digests elements in order, as real Redis does', () => {
    // DEBUG DIGEST-VALUE l on redis-server 7.0.15 after RPUSH l a 1 -200 "" (no expiry).
    expect(digestHex(valueDigest(ListValue.of(['a', '1', '-200', '']), false))).toBe(
      '861a48c618445d85d988677e239561f55597ba84',
    );
    const a = digestHex(valueDigest(ListValue.of(['a', 'b']), false));
    const b = digestHex(valueDigest(ListValue.of(['b', 'a']), false));
    expect(a).not.toBe(b);
  });
});

describe('DEBUG OBJECT figures', () => {
  it('match real Redis for 100 strings of 100 bytes under list-max-listpack-size -1', () => {
    // Real Redis: ... ql_nodes:3 ql_avg_node:33.33 ql_listpack_max:-1 ql_compressed:0 ql_uncompressed_size:10321
    const list = ListValue.of(
      Array.from({ length: 100 }, () => 'x'.repeat(100)),
      -1,
    );
    expect(list.debugObjectSuffix()).toBe(
      ' ql_nodes:3 ql_avg_node:33.33 ql_listpack_max:-1 ql_compressed:0 ql_uncompressed_size:10321',
    );
  });
});

describe('list AOF rewrite', () => {
  it('rebuilds a list with RPUSH commands of at most 64 elements', () => {
    const items = Array.from({ length: 130 }, (_, i) => String(i));
    const commands = listAofCommands('k', ListValue.of(items));
    expect(commands.map((c) => c.length - 2)).toEqual([64, 64, 2]);
    expect(commands.every((c) => c[0] === 'RPUSH' && c[1] === 'k')).toBe(true);
    expect(commands.flatMap((c) => c.slice(2))).toEqual(items);
  });
});
