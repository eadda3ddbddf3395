// `redis-sim cluster --masters 4 --replicas 1` against a real Redis 7.0.15 4×1 cluster built by
// `redis-cli --cluster create … --cluster-replicas 1`: CLUSTER INFO, CLUSTER NODES, CLUSTER SLOTS and CLUSTER SHARDS
// compared field by field from every node, nodes named by role (see Side), and `redis-cli --cluster check` clean on
// both. Needs dist/ (npx tsc -p tsconfig.json).

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUS_PORT_OFFSET,
  HOST,
  checkIsClean,
  clusterInfoFields,
  clusterTool,
  createClusterOrThrow,
  freePortBlock,
  parseClusterNodes,
  shown,
  startRealNodes,
  waitForClusterOk,
  type NodeSet,
} from '../helpers/cluster-fixtures.js';
import { CLI_PATH, RespClient, tempDir, waitFor } from '../helpers/servers.js';
import { keyHashSlot } from '../../src/cluster/key-slot.js';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';

const MASTERS = 4;
const NODES = MASTERS * 2;

/**
 * One side of the comparison, its nodes named by role so the sides compare: masters `M<i>` by slot order (on the
 * first four ports on both sides), and replicas `R<i>` by the master they replicate: redis-cli --cluster create
 * shuffles replicas among masters at random when every node is on one host (clusterManagerOptimizeAntiAffinity).
 */
interface Side {
  readonly name: 'real' | 'sim';
  readonly base: number;
  /** Node id → role name. */
  readonly names: Map<string, string>;
  /** Client port → role name (`P` + name) and bus port → `B` + name. */
  readonly ports: Map<number, string>;
  /** Role name → client port. */
  readonly portOf: Map<string, number>;
}

/** Every role name, masters first. */
const ROLE_NAMES = [
  ...Array.from({ length: MASTERS }, (_, i) => `M${i}`),
  ...Array.from({ length: MASTERS }, (_, i) => `R${i}`),
];

/** Names a settled cluster's nodes by role, from the CLUSTER NODES of its first node. */
async function nameSide(name: Side['name'], base: number): Promise<Side> {
  const lines = parseClusterNodes(String(await query(base, 'CLUSTER', 'NODES')));
  const masters = lines
    .filter((l) => l.flags.includes('master'))
    .sort((a, b) => Number(a.slots[0]!.split('-')[0]) - Number(b.slots[0]!.split('-')[0]));
  const names = new Map<string, string>();
  masters.forEach((m, i) => names.set(m.id, `M${i}`));
  for (const l of lines) if (l.flags.includes('slave')) names.set(l.id, `R${names.get(l.master)!.slice(1)}`);
  const ports = new Map<number, string>();
  const portOf = new Map<string, number>();
  for (const l of lines) {
    const [, port, bus] = /:(\d+)@(\d+)$/.exec(l.address)!;
    const role = names.get(l.id)!;
    expect(Number(bus), `${name} ${l.address}`).toBe(Number(port) + BUS_PORT_OFFSET);
    ports.set(Number(port), `P${role}`);
    ports.set(Number(bus), `B${role}`);
    portOf.set(role, Number(port));
  }
  return { name, base, names, ports, portOf };
}

/** Sends one command to `port` on a fresh connection. */
async function query(port: number, ...args: string[]): Promise<PlainReply> {
  const client = await RespClient.connect(port, HOST);
  try {
    return toPlain(await client.call(...args));
  } finally {
    await client.close();
  }
}

/** CLUSTER INFO of a node as ordered [name, value] pairs. */
async function infoPairs(port: number): Promise<[string, string][]> {
  const text = String(await query(port, 'CLUSTER', 'INFO'));
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1)];
    });
}

/** A port of this side by role; any other number as is. */
function portName(side: Side, port: number): string | number {
  return side.ports.get(port) ?? port;
}

/** A node id of this side by role; anything else (such as `-`) as is. */
function idName(side: Side, id: string): string {
  return side.names.get(id) ?? id;
}

/** An `ip:port@cport` address with both ports named by role. */
function addressName(side: Side, address: string): string {
  const m = /^(.*):(\d+)@(\d+)$/.exec(address);
  if (m === null) return address;
  return `${m[1]}:${portName(side, Number(m[2]))}@${portName(side, Number(m[3]))}`;
}

