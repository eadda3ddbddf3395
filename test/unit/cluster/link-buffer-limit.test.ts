// cluster-link-sendbuf-limit: a bus link whose send buffer outgrows the limit is freed by clusterCron, counted in
// CLUSTER INFO's total_cluster_links_buffer_limit_exceeded and logged; CLUSTER LINKS reports the buffer it holds.
// Also the send-buffer accounting the simulated network gives every Link.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { formCluster } from '../../../src/sim/sim-cluster.js';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { Prng } from '../../../src/sim/prng.js';
import { DEFAULT_SOCKET_BUFFER_BYTES, SimNetwork } from '../../../src/sim/sim-network.js';
import { Simulation } from '../../../src/sim/simulation.js';

const CLUSTER = [['cluster-enabled', ['yes']]] as const;

/** CLUSTER LINKS as entries (each map arrives as a flat field/value list). */
function clusterLinks(reply: unknown): LinkEntry[] {
  return (reply as unknown[][]).map((flat) => {
    const entry: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) entry[flat[i] as string] = flat[i + 1];
    return entry as unknown as LinkEntry;
  });
}

/** One CLUSTER LINKS entry as the test reads it. */
interface LinkEntry {
  direction: string;
  node: string;
  'create-time': number;
  events: string;
  'send-buffer-allocated': number;
  'send-buffer-used': number;
}

describe('Link.bufferedBytes in the simulated network', () => {
  it('counts only what the kernel buffers cannot hold while the receiver does not read', () => {
    const queue = new EventQueue();
    const net = new SimNetwork({ queue, rng: new Prng(1), socketBufferBytes: 100 });
    net.listen('server', '127.0.0.1:7000', () => {});
    const link = net.connect('client', '127.0.0.1:7000');
    queue.runFor(5);
    net.pause('server');
    link.write(Buffer.alloc(60));
    expect(link.bufferedBytes).toBe(0);
    link.write(Buffer.alloc(70));
    expect(link.bufferedBytes).toBe(30);
    queue.runFor(50);
    expect(link.bufferedBytes).toBe(30);
    net.resume('server');
    queue.runFor(5);
    expect(link.bufferedBytes).toBe(0);
    link.write(Buffer.alloc(500));
    link.close();
    expect(link.bufferedBytes).toBe(0);
  });

  it('rejects a negative socket buffer size', () => {
    expect(() => new SimNetwork({ queue: new EventQueue(), rng: new Prng(1), socketBufferBytes: -1 })).toThrow(
      RangeError,
    );
  });
});

describe('cluster-link-sendbuf-limit', () => {
  it('frees, counts and logs the link to a stopped peer once its send buffer exceeds the limit', () => {
    const sim = new Simulation({ seed: 7 });
    const names = ['n1', 'n2', 'n3'];
    for (const name of names) sim.addNode(name, CLUSTER);
    formCluster(sim, names);
    const n1 = sim.client('n1');
    const n3Id = sim.node('n3').node.cluster!.state.myself.name;
    const linkTo = (id: string): LinkEntry | undefined =>
      clusterLinks(toPlain(n1.run('CLUSTER', 'LINKS'))).find((l) => l.direction === 'to' && l.node === id);
    const exceeded = (): string =>
      /total_cluster_links_buffer_limit_exceeded:(\d+)/.exec(toPlain(n1.run('CLUSTER', 'INFO')) as string)![1]!;

    // Unlimited (the default): bytes pile up towards the stopped n3 and CLUSTER LINKS shows them.
    sim.pause('n3');
    const message = 'x'.repeat(100_000);
    n1.run('PUBLISH', 'ch', message);
    n1.run('PUBLISH', 'ch', message);
    sim.runFor(300);
    const piled = linkTo(n3Id)!;
    expect(piled['send-buffer-used']).toBeGreaterThan(200_000 - DEFAULT_SOCKET_BUFFER_BYTES);
    expect(piled['send-buffer-allocated']).toBeGreaterThanOrEqual(piled['send-buffer-used']);
    expect(piled.events).toBe('rw');
    expect(exceeded()).toBe('0');

    // A limit below what is pending: the next cron tick frees the link, counts it, logs it and reconnects at once.
    expect(toPlain(n1.run('CONFIG', 'SET', 'cluster-link-sendbuf-limit', '32kb'))).toBe('OK');
    sim.runFor(200);
    expect(exceeded()).toBe('1');
    const freed = sim.eventLog
      .lines()
      .filter((line) => line.includes('[n1]') && line.includes('due to exceeding send buffer memory limit.'));
    expect(freed).toHaveLength(1);
    expect(freed[0]).toMatch(
      new RegExp(` # Freeing cluster link\\(to node ${n3Id}, used memory: \\d+\\) due to exceeding send buffer`),
    );
    const fresh = linkTo(n3Id)!;
    expect(fresh['create-time']).toBeGreaterThan(piled['create-time']);
    expect(fresh['send-buffer-used']).toBe(0);

    // Links to a reading peer are never freed, and once n3 runs again the cluster is whole.
    sim.resume('n3');
    sim.runFor(2000);
    expect(exceeded()).toBe('1');
    const links = clusterLinks(toPlain(n1.run('CLUSTER', 'LINKS')));
    expect(links).toHaveLength(4);
    for (const link of links) {
      expect(link['send-buffer-used']).toBe(0);
      expect(link.events).toBe('r');
    }
    expect(toPlain(n1.run('CLUSTER', 'INFO')) as string).toContain('cluster_state:ok\r\n');
    // INFO counts two links per peer, each costing 64 + 1024 bytes with its send buffer shrunk to nothing.
    expect(toPlain(n1.run('INFO', 'clients')) as string).toContain('cluster_connections:4\r\n');
    expect(toPlain(n1.run('INFO', 'memory')) as string).toContain(`mem_cluster_links:${4 * 1088}\r\n`);
  });

  it('leaves links alone while the limit is 0 (no limit)', () => {
    const sim = new Simulation({ seed: 3 });
    const names = ['n1', 'n2', 'n3'];
    for (const name of names) sim.addNode(name, CLUSTER);
    formCluster(sim, names);
    sim.pause('n2');
    const n1 = sim.client('n1');
    for (let i = 0; i < 4; i++) n1.run('PUBLISH', 'ch', 'y'.repeat(100_000));
    sim.runFor(1000);
    expect(toPlain(n1.run('CLUSTER', 'INFO')) as string).toContain('total_cluster_links_buffer_limit_exceeded:0\r\n');
  });
});
