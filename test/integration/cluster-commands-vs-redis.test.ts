// The CLUSTER commands of a single cluster node, redis-sim against real Redis 7.0.15: the same command sequence on
// both (slot assignment, SETSLOT, key slots, the errors of every check), with each node's id and ports masked, must
// give identical replies, in RESP2 and RESP3. It also exercises redirection errors and the slot key index.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../../src/cluster/key-slot.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { type ClusterNodeHandle, maskReply, startClusterNodeOfKind } from '../helpers/cluster-node-kinds.js';
import { ClientPool, type RespClient, waitFor } from '../helpers/servers.js';

/** One side of the comparison: a node, and a second client in RESP3. */
interface Side extends ClusterNodeHandle {
  resp3: RespClient;
}

const clients = new ClientPool();
const cleanups: (() => Promise<void>)[] = [];
let real: Side;
let sim: Side;

async function side(kind: 'real' | 'sim'): Promise<Side> {
  const node = await startClusterNodeOfKind(kind, clients, cleanups);
  const resp3 = await clients.connect(node);
  await resp3.call('HELLO', '3');
  return { ...node, resp3 };
}

beforeAll(async () => {
  real = await side('real');
  sim = await side('sim');
}, 30_000);

afterAll(async () => {
  await clients.closeAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A reply with the node's own id and ports replaced by placeholders. */
function masked(reply: Reply, s: Side): unknown {
  return maskReply(
    reply,
    [
      [s.id, '<id>'],
      [`:${s.port}@${s.busPort}`, ':<port>@<bus>'],
      [`:${s.port}`, ':<port>'],
    ],
    new Map([[s.port, '<port>']]),
  );
}

/** Sends the same command to both nodes (RESP2 unless `resp3`) and expects the same masked reply. */
async function same(args: readonly string[], resp3 = false): Promise<unknown> {
  const cmd = (s: Side) => (resp3 ? s.resp3 : s.client).call(...args.map((a) => a.replaceAll('<id>', s.id)));
  const [r, m] = await Promise.all([cmd(real), cmd(sim)]);
  const expected = masked(r, real);
  expect(masked(m, sim), args.join(' ')).toEqual(expected);
  return expected;
}

/** A key of a slot within [lo, hi]. */
function keyBetween(lo: number, hi: number, prefix = 'k'): string {
  for (let i = 0; ; i++) {
    const slot = keyHashSlot(`${prefix}${i}`);
    if (slot >= lo && slot <= hi) return `${prefix}${i}`;
  }
}

const UNKNOWN = 'f'.repeat(40);

describe('a fresh cluster node', () => {
  it('describes itself the same way', async () => {
    for (const sub of ['INFO', 'NODES', 'SLOTS', 'SHARDS', 'LINKS']) await same(['CLUSTER', sub]);
    for (const sub of ['INFO', 'NODES', 'SLOTS', 'SHARDS']) await same(['CLUSTER', sub], true);
    await same(['CLUSTER', 'REPLICAS', '<id>']);
    await same(['CLUSTER', 'COUNT-FAILURE-REPORTS', '<id>']);
  });

  it('hashes keys the same way', async () => {
    for (const key of ['foo', 'somekey', '{user1000}.following', 'user1000', '', '{}x', 'a{b}c{d}', '{{a}}']) {
      await same(['CLUSTER', 'KEYSLOT', key]);
    }
  });
});

describe('slot assignment', () => {
  it('assigns slots with the same checks and results', async () => {
    await same(['CLUSTER', 'ADDSLOTS', '0', '1', '2', '7']);
    await same(['CLUSTER', 'ADDSLOTSRANGE', '10', '5000', '6000', '6100']);
    await same(['CLUSTER', 'DELSLOTS', '1']);
    await same(['CLUSTER', 'DELSLOTSRANGE', '100', '200', '6050', '6100']);
    for (const args of [
      ['ADDSLOTS', '0'],
      ['ADDSLOTS', 'x'],
      ['ADDSLOTS', '16384'],
      ['ADDSLOTS', '-1'],
      ['ADDSLOTS', '3', '3'],
      ['ADDSLOTS', '3', 'x'],
      ['DELSLOTS', '7000'],
      ['DELSLOTS', '0', '0'],
      ['ADDSLOTSRANGE', '5', '4'],
      ['ADDSLOTSRANGE', '1', '2', '3'],
      ['ADDSLOTSRANGE', '1'],
      ['DELSLOTSRANGE', '1', '2'],
      ['ADDSLOTSRANGE', '300', '400', '350', '360'],
    ]) {
      await same(['CLUSTER', ...args]);
    }
    await same(['CLUSTER', 'NODES']);
    await same(['CLUSTER', 'SLOTS']);
    await same(['CLUSTER', 'SHARDS'], true);
  });

  it('opens and closes slots with SETSLOT the same way', async () => {
    for (const args of [
      ['SETSLOT', '0', 'MIGRATING', UNKNOWN],
      ['SETSLOT', '9000', 'MIGRATING', '<id>'],
      ['SETSLOT', '0', 'IMPORTING', '<id>'],
      ['SETSLOT', '9000', 'IMPORTING', UNKNOWN],
      ['SETSLOT', '0', 'NODE', UNKNOWN],
      ['SETSLOT', '0', 'BOGUS'],
      ['SETSLOT', '0', 'STABLE', 'x'],
      ['SETSLOT', '0', 'MIGRATING'],
      ['SETSLOT', 'x', 'STABLE'],
      ['SETSLOT', '0', 'MIGRATING', '<id>'],
      ['SETSLOT', '9000', 'IMPORTING', '<id>'],
    ]) {
      await same(['CLUSTER', ...args]);
    }
    await same(['CLUSTER', 'NODES']);
    await same(['CLUSTER', 'SETSLOT', '0', 'STABLE']);
    // Taking over a slot being imported bumps the config epoch without consensus.
    await same(['CLUSTER', 'SETSLOT', '9000', 'NODE', '<id>']);
    await same(['CLUSTER', 'NODES']);
    await same(['CLUSTER', 'INFO']);
    await same(['CLUSTER', 'BUMPEPOCH']);
    await same(['CLUSTER', 'SET-CONFIG-EPOCH', '9']);
    await same(['CLUSTER', 'SET-CONFIG-EPOCH', '-1']);
  });

  it('answers the node management checks the same way', async () => {
    for (const args of [
      ['FORGET', '<id>'],
      ['FORGET', UNKNOWN],
      ['REPLICATE', '<id>'],
      ['REPLICATE', UNKNOWN],
      ['REPLICAS', 'short'],
      ['MEET', '127.0.0.1', 'x'],
      ['MEET', '127.0.0.1', '7000', 'y'],
      ['MEET', '1.2.3', '7000'],
      ['MEET', '127.0.0.1', '0'],
      ['MEET', '127.0.0.1', '70000'],
      ['MEET', '127.0.0.1', '7000', '17000', 'extra'],
      ['RESET', 'MEDIUM'],
      ['RESET', 'SOFT', 'x'],
      ['COUNTKEYSINSLOT', 'x'],
      ['COUNTKEYSINSLOT', '16384'],
      ['GETKEYSINSLOT', '1', 'x'],
      ['GETKEYSINSLOT', '-1', '2'],
      ['GETKEYSINSLOT', '1', '-2'],
      ['INFO', 'extra'],
      ['NOSUCH'],
      ['SAVECONFIG'],
    ]) {
      await same(['CLUSTER', ...args]);
    }
    for (const args of [['ASKING'], ['READONLY'], ['READWRITE'], ['SELECT', '1'], ['SELECT', '0']]) await same(args);
  });
});

describe('keys once the cluster is up', () => {
  it('redirects, indexes keys by slot and refuses destructive commands the same way', async () => {
    for (const s of [real, sim]) await s.client.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
    const up = async (s: Side) =>
      String(toPlain(await s.client.call('CLUSTER', 'INFO'))).startsWith('cluster_state:ok');
    await waitFor(async () => (await up(real)) && (await up(sim)), { timeoutMs: 10_000, message: 'cluster_state:ok' });

    const mine = keyBetween(10, 5000);
    const tag = `{${keyBetween(10, 5000, 'tag')}}`;
    const tagged = [`${tag}1`, `${tag}2`, `${tag}3`];
    const tagSlot = keyHashSlot(tag);
    await same(['SET', mine, 'v']);
    for (const k of tagged) await same(['SET', k, 'v']);
    expect(await same(['GET', keyBetween(5001, 5999)])).toEqual({ t: 'error', s: 'CLUSTERDOWN Hash slot not served' });
    expect(await same(['MSET', mine, '1', keyBetween(10, 5000, 'other')])).toEqual({
      t: 'error',
      s: "CROSSSLOT Keys in request don't hash to the same slot",
    });
    await same(['MGET', ...tagged]);
    await same(['CLUSTER', 'COUNTKEYSINSLOT', String(tagSlot)]);
    await same(['CLUSTER', 'GETKEYSINSLOT', String(tagSlot), '2']);
    expect(toPlain((await same(['CLUSTER', 'GETKEYSINSLOT', String(tagSlot), '10'])) as Reply)).toEqual([
      `${tag}3`,
      `${tag}2`,
      `${tag}1`,
    ]);
    await same(['DEL', `${tag}2`]);
    await same(['CLUSTER', 'GETKEYSINSLOT', String(tagSlot), '10']);
    await same(['MULTI']);
    await same(['SET', `${tag}4`, 'v']);
    await same(['GET', keyBetween(5001, 5999)]);
    expect(await same(['EXEC'])).toEqual({
      t: 'error',
      s: 'EXECABORT Transaction discarded because of previous errors.',
    });
    await same(['CLUSTER', 'FLUSHSLOTS']);
    await same(['CLUSTER', 'RESET']);
    await same(['CLUSTER', 'SETSLOT', String(tagSlot), 'MIGRATING', '<id>']);
    // Migrating: keys present are served, missing ones get ASK (to myself here), a mix gets TRYAGAIN.
    await same(['GET', `${tag}1`]);
    await same(['MGET', `${tag}1`, `${tag}3`]);
    expect(await same(['MGET', `${tag}1`, `${tag}2`])).toEqual({
      t: 'error',
      s: 'TRYAGAIN Multiple keys request during rehashing of slot',
    });
    // An ASK that would name this very node is served here instead.
    expect(await same(['GET', `${tag}2`])).toEqual({ t: 'nil' });
    await same(['CLUSTER', 'SETSLOT', String(tagSlot), 'STABLE']);
    await same(['CLUSTER', 'INFO']);
    await same(['CLUSTER', 'NODES']);
    await same(['CLUSTER', 'SLOTS'], true);
  });
});
