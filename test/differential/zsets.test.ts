// redis-sim against real Redis on random sequences mixing sorted set commands with string and keyspace commands.
//
// Documented exceptions to byte-for-byte equality (normalisers below):
// - ZRANDMEMBER picks at random: only the reply's kind and element count are compared (the deterministic cases,
//   such as a count at least the set's size, are covered by the unit tests).
// - ZSCAN of a skiplist-encoded set walks Redis's hash table, whose order no other implementation can match: with
//   COUNT 1000 both servers return everything in one call, so the (member, score) pairs are compared sorted.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { parseReplies } from '../../src/protocol/reply-parser.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { Differential, formatMismatch, type Normaliser, type Sequence } from './harness.js';
import { keysGenerator, sequenceArb, stringsGenerator } from './generators.js';
import { REGRESSIONS } from './regressions.js';
import { bigZsetCommands, zsetConfigArb, zsetsGenerator } from './zsets-generator.js';

let diff: Differential;

const zrandmember: Normaliser = (args, raw) => {
  const replies = parseReplies(Buffer.from(raw, 'latin1'));
  const reply = replies[0];
  if (replies.length !== 1 || reply === undefined) return raw;
  if (reply.t === 'bulk') return '<a member>';
  if (reply.t === 'array') return `<${reply.items.length} items${args.length > 3 ? ' with scores' : ''}>`;
  return raw;
};

const zscan: Normaliser = (_args, raw) => {
  const plain = toPlain(parseReplies(Buffer.from(raw, 'latin1'))[0]!);
  if (!Array.isArray(plain) || plain.length !== 2 || !Array.isArray(plain[1])) return raw;
  const flat = plain[1] as string[];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
  return JSON.stringify([plain[0], pairs.sort()]);
};

beforeAll(async () => {
  diff = await Differential.start({ normalisers: { zrandmember, zscan } });
});

afterAll(async () => {
  await diff?.stop();
});

/** The shared regressions that involve sorted set commands. */
const ZSET_REGRESSIONS = REGRESSIONS.filter((r) => r.commands.some((c) => /^b?z/i.test(c[0] ?? '')));

/** Random sequences, some starting with a skiplist-encoded set under k1. */
const zsetSequenceArb: fc.Arbitrary<Sequence> = fc
  .tuple(
    zsetConfigArb,
    fc.boolean(),
    sequenceArb([zsetsGenerator, zsetsGenerator, zsetsGenerator, stringsGenerator, keysGenerator]),
  )
  .map(([config, big, seq]) => [...config, ...(big ? bigZsetCommands('k1') : []), ...seq]);

describe('sorted set commands agree with real Redis', () => {
  it.each(ZSET_REGRESSIONS.map((r) => [r.note, r] as const))('regression: %s', async (_note, regression) => {
    const mismatch = await diff.run(regression.commands);
    expect(mismatch === null ? null : formatMismatch(regression.commands, mismatch)).toBeNull();
  });

  it('on random sequences', async () => {
    await diff.check(zsetSequenceArb, { numRuns: 150 });
  }, 60_000);

  it('in RESP3 (reply shapes of ranges, pops and scores)', async () => {
    await diff.check(
      fc
        .tuple(zsetConfigArb, sequenceArb([zsetsGenerator]))
        .map(([config, seq]): Sequence => [['HELLO', '3'], ...config, ...seq]),
      { numRuns: 60 },
    );
  }, 60_000);
});