/**
 * Writes one key to every master, then waits until every node sees every replica with a non-zero replication offset.
 * Until a replica's offset has moved (first write, or the master's PING every 10 s), CLUSTER SLOTS leaves it out and
 * CLUSTER SHARDS calls it `loading`, so the sides would differ only by timing.
 */
async function settleOffsets(base: number): Promise<void> {
  for (let i = 0; i < MASTERS; i++) {
    const first = (16_384 / MASTERS) * i;
    let n = 0;
    while (Math.floor(keyHashSlot(`key:${n}`) / (16_384 / MASTERS)) !== i) n++;
    expect(await query(base + i, 'SET', `key:${n}`, 'v'), `SET on the master of slot ${first}`).toBe('OK');
  }
  await waitFor(
    async () => {
      for (let offset = 0; offset < NODES; offset++) {
        const slots = (await query(base + offset, 'CLUSTER', 'SLOTS')) as unknown[][];
        if (slots.length !== MASTERS || slots.some((range) => range.length !== 4)) return false;
      }
      return true;
    },
    { timeoutMs: 20_000, message: `replicas of ${base}… did not report their offsets` },
  );
}

/** A flat RESP map reply (field, value, …) as ordered pairs. */
function mapPairs(flat: unknown): [string, unknown][] {
  const list = flat as unknown[];
  const pairs: [string, unknown][] = [];
  for (let i = 0; i < list.length; i += 2) pairs.push([String(list[i]), list[i + 1]]);
  return pairs;
}

/** CLUSTER NODES from one node, named by role and sorted, the time-like columns reduced to their kind. */
async function nodesView(side: Side, role: string): Promise<string[]> {
  const lines = parseClusterNodes(String(await query(side.portOf.get(role)!, 'CLUSTER', 'NODES')));
  return lines
    .map((l) => {
      for (const column of [l.pingSent, l.pongRecv, l.configEpoch]) expect(column).toMatch(/^\d+$/);
      const pingSent = l.pingSent === '0' ? '0' : 'T';
      const pongRecv = l.pongRecv === '0' ? '0' : 'T';
      const master = idName(side, l.master);
      return [idName(side, l.id), addressName(side, l.address), l.flags.join(','), master, pingSent, pongRecv]
        .concat([l.linkState, ...l.slots])
        .join(' ');
    })
    .sort();
}

/** CLUSTER SLOTS with each node's port and id named by role (the ranges, IPs and metadata kept). */
function slotsView(side: Side, reply: PlainReply): unknown[] {
  return (reply as unknown[][]).map(([first, last, ...nodes]) => [
    first,
    last,
    ...(nodes as unknown[][]).map(([ip, port, id, ...rest]) => [
      ip,
      portName(side, port as number),
      idName(side, String(id)),
      ...rest,
    ]),
  ]);
}

/** CLUSTER SHARDS from one node: each shard's slots and its nodes' fields, sorted by first slot. */
async function shardsView(side: Side, role: string): Promise<unknown[]> {
  const shards = (await query(side.portOf.get(role)!, 'CLUSTER', 'SHARDS')) as unknown[];
  return shards
    .map((shard) => {
      const fields = mapPairs(shard);
      expect(fields.map(([name]) => name)).toEqual(['slots', 'nodes']);
      const nodes = (fields[1]![1] as unknown[]).map((node) =>
        mapPairs(node).map(([name, value]) => {
          if (name === 'replication-offset') {
            expect(typeof value).toBe('number');
            return [name, 'OFFSET'];
          }
          if (name === 'id') return [name, idName(side, String(value))];
          if (name === 'port') return [name, portName(side, value as number)];
          return [name, value];
        }),
      );
      return { slots: fields[0]![1], nodes };
    })
    .sort((a, b) => (a.slots as number[])[0]! - (b.slots as number[])[0]!);
}

