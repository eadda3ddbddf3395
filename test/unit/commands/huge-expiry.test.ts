// Expiry times past 2^53 ms stay exact 64-bit integers, as in Redis 7.0.15: every command that reports, compares,
// carries or propagates an expiry uses the exact value (answers checked against real redis-server 7.0.15).

import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';

/** 2^53 + 1: the first millisecond time a double cannot hold (it rounds to 2^53). */
const E = 9007199254740993n;
const INT64_MAX = 9223372036854775807n;

/** A harness recording propagated commands. */
function harness(): { h: NodeHarness; fed: string[][]; now: bigint } {
  const h = new NodeHarness();
  const fed: string[][] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  return { h, fed, now: BigInt(Math.trunc(h.node.now())) };
}

/** An integer reply as decimal text, whether it came back as a number or a bigint. */
function text(h: NodeHarness, ...args: string[]): string {
  const reply = h.run(...args);
  expect(['number', 'bigint']).toContain(typeof reply);
  return String(reply as number | bigint);
}

describe('reporting a huge expiry', () => {
  it('PEXPIRETIME, EXPIRETIME, PTTL and TTL are exact past 2^53 ms', () => {
    const { h, now } = harness();
    expect(h.run('SET', 'k', 'v', 'PXAT', String(E))).toBe('OK');
    expect(text(h, 'PEXPIRETIME', 'k')).toBe(String(E));
    expect(text(h, 'EXPIRETIME', 'k')).toBe(String((E + 500n) / 1000n));
    expect(text(h, 'PTTL', 'k')).toBe(String(E - now));
    expect(text(h, 'TTL', 'k')).toBe(String((E - now + 500n) / 1000n));
  });

  it('rounds INT64_MAX to seconds without wrapping, like Redis', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v');
    expect(h.run('PEXPIREAT', 'k', String(INT64_MAX))).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'k')).toBe('9223372036854775807');
    expect(text(h, 'EXPIRETIME', 'k')).toBe('9223372036854776');
    expect(h.run('PEXPIREAT', 'k', '9223372036854773900')).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'k')).toBe('9223372036854773900');
  });

  it('keeps small expiries as plain numbers after a huge one is replaced', () => {
    const { h, now } = harness();
    h.run('SET', 'k', 'v', 'PXAT', String(E));
    h.run('PEXPIRE', 'k', '5000');
    expect(h.run('PTTL', 'k')).toBe(5000);
    expect(h.run('PEXPIRETIME', 'k')).toBe(Number(now) + 5000);
    h.run('PEXPIREAT', 'k', String(E));
    expect(h.run('PERSIST', 'k')).toBe(1);
    expect(h.run('PEXPIRETIME', 'k')).toBe(-1);
    h.run('PEXPIREAT', 'k', String(E));
    h.run('SET', 'k', 'w', 'KEEPTTL');
    expect(text(h, 'PEXPIRETIME', 'k')).toBe(String(E));
    h.run('SET', 'k', 'x');
    expect(h.run('PTTL', 'k')).toBe(-1);
  });
});

describe('relative expiries turned absolute', () => {
  it('SETEX, SET EX/PX, GETEX EX and EXPIRE compute now + ttl exactly and propagate it', () => {
    const { h, fed, now } = harness();
    const secs = 4611686018427388n;
    expect(h.run('SETEX', 'a', String(secs), 'v')).toBe('OK');
    expect(text(h, 'PTTL', 'a')).toBe(String(secs * 1000n));
    expect(text(h, 'TTL', 'a')).toBe(String(secs));
    expect(fed.at(-1)).toEqual(['SET', 'a', 'v', 'PXAT', String(now + secs * 1000n)]);

    h.run('SET', 'b', 'v', 'PX', String(E));
    expect(text(h, 'PEXPIRETIME', 'b')).toBe(String(now + E));
    expect(fed.at(-1)).toEqual(['SET', 'b', 'v', 'PXAT', String(now + E)]);

    expect(h.run('GETEX', 'b', 'EX', String(secs))).toBe('v');
    expect(text(h, 'PEXPIRETIME', 'b')).toBe(String(now + secs * 1000n));
    expect(fed.at(-1)).toEqual(['PEXPIREAT', 'b', String(now + secs * 1000n)]);

    expect(h.run('EXPIRE', 'b', String(secs + 1n))).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'b')).toBe(String(now + (secs + 1n) * 1000n));
    expect(fed.at(-1)).toEqual(['PEXPIREAT', 'b', String(now + (secs + 1n) * 1000n)]);
  });

  it('keeps the overflow errors of expireGenericCommand and getExpireMillisecondsOrReply', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v');
    expect(h.run('PEXPIRE', 'k', String(INT64_MAX))).toEqual({
      error: "ERR invalid expire time in 'pexpire' command",
    });
    expect(h.run('SET', 'k', 'v', 'PX', String(INT64_MAX))).toEqual({
      error: "ERR invalid expire time in 'set' command",
    });
    expect(h.run('SET', 'k', 'v', 'EX', '9223372036854776')).toEqual({
      error: "ERR invalid expire time in 'set' command",
    });
    expect(h.run('PEXPIREAT', 'k', String(INT64_MAX))).toBe(1);
  });

  it('compares GT and LT against the exact expiry', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v', 'PXAT', String(E));
    // E - 1 is 2^53, the double E rounds to: only exact comparison sees it as lower.
    expect(h.run('PEXPIREAT', 'k', String(E - 1n), 'GT')).toBe(0);
    expect(h.run('PEXPIREAT', 'k', String(E - 1n), 'LT')).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'k')).toBe(String(E - 1n));
    expect(h.run('PEXPIREAT', 'k', String(E), 'GT')).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'k')).toBe(String(E));
  });
});

describe('carrying a huge expiry', () => {
  it('COPY, RENAME and MOVE keep the exact expiry', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v', 'PXAT', String(E));
    expect(h.run('COPY', 'k', 'c')).toBe(1);
    expect(text(h, 'PEXPIRETIME', 'c')).toBe(String(E));
    expect(h.run('RENAME', 'c', 'r')).toBe('OK');
    expect(text(h, 'PEXPIRETIME', 'r')).toBe(String(E));
    expect(h.run('MOVE', 'r', '1')).toBe(1);
    h.run('SELECT', '1');
    expect(text(h, 'PEXPIRETIME', 'r')).toBe(String(E));
  });

  it('RESTORE keeps an exact ABSTTL and propagates an exact relative one; a TTL overflowing 64 bits is past', () => {
    const { h, fed, now } = harness();
    h.run('SET', 'src', 'hello');
    const payload = h.run('DUMP', 'src') as string;
    expect(h.run('RESTORE', 'a', String(E), payload, 'ABSTTL')).toBe('OK');
    expect(text(h, 'PEXPIRETIME', 'a')).toBe(String(E));
    expect(h.run('RESTORE', 'b', String(E), payload)).toBe('OK');
    expect(text(h, 'PEXPIRETIME', 'b')).toBe(String(now + E));
    expect(fed.at(-1)).toEqual(['RESTORE', 'b', String(now + E), payload, 'ABSTTL']);
    // restoreCommand's `ttl += mstime()` wraps negative: already expired, so nothing is created.
    expect(h.run('RESTORE', 'c', '9223372036854775000', payload)).toBe('OK');
    expect(h.run('EXISTS', 'c')).toBe(0);
  });
});
