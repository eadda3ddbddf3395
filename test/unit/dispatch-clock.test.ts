// The request pipeline reads the environment's clock once per request: ClientSession.receive takes the reading the
// first request then runs at, and every further request of the same chunk reads it once more.

import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../helpers/node-harness.js';

/** Counts the environment's clock readings while `body` runs. */
function clockReads(h: NodeHarness, body: () => void): number {
  const env = h.node.env as { now: () => number };
  const now = env.now;
  let reads = 0;
  env.now = () => {
    reads++;
    return now.call(h.node.env);
  };
  try {
    body();
  } finally {
    env.now = now;
  }
  return reads;
}

describe('clock reads per request', () => {
  it('reads the clock once for a lone request and once per request of a pipeline', () => {
    const h = new NodeHarness();
    const client = h.client();
    client.run('SET', 'k', 'v');
    expect(clockReads(h, () => client.run('GET', 'k'))).toBe(1);
    expect(clockReads(h, () => client.run('SET', 'k', 'w'))).toBe(1);
    const pipeline = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'.repeat(3);
    expect(clockReads(h, () => client.sendBytes(pipeline))).toBe(3);
    expect([client.nextReply(), client.nextReply(), client.nextReply()].map((r) => r?.t)).toEqual([
      'bulk',
      'bulk',
      'bulk',
    ]);
  });
});
