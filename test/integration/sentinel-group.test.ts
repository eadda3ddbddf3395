// The library's startSentinelGroup on real TCP (ephemeral ports): a master, two replicas and three Sentinels in this
// process; failMaster kills the master, waitForSwitchMaster resolves on a Sentinel's +switch-master, writes succeed
// on the promoted replica, the other replica follows it, and the restarted old master becomes a replica.

import { afterEach, describe, expect, it } from 'vitest';
import { startSentinelGroup, type StartedSentinelGroup } from '../../src/index.js';
import { listening } from '../helpers/cli-process.js';
import { ClientPool, waitFor } from '../helpers/servers.js';

/** INFO replication of a data node as a field map, read through RESP. */
async function replication(pool: ClientPool, port: number): Promise<Record<string, string>> {
  const client = await pool.connect({ port });
  const text = (await client.run('INFO', 'replication')) as string;
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

describe('startSentinelGroup', () => {
  const pool = new ClientPool();
  let group: StartedSentinelGroup | null = null;
  afterEach(async () => {
    await pool.closeAll();
    await group?.stop();
    group = null;
  });

  it('starts a ready group on ephemeral ports, fails its master over and stops cleanly', async () => {
    group = await startSentinelGroup({ downAfterMs: 1000, failoverTimeoutMs: 10_000 });
    expect(group.nodes.map((n) => [n.group, n.initialRole])).toEqual([
      ['mymaster', 'master'],
      ['mymaster', 'replica'],
      ['mymaster', 'replica'],
    ]);
    expect(group.sentinels).toHaveLength(3);
    const [master, r1, r2] = group.nodes;
    expect(group.masterAddress()).toEqual({ host: '127.0.0.1', port: master!.port });
    for (const s of group.sentinels) {
      const client = await pool.connect(s);
      expect(await client.run('SENTINEL', 'CKQUORUM', 'mymaster')).toBe(
        'OK 3 usable Sentinels. Quorum and failover authorization can be reached',
      );
      const fields = (await client.run('SENTINEL', 'MASTER', 'mymaster')) as string[];
      expect(fields[fields.indexOf('num-slaves') + 1]).toBe('2');
      expect(fields[fields.indexOf('num-other-sentinels') + 1]).toBe('2');
    }
    const writer = await pool.connect(master!);
    expect(await writer.run('SET', 'before', '1')).toBe('OK');

    expect(await group.failMaster()).toEqual({ host: '127.0.0.1', port: master!.port });
    expect(master!.member.state).toBe('crashed');
    const promoted = await group.waitForSwitchMaster('mymaster', 30_000);
    expect([r1!.port, r2!.port]).toContain(promoted.port);
    await waitFor(() => group!.masterAddress().port === promoted.port, { timeoutMs: 5000, message: 'masterAddress' });
    for (const s of group.sentinels) {
      const client = await pool.connect(s);
      await waitFor(
        async () =>
          ((await client.run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[])[1] ===
          String(promoted.port),
        { timeoutMs: 10_000, message: `Sentinel ${s.port} switched` },
      );
    }
    const newMaster = await pool.connect(promoted);
    expect(await newMaster.run('SET', 'after', '2')).toBe('OK');
    expect(await newMaster.run('GET', 'before')).toBe('1');
    const other = promoted.port === r1!.port ? r2! : r1!;
    await waitFor(
      async () => {
        const info = await replication(pool, other.port);
        return info.master_port === String(promoted.port) && info.master_link_status === 'up';
      },
      { timeoutMs: 20_000, message: 'the other replica follows the promoted one' },
    );

    await group.faults.restart(master!.port);
    await waitFor(
      async () => {
        const info = await replication(pool, master!.port);
        return info.role === 'slave' && info.master_port === String(promoted.port);
      },
      { timeoutMs: 30_000, message: 'the old master becomes a replica' },
    );

    const ports = [...group.nodes, ...group.sentinels].map((n) => n.port);
    await pool.closeAll();
    await group.stop();
    group = null;
    for (const port of ports) expect(await listening(port)).toBe(false);
  }, 90_000);

  it('rejects an unknown master name', async () => {
    group = await startSentinelGroup({ replicas: 0, sentinels: 1 });
    expect(() => group!.masterAddress('nosuch')).toThrow('Expected a master name the Sentinels monitor');
    await expect(group.failMaster('nosuch')).rejects.toThrow('Expected a master name');
  }, 30_000);
});
