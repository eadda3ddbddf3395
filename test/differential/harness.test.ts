// The differential harness itself: its reply framer, its normalisers, that it finds and shrinks a real difference,
// and that two real Redis servers agree under it (so its normalisers leave no false alarms).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_NORMALISERS, Differential, replyEnd } from './harness.js';
import { connectionGenerator, keysGenerator, sequenceArb, stringsGenerator } from './generators.js';
import { startRealRedis } from '../helpers/servers.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('replyEnd', () => {
  it.each([
    ['+OK\r\n', 5],
    ['$3\r\nabc\r\n', 9],
    ['$-1\r\n', 5],
    ['*2\r\n:1\r\n$2\r\n\r\n\r\n', 16],
    ['%1\r\n+a\r\n,1.5\r\n', 14],
    ['|1\r\n+k\r\n+v\r\n#t\r\n', 16],
    ['=8\r\ntxt:a\r\nb\r\n', 14],
    ['*1\r\n*-1\r\n:7', 9],
  ])('frames %j', (raw, end) => {
    expect(replyEnd(b(raw), 0)).toBe(end);
  });

  it.each(['', '+OK', '$3\r\nab', '*2\r\n:1\r\n', '%1\r\n+a\r\n'])('waits on the incomplete %j', (raw) => {
    expect(replyEnd(b(raw), 0)).toBe(-1);
  });
});

describe('default normalisers', () => {
  it('ignore what may differ and keep the rest', () => {
    const scan = DEFAULT_NORMALISERS.scan!;
    expect(scan(['SCAN', '0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n')).toBe(
      scan(['SCAN', '0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    );
    expect(scan(['SCAN', '0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n')).not.toBe(
      scan(['SCAN', '0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n'),
    );
    const hello = DEFAULT_NORMALISERS.hello!;
    const reply = (id: number, proto: number) => `*4\r\n$2\r\nid\r\n:${id}\r\n$5\r\nproto\r\n:${proto}\r\n`;
    expect(hello(['HELLO'], reply(5, 2))).toBe(hello(['HELLO'], reply(6, 2)));
    expect(hello(['HELLO'], reply(5, 2))).not.toBe(hello(['HELLO'], reply(5, 3)));
  });
});

describe('Differential', () => {
  let differing: Differential;

  beforeAll(async () => {
    differing = await Differential.start({
      oracle: () => startRealRedis(['--databases', '16']),
      subject: () => startRealRedis(['--databases', '32']),
    });
  });

  afterAll(async () => {
    await differing?.stop();
  });

  it('reports the first mismatch of a sequence', async () => {
    expect(
      await differing.run([
        ['SET', 'k1', 'v'],
        ['SELECT', '1'],
        ['GET', 'k1'],
      ]),
    ).toBeNull();
    expect(await differing.run([['PING'], ['SELECT', '20'], ['PING']])).toEqual({
      index: 1,
      command: ['SELECT', '20'],
      oracle: '-ERR DB index is out of range\r\n',
      subject: '+OK\r\n',
    });
  });

  it('shrinks a failing sequence and prints it with the seed', async () => {
    const arb = fc.array(
      fc.constantFrom(['PING'], ['SELECT', '1'], ['SELECT', '20'], ['ECHO', 'x'], ['SET', 'k1', 'v']),
      { minLength: 1, maxLength: 10 },
    );
    const failure = await differing.check(arb, { numRuns: 200, seed: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    const text = `${(failure as Error).message}\n${String((failure as Error).cause)}`;
    expect(text).toContain('seed: 1');
    expect(text).toContain("commands: [['SELECT', '20']] }");
  });

  it('finds no difference between two real servers on random sequences', async () => {
    const same = await Differential.start({ oracle: () => startRealRedis(), subject: () => startRealRedis() });
    try {
      await same.check(sequenceArb([stringsGenerator, keysGenerator, connectionGenerator]), { numRuns: 100 });
    } finally {
      await same.stop();
    }
  }, 60_000);
});
