// `redis-sim ctl` against a `redis-sim cluster` process (dist/cli/main.js; build first): the cluster prints its
// control port, `ctl nodes` lists the nodes, `ctl kill` of a master lets its replica take over (real `redis-cli
// --cluster check` still sees every slot covered), `ctl restart` brings the old master back as a replica, and bad
// commands or an unreachable port print one line and exit 1.

import { afterEach, describe, expect, it } from 'vitest';
import { spawnRedisSim } from '../helpers/cli-process.js';
import { freePortBlock } from '../helpers/cluster-fixtures.js';
import { runCommand } from '../helpers/run-command.js';
import { CLI_PATH, tempDir, waitFor } from '../helpers/servers.js';

/** `redis-sim ctl --port <control> …`. */
function ctl(control: number, ...words: string[]) {
  return runCommand(process.execPath, [CLI_PATH, 'ctl', '--port', String(control), ...words]);
}

/** The `port=… role=… state=…` fields of one `ctl nodes` line. */
function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
}

describe('redis-sim ctl', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('drives a redis-sim cluster process: nodes, kill (failover), restart (back as a replica), bad input', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // One more free port before the first node's: the control port's default.
    const base = (await freePortBlock(7)) + 1;
    const { child, output, exited } = spawnRedisSim(
      ['cluster', '--masters', '3', '--replicas', '1', '--port', String(base), '--node-timeout', '1000'],
      dir,
      cleanups,
    );
    await waitFor(() => /Control port: 127\.0\.0\.1:(\d+)/.test(output()), { timeoutMs: 30_000, message: output() });
    const control = Number(/Control port: 127\.0\.0\.1:(\d+)/.exec(output())![1]);
    expect(control).toBe(base - 1);

    const listed = await ctl(control, 'nodes');
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout.trim().split('\n').map(fields);
    expect(rows.map((r) => Number(r.port))).toEqual([0, 1, 2, 3, 4, 5].map((i) => base + i));
    expect(rows.every((r) => r.state === 'running' && /^[0-9a-f]{40}$/.test(r.id!))).toBe(true);
    const replica = rows.find((r) => r.role === 'replica' && r.master === String(base))!;
    expect(replica).toBeDefined();
    // A replica fails over only with recent data: wait for its first sync.
    await waitFor(
      async () =>
        (await runCommand('redis-cli', ['-p', replica.port!, 'INFO', 'replication'])).stdout.includes(
          'master_link_status:up',
        ),
      { timeoutMs: 15_000, message: 'the replica never synced' },
    );

    const killed = await ctl(control, 'kill', String(base));
    expect([killed.code, killed.stdout]).toEqual([0, 'OK\n']);
    await waitFor(
      async () => {
        const now = (await ctl(control, 'nodes')).stdout.trim().split('\n').map(fields);
        return now.find((r) => r.port === replica.port)?.role === 'master';
      },
      { timeoutMs: 1000 + 3000 + 2000, intervalMs: 200, message: 'the replica did not take over' },
    );
    expect((await ctl(control, 'nodes')).stdout).toContain(`port=${base} `);
    expect((await ctl(control, 'nodes')).stdout).toMatch(new RegExp(`port=${base} .* state=crashed`));
    const check = await runCommand('redis-cli', ['--cluster', 'check', `127.0.0.1:${base + 1}`]);
    expect(check.stdout).toContain('[OK] All 16384 slots covered.');

    const restarted = await ctl(control, 'restart', String(base));
    expect([restarted.code, restarted.stdout]).toEqual([0, 'OK\n']);
    await waitFor(
      async () => {
        const now = (await ctl(control, 'nodes')).stdout.trim().split('\n').map(fields);
        const back = now.find((r) => r.port === String(base));
        return back?.role === 'replica' && back.master === replica.port && back.state === 'running';
      },
      { timeoutMs: 20_000, intervalMs: 200, message: 'the old master did not come back as a replica' },
    );
    await waitFor(
      async () => {
        const again = await runCommand('redis-cli', ['--cluster', 'check', `127.0.0.1:${base}`]);
        return again.code === 0 && again.stdout.includes('[OK] All 16384 slots covered.');
      },
      { timeoutMs: 20_000, intervalMs: 300, message: 'redis-cli --cluster check never passed after the restart' },
    );
    expect(output()).toContain(`Fault applied: crash ${base}\n`);
    expect(output()).toContain(`Fault applied: restart ${base}\n`);

    const bad = await ctl(control, 'frob');
    expect([bad.code, bad.stderr]).toEqual([1, "redis-sim ctl: ERR unknown subcommand 'frob'. Try SIM HELP.\n"]);
    const unknown = await ctl(control, 'kill', '1');
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'redis-sim ctl: ERR no node of this cluster listens on port 1\n',
    ]);
    const number = await ctl(control, 'pause', String(base), 'soon');
    expect([number.code, number.stderr]).toEqual([1, 'redis-sim ctl: ERR value is not an integer or out of range\n']);
    const nothing = await runCommand(process.execPath, [CLI_PATH, 'ctl', '--port', String(control)]);
    expect([nothing.code, nothing.stderr]).toEqual([
      1,
      'redis-sim: Expected a command, e.g. `redis-sim ctl nodes` (see --help)\n',
    ]);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const gone = await ctl(control, 'nodes');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`Could not reach the control port 127.0.0.1:${control}: Connection refused`);
  }, 90_000);
});
