// `redis-sim sentinel` as a process (dist/cli/main.js; build first): a master, two replicas and three Sentinels in one
// process. Real redis-cli sees a quorum; `redis-sim ctl kill` of the master makes every Sentinel move to a former
// replica, the other replica follows, the restarted old master becomes a replica, the sentinel.conf files are
// rewritten, Ctrl-C frees every port; bad arguments give one line and exit code 1.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listening, spawnRedisSim, trackChild } from '../helpers/cli-process.js';
import { freePortBlock } from '../helpers/cluster-fixtures.js';
import { runCommand } from '../helpers/run-command.js';
import { CLI_PATH, tempDir, waitFor } from '../helpers/servers.js';

/** Real redis-cli against a port; its trimmed standard output. */
async function cli(port: number, ...args: string[]): Promise<string> {
  const result = await runCommand('redis-cli', ['-p', String(port), ...args]);
  return result.stdout.trim();
}

/** One field of a node's INFO replication, through real redis-cli. */
async function replicationField(port: number, field: string): Promise<string | undefined> {
  const text = await cli(port, 'INFO', 'replication');
  return text
    .split(/\r?\n/)
    .find((l) => l.startsWith(`${field}:`))
    ?.slice(field.length + 1);
}

describe('redis-sim sentinel', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** `redis-sim sentinel <args>` in `cwd`, killed after the test if still running. */
  function spawnSentinel(args: readonly string[], cwd: string) {
    return spawnRedisSim(['sentinel', ...args], cwd, cleanups);
  }

  it('runs a group that real redis-cli sees, fails over on `redis-sim ctl kill`, and stops on SIGINT', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // Data nodes base..base+2, the control port base+3 (the first Sentinel port - 1), Sentinels base+4..base+6.
    const base = await freePortBlock(7);
    const sentinels = [base + 4, base + 5, base + 6];
    const control = base + 3;
    const { child, output, exited } = spawnSentinel(
      [
        '--port',
        String(base),
        '--sentinel-port',
        String(base + 4),
        '--down-after',
        '1000',
        '--failover-timeout',
        '10000',
      ],
      dir,
    );
    await waitFor(() => output().includes('Control port:'), { timeoutMs: 60_000, message: 'the table' });
    const text = output();
    expect(text).toContain('Starting 3 data nodes (1 master, 2 replicas per master) and 3 Sentinels (quorum 2)');
    expect(text).toMatch(new RegExp(`^master +${base} +mymaster$`, 'm'));
    expect(text).toMatch(new RegExp(`^replica +${base + 2} +mymaster$`, 'm'));
    expect(text).toMatch(new RegExp(`^sentinel +${base + 6} +[0-9a-f]{40}$`, 'm'));
    expect(text).toContain(`Connect with: redis-cli -p ${base + 4} SENTINEL get-master-addr-by-name mymaster`);
    expect(text).toContain(
      `Control port: 127.0.0.1:${control} (loopback only). Try: redis-sim ctl --port ${control} nodes, ` +
        `or kill|restart|pause|resume <port>, partition <ports> '|' <ports>, heal, latency <ms> [<port>]\n`,
    );
    for (const s of sentinels) {
      expect(await cli(s, 'SENTINEL', 'CKQUORUM', 'mymaster')).toBe(
        'OK 3 usable Sentinels. Quorum and failover authorization can be reached',
      );
      expect(await cli(s, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')).toBe(`127.0.0.1\n${base}`);
    }
    const nodes = await runCommand(process.execPath, [CLI_PATH, 'ctl', '--port', String(control), 'nodes']);
    expect(nodes.stdout).toMatch(
      new RegExp(`^port=${base + 1} bus=- id=[0-9a-f]{40} role=replica master=${base} state=running$`, 'm'),
    );
    expect(nodes.stdout).toMatch(
      new RegExp(`^port=${base + 4} bus=- id=[0-9a-f]{40} role=sentinel state=running$`, 'm'),
    );

    const kill = await runCommand(process.execPath, [CLI_PATH, 'ctl', '--port', String(control), 'kill', String(base)]);
    expect(kill.stdout).toBe('OK\n');
    let promoted = '';
    await waitFor(
      async () => {
        const answers = await Promise.all(
          sentinels.map((s) => cli(s, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')),
        );
        promoted = answers[0]!.split('\n')[1] ?? '';
        return promoted !== String(base) && answers.every((a) => a === answers[0]);
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'every Sentinel moves to a former replica' },
    );
    expect([String(base + 1), String(base + 2)]).toContain(promoted);
    const other = promoted === String(base + 1) ? base + 2 : base + 1;
    await waitFor(
      async () =>
        (await replicationField(other, 'master_port')) === promoted &&
        (await replicationField(other, 'master_link_status')) === 'up',
      { timeoutMs: 30_000, intervalMs: 200, message: 'the other replica follows the promoted one' },
    );
    expect(await cli(Number(promoted), 'SET', 'k', 'v')).toBe('OK');

    const restart = await runCommand(process.execPath, [
      CLI_PATH,
      'ctl',
      '--port',
      String(control),
      'restart',
      String(base),
    ]);
    expect(restart.stdout).toBe('OK\n');
    await waitFor(
      async () =>
        (await replicationField(base, 'role')) === 'slave' &&
        (await replicationField(base, 'master_port')) === promoted,
      { timeoutMs: 30_000, intervalMs: 200, message: 'the old master becomes a replica' },
    );
    for (const s of sentinels) {
      const conf = readFileSync(join(dir, String(s), 'sentinel.conf'), 'latin1');
      expect(conf).toContain(`sentinel monitor mymaster 127.0.0.1 ${promoted} 2`);
      expect(conf).toMatch(/^sentinel myid [0-9a-f]{40}$/m);
      expect(conf).toContain('sentinel current-epoch 1');
      expect(conf).toContain(`sentinel known-replica mymaster 127.0.0.1 ${base}`);
      expect(conf.match(/^sentinel known-sentinel mymaster /gm)).toHaveLength(2);
    }
    expect(output()).toContain(`Fault applied: crash ${base}`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toContain('Every node has stopped.');
    for (const port of [base, base + 1, base + 2, control, ...sentinels]) expect(await listening(port)).toBe(false);
  }, 120_000);

  it('refuses bad arguments with one line and exit code 1, leaving nothing running', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const cases: [string[], string][] = [
      [['--quorum', '4'], 'redis-sim: Expected `--quorum` to be an integer <= 3, got `4` (see --help)\n'],
      [['--sentinels', '0'], 'redis-sim: Expected `--sentinels` to be an integer >= 1, got `0` (see --help)\n'],
      [['--appendonly', 'maybe'], 'redis-sim: Expected `--appendonly` to be yes or no, got `maybe` (see --help)\n'],
      [
        ['--port', '7000', '--sentinel-port', '7001'],
        'redis-sim: Expected the Sentinel ports (7001-7003) not to overlap the data node ports (7000-7002) (see --help)\n',
      ],
      [['--bogus'], 'redis-sim: Unknown argument: bogus (see --help)\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCommand(process.execPath, [CLI_PATH, 'sentinel', ...args], { cwd: dir });
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr,
      });
    }
  });

  it('fails with one line when a port is taken, shutting down what it started', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const base = await freePortBlock(7);
    const blocker = spawn('redis-server', ['--port', String(base + 4), '--save', '', '--appendonly', 'no'], {
      cwd: dir,
      stdio: 'ignore',
    });
    trackChild(blocker, cleanups);
    await waitFor(() => listening(base + 4), { timeoutMs: 10_000, message: 'the blocker' });
    const result = await runCommand(
      process.execPath,
      [CLI_PATH, 'sentinel', '--port', String(base), '--sentinel-port', String(base + 4)],
      { cwd: dir, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `redis-sim: Could not create server TCP listening socket 127.0.0.1:${base + 4}: bind: Address already in use\n`,
    );
    for (const port of [base, base + 1, base + 2]) expect(await listening(port)).toBe(false);
  }, 90_000);

  it('is listed in redis-sim --help and has its own --help', async () => {
    const top = await runCommand(process.execPath, [CLI_PATH, '--help']);
    expect(top.stdout).toMatch(/redis-sim sentinel \[options\.\.\]\s+run replication groups and the Sentinels/);
    const own = await runCommand(process.execPath, [CLI_PATH, 'sentinel', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('Usage: redis-sim sentinel [options]');
    expect(own.stdout).toContain('--down-after');
    expect(own.stdout).toContain('--control-port');
  });
});
