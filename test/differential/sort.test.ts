// SORT and SORT_RO against real Redis on random sequences mixing them with list, set, sorted set, hash and string
// commands, plus fixed scenarios for the partial quicksort that LIMIT uses with BY, and the list STORE writes.
//
// Documented exceptions:
// - Over lists, hashes and strings everything is deterministic, ties included (equal ALPHA weights keep the order
//   glibc's stable merge sort or Redis's pqsort leave them in), so those runs compare every reply byte for byte.
// - Over sets and sorted sets, Redis visits elements in its dictionaries' random hash order. Where that order shows —
//   a BY pattern without `*` (no sorting), or ALPHA by a pattern (equal weights tie) — replies are compared as
//   multisets of element groups, or by length only under LIMIT (which picks from that order), and such a SORT is
//   never generated with STORE.
// - Sequences whose arguments could make a strtod overflow or underflow are left out: real Redis then keeps a stale
//   ERANGE errno that fails later numeric SORTs (see sort.ts).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { RedisNode } from '../../src/node/node.js';
import { parseReplies } from '../../src/protocol/reply-parser.js';
import type { Reply } from '../../src/protocol/reply.js';
import { startRealRedis, startSimServer } from '../helpers/servers.js';
import { Differential, formatMismatch, type Command, type Normaliser, type Sequence } from './harness.js';
import { cmd, keyArb, sequenceArb, stringsGenerator, type FamilyGenerator } from './generators.js';
import { listsGenerator } from './lists-generator.js';
import { REGRESSIONS } from './regressions.js';
import {
  collectionSourcesGenerator,
  listSourcesGenerator,
  mayLeaveErange,
  sortElementWithNulArb,
  sortGenerator,
  sortShape,
  storesHashOrder,
} from './sort-generator.js';

/** Whether the running property may meet sets and sorted sets, whose hash order shows in some SORT replies. */
let hashOrderShows = false;

/** Compares SORT replies whose order comes from a hash table as multisets (or by length under LIMIT). */
const sortNormaliser: Normaliser = (args, raw) => {
  if (!hashOrderShows) return raw;
  const shape = sortShape(args);
  if (!shape.dontSort && !(shape.alpha && shape.byPattern)) return raw;
  const reply = parseReplies(Buffer.from(raw, 'latin1'))[0];
  if (reply === undefined || !('items' in reply)) return raw;
  if (shape.limit) return `${reply.t}:<${reply.items.length} items>`;
  const size = Math.max(1, shape.gets);
  const groups: string[] = [];
  for (let i = 0; i < reply.items.length; i += size)
    groups.push(JSON.stringify(reply.items.slice(i, i + size).map(_text)));
  return `${reply.t}:${groups.sort().join(',')}`;
};

let diff: Differential;
let simNode: RedisNode | undefined;

beforeAll(async () => {
  diff = await Differential.start({
    oracle: () => startRealRedis(),
    subject: async () => {
      const s = await startSimServer();
      simNode = s.server.node;
      return s;
    },
    normalisers: { sort: sortNormaliser, sort_ro: sortNormaliser },
  });
});

afterAll(async () => {
  await diff?.stop();
});

/** Keyspace commands around SORT: types, renames, expiry that STORE clears, encodings that SORT converts. */
function keysAroundSort(): FamilyGenerator {
  const anyKey = fc.oneof(keyArb, fc.constant('dst'));
  const commands = [
    cmd('DEL', anyKey),
    cmd('TYPE', anyKey),
    cmd('RENAME', keyArb, anyKey),
    cmd('EXPIRE', anyKey, '100'),
    cmd('TTL', anyKey),
    cmd('EXISTS', anyKey),
  ];
  if (simNode?.commands.get('object') !== undefined) commands.push(cmd('OBJECT', 'ENCODING', anyKey));
  return { name: 'keys around sort', command: fc.oneof(...commands) };
}

const protocolGenerator: FamilyGenerator = {
  name: 'protocol',
  command: cmd('HELLO', fc.constantFrom('2', '3')),
};

