// Hosting cluster nodes on real TCP: the bus port of one node (listening, ephemeral ports, the nodes.conf lock,
// start-up failures that leave nothing behind), then whole clusters from startCluster, checked by real
// `redis-cli --cluster check`.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startCluster, startClusterHost, type StartedCluster } from '../../src/runtime/cluster-host.js';
import { HostStartError, startServerHost, type ServerHost } from '../../src/runtime/server-host.js';
import { listening } from '../helpers/cli-process.js';
import { RespClient, freePort, tempDir, waitFor } from '../helpers/servers.js';

/** Runs a tool to completion without blocking the event loop (the nodes it talks to live in this process). */
function runTool(command: string, args: readonly string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout });
    });
  });
}

/** Whether the port can be bound on loopback right now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const CLUSTER = [
  ['cluster-enabled', ['yes']],
  ['save', ['']],
] as const;

describe('a cluster node on real TCP', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(dir: string, extra: readonly (readonly [string, readonly string[]])[] = []) {
    const host = await startServerHost({
      directives: [['port', ['0']], ['dir', [dir]], ...CLUSTER, ...extra],
      logSink: () => {},
    });
    cleanups.push(() => (host.node.running ? host.stop('nosave') : undefined));
    return host;
  }

  it('listens on an ephemeral bus port with port 0 and reports both ports in CONFIG GET', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const host = await start(dir);
    expect(host.busPort).not.toBeNull();
    expect(host.busPort).not.toBe(host.port + 10000);
    const client = await RespClient.connect(host.port);
    expect(await client.run('CONFIG', 'GET', 'port')).toEqual(['port', String(host.port)]);
    expect(await client.run('CONFIG', 'GET', 'cluster-port')).toEqual(['cluster-port', String(host.busPort)]);
    client.socket.destroy();
    expect(await listening(host.busPort!)).toBe(true);
    await host.stop('nosave');
    expect(await listening(host.port)).toBe(false);
    expect(await listening(host.busPort!)).toBe(false);
  });

  it('uses port + 10000 for the bus by default', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let port = await freePort();
    while (port > 55535 || !(await bindable(port + 10000))) port = await freePort();
    const host = await start(dir, [['port', [String(port)]]]);
    expect(host.busPort).toBe(port + 10000);
  });

  it('refuses a second node on the same nodes.conf, and frees it on stop', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await start(dir);
    expect(existsSync(join(dir, 'nodes.conf.lock'))).toBe(true);
    const lines: string[] = [];
    const second = startServerHost({
      directives: [['port', ['0']], ['dir', [dir]], ...CLUSTER],
      logSink: (l) => lines.push(l),
    });
    await expect(second).rejects.toThrow(
      new HostStartError(
        'Sorry, the cluster configuration file nodes.conf is already used by a different Redis Cluster node. ' +
          'Please make sure that different nodes use different cluster configuration files.',
      ),
    );
    await first.stop('nosave');
    expect(existsSync(join(dir, 'nodes.conf.lock'))).toBe(false);
    const third = await start(dir);
    expect(third.node.running).toBe(true);
  });

  it('takes over a lock left by a dead process', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'nodes.conf.lock'), `${dead.stdout}\n`);
    const host = await start(dir);
    expect(host.node.running).toBe(true);
  });

  it('fails with Redis log lines when the bus port is taken, and closes the client port', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const blocker = createServer();
    const busPort = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = await freePort();
    const lines: string[] = [];
    const failed = startServerHost({
      directives: [['port', [String(port)]], ['cluster-port', [String(busPort)]], ['dir', [dir]], ...CLUSTER],
      logSink: (l) => lines.push(l),
    });
    await expect(failed).rejects.toThrow(
      `Could not create server TCP listening socket 127.0.0.1:${busPort}: bind: Address already in use`,
    );
    expect(lines.join('\n')).toContain(`Failed listening on port ${busPort} (cluster), aborting.`);
    expect(await listening(port)).toBe(false);
    expect(existsSync(join(dir, 'nodes.conf.lock'))).toBe(false);
  });

  it('hands accepted bus connections to the cluster', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const host: ServerHost = await start(dir);
    const accepted: unknown[] = [];
    const cluster = host.node.cluster!;
    const original = cluster.acceptLink.bind(cluster);
    cluster.acceptLink = (link) => {
      accepted.push(link);
      original(link);
    };
    const socket = connect(host.busPort!, '127.0.0.1');
    await waitFor(() => accepted.length === 1, { message: 'bus link accepted' });
    socket.destroy();
  });
});

describe('redis-sim server in cluster mode (in-process CLI)', () => {
  /** Runs the CLI in this process with its output collected. */
  async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      cwd,
      out: (t) => (stdout += t),
      err: (t) => (stderr += t),
      onSignal: () => () => {},
    });
    return { code, stdout, stderr };
  }

  it('a corrupted nodes.conf: only the Redis log line, exit code 1, nothing left behind', async () => {
    const { dir, cleanup } = tempDir();
    writeFileSync(join(dir, 'nodes.conf'), 'garbage line here\n');
    const port = await freePort();
    const result = await cli(['server', '--port', String(port), '--cluster-enabled', 'yes', '--dir', dir], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+:M .* # Unrecoverable error: corrupted cluster config file\.\n$/m);
    expect(result.stdout).not.toContain('redis-sim:');
    expect(await listening(port)).toBe(false);
    expect(existsSync(join(dir, 'nodes.conf.lock'))).toBe(false);
    cleanup();
  });

  it('a nodes.conf in use by another node: Redis refusal, exit code 1', async () => {
    const { dir, cleanup } = tempDir();
    const first = await startServerHost({
      directives: [['port', ['0']], ['dir', [dir]], ...CLUSTER],
      logSink: () => {},
    });
    const result = await cli(['server', '--port', '0', '--cluster-enabled', 'yes', '--dir', dir], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'redis-sim: Sorry, the cluster configuration file nodes.conf is already used by a different Redis Cluster ' +
        'node. Please make sure that different nodes use different cluster configuration files.\n',
    );
    expect(result.stdout).toContain('# Sorry, the cluster configuration file nodes.conf is already used');
    await first.stop('nosave');
    cleanup();
  });
});

