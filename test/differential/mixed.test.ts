// redis-sim against real Redis on random sequences that mix families: strings, keys, lists, HyperLogLog,
// transactions with WATCH, and the pub/sub commands a plain connection can send. Mixing is where type checks,
// WRONGTYPE paths, queued errors and EXEC's propagation of several families meet.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Differential } from './harness.js';
import {
  cmd,
  dbArb,
  keyArb,
  keysArb,
  keysGenerator,
  sequenceArb,
  stringsGenerator,
  valueArb,
  type FamilyGenerator,
} from './generators.js';
import { listsGenerator, transactionGenerator } from './lists-generator.js';

/** HyperLogLog commands; their values are strings whose bytes must match Redis's exactly. */
const hyperLogLogGenerator: FamilyGenerator = {
  name: 'hyperloglog',
  command: fc.oneof(
    cmd('PFADD', keyArb, fc.array(valueArb, { maxLength: 4 })),
    cmd('PFCOUNT', keysArb),
    cmd('PFMERGE', keyArb, keysArb),
    cmd('GET', keyArb),
    cmd('OBJECT', 'ENCODING', keyArb),
  ),
};

/**
 * Connection basics without HELLO, whose reply carries the client id: inside an EXEC array the harness cannot
 * normalise it (the ids of the two servers' connections differ). HELLO switches are covered by the family tests.
 */
const protocolSafeConnectionGenerator: FamilyGenerator = {
  name: 'connection',
  command: fc.oneof(
    cmd('PING'),
    cmd('PING', valueArb),
    cmd('ECHO', valueArb),
    cmd('SELECT', dbArb),
    cmd('DBSIZE'),
    cmd(fc.constantFrom('NOSUCHCOMMAND', 'get', 'Set'), fc.array(valueArb, { maxLength: 3 })),
  ),
};

/** WATCH and UNWATCH around the transaction brackets. */
const watchGenerator: FamilyGenerator = {
  name: 'watch',
  command: fc.oneof(cmd('WATCH', keysArb), cmd('UNWATCH')),
};

/** Pub/sub commands that keep the connection in normal mode. */
const publishGenerator: FamilyGenerator = {
  name: 'publish',
  command: fc.oneof(
    cmd('PUBLISH', fc.constantFrom('ch', '__keyspace@0__:k1'), valueArb),
    cmd('SPUBLISH', fc.constantFrom('ch', 'k1'), valueArb),
    cmd('PUBSUB', 'NUMSUB', fc.array(fc.constantFrom('ch', 'x'), { maxLength: 2 })),
    cmd('PUBSUB', 'NUMPAT'),
    cmd('PUBSUB', 'CHANNELS'),
  ),
};

let diff: Differential;

beforeAll(async () => {
  diff = await Differential.start();
});

afterAll(async () => {
  await diff?.stop();
});

describe('mixed families agree with real Redis', () => {
  it('on random sequences', async () => {
    const families = [
      stringsGenerator,
      keysGenerator,
      protocolSafeConnectionGenerator,
      listsGenerator,
      hyperLogLogGenerator,
      transactionGenerator,
      watchGenerator,
      publishGenerator,
    ];
    await diff.check(sequenceArb(families, { maxLength: 25 }), { numRuns: 150 });
  }, 90_000);
});