describe('a 4×1 cluster: redis-sim cluster against real Redis 7.0.15, field by field', () => {
  let real: NodeSet | null = null;
  let sim: { child: ChildProcess; exited: Promise<unknown>; cleanup: () => void } | null = null;
  const sides: Side[] = [];

  beforeAll(async () => {
    const startReal = async (): Promise<Side> => {
      real = await startRealNodes(NODES);
      const nodes = real.nodes;
      await createClusterOrThrow(nodes, 1);
      await waitForClusterOk(nodes[0]!, nodes, { timeoutMs: 30_000 });
      await settleOffsets(nodes[0]!.port);
      return nameSide('real', nodes[0]!.port);
    };
    const startSim = async (): Promise<Side> => {
      const { dir, cleanup } = tempDir('redis-sim-4x1-');
      const base = await freePortBlock(NODES);
      const args = ['cluster', '--masters', String(MASTERS), '--replicas', '1', '--port', String(base)];
      const child = spawn(process.execPath, [CLI_PATH, ...args, '--dir', dir, '--control-port', '0'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      sim = { child, exited, cleanup };
      await waitFor(() => output.includes(`redis-cli -c -p ${base}`), {
        timeoutMs: 30_000,
        message: `redis-sim cluster did not print its table: ${output}`,
      });
      const ports = Array.from({ length: NODES }, (_, i) => base + i);
      await waitFor(
        async () => {
          for (const port of ports) {
            const info = clusterInfoFields(String(await query(port, 'CLUSTER', 'INFO')));
            if (info['cluster_state'] !== 'ok' || info['cluster_known_nodes'] !== String(NODES)) return false;
            const lines = parseClusterNodes(String(await query(port, 'CLUSTER', 'NODES')));
            if (lines.filter((l) => l.flags.includes('slave')).length !== MASTERS) return false;
            if (
              lines.some(
                (l) =>
                  l.linkState !== 'connected' || l.flags.some((f) => f !== 'myself' && f !== 'master' && f !== 'slave'),
              )
            )
              return false;
          }
          return true;
        },
        { timeoutMs: 30_000, message: 'redis-sim cluster did not settle' },
      );
      await settleOffsets(base);
      return nameSide('sim', base);
    };
    sides.push(...(await Promise.all([startReal(), startSim()])));
    // redis-cli makes the first four nodes masters, and so does redis-sim cluster.
    for (const side of sides) for (let i = 0; i < MASTERS; i++) expect(side.portOf.get(`M${i}`)).toBe(side.base + i);
  }, 60_000);

  afterAll(async () => {
    await (real as NodeSet | null)?.stop();
    const started = sim as { child: ChildProcess; exited: Promise<unknown>; cleanup: () => void } | null;
    if (started !== null) {
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      await started.exited;
      started.cleanup();
    }
  });

  it('redis-cli --cluster check is clean on both', async () => {
    for (const side of sides) {
      const check = await clusterTool('check', [`${HOST}:${side.base}`]);
      expect(checkIsClean(check), `${side.name}:\n${shown(check)}`).toBe(true);
    }
  });

  it('CLUSTER INFO: the same fields in the same order, equal where they must be', async () => {
    const [realSide, simSide] = sides as [Side, Side];
    for (const role of ROLE_NAMES) {
      const [r, s] = await Promise.all([infoPairs(realSide.portOf.get(role)!), infoPairs(simSide.portOf.get(role)!)]);
      const isCounter = (name: string): boolean => /^cluster_stats_messages_/.test(name);
      // Every field in order. Counters of message types a node never sent or received are left out, so this holds
      // because both clusters are formed alike: redis-cli (and redis-sim's former) has every node MEET the first.
      expect(
        s.map(([name]) => name),
        `node ${role}`,
      ).toEqual(r.map(([name]) => name));
      const real = Object.fromEntries(r);
      const mine = Object.fromEntries(s);
      for (const name of [
        'cluster_state',
        'cluster_slots_assigned',
        'cluster_slots_ok',
        'cluster_slots_pfail',
        'cluster_slots_fail',
        'cluster_known_nodes',
        'cluster_size',
        'total_cluster_links_buffer_limit_exceeded',
      ])
        expect(mine[name], `node ${role} ${name}`).toBe(real[name]);
      for (const info of [real, mine]) {
        const current = Number(info['cluster_current_epoch']);
        const my = Number(info['cluster_my_epoch']);
        expect(current).toBeGreaterThanOrEqual(MASTERS);
        expect(current).toBeLessThanOrEqual(NODES);
        expect(my).toBeGreaterThanOrEqual(1);
        expect(my).toBeLessThanOrEqual(current);
      }
      // The message counters: one block per direction, in message type order, then the total; ping and pong are
      // always both sent and received; every name is one Redis uses.
      for (const pairs of [r, s]) {
        const counters = pairs.filter(([name]) => isCounter(name)).map(([name]) => name);
        const types = [
          'ping',
          'pong',
          'meet',
          'fail',
          'publish',
          'publishshard',
          'auth-req',
          'auth-ack',
          'update',
          'mfstart',
          'module',
        ];
        const expected = (direction: string) => [
          ...types
            .filter((t) => counters.includes(`cluster_stats_messages_${t}_${direction}`))
            .map((t) => `cluster_stats_messages_${t}_${direction}`),
          `cluster_stats_messages_${direction}`,
        ];
        expect(counters).toEqual([...expected('sent'), ...expected('received')]);
        for (const name of ['ping_sent', 'pong_sent', 'ping_received', 'pong_received'])
          expect(counters).toContain(`cluster_stats_messages_${name}`);
        // Each total is the sum of its direction's counters, every one of them positive.
        for (const direction of ['sent', 'received']) {
          const values = pairs.filter(([name]) => name.endsWith(`_${direction}`) && isCounter(name));
          const total = Number(values.pop()![1]);
          for (const [, value] of values) expect(Number(value)).toBeGreaterThan(0);
          expect(values.reduce((sum, [, value]) => sum + Number(value), 0)).toBe(total);
        }
      }
    }
  });

  it('CLUSTER LINKS: one link each way per peer, with the same fields in the same order', async () => {
    const [realSide, simSide] = sides as [Side, Side];
    const view = async (side: Side, role: string): Promise<string[]> => {
      const links = (await query(side.portOf.get(role)!, 'CLUSTER', 'LINKS')) as unknown[];
      return links
        .map((link) => {
          const fields = mapPairs(link);
          expect(fields.map(([name]) => name)).toEqual([
            'direction',
            'node',
            'create-time',
            'events',
            'send-buffer-allocated',
            'send-buffer-used',
          ]);
          const [direction, node, createTime, events, allocated, used] = fields.map(([, value]) => value);
          expect(createTime).toBeTypeOf('number');
          expect(events).toMatch(/^rw?$/);
          expect(allocated).toBeTypeOf('number');
          expect(used).toBeTypeOf('number');
          return `${String(direction)} ${idName(side, String(node))}`;
        })
        .sort();
    };
    for (const role of ROLE_NAMES) {
      const [r, s] = await Promise.all([view(realSide, role), view(simSide, role)]);
      expect(r).toHaveLength(2 * (NODES - 1));
      expect(s, `node ${role}`).toEqual(r);
    }
  });

  it('INFO: cluster_connections and mem_cluster_links counted as Redis counts them', async () => {
    const links = 2 * (NODES - 1);
    for (const side of sides) {
      for (const role of ROLE_NAMES) {
        const port = side.portOf.get(role)!;
        const clients = clusterInfoFields(String(await query(port, 'INFO', 'clients')));
        expect(clients['cluster_connections'], `${side.name} ${role}`).toBe(String(links));
        // Each link costs its struct and receive buffer (64 + 1024 bytes) plus its send buffer, which clusterCron
        // shrinks to nothing when empty; a sample taken while a message waits shows more, so wait for a quiet one.
        await waitFor(
          async () =>
            clusterInfoFields(String(await query(port, 'INFO', 'memory')))['mem_cluster_links'] ===
            String(links * 1088),
          { message: `${side.name} ${role}: mem_cluster_links` },
        );
      }
    }
  });

  it('CLUSTER NODES: the same lines, flags, masters, slots and link states from every node', async () => {
    const [realSide, simSide] = sides as [Side, Side];
    for (const role of ROLE_NAMES) {
      const [r, s] = await Promise.all([nodesView(realSide, role), nodesView(simSide, role)]);
      expect(s, `node ${role}`).toEqual(r);
    }
  });

  it('CLUSTER SLOTS: the same ranges, endpoints and ids from every node', async () => {
    const [realSide, simSide] = sides as [Side, Side];
    for (const role of ROLE_NAMES) {
      const [r, s] = await Promise.all([
        query(realSide.portOf.get(role)!, 'CLUSTER', 'SLOTS'),
        query(simSide.portOf.get(role)!, 'CLUSTER', 'SLOTS'),
      ]);
      expect((r as unknown[]).length).toBe(MASTERS);
      expect(slotsView(simSide, s), `node ${role}`).toEqual(slotsView(realSide, r));
    }
  });

  it('CLUSTER SHARDS: the same shards, field names and order, nodes and health from every node', async () => {
    const [realSide, simSide] = sides as [Side, Side];
    for (const role of ROLE_NAMES) {
      const [r, s] = await Promise.all([shardsView(realSide, role), shardsView(simSide, role)]);
      expect(r).toHaveLength(MASTERS);
      expect(s, `node ${role}`).toEqual(r);
    }
  });
});