/** A sequence that starts by filling some sources, so SORT has more than empty keys to work on. */
function _populated(
  sources: FamilyGenerator,
  families: readonly FamilyGenerator[],
  { maxLength }: { maxLength: number },
): fc.Arbitrary<Sequence> {
  return fc
    .tuple(fc.array(sources.command, { minLength: 4, maxLength: 12 }), sequenceArb(families, { maxLength }))
    .map(([prefix, rest]) => [...prefix, ...rest]);
}

/** Drops commands that would store hash order and sequences that could leave ERANGE behind in real Redis. */
function _clean(arbitrary: fc.Arbitrary<Sequence>): fc.Arbitrary<Sequence> {
  return arbitrary
    .map((sequence) => sequence.filter((command) => !storesHashOrder(command)))
    .filter((sequence) => sequence.length > 0 && !sequence.some((command) => command.some(mayLeaveErange)));
}

describe('SORT agrees with real Redis', () => {
  it('on the recorded regressions that involve SORT', async () => {
    const ours = REGRESSIONS.filter((r) => r.commands.some((c) => /^sort(_ro)?$/i.test(c[0] ?? '')));
    for (const regression of ours) {
      const mismatch = await diff.run(regression.commands, { exact: regression.exact ?? false });
      expect(mismatch === null ? null : formatMismatch(regression.commands, mismatch), regression.note).toBeNull();
    }
  });

  it('byte for byte over lists, hashes and strings (ties, NUL bytes, pqsort included)', async () => {
    const sources = listSourcesGenerator(sortElementWithNulArb);
    const arbitrary = _clean(
      _populated(
        sources,
        [
          sortGenerator,
          sortGenerator,
          sortGenerator,
          sources,
          sources,
          listsGenerator,
          stringsGenerator,
          keysAroundSort(),
          protocolGenerator,
        ],
        { maxLength: 30 },
      ),
    );
    hashOrderShows = false;
    await diff.check(arbitrary, { numRuns: 150 });
  }, 60_000);

  it('over sets and sorted sets too, hash order aside', async () => {
    const arbitrary = _clean(
      _populated(
        collectionSourcesGenerator,
        [sortGenerator, sortGenerator, collectionSourcesGenerator, collectionSourcesGenerator, keysAroundSort()],
        { maxLength: 30 },
      ),
    );
    hashOrderShows = true;
    try {
      await diff.check(arbitrary, { numRuns: 150 });
    } finally {
      hashOrderShows = false;
    }
  }, 60_000);

  it('on long lists where LIMIT with BY takes the partial quicksort, with many ties', async () => {
    for (const n of [6, 7, 8, 12, 40, 41, 60, 130]) {
      const elements = Array.from({ length: n }, (_, i) => `e${(i * 37) % n}`);
      const sequence: Command[] = [['RPUSH', 'l', ...elements]];
      // Few distinct weights, many missing: lots of equal keys for the unstable partition to shuffle.
      for (let i = 0; i < n; i += 3) sequence.push(['SET', `w_e${i}`, String.fromCharCode(97 + ((i * 7) % 4))]);
      for (let i = 0; i < n; i += 2) sequence.push(['HSET', `h_e${i}`, 'f', String((i * 5) % 7)]);
      for (const [start, count] of [
        ['0', '1'],
        ['1', '3'],
        ['2', '5'],
        [String(n >> 1), '4'],
        [String(n - 3), '10'],
        ['0', String(n - 1)],
      ]) {
        for (const by of ['w_*', 'h_*->f']) {
          for (const order of [[], ['DESC']]) {
            sequence.push(['SORT', 'l', 'BY', by, 'ALPHA', 'LIMIT', start!, count!, ...order]);
            sequence.push(['SORT', 'l', 'BY', by, 'LIMIT', start!, count!, 'GET', '#', 'GET', by, ...order]);
          }
          sequence.push(['SORT', 'l', 'BY', by, 'ALPHA', 'LIMIT', start!, count!, 'STORE', 'dst']);
          sequence.push(['LRANGE', 'dst', '0', '-1']);
        }
      }
      const mismatch = await diff.run(sequence, { exact: true });
      expect(mismatch === null ? null : formatMismatch(sequence, mismatch), `${n} elements`).toBeNull();
    }
  }, 30_000);

  it('on lists in their own order (BY nosort), STORE over keys with a TTL, and odd weights', async () => {
    const sequence: Command[] = [['RPUSH', 'l', 'c', 'a', 'b', '3', '1', '2', 'c', '', '\u0000', '\u0000x']];
    for (const limit of [[], ['LIMIT', '0', '3'], ['LIMIT', '2', '4'], ['LIMIT', '8', '5'], ['LIMIT', '30', '1']]) {
      for (const order of [[], ['DESC']]) {
        sequence.push(['SORT', 'l', 'BY', 'nosort', ...limit, ...order]);
        sequence.push(['SORT_RO', 'l', 'BY', 'nosort', 'GET', '#', 'GET', 'w_*', ...limit, ...order]);
        sequence.push(['SET', 'dst', 'x', 'EX', '100']);
        sequence.push(['SORT', 'l', 'BY', 'nosort', ...limit, ...order, 'STORE', 'dst']);
        sequence.push(['TTL', 'dst'], ['LRANGE', 'dst', '0', '-1']);
      }
    }
    sequence.push(['SORT', 'l'], ['RPUSH', 'n', '', '\u0000', '\u0000x', '1\u0000', '-1', '0'], ['SORT', 'n']);
    sequence.push(
      ['SORT', 'n', 'BY', 'w_*'],
      ['SET', 'w_-1', '\u0000'],
      ['SET', 'w_0', ' '],
      ['SORT', 'n', 'BY', 'w_*'],
    );
    sequence.push(
      ['SET', 'w_0', '+.5'],
      ['SORT', 'n', 'BY', 'w_*'],
      ['SET', 'w_0', '0X1p3'],
      ['SORT', 'n', 'BY', 'w_*'],
    );
    const mismatch = await diff.run(sequence, { exact: true });
    expect(mismatch === null ? null : formatMismatch(sequence, mismatch)).toBeNull();
  });

  it('on sorted sets in their own order (BY nosort) and encodings SORT converts', async () => {
    const members = Array.from({ length: 20 }, (_, i) => [String(i % 5), `m${i}`]).flat();
    const sequence: Command[] = [['ZADD', 'z', ...members]];
    for (const limit of [[], ['LIMIT', '0', '3'], ['LIMIT', '5', '4'], ['LIMIT', '18', '5'], ['LIMIT', '30', '1']]) {
      for (const order of [[], ['DESC']]) {
        sequence.push(['SORT', 'z', 'BY', 'nosort', ...limit, ...order]);
        sequence.push(['SORT_RO', 'z', 'BY', 'nosort', 'GET', '#', 'GET', 'w_*', ...limit, ...order]);
        sequence.push(['SORT', 'z', 'BY', 'nosort', ...limit, ...order, 'STORE', 'dst']);
        sequence.push(['LRANGE', 'dst', '0', '-1']);
      }
    }
    if (simNode?.commands.get('object') !== undefined) {
      sequence.push(['ZADD', 'small', '1', 'a'], ['OBJECT', 'ENCODING', 'small']);
      sequence.push(['SORT_RO', 'small', 'ALPHA'], ['OBJECT', 'ENCODING', 'small']);
    }
    const mismatch = await diff.run(sequence, { exact: true });
    expect(mismatch === null ? null : formatMismatch(sequence, mismatch)).toBeNull();
  });

  it('STORE writes a list with the default node size whatever list-max-listpack-size says', async () => {
    if (simNode?.commands.get('dump') === undefined) return;
    const sequence: Command[] = [
      ['CONFIG', 'SET', 'list-max-listpack-size', '2'],
      ['RPUSH', 'src', 'e', 'd', 'c', 'b', 'a'],
      ['SORT', 'src', 'ALPHA', 'STORE', 'dst'],
      ['DUMP', 'dst'],
      ['RPUSH', 'dst', 'z'],
      ['DUMP', 'dst'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ];
    const mismatch = await diff.run(sequence, { exact: true });
    expect(mismatch === null ? null : formatMismatch(sequence, mismatch)).toBeNull();
  });
});

// --- internal ---

function _text(reply: Reply): string {
  return reply.t === 'bulk' ? `$${reply.s}` : reply.t;
}
