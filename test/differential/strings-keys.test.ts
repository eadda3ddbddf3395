// redis-sim against real Redis on random sequences of string, keyspace and connection commands.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Differential, formatMismatch } from './harness.js';
import { connectionGenerator, keysGenerator, sequenceArb, stringsGenerator } from './generators.js';
import { REGRESSIONS } from './regressions.js';

let diff: Differential;

beforeAll(async () => {
  diff = await Differential.start();
});

afterAll(async () => {
  await diff?.stop();
});

describe('strings, keys and connection commands agree with real Redis', () => {
  it.each(REGRESSIONS.map((r) => [r.note, r] as const))('regression: %s', async (_note, regression) => {
    const mismatch = await diff.run(regression.commands, { exact: regression.exact ?? false });
    expect(mismatch === null ? null : formatMismatch(regression.commands, mismatch)).toBeNull();
  });

  it('on random sequences', async () => {
    await diff.check(sequenceArb([stringsGenerator, keysGenerator, connectionGenerator], { maxLength: 25 }), {
      numRuns: 200,
    });
  }, 60_000);
});
