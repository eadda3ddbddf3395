// The pure cluster layout against facts from redis-cli.c and against real `redis-cli --cluster create`, which prints
// its plan ("Master[i] -> Slots a - b", "Adding replica x to y") before asking for confirmation; we answer "no", so
// the real servers are never changed and one set of them serves every case.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutError, planCluster, slotRanges, type LayoutNode } from '../../../src/cluster/cluster-layout.js';
import { Prng } from '../../../src/sim/prng.js';
import { freePort, startRealRedis, type ProcessServer } from '../../helpers/servers.js';

describe('slotRanges', () => {
  it('splits 16384 slots as redis-cli does (single-precision cursor, lround)', () => {
    expect(slotRanges(3)).toEqual([
      { first: 0, last: 5460 },
      { first: 5461, last: 10922 },
      { first: 10923, last: 16383 },
    ]);
    expect(slotRanges(4)).toEqual([
      { first: 0, last: 4095 },
      { first: 4096, last: 8191 },
      { first: 8192, last: 12287 },
      { first: 12288, last: 16383 },
    ]);
    expect(slotRanges(5).map((r) => r.last)).toEqual([3276, 6553, 9829, 13106, 16383]);
  });

  it('covers every slot exactly once for any master count', () => {
    for (let n = 3; n <= 100; n++) {
      const ranges = slotRanges(n);
      expect(ranges).toHaveLength(n);
      expect(ranges[0]!.first).toBe(0);
      expect(ranges[n - 1]!.last).toBe(16383);
      for (let i = 1; i < n; i++) expect(ranges[i]!.first).toBe(ranges[i - 1]!.last + 1);
    }
  });
});

describe('planCluster', () => {
  const local = (count: number, host = '127.0.0.1'): LayoutNode[] =>
    Array.from({ length: count }, (_, i) => ({ host, port: 30001 + i }));

  it('needs three masters, with redis-cli reasoning in the message', () => {
    expect(() => planCluster(local(5), 1)).toThrow(LayoutError);
    expect(() => planCluster(local(5), 1)).toThrow(/at least 3 master nodes.*5 nodes and 1 replicas.*At least 6 nodes/);
  });

  it('on one host: the first nodes are masters, the rest rotated by one are their replicas', () => {
    const layout = planCluster(local(6), 1);
    expect(layout.masters).toEqual([0, 1, 2]);
    expect(layout.roles).toEqual([
      { kind: 'master', first: 0, last: 5460 },
      { kind: 'master', first: 5461, last: 10922 },
      { kind: 'master', first: 10923, last: 16383 },
      { kind: 'replica', of: 2 },
      { kind: 'replica', of: 0 },
      { kind: 'replica', of: 1 },
    ]);
  });

  it('interleaves hosts so masters spread over hosts and replicas avoid their master host', () => {
    const nodes = [...local(3, '10.0.0.1'), ...local(3, '10.0.0.2')];
    const layout = planCluster(nodes, 1);
    expect(layout.masters).toEqual([0, 3, 1]);
    for (const [i, role] of layout.roles.entries()) {
      if (role.kind === 'replica') expect(nodes[role.of]!.host).not.toBe(nodes[i]!.host);
    }
  });

  it('the optimizer reaches perfect anti-affinity when it exists, deterministically for a given stream', () => {
    const nodes = [...local(4, 'a'), ...local(4, 'b'), ...local(4, 'c')];
    const run = (seed: number) => {
      const r = new Prng(seed);
      return planCluster(nodes, 2, { random: () => r.nextFloat() });
    };
    const stream = new Prng(7);
    const layout = planCluster(nodes, 2, { random: () => stream.nextFloat() });
    expect(layout.masters).toHaveLength(4);
    for (const [i, role] of layout.roles.entries()) {
      if (role.kind === 'replica') expect(nodes[role.of]!.host).not.toBe(nodes[i]!.host);
    }
    expect(run(1)).toEqual(run(1));
  });

  it('places spare nodes as extra replicas in a second pass', () => {
    const layout = planCluster(local(7), 1);
    expect(layout.masters).toEqual([0, 1, 2]);
    const replicas = layout.roles.filter((r) => r.kind === 'replica');
    expect(replicas).toHaveLength(4);
  });
});

describe('planCluster matches real redis-cli --cluster create', () => {
  const servers: ProcessServer[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 8; i++) {
      const busPort = await freePort();
      servers.push(
        await startRealRedis([
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(busPort),
          '--bind',
          '127.0.0.1 127.0.0.2',
        ]),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  /** Runs redis-cli's create up to its confirmation prompt and parses the plan it printed. */
  async function realPlan(addresses: readonly string[], replicas: number) {
    const child = spawn('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('no\n');
    await new Promise<void>((r) => child.once('exit', () => r()));
    const masters = [...out.matchAll(/Master\[(\d+)\] -> Slots (\d+) - (\d+)/g)].map((m) => ({
      kind: 'master',
      first: Number(m[2]),
      last: Number(m[3]),
    }));
    const replicaLines = [...out.matchAll(/Adding replica (\S+) to (\S+)/g)].map((m) => [m[1]!, m[2]!] as const);
    return { masters, replicaLines, out };
  }

  const cases: [string, number, number, string[]?][] = [
    ['3 masters', 3, 0],
    ['4 masters', 4, 0],
    ['5 masters', 5, 0],
    ['3 masters with 1 replica each', 6, 1],
    ['3 masters with 1 replica and a spare', 7, 1],
    ['4 masters with 1 replica each', 8, 1],
    [
      'two hosts, 3 masters with 1 replica each',
      6,
      1,
      ['127.0.0.1', '127.0.0.2', '127.0.0.2', '127.0.0.1', '127.0.0.1', '127.0.0.2'],
    ],
  ];
  for (const [title, count, replicas, hosts] of cases) {
    it(title, async () => {
      const nodes = servers.slice(0, count).map((s, i) => ({ host: hosts?.[i] ?? '127.0.0.1', port: s.port }));
      const addresses = nodes.map((n) => `${n.host}:${n.port}`);
      const real = await realPlan(addresses, replicas);
      const layout = planCluster(nodes, replicas);
      expect(real.masters, real.out).toEqual(layout.masters.map((i) => layout.roles[i]));
      const ours = layout.roles.flatMap((role, i) => (role.kind === 'replica' ? [[i, role.of] as const] : []));
      expect(new Set(real.replicaLines.map(([r, m]) => `${r}>${m}`))).toEqual(
        new Set(ours.map(([r, m]) => `${addresses[r]}>${addresses[m]}`)),
      );
      expect(real.replicaLines).toHaveLength(ours.length);
    });
  }
});
