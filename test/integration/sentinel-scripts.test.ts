// Sentinel scripts on the realtime runtime: a redis-sim Sentinel runs real `#!/bin/sh` notification and
// client-reconfig scripts during a failover of real Redis servers, and the argument lines they write must match the
// ones a real redis-sentinel 7.0.15 writes in the same scenario. Needs `npm run build`.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import {
  CLI_PATH,
  ClientPool,
  freePort,
  startProcessServer,
  startRealRedis,
  tempDir,
  waitFor,
  type ProcessServer,
} from '../helpers/servers.js';

type Kind = 'real' | 'sim';

/**
 * Writes an executable shell script that appends its arguments, `|`-separated, as one line to `out`, in a single
 * write so that scripts running at the same time never interleave their lines.
 */
function recorder(path: string, out: string, extra = ''): void {
  writeFileSync(path, `#!/bin/sh\n${extra}line=$(printf '%s|' "$@")\nprintf '%s\\n' "$line" >> '${out}'\n`);
  chmodSync(path, 0o755);
}

function readLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

/** A started scenario: its servers, the script output files, and a cleanup. */
interface Scenario {
  master: ProcessServer;
  replica: ProcessServer;
  sentinel: ProcessServer;
  notifyOut: string;
  reconfOut: string;
  stop(): Promise<void>;
}

const opened: Scenario[] = [];
const pool = new ClientPool();

afterEach(async () => {
  await pool.closeAll();
  while (opened.length > 0) await opened.pop()!.stop();
});

