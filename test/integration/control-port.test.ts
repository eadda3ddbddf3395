// The control port of a hosted cluster on real TCP: SIM NODES, KILL (the replica takes over), RESTART (the old master
// comes back as a replica), PAUSE/RESUME, PARTITION/HEAL, LATENCY, SHUTDOWN of one node, and every kind of bad input.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startClusterHost, type ClusterHost } from '../../src/runtime/cluster-host.js';
import { ControlPortError, isLoopbackAddress, startControlPort } from '../../src/runtime/control-port.js';
import type { Link } from '../../src/env/env.js';
import { NodeGate, type LinkRoute } from '../../src/runtime/node-gate.js';
import { RespClient, tempDir, waitFor } from '../helpers/servers.js';

const NODE_TIMEOUT = 1000;

/** One request on a fresh connection; null when the node does not answer within `ms`. */
async function ask(port: number, args: (string | number)[], ms = 1000): Promise<unknown> {
  let client: RespClient | null = null;
  try {
    client = await RespClient.connect(port);
    return await Promise.race([client.run(...args), new Promise((r) => setTimeout(() => r(null), ms))]);
  } catch {
    return null;
  } finally {
    await client?.close();
  }
}

/** `CLUSTER NODES` of the node at `port`, as `[id, addr, flags, master]` rows; [] when it does not answer. */
async function clusterNodes(port: number): Promise<string[][]> {
  const text = await ask(port, ['CLUSTER', 'NODES']);
  return typeof text === 'string'
    ? text
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
    : [];
}

/** The row for `id` in a CLUSTER NODES listing. */
function rowOf(rows: string[][], id: string): string[] | undefined {
  return rows.find((r) => r[0] === id);
}

