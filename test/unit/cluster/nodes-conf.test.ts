// nodes.conf: the saved text (clusterSaveConfig) and the loader (clusterLoadConfig) with its fixes on load and its
// fatal errors.

import { describe, expect, it } from 'vitest';
import { ClusterConfigError } from '../../../src/cluster/cluster.js';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { ClusterState } from '../../../src/cluster/cluster-state.js';
import { NodeFlag } from '../../../src/cluster/constants.js';
import {
  CORRUPTED_CONFIG_MESSAGE,
  UNKNOWN_FLAG_MESSAGE,
  formatNodesConf,
  parseNodesConf,
} from '../../../src/cluster/nodes-conf.js';

const A = '07c37dfeb235213a872192d90877d0cd55635b91';
const B = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
const C = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
const NOW = 1_700_000_000_000;

/** What a real 3-node (2 masters + 1 replica) Redis 7.0 nodes.conf looks like, seen from A. */
const SAMPLE = [
  `${A} 127.0.0.1:30001@40001 myself,master - 0 1699999999000 1 connected 0-8191 [8000->-${B}]`,
  `${B} 127.0.0.1:30002@40002,b.example master - 0 1699999998000 2 connected 8192-16383 [100-<-${A}]`,
  `${C} 127.0.0.1:30003@40003 slave ${B} 0 1699999997000 2 connected`,
  'vars currentEpoch 6 lastVoteEpoch 4',
  '',
].join('\n');

function errorOf(text: string): string {
  try {
    parseNodesConf(text, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(ClusterConfigError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('parseNodesConf', () => {
  it('rebuilds nodes, roles, slots, migrations and vars', () => {
    const state = parseNodesConf(SAMPLE, NOW);
    expect(state.myself.name).toBe(A);
    expect([...state.nodes.keys()]).toEqual([A, B, C]);
    const a = state.lookup(A)!;
    const b = state.lookup(B)!;
    const c = state.lookup(C)!;
    expect(a.isMyself && a.isMaster).toBe(true);
    expect(b.hostname).toBe('b.example');
    expect([b.ip, b.port, b.cport]).toEqual(['127.0.0.1', 30002, 40002]);
    expect(c.master).toBe(b);
    expect(b.replicas).toEqual([c]);
    expect(state.slots[0]).toBe(a);
    expect(state.slots[8191]).toBe(a);
    expect(state.slots[8192]).toBe(b);
    expect(a.numSlots).toBe(8192);
    expect(b.numSlots).toBe(8192);
    expect(state.migratingTo[8000]).toBe(b);
    // Only the myself line is meant to carry these, but the loader restores whatever it reads.
    expect(state.importingFrom[100]).toBe(a);
    expect([state.currentEpoch, state.lastVoteEpoch]).toEqual([6, 4]);
  });

  it('applies the load-time fixes: replica epoch 0, non-zero ping/pong become now', () => {
    const state = parseNodesConf(SAMPLE, NOW);
    expect(state.lookup(C)!.configEpoch).toBe(0);
    expect(state.lookup(B)!.configEpoch).toBe(2);
    expect(state.lookup(A)!.pongReceived).toBe(NOW);
    expect(state.lookup(B)!.pingSent).toBe(0);
  });

  it('stamps fail_time for fail nodes, defaults a missing @cport, and skips blank lines', () => {
    const text = [
      '',
      `${A} 10.0.0.1:7000@17000 myself,master - 0 0 0 connected`,
      `${B} 10.0.0.2:7001 master,fail - 5 0 3 disconnected 5-9`,
      '',
      'vars currentEpoch 3 lastVoteEpoch 0',
    ].join('\n');
    const state = parseNodesConf(text, NOW);
    const b = state.lookup(B)!;
    expect(b.failed).toBe(true);
    expect(b.failTime).toBe(NOW);
    expect(b.pingSent).toBe(NOW);
    expect(b.cport).toBe(17001);
    expect(b.numSlots).toBe(5);
  });

  it('warns about unknown vars and keeps going', () => {
    const warnings: string[] = [];
    const text = `${A} :7000@17000 myself,master - 0 0 0 connected\nvars currentEpoch 2 color blue\n`;
    const state = parseNodesConf(text, NOW, (m) => warnings.push(m));
    expect(state.currentEpoch).toBe(2);
    expect(warnings).toEqual(["Skipping unknown cluster config variable 'color'"]);
  });

  it.each([
    ['a short line', 'garbage here'],
    ['no myself line', `${B} 127.0.0.1:1@2 master - 0 0 0 connected\n`],
    ['a bad node id', `${A.toUpperCase()} 127.0.0.1:1@2 myself,master - 0 0 0 connected\n`],
    ['an address without a port', `${A} 127.0.0.1 myself,master - 0 0 0 connected\n`],
    ['a slot out of range', `${A} :1@2 myself,master - 0 0 0 connected 16384\n`],
    ['a bad master id', `${A} :1@2 myself,slave xyz 0 0 0 connected\n`],
    ['a bad migration entry', `${A} :1@2 myself,master - 0 0 0 connected [5->-nope]\n`],
    ['an even vars line', `${A} :1@2 myself,master - 0 0 0 connected\nvars currentEpoch\n`],
    ['two myself lines', `${A} :1@2 myself,master - 0 0 0 connected\n${B} :1@2 myself,master - 0 0 0 connected\n`],
  ])('rejects %s as a corrupted file', (_what, text) => {
    expect(errorOf(text)).toBe(CORRUPTED_CONFIG_MESSAGE);
  });

  it('rejects an unknown flag with the panic message', () => {
    expect(errorOf(`${A} :1@2 myself,boss - 0 0 0 connected\n`)).toBe(UNKNOWN_FLAG_MESSAGE);
  });
});

describe('formatNodesConf', () => {
  it('writes CLUSTER NODES lines minus handshake nodes, then the vars line', () => {
    const me = new ClusterNode(A, NodeFlag.MYSELF | NodeFlag.MASTER, 0);
    me.ip = '127.0.0.1';
    me.port = 30001;
    me.cport = 40001;
    me.configEpoch = 1;
    const state = new ClusterState(me);
    state.addNode(new ClusterNode(B, NodeFlag.HANDSHAKE | NodeFlag.MEET, 0));
    state.addSlot(3, me);
    state.currentEpoch = 4;
    state.lastVoteEpoch = 2;
    expect(formatNodesConf(state)).toBe(
      `${A} 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 3\nvars currentEpoch 4 lastVoteEpoch 2\n`,
    );
  });

  it('round-trips a file with zero timestamps byte for byte', () => {
    const text = [
      `${A} 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-8191 10000 [8000->-${B}] [9000-<-${B}]`,
      `${B} 127.0.0.1:30002@40002,b.example master - 0 0 2 disconnected 8192-9999 10001-16383`,
      `${C} 127.0.0.1:30003@40003 slave,nofailover ${B} 0 0 2 disconnected`,
      'vars currentEpoch 6 lastVoteEpoch 4',
      '',
    ].join('\n');
    expect(formatNodesConf(parseNodesConf(text, NOW))).toBe(text);
  });
});
