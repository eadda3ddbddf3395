// The lab's path to a cluster: six nodes from redis.conf files, `redis-cli --cluster create --cluster-replicas 1`,
// `--cluster check`, CLUSTER INFO / CLUSTER NODES, and `redis-cli -c` following redirections. Every expectation is
// proven against real Redis 7.0.15 nodes and then asserted on redis-sim nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkIsClean,
  clusterCheck,
  clusterInfoFields,
  createClusterOrThrow,
  parseClusterNodes,
  startKindNodes,
  shown,
  waitForClusterOk,
  type NodeKind,
  type NodeProcess,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { keyHashSlot } from '../../src/cluster/key-slot.js';
import { runTool, type ToolResult } from './targets.js';

const KINDS: readonly NodeKind[] = ['real', 'sim'];

/** The three masters' slot ranges as `--cluster create` splits 16384 slots. */
const RANGES = ['0-5460', '5461-10922', '10923-16383'] as const;

/** Every node's CLUSTER NODES, normalised (ids, ports and times masked; lines sorted), as real Redis prints it. */
const NODES_NORMALISED = [
  'master - 1 connected 0-5460',
  'master - 2 connected 5461-10922',
  'master - 3 connected 10923-16383',
  'slave <0-5460> 1 connected',
  'slave <5461-10922> 2 connected',
  'slave <10923-16383> 3 connected',
];

/** The fields CLUSTER INFO starts with, in order, and their values once the cluster is settled. */
const INFO_HEAD: readonly (readonly [string, string | RegExp])[] = [
  ['cluster_state', 'ok'],
  ['cluster_slots_assigned', '16384'],
  ['cluster_slots_ok', '16384'],
  ['cluster_slots_pfail', '0'],
  ['cluster_slots_fail', '0'],
  ['cluster_known_nodes', '6'],
  ['cluster_size', '3'],
  ['cluster_current_epoch', '6'],
  ['cluster_my_epoch', /^[123]$/],
];