describe('the control port of a hosted cluster', () => {
  let host: ClusterHost;
  let control: RespClient;
  let cleanup: () => void;
  const faults: string[] = [];

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    host = await startClusterHost({
      masters: 3,
      replicas: 1,
      port: 0,
      dir: temp.dir,
      nodeTimeout: NODE_TIMEOUT,
      directives: [['save', ['']]],
      logSink: () => {},
      control: { port: 0 },
      onFault: (text) => faults.push(text),
    });
    control = await RespClient.connect(host.control!.port);
  }, 60_000);

  afterAll(async () => {
    await control?.close();
    await host?.stop();
    cleanup?.();
  });

  const sim = (...args: (string | number)[]) => control.run('SIM', ...args);
  const port = (i: number) => host.members[i]!.port;

  it('lists every node with its ports, id, role and state', async () => {
    expect(await control.run('PING')).toBe('PONG');
    const lines = (await sim('NODES')) as string[];
    expect(lines).toHaveLength(6);
    for (const [i, m] of host.members.entries()) {
      const formed = host.formed!.nodes[i]!;
      const expected =
        formed.role === 'master'
          ? `port=${m.port} bus=${m.busPort} id=${formed.id} role=master slots=${formed.slots.reduce((n, r) => n + r.last - r.first + 1, 0)} state=running`
          : `port=${m.port} bus=${m.busPort} id=${formed.id} role=replica master=${host.formed!.nodes.find((x) => x.id === formed.masterId)!.port} state=running`;
      expect(lines[i]).toBe(expected);
    }
    expect(((await sim('HELP')) as string[])[0]).toMatch(/^SIM <subcommand>/);
  });

  it('answers bad commands, arities, numbers and ports with errors, and stays up', async () => {
    expect(await control.run('GET', 'x')).toEqual({
      error: "ERR unknown command 'GET', with args beginning with: 'x' ",
    });
    expect(await sim('FROB')).toEqual({ error: "ERR unknown subcommand 'FROB'. Try SIM HELP." });
    expect(await control.run('SIM')).toEqual({ error: "ERR wrong number of arguments for 'sim' command" });
    expect(await sim('KILL')).toEqual({ error: "ERR wrong number of arguments for 'sim|kill' command" });
    expect(await sim('NODES', 'x')).toEqual({ error: "ERR wrong number of arguments for 'sim|nodes' command" });
    expect(await sim('KILL', 'abc')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(await sim('PAUSE', port(0), '-5')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(await sim('LATENCY', '1.5')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(await sim('KILL', '70000')).toEqual({ error: "ERR invalid port '70000'" });
    expect(await sim('KILL', '1')).toEqual({ error: 'ERR no node of this cluster listens on port 1' });
    expect(await sim('RESUME', port(0))).toEqual({ error: `ERR node ${port(0)} is not paused` });
    expect(await sim('RESTART', port(0))).toEqual({ error: `ERR node ${port(0)} is already running` });
    expect(await sim('PARTITION', port(0), port(1))).toEqual({
      error: 'ERR SIM PARTITION needs two or more groups of ports separated by |, e.g. 30001 | 30002 30003',
    });
    expect(await sim('PARTITION', port(0), '|', port(0))).toEqual({
      error: `ERR port ${port(0)} is in more than one partition group`,
    });
    expect(await sim('PARTITION', port(0), '|', '1')).toEqual({
      error: 'ERR no node of this cluster listens on port 1',
    });
    // A malformed request gets Redis's protocol error and the connection closes; the port keeps serving.
    const raw = await RespClient.connect(host.control!.port);
    const bytes = await raw.exchangeRaw('*1\r\n$abc\r\n');
    expect(bytes.toString()).toBe('-ERR Protocol error: invalid bulk length\r\n');
    await raw.close();
    expect(await control.run('PING')).toBe('PONG');
    expect(faults).toEqual([]);
  });

  it('pauses a node (it answers nothing, then everything in order) and resumes it, also after a timed pause', async () => {
    const p = port(3);
    expect(await sim('PAUSE', p)).toBe('OK');
    expect(((await sim('NODES')) as string[])[3]).toMatch(/ state=paused$/);
    const client = await RespClient.connect(p);
    let answered = false;
    const reply = client.run('ECHO', 'late').then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect(await sim('RESUME', p)).toBe('OK');
    expect(await reply).toBe('late');
    await client.close();

    expect(await sim('PAUSE', p, 300)).toBe('OK');
    const started = Date.now();
    expect(await ask(p, ['PING'], 5000)).toBe('PONG');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(host.members[3]!.paused).toBe(false);
  });

  it('partitions a master from the rest: the majority marks it FAIL; heal clears it', async () => {
    // Node 2 is a master; its replica gets its slots. Cut it from every other node of the cluster.
    const isolated = host.members[2]!;
    const id = host.formed!.nodes[2]!.id;
    const others = host.members.filter((m) => m !== isolated).map((m) => m.port);
    expect(await sim('PARTITION', isolated.port, '|', ...others)).toBe('OK');
    await waitFor(async () => rowOf(await clusterNodes(others[0]!), id)?.[2]?.includes('fail') === true, {
      timeoutMs: NODE_TIMEOUT + 5000,
      message: 'the partitioned master was never marked FAIL',
    });
    // Clients still reach the partitioned node itself: only links between nodes are cut.
    expect(await ask(isolated.port, ['PING'])).toBe('PONG');
    expect(await sim('HEAL')).toBe('OK');
    // After the heal the cluster converges again: every node sees every other without fail flags.
    await waitFor(
      async () => {
        for (const m of host.members) {
          const rows = await clusterNodes(m.port);
          if (rows.length !== 6 || rows.some((r) => r[2]!.includes('fail'))) return false;
          if ((await ask(m.port, ['CLUSTER', 'INFO']))?.toString().includes('cluster_state:ok') !== true) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, message: 'the cluster did not converge after the heal' },
    );
    expect(faults).toContain(`partition ${isolated.port} | ${others.join(' ')}`);
  }, 40_000);

  it('is driven by redis-sim ctl in-process: readable lines, errors on stderr with exit code 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: '.', out: (t: string) => out.push(t), err: (t: string) => err.push(t), onSignal: () => () => {} };
    const ctl = (...words: string[]) => runCli(['ctl', '--port', String(host.control!.port), ...words], io);
    expect(await ctl('nodes')).toBe(0);
    expect(out.join('').split('\n').filter(Boolean)).toEqual(await sim('NODES'));
    out.length = 0;
    expect(await ctl('SIM', 'ping')).toBe(0);
    expect(await ctl('ping')).toBe(0);
    expect(out).toEqual(['PONG\n', 'PONG\n']);
    expect(await ctl('latency', 'x')).toBe(1);
    expect(err).toEqual(['redis-sim ctl: ERR value is not an integer or out of range\n']);
  });

  it('adds latency between nodes and removes it', async () => {
    expect(await sim('LATENCY', 50, port(0))).toBe('OK');
    expect(await sim('LATENCY', 0)).toBe('OK');
    expect(faults.slice(-2)).toEqual([`latency 50 ${port(0)}`, 'latency 0']);
  });

  it('kills a master: its replica takes over; restarted, the old master comes back as a replica', async () => {
    const victim = host.members[0]!;
    const victimId = host.formed!.nodes[0]!.id;
    // Whoever now replicates node 0 (the partition test may have moved roles around).
    const replicaIndex = host.formed!.nodes.findIndex((n) => n.masterId === victimId);
    expect(replicaIndex).toBeGreaterThan(0);
    const replicaId = host.formed!.nodes[replicaIndex]!.id;
    // A replica fails over only with recent data (cluster-replica-validity-factor): wait for its first sync.
    await waitFor(
      async () => String(await ask(port(replicaIndex), ['INFO', 'replication'])).includes('master_link_status:up'),
      { timeoutMs: 15_000, message: 'the replica never synced' },
    );
    const killedAt = Date.now();
    expect(await sim('KILL', victim.port)).toBe('OK');
    expect(victim.state).toBe('crashed');
    expect(await ask(victim.port, ['PING'])).toBeNull();
    expect(((await sim('NODES')) as string[])[0]).toMatch(/ state=crashed$/);
    expect(await sim('KILL', victim.port)).toEqual({ error: `ERR node ${victim.port} is not running (crashed)` });
    const live = host.members.filter((m) => m !== victim);
    await waitFor(
      async () => {
        for (const m of live) {
          const rows = await clusterNodes(m.port);
          if (!rowOf(rows, victimId)?.[2]?.includes('fail')) return false;
          if (!rowOf(rows, replicaId)?.[2]?.includes('master')) return false;
        }
        return true;
      },
      { timeoutMs: NODE_TIMEOUT + 3000 + 2000, intervalMs: 100, message: 'the replica did not take over' },
    );
    expect(Date.now() - killedAt).toBeLessThan(NODE_TIMEOUT + 3000 + 2000);

    expect(await sim('RESTART', victim.port)).toBe('OK');
    expect(victim.state).toBe('running');
    await waitFor(
      async () => {
        for (const m of host.members) {
          const rows = await clusterNodes(m.port);
          const row = rowOf(rows, victimId);
          if (!row?.[2]?.includes('slave') || row[2].includes('fail') || row[3] !== replicaId) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the old master did not come back as a replica' },
    );
    expect(faults.slice(-2)).toEqual([`crash ${victim.port}`, `restart ${victim.port}`]);
  }, 40_000);

  it('SHUTDOWN stops one node only; SIM RESTART brings it back', async () => {
    const m = host.members[5]!;
    const client = await RespClient.connect(m.port);
    // SHUTDOWN does not reply: the connection just closes.
    await expect(client.call('SHUTDOWN', 'NOSAVE')).rejects.toThrow('connection closed before the reply');
    await waitFor(() => m.state === 'stopped', { message: 'the node did not stop' });
    for (const other of host.members.filter((x) => x !== m)) expect(await ask(other.port, ['PING'])).toBe('PONG');
    expect(((await sim('NODES')) as string[])[5]).toMatch(/ state=stopped$/);
    expect(await sim('RESTART', m.port)).toBe('OK');
    expect(await ask(m.port, ['PING'])).toBe('PONG');
    await waitFor(async () => String(await ask(m.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'), {
      timeoutMs: 10_000,
      message: 'the restarted node did not rejoin',
    });
  }, 30_000);
});

describe('the control port itself', () => {
  it('refuses to bind anything but loopback', async () => {
    const target = { members: [], faults: null as never };
    await expect(startControlPort(target, { port: 0, host: '0.0.0.0' })).rejects.toThrow(
      new ControlPortError(
        'Expected the control port to bind a loopback address (127.0.0.1, ::1 or localhost), got `0.0.0.0`',
      ),
    );
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(true);
    expect(isLoopbackAddress('::')).toBe(false);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('1270.0.0.1')).toBe(false);
  });

  it('reports a taken port as a ControlPortError', async () => {
    const first = await startControlPort({ members: [], faults: null as never }, { port: 0 });
    try {
      await expect(startControlPort({ members: [], faults: null as never }, { port: first.port })).rejects.toThrow(
        ControlPortError,
      );
    } finally {
      await first.close();
    }
  });
});

/** A fake inner link recording writes; the test plays the peer through `deliver`/`hangUp`. */
function fakeLink() {
  const writes: string[] = [];
  let closedByUs = false;
  const link: Link = {
    write: (data) => writes.push(data.toString()),
    close: () => (closedByUs = true),
    remoteAddress: '127.0.0.1:1',
    localAddress: '127.0.0.1:2',
    isLocal: true,
    get closed() {
      return closedByUs;
    },
    bufferedBytes: 0,
    onData: null,
    onClose: null,
  };
  return {
    link,
    writes,
    closedByUs: () => closedByUs,
    deliver: (text: string) => link.onData?.(Buffer.from(text)),
    hangUp: () => link.onClose?.('reset'),
  };
}

/** A route whose partition and delay the test sets. */
function testRoute() {
  const wakes = new Set<() => void>();
  const state = { blocked: false, delay: 0 };
  const route: LinkRoute = {
    blocked: () => state.blocked,
    delayMs: () => state.delay,
    onChange: (wake) => {
      wakes.add(wake);
      return () => wakes.delete(wake);
    },
  };
  return { route, state, wake: () => [...wakes].forEach((w) => w()), watchers: () => wakes.size };
}

describe('NodeGate', () => {
  it('holds timers and link events while paused, runs them in order on resume, drops them once killed', async () => {
    const gate = new NodeGate();
    const seen: string[] = [];
    const schedule = gate.schedule((ms, task) => {
      const t = setTimeout(task, ms);
      return { cancel: () => clearTimeout(t) };
    });
    const inner = fakeLink();
    const link = gate.gated(inner.link);
    link.onData = (chunk) => seen.push(`data ${chunk.toString()}`);
    gate.pause();
    schedule(5, () => seen.push('timer'));
    const cancelled = schedule(5, () => seen.push('cancelled'));
    await new Promise((r) => setTimeout(r, 30));
    inner.deliver('x');
    cancelled.cancel();
    expect(seen).toEqual([]);
    gate.resume();
    expect(seen).toEqual(['timer', 'data x']);
    gate.kill();
    inner.deliver('y');
    schedule(0, () => seen.push('late'));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['timer', 'data x']);
  });

  it('shapes links to other hosted nodes: latency keeps order, a partition holds both ways until healed', async () => {
    const { route, state, wake, watchers } = testRoute();
    const gate = new NodeGate(() => route);
    const inner = fakeLink();
    const link = gate.network({ connect: () => inner.link }).connect('127.0.0.1', 7000);
    const got: string[] = [];
    let closed: string | null = null;
    link.onData = (chunk) => got.push(chunk.toString());
    link.onClose = (reason) => (closed = reason);

    state.delay = 80;
    const sent = Date.now();
    link.write(Buffer.from('a'));
    state.delay = 0;
    link.write(Buffer.from('b'));
    expect(inner.writes).toEqual([]);
    await waitFor(() => inner.writes.length === 2, { timeoutMs: 2000 });
    expect(inner.writes).toEqual(['a', 'b']);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(70);

    state.blocked = true;
    link.write(Buffer.from('c'));
    inner.deliver('d');
    inner.hangUp();
    await new Promise((r) => setTimeout(r, 30));
    expect([inner.writes.length, got, closed]).toEqual([2, [], null]);
    state.blocked = false;
    wake();
    expect(inner.writes).toEqual(['a', 'b', 'c']);
    expect(got).toEqual(['d']);
    expect(closed).toBe('reset');
    expect(watchers()).toBe(0);
  });

  it('sends a local close after the bytes queued before it', async () => {
    const { route, state, wake } = testRoute();
    const inner = fakeLink();
    const link = new NodeGate(() => route).network({ connect: () => inner.link }).connect('127.0.0.1', 7000);
    state.blocked = true;
    link.write(Buffer.from('last'));
    link.close();
    expect(link.closed).toBe(true);
    expect(inner.closedByUs()).toBe(false);
    state.blocked = false;
    wake();
    expect(inner.writes).toEqual(['last']);
    expect(inner.closedByUs()).toBe(true);
  });
});
