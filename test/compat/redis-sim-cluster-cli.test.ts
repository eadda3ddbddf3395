// `redis-sim cluster` as a process (dist/cli/main.js; build first): it starts and forms a cluster on consecutive
// ports, real `redis-cli --cluster check` and `redis-cli -c` accept it, Ctrl-C stops every node and frees every port,
// and bad arguments or taken ports give one line and exit code 1.

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listening, spawnRedisSim, type RedisSimProcess } from '../helpers/cli-process.js';
import { freePortBlock } from '../helpers/cluster-fixtures.js';
import { runCommand } from '../helpers/run-command.js';
import { CLI_PATH, tempDir, waitFor } from '../helpers/servers.js';

describe('redis-sim cluster', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** `redis-sim cluster <args>` in `cwd`, killed after the test if still running. */
  function spawnCluster(args: readonly string[], cwd: string): RedisSimProcess {
    return spawnRedisSim(['cluster', ...args], cwd, cleanups);
  }

  it('forms 3 masters with 1 replica each, passes redis-cli --cluster check, and stops on SIGINT', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const base = await freePortBlock(6);
    const { child, output, exited } = spawnCluster(['--masters', '3', '--replicas', '1', '--port', String(base)], dir);
    await waitFor(() => output().includes(`redis-cli -c -p ${base}`), { timeoutMs: 30_000, message: 'the table' });
    const table = output();
    expect(table).toMatch(new RegExp(`^${base} +[0-9a-f]{40} +master +0-5460$`, 'm'));
    expect(table).toMatch(new RegExp(`^${base + 5} +[0-9a-f]{40} +replica +replicates ${base + 1}$`, 'm'));
    expect(table).toContain('>>> Sending CLUSTER MEET messages to join the cluster');

    const check = await runCommand('redis-cli', ['--cluster', 'check', `127.0.0.1:${base}`]);
    expect(check.stdout).toContain('[OK] All 16384 slots covered.');
    expect(check.code, check.stdout).toBe(0);
    const set = await runCommand('redis-cli', ['-c', '-p', String(base), 'SET', 'foo', 'bar']);
    expect(set.stdout.trim()).toBe('OK');
    const get = await runCommand('redis-cli', ['-c', '-p', String(base + 1), 'GET', 'foo']);
    expect(get.stdout.trim()).toBe('bar');

    for (let i = 0; i < 6; i++) expect(existsSync(join(dir, String(base + i), 'nodes.conf'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (let i = 0; i < 6; i++) {
      expect(await listening(base + i)).toBe(false);
      expect(await listening(base + i + 10000)).toBe(false);
      expect(existsSync(join(dir, String(base + i), 'nodes.conf.lock'))).toBe(false);
    }
  });

  it('leaves empty cluster nodes with --no-form, which real redis-cli --cluster create can form', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const base = await freePortBlock(3);
    const { child, output, exited } = spawnCluster(
      ['--masters', '3', '--replicas', '0', '--port', String(base), '--no-form', '--log-stdout'],
      dir,
    );
    await waitFor(() => output().includes(`redis-cli -c -p ${base}`), { timeoutMs: 20_000, message: 'the table' });
    expect(output()).toContain(`${base + 2} | `);
    expect(output()).toMatch(new RegExp(`^${base + 1} \\| \\d+:M .* Ready to accept connections$`, 'm'));
    expect(existsSync(join(dir, String(base), 'redis.log'))).toBe(false);
    const nodes = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`);
    const create = await runCommand('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-yes']);
    expect(create.stdout).toContain('[OK] All 16384 slots covered.');
    expect(create.code, create.stdout).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('restarted in the same directory, reuses the cluster from nodes.conf', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const base = await freePortBlock(3);
    const args = ['--masters', '3', '--replicas', '0', '--port', String(base)];
    const first = spawnCluster(args, dir);
    await waitFor(() => first.output().includes(`redis-cli -c -p ${base}`), { timeoutMs: 20_000, message: 'table' });
    const ids = [...first.output().matchAll(/^\d+ +([0-9a-f]{40}) +master/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    expect((await runCommand('redis-cli', ['-c', '-p', String(base), 'SET', 'foo', 'bar'])).stdout.trim()).toBe('OK');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = spawnCluster(args, dir);
    await waitFor(() => second.output().includes(`redis-cli -c -p ${base}`), { timeoutMs: 20_000, message: 'table' });
    expect(second.output()).toContain('already belongs to a cluster');
    expect([...second.output().matchAll(/^\d+ +([0-9a-f]{40}) +master/gm)].map((m) => m[1])).toEqual(ids);
    expect((await runCommand('redis-cli', ['-c', '-p', String(base), 'GET', 'foo'])).stdout.trim()).toBe('bar');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  const badArgs: [string[], string][] = [
    [['--masters', '2'], 'redis-sim: Expected `--masters` to be an integer >= 3, got `2` (see --help)'],
    [['--masters', 'x'], 'redis-sim: Expected `--masters` to be an integer >= 3, got `x` (see --help)'],
    [['--replicas', '-1'], 'redis-sim: Expected `--replicas` to be an integer >= 0, got `-1` (see --help)'],
    [['--node-timeout', '0'], 'redis-sim: Expected `--node-timeout` to be an integer >= 1, got `0` (see --help)'],
    [['--appendonly', 'maybe'], 'redis-sim: Expected `--appendonly` to be yes or no, got `maybe` (see --help)'],
  ];
  for (const [args, line] of badArgs) {
    it(`rejects ${args.join(' ')} with one line`, async () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const result = await runCommand(process.execPath, [CLI_PATH, 'cluster', ...args], {
        cwd: dir,
        timeoutMs: 25_000,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`${line}\n`);
    });
  }

  it('fails with one line when a port is taken, leaving nothing running', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const base = await freePortBlock(3);
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(base + 2, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const result = await runCommand(
      process.execPath,
      [CLI_PATH, 'cluster', '--masters', '3', '--replicas', '0', '--port', String(base)],
      { cwd: dir, timeoutMs: 25_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `redis-sim: Could not create server TCP listening socket 127.0.0.1:${base + 2}: bind: Address already in use\n`,
    );
    for (const port of [base, base + 1, base + 10000, base + 10001]) expect(await listening(port)).toBe(false);
  });

  it('prints its options for --help', async () => {
    const result = await runCommand(process.execPath, [CLI_PATH, 'cluster', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--masters');
    expect(result.stdout).toContain('--no-form');
  });
});
