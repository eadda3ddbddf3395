// DEBUG DIGEST's algorithm checked against values printed by real Redis 7.0.15 for the same datasets.
import { describe, it, expect } from 'vitest';
import { Database, type DatabaseHooks } from '../../../src/node/database.js';
import { datasetDigest, digestHex, newDigest, valueDigest } from '../../../src/node/persistence/digest.js';

const hooks: DatabaseHooks = { now: () => 0, modified: () => {}, expired: () => {}, mayDeleteExpired: () => true };

describe('dataset digest', () => {
  it('is all zeros for an empty dataset', () => {
    expect(digestHex(datasetDigest([new Database(0, hooks), new Database(1, hooks)]))).toBe('0'.repeat(40));
  });

  it('equals real Redis for strings in two databases, one with an expiry, regardless of insertion order', () => {
    const build = (order: string[]) => {
      const db0 = new Database(0, hooks);
      const values: Record<string, string> = {
        hello: 'world',
        n: '12345',
        big: '123456789012',
        neg: '-5',
        long: 'a'.repeat(56),
        ex: 'v',
      };
      for (const k of order) db0.set(k, values[k]!);
      db0.setExpiry('ex', 4102444800000);
      const db1 = new Database(1, hooks);
      const db2 = new Database(2, hooks);
      db2.set('k2', 'v2');
      return [db0, db1, db2];
    };
    const expected = 'b31030bc27e214904a186a117aa482d3e699449c';
    expect(digestHex(datasetDigest(build(['hello', 'n', 'big', 'neg', 'long', 'ex'])))).toBe(expected);
    expect(digestHex(datasetDigest(build(['ex', 'long', 'neg', 'big', 'n', 'hello'])))).toBe(expected);
  });

  it('gives DIGEST-VALUE digests equal to real Redis (with and without an expiry)', () => {
    expect(digestHex(valueDigest('world', false))).toBe('7dd258b3230f13fda3d434d9fc4e7f0a76c06ad0');
    expect(digestHex(valueDigest('v', true))).toBe('311b17018163335616e089f6b951c82c477335ac');
    expect(digestHex(newDigest())).toBe('0'.repeat(40));
  });
});
