// redis-sim against real Redis on random sequences mixing list commands with string, keyspace and protocol
// commands (HELLO 2/3 switches reply shapes), every reply compared byte for byte; no exceptions are needed, list
// commands being deterministic. Blocking commands appear only in forms that cannot wait long (see
// lists-generator.ts). HELLO and MULTI are kept in separate runs: a HELLO queued in MULTI makes EXEC's reply carry
// connection ids, and redis-sim encodes EXEC's replies in the protocol in force at its end (a transactions matter).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { RedisNode } from '../../src/node/node.js';
import { startRealRedis, startSimServer } from '../helpers/servers.js';
import { Differential, formatMismatch } from './harness.js';
import {
  cmd,
  keyArb,
  keysArb,
  keysGenerator,
  sequenceArb,
  stringsGenerator,
  type FamilyGenerator,
} from './generators.js';
import { listsGenerator, transactionGenerator } from './lists-generator.js';
import { REGRESSIONS } from './regressions.js';

let diff: Differential;
let simNode: RedisNode | undefined;

beforeAll(async () => {
  diff = await Differential.start({
    oracle: () => startRealRedis(['--enable-debug-command', 'yes']),
    subject: async () => {
      const s = await startSimServer([['enable-debug-command', ['yes']]]);
      simNode = s.server.node;
      return s;
    },
  });
});

afterAll(async () => {
  await diff?.stop();
});

/** Keyspace commands that meet lists; OBJECT ENCODING and DUMP join once redis-sim has them. */
function keysOnLists(): FamilyGenerator {
  const commands = [
    cmd('DEL', keysArb),
    cmd('TYPE', keyArb),
    cmd('RENAME', keyArb, keyArb),
    cmd('COPY', keyArb, keyArb, fc.constantFrom<string[]>([], ['REPLACE'])),
    cmd('EXPIRE', keyArb, fc.constantFrom('100', '0')),
    cmd('DEBUG', 'DIGEST-VALUE', keyArb),
  ];
  if (simNode?.commands.get('object') !== undefined) commands.push(cmd('OBJECT', 'ENCODING', keyArb));
  if (simNode?.commands.get('dump') !== undefined) commands.push(cmd('DUMP', keyArb));
  return { name: 'keys on lists', command: fc.oneof(...commands) };
}

/** HELLO switches RESP2/RESP3 (null replies differ); SELECT moves between databases. */
const protocolGenerator: FamilyGenerator = {
  name: 'protocol',
  command: fc.oneof(cmd('HELLO', fc.constantFrom('2', '3')), cmd('SELECT', fc.constantFrom('0', '1'))),
};

describe('list commands agree with real Redis', () => {
  it('on the recorded regressions that involve list commands', async () => {
    const ours = REGRESSIONS.filter((r) => r.commands.some((c) => _LIST_COMMANDS.has((c[0] ?? '').toUpperCase())));
    for (const regression of ours) {
      const mismatch = await diff.run(regression.commands);
      expect(mismatch === null ? null : formatMismatch(regression.commands, mismatch), regression.note).toBeNull();
    }
  });

  it('on random sequences with strings, keys and HELLO', async () => {
    const lists = sequenceArb(
      [
        listsGenerator,
        listsGenerator,
        listsGenerator,
        stringsGenerator,
        keysGenerator,
        keysOnLists(),
        protocolGenerator,
      ],
      { maxLength: 30 },
    );
    await diff.check(lists, { numRuns: 200 });
  }, 60_000);

  it('on random sequences with MULTI/EXEC, where blocking commands answer at once', async () => {
    const lists = sequenceArb([listsGenerator, listsGenerator, keysOnLists(), transactionGenerator], { maxLength: 30 });
    await diff.check(lists, { numRuns: 100 });
  }, 60_000);
});

// --- internal ---

const _LIST_COMMANDS = new Set(
  'LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LRANGE LINDEX LSET LINSERT LLEN LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP'.split(
    ' ',
  ),
);