describe('startCluster', () => {
  let cluster: StartedCluster | null = null;
  afterEach(async () => {
    await cluster?.stop();
    cluster = null;
  });

  async function checkAndStop(c: StartedCluster, size: number): Promise<void> {
    const seed = c.seeds[0]!;
    const check = await runTool('redis-cli', ['--cluster', 'check', `${seed.host}:${seed.port}`]);
    expect(check.stdout).toContain('[OK] All nodes agree about slots configuration.');
    expect(check.stdout).toContain('[OK] All 16384 slots covered.');
    expect(check.status, check.stdout).toBe(0);
    const ports = c.nodes.flatMap((n) => [n.port, n.server.busPort!]);
    expect(ports).toHaveLength(2 * size);
    await c.stop();
    cluster = null;
    for (const port of ports) expect(await listening(port)).toBe(false);
  }

  it('forms 3 masters on ephemeral ports', async () => {
    cluster = await startCluster({ masters: 3 });
    expect(cluster.nodes.map((n) => n.role)).toEqual(['master', 'master', 'master']);
    expect(cluster.seeds).toHaveLength(3);
    expect(cluster.nodes.every((n) => /^[0-9a-f]{40}$/.test(n.id))).toBe(true);
    const client = await RespClient.connect(cluster.nodes[0]!.port);
    expect(await client.run('CLUSTER', 'INFO')).toMatch(/^cluster_state:ok\r\n/);
    client.socket.destroy();
    await checkAndStop(cluster, 3);
  });

  it('an abort while forming shuts every started node down', async () => {
    const { dir, cleanup } = tempDir();
    const abort = new AbortController();
    const ports = new Set<number>();
    const start = startClusterHost({
      masters: 3,
      replicas: 0,
      port: 0,
      dir,
      signal: abort.signal,
      logSink: (port) => ports.add(port),
      progress: (line) => {
        if (line.startsWith('>>> Performing hash slots allocation')) abort.abort();
      },
    });
    await expect(start).rejects.toThrow('Interrupted while forming the cluster');
    expect(ports.size).toBe(3);
    for (const port of ports) expect(await listening(port)).toBe(false);
    cleanup();
  });

  it('forms 3 masters with 1 replica each', async () => {
    cluster = await startCluster({ masters: 3, replicas: 1 });
    expect(cluster.nodes.map((n) => n.role)).toEqual(['master', 'master', 'master', 'replica', 'replica', 'replica']);
    await checkAndStop(cluster, 6);
  });
});
