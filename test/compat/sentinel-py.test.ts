// redis-py 4.3.4's Sentinel client (Debian's python3-redis) against a redis-sim Sentinel group started with the
// library (startSentinelGroup): it discovers the master, writes through master_for, and after failMaster discovers the
// promoted replica and writes again through the same client.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSentinelGroup, type StartedSentinelGroup } from '../../src/index.js';
import { trackChild } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/servers.js';

/** Debian's interpreter: the `python3` on PATH may lack the redis module. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, 'sentinel-py-client.py');

describe('redis-py Sentinel against redis-sim sentinels', () => {
  let group: StartedSentinelGroup | null = null;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await group?.stop();
    group = null;
  });

  it('discovers the master, and the new master after a failover, writing through master_for', async () => {
    group = await startSentinelGroup({ downAfterMs: 1000, failoverTimeoutMs: 10_000 });
    const child = spawn(PYTHON, [SCRIPT, ...group.sentinels.map((s) => String(s.port))], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = trackChild(child, cleanups);
    const master = group.nodes[0]!;
    await waitFor(() => stdout.includes('ready '), { timeoutMs: 20_000, message: `python ready (${stderr})` });
    expect(stdout).toBe(`ready 127.0.0.1 ${master.port}\n`);

    await group.failMaster();
    const switched = group.waitForSwitchMaster('mymaster', 30_000);
    child.stdin.end('failed\n');
    const promoted = await switched;
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const out = JSON.parse(stdout.split('\n')[1]!) as Record<string, unknown>;
    expect(out).toMatchObject({
      before: ['127.0.0.1', master.port],
      replicas: [
        ['127.0.0.1', group.nodes[1]!.port],
        ['127.0.0.1', group.nodes[2]!.port],
      ].sort(),
      set_before: true,
      get_before: 'v1',
      wait_before: 2,
      replica_role: 'slave',
      after: ['127.0.0.1', promoted.port],
      set_after: true,
      get_after: ['v1', 'v2'],
      master_role_after: 'master',
    });
    expect([group.nodes[1]!.port, group.nodes[2]!.port]).toContain(promoted.port);
    expect(typeof out['errors_during_failover']).toBe('number');
  }, 90_000);
});