/** A real master, a real replica, and one Sentinel of `kind` (quorum 1) with both scripts configured. */
async function scenario(kind: Kind, notifyExtra = ''): Promise<Scenario> {
  const { dir, cleanup } = tempDir(`redis-sim-scripts-${kind}-`);
  const notify = join(dir, 'notify.sh');
  const reconf = join(dir, 'reconf.sh');
  const notifyOut = join(dir, 'notify.out');
  const reconfOut = join(dir, 'reconf.out');
  recorder(notify, notifyOut, notifyExtra);
  recorder(reconf, reconfOut);
  const servers: ProcessServer[] = [];
  const stop = async () => {
    for (const s of servers.reverse()) await s.stop();
    cleanup();
  };
  try {
    const master = await startRealRedis();
    servers.push(master);
    const replica = await startRealRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    servers.push(replica);
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
        'sentinel down-after-milliseconds mymaster 1000',
        'sentinel failover-timeout mymaster 10000',
        `sentinel notification-script mymaster ${notify}`,
        `sentinel client-reconfig-script mymaster ${reconf}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const sentinel =
      kind === 'real'
        ? await startProcessServer('redis-sentinel', [conf], { dir, port })
        : await startProcessServer(process.execPath, [CLI_PATH, 'sentinel-server', conf], { dir, port });
    servers.push(sentinel);
    const s: Scenario = { master, replica, sentinel, notifyOut, reconfOut, stop };
    opened.push(s);
    return s;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Kills the master once the Sentinel knows the replica, and waits for the switch and the scripts it runs. */
async function failOver(s: Scenario): Promise<void> {
  const c = await pool.connect(s.sentinel);
  await waitFor(
    async () => {
      const m = (await c.run('SENTINEL', 'MASTER', 'mymaster')) as string[];
      return m[m.indexOf('num-slaves') + 1] === '1';
    },
    { timeoutMs: 20_000, message: 'the Sentinel did not discover the replica' },
  );
  s.master.process.kill('SIGKILL');
  await waitFor(
    async () =>
      readLines(s.notifyOut).some((l) => l.startsWith('+switch-master|')) &&
      readLines(s.reconfOut).length > 0 &&
      ((await c.run('SENTINEL', 'PENDING-SCRIPTS')) as unknown[]).length === 0,
    { timeoutMs: 40_000, message: 'no failover with scripts' },
  );
}

/** The lines of the events both Sentinels must report identically, with ports named and run ids hidden. */
function normalized(s: Scenario, lines: readonly string[]): string[] {
  const stable = new Set([
    '+monitor',
    '+sdown',
    '+odown',
    '+new-epoch',
    '+try-failover',
    '+vote-for-leader',
    '+elected-leader',
    '+failover-state-select-slave',
    '+selected-slave',
    '+failover-state-send-slaveof-noone',
    '+failover-state-wait-promotion',
    '+promoted-slave',
    '+failover-state-reconf-slaves',
    '+failover-end',
    '+switch-master',
  ]);
  return (
    lines
      // An +sdown of the old master as a replica comes after the switch, at a time that varies between runs.
      .filter((l) => stable.has(l.split('|')[0]!) && !l.startsWith('+sdown|slave '))
      .map((l) =>
        l
          .replaceAll(String(s.master.port), 'MASTER_PORT')
          .replaceAll(String(s.replica.port), 'REPLICA_PORT')
          .replace(/\b[0-9a-f]{40}\b/g, 'RUNID'),
      )
      .sort()
  );
}

describe('Sentinel scripts with real processes', () => {
  it('writes the same notification and client-reconfig lines as a real redis-sentinel during a failover', async () => {
    const got: Record<Kind, { notify: string[]; reconf: string[] }> = {} as never;
    for (const kind of ['real', 'sim'] as const) {
      const s = await scenario(kind);
      await failOver(s);
      got[kind] = { notify: normalized(s, readLines(s.notifyOut)), reconf: normalized2(s, readLines(s.reconfOut)) };
    }
    expect(got.sim.reconf).toEqual(['mymaster|leader|start|127.0.0.1|MASTER_PORT|127.0.0.1|REPLICA_PORT|']);
    expect(got.sim.reconf).toEqual(got.real.reconf);
    expect(got.sim.notify).toContain('+switch-master|mymaster 127.0.0.1 MASTER_PORT 127.0.0.1 REPLICA_PORT|');
    expect(got.sim.notify).toContain('+odown|master mymaster 127.0.0.1 MASTER_PORT #quorum 1/1|');
    expect(got.sim.notify).toEqual(got.real.notify);
  }, 120_000);

  it('shows a running script in SENTINEL PENDING-SCRIPTS and INFO as a real redis-sentinel does', async () => {
    const shapes: Record<Kind, { keys: string[]; flags: string; argv: unknown; info: string[] }> = {} as never;
    for (const kind of ['real', 'sim'] as const) {
      const s = await scenario(kind, 'sleep 3\n');
      const c = await pool.connect(s.sentinel);
      let pending: PlainReply[] = [];
      await waitFor(
        async () => {
          pending = (await c.run('SENTINEL', 'PENDING-SCRIPTS')) as PlainReply[];
          return pending.length > 0 && (pending[0] as string[])[3] === 'running';
        },
        { timeoutMs: 10_000, message: 'the +monitor script did not start' },
      );
      const job = pending[0] as PlainReply[];
      const keys = job.filter((_, i) => i % 2 === 0) as string[];
      expect(Number(job[5])).toBeGreaterThan(0);
      const info = ((await c.run('INFO', 'sentinel')) as string)
        .split('\r\n')
        .filter((l) => l.startsWith('sentinel_running_scripts') || l.startsWith('sentinel_scripts_queue_length'));
      shapes[kind] = {
        keys,
        flags: job[3] as string,
        argv: (job[1] as string[]).map((a) => a.replace(String(s.master.port), 'PORT').replace(/^\/.*\//, '/')),
        info,
      };
    }
    expect(shapes.sim.keys).toEqual(['argv', 'flags', 'pid', 'run-time', 'retry-num']);
    expect(shapes.sim).toEqual(shapes.real);
  }, 60_000);
});

/** Client-reconfig lines with ports named. */
function normalized2(s: Scenario, lines: readonly string[]): string[] {
  return lines.map((l) =>
    l.replaceAll(String(s.master.port), 'MASTER_PORT').replaceAll(String(s.replica.port), 'REPLICA_PORT'),
  );
}