describe.each(KINDS)('the lab cluster path on %s nodes', (kind) => {
  let set: NodeSet;
  let nodes: readonly NodeProcess[];
  let create: ToolResult;

  beforeAll(async () => {
    set = await startKindNodes(kind, 6);
    nodes = set.nodes;
    create = await createClusterOrThrow(nodes, 1);
    await waitForClusterOk(nodes[0]!, nodes);
  }, 120_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('creates the cluster with --cluster create … --cluster-replicas 1 --cluster-yes', () => {
    expect(create.code).toBe(0);
    expect(create.stdout).toContain('>>> Performing hash slots allocation on 6 nodes...');
    expect(create.stdout).toContain('Master[0] -> Slots 0 - 5460');
    expect(create.stdout).toContain('>>> Sending CLUSTER MEET messages to join the cluster');
    expect(create.stdout).toContain('[OK] All nodes agree about slots configuration.');
    expect(create.stdout).toContain('[OK] All 16384 slots covered.');
  });

  it('passes --cluster check from every node', async () => {
    for (const node of nodes) {
      const check = await clusterCheck(node);
      expect(check.code, shown(check)).toBe(0);
      expect(check.stdout).toContain('[OK] All 16384 slots covered.');
      expect(checkIsClean(check), shown(check)).toBe(true);
      expect(check.stdout.match(/^M: [0-9a-f]{40} /gm)).toHaveLength(3);
      expect(check.stdout.match(/^S: [0-9a-f]{40} /gm)).toHaveLength(3);
    }
  });

  it('reports CLUSTER INFO as Redis does', async () => {
    for (const node of nodes) {
      const text = String(await node.run('CLUSTER', 'INFO'));
      expect(text.endsWith('\r\n')).toBe(true);
      const names = text
        .slice(0, -2)
        .split('\r\n')
        .map((line) => line.split(':')[0]!);
      const fields = clusterInfoFields(text);
      expect(names.slice(0, INFO_HEAD.length)).toEqual(INFO_HEAD.map(([name]) => name));
      for (const [name, value] of INFO_HEAD) expect(fields[name], name).toMatch(value);
      // Then the message counters (only the types seen), and one last field.
      const stats = names.slice(INFO_HEAD.length, -1);
      for (const name of stats) expect(name).toMatch(/^cluster_stats_messages_([a-z-]+_)?(sent|received)$/);
      expect(names.at(-1)).toBe('total_cluster_links_buffer_limit_exceeded');
      for (const way of ['sent', 'received'] as const) {
        const total = Number(fields[`cluster_stats_messages_${way}`]);
        const parts = stats.filter((n) => n.endsWith(`_${way}`) && n !== `cluster_stats_messages_${way}`);
        expect(total).toBeGreaterThan(0);
        expect(parts.reduce((sum, n) => sum + Number(fields[n]), 0)).toBe(total);
      }
      expect(fields['cluster_stats_messages_ping_sent']).toMatch(/^[1-9]\d*$/);
      expect(fields['cluster_stats_messages_pong_received']).toMatch(/^[1-9]\d*$/);
    }
  });

  it('prints CLUSTER NODES with the same structure on every node', async () => {
    const ports = new Set(nodes.map((n) => n.port));
    for (const node of nodes) {
      const text = String(await node.run('CLUSTER', 'NODES'));
      const lines = parseClusterNodes(text);
      expect(lines).toHaveLength(6);
      const mine = lines.filter((l) => l.flags.includes('myself'));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.address).toBe(`127.0.0.1:${node.port}@${node.port + 10_000}`);
      expect(mine[0]!.id).toBe(await node.run('CLUSTER', 'MYID'));
      const rangeOf = new Map(lines.filter((l) => l.master === '-').map((l) => [l.id, l.slots.join(' ')]));
      const normalised = lines.map((l) => {
        expect(l.id).toMatch(/^[0-9a-f]{40}$/);
        const port = Number(/^127\.0\.0\.1:(\d+)@(\d+)$/.exec(l.address)?.[1]);
        expect(ports.has(port), l.address).toBe(true);
        expect(l.address).toBe(`127.0.0.1:${port}@${port + 10_000}`);
        expect(l.pingSent).toMatch(/^\d+$/);
        expect(l.pongRecv).toMatch(/^\d+$/);
        const flags = l.flags.filter((f) => f !== 'myself').join(',');
        const master = l.master === '-' ? '-' : `<${rangeOf.get(l.master) ?? `unknown ${l.master}`}>`;
        return [flags, master, l.configEpoch, l.linkState, ...l.slots].join(' ');
      });
      expect(normalised.sort(), text).toEqual([...NODES_NORMALISED].sort());
      expect([...rangeOf.values()].sort()).toEqual([...RANGES].sort());
    }
  });

  it('redirects redis-cli -c to the owner of the key', async () => {
    const slot = keyHashSlot('foo');
    expect(slot).toBe(12182);
    // create gives slots 10923-16383 to the third node; ask the first.
    const [other, , owner] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const set = await runTool('redis-cli', ['-c', '-p', String(other.port)], { input: 'set foo bar\n' });
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`-> Redirected to slot [12182] located at 127.0.0.1:${owner.port}\nOK\n`);
    const get = await runTool('redis-cli', ['-c', '-p', String(other.port)], { input: 'get foo\n' });
    expect(get.stdout).toBe(`-> Redirected to slot [12182] located at 127.0.0.1:${owner.port}\nbar\n`);
  });

  it('writes 1000 keys through redis-cli -c and reads them all back', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `lab:key:${i}`);
    const setScript = keys.map((k, i) => `SET ${k} value-${i}\n`).join('');
    const set = await runTool('redis-cli', ['-c', '-p', String(nodes[0]!.port)], { input: setScript });
    expect(set.code).toBe(0);
    const setReplies = set.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('-> Redirected'));
    expect(setReplies).toEqual(keys.map(() => 'OK'));
    expect(set.stdout).toMatch(/^-> Redirected to slot \[\d+\] located at 127\.0\.0\.1:\d+$/m);

    // Read them back through a different entry node.
    const getScript = keys.map((k) => `GET ${k}\n`).join('');
    const get = await runTool('redis-cli', ['-c', '-p', String(nodes[1]!.port)], { input: getScript });
    expect(get.code).toBe(0);
    const values = get.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('-> Redirected'));
    expect(values).toEqual(keys.map((_, i) => `value-${i}`));

    // And the keys sit on the masters that own their slots, 1000 in all.
    const held = [];
    for (const [i, node] of nodes.slice(0, 3).entries()) {
      const mine = (await node.run('KEYS', 'lab:key:*')) as string[];
      for (const key of mine) expect(_ownerIndex(keyHashSlot(key)), key).toBe(i);
      held.push(...mine);
    }
    expect(held.sort()).toEqual([...keys].sort());
  });
});

// --- internal ---

/** Which of the first three nodes owns `slot`, given create's split. */
function _ownerIndex(slot: number): number {
  return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
}
