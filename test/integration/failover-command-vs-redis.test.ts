// FAILOVER (the standalone coordinated failover of Redis 7.0) over real TCP with real Redis 7.0.15 as the witness:
// every error text compared with a real redis-server, a timed-out failover compared step by step (INFO replication
// while waiting for a stopped replica, the log lines, the abort), and the failover itself in both directions: a
// redis-sim master handing over to a real replica, and a real master handing over to a redis-sim replica (which
// answers the PSYNC ... FAILOVER).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import { startServerHost, type ServerHost } from '../../src/runtime/server-host.js';
import {
  ClientPool,
  startRealRedis,
  tempDir,
  waitFor,
  type ProcessServer,
  type RespClient,
} from '../helpers/servers.js';
import { info, infoPairs, masked, onlineReplicas } from '../helpers/resp-info.js';

/** redis-sim in this process, its log kept. */
interface LoggedSim {
  readonly port: number;
  readonly host: ServerHost;
  log(): string;
  stop(): Promise<void>;
}

async function startLoggedSim(directives: [string, string[]][] = []): Promise<LoggedSim> {
  const { dir, cleanup } = tempDir();
  const lines: string[] = [];
  const host = await startServerHost({
    directives: [['port', ['0']], ['dir', [dir]], ['save', ['']], ['repl-diskless-sync-delay', ['0']], ...directives],
    logSink: (line) => lines.push(line),
  });
  return {
    port: host.port,
    host,
    log: () => lines.join('\n'),
    async stop() {
      await host.stop('nosave');
      cleanup();
    },
  };
}

const pool = new ClientPool();
const stopped: ProcessServer[] = [];
/** Masters without replicas. */
let loneReal: ProcessServer;
let loneSim: LoggedSim;
/** A real master with a real replica, and a redis-sim master with a real replica. */
let realMaster: ProcessServer;
let realOfReal: ProcessServer;
let simMaster: LoggedSim;
let realOfSim: ProcessServer;
/** A real master with a redis-sim replica. */
let realMaster2: ProcessServer;
let simOfReal: LoggedSim;

beforeAll(async () => {
  [loneReal, loneSim, realMaster, simMaster, realMaster2] = await Promise.all([
    startRealRedis(),
    startLoggedSim(),
    startRealRedis(['--repl-diskless-sync-delay', '0']),
    startLoggedSim(),
    startRealRedis(['--repl-diskless-sync-delay', '0']),
  ]);
  [realOfReal, realOfSim, simOfReal] = await Promise.all([
    startRealRedis(['--replicaof', '127.0.0.1', String(realMaster.port)]),
    startRealRedis(['--replicaof', '127.0.0.1', String(simMaster.port)]),
    startLoggedSim([['replicaof', ['127.0.0.1', String(realMaster2.port)]]]),
  ]);
  await Promise.all(
    [realMaster, simMaster, realMaster2].map(async (m) => {
      const c = await pool.connect(m);
      await waitFor(async () => (await onlineReplicas(c)) === 1, { timeoutMs: 15_000, message: 'replica online' });
    }),
  );
}, 40_000);

afterAll(async () => {
  for (const s of stopped) s.process.kill('SIGCONT');
  await pool.closeAll();
  await Promise.all([realOfReal, realOfSim, simOfReal, loneReal, loneSim].map((s) => s?.stop()));
  await Promise.all([realMaster, simMaster, realMaster2].map((s) => s?.stop()));
});

/** Runs the same commands on both servers, returning both lists of replies. */
async function both(
  a: RespClient,
  b: RespClient,
  commands: (string | number)[][],
): Promise<[PlainReply[], PlainReply[]]> {
  const ra: PlainReply[] = [];
  const rb: PlainReply[] = [];
  for (const cmd of commands) {
    ra.push(await a.run(...cmd));
    rb.push(await b.run(...cmd));
  }
  return [ra, rb];
}

/** The FAILOVER-related lines of a log, without their prefixes (pid, role, time). */
function failoverLines(log: string): string[] {
  return log
    .split('\n')
    .map((l) => l.replace(/^.*?[*#.-] /, ''))
    .filter((l) => /FAILOVER|Failover/.test(l));
}

/**
 * The log lines from the first containing `from` to the first containing `to` after it, as `<role> <level> <text>`
 * with numbers and ids masked; the client description of MASTER MODE lines is cut, and Redis's line about its
 * non-blocking connect (a socket detail redis-sim does not log) is left out.
 */
function logFrom(log: string, from: string, to: string): string[] {
  const lines = log.split('\n');
  const start = lines.findIndex((l) => l.includes(from));
  const end = lines.findIndex((l, i) => i > start && l.includes(to));
  return lines
    .slice(start, end + 1)
    .filter((l) => !l.includes('Non blocking connect for SYNC fired the event.'))
    .map((l) => {
      const m = /^\d+:([MSC]) .*?\d\d\.\d{3} ([.*#-]) (.*)$/.exec(l);
      const text = (m?.[3] ?? l).replace(/\(failover request from .*/, '(failover request from ...)');
      return `${m?.[1]} ${m?.[2]} ${text.replace(/[0-9a-f]{40}/g, '<id>').replace(/\d+/g, 'N')}`;
    });
}

describe('FAILOVER errors, compared with real Redis', () => {
  it('on a master without replicas', async () => {
    const [r, s] = await Promise.all([pool.connect(loneReal), pool.connect(loneSim)]);
    const [real, sim] = await both(r, s, [
      ['FAILOVER'],
      ['FAILOVER', 'ABORT'],
      ['FAILOVER', 'ABORT', 'TIMEOUT', 5],
      ['FAILOVER', 'TIMEOUT', 0],
      ['FAILOVER', 'TIMEOUT', -1],
      ['FAILOVER', 'TIMEOUT', 'soon'],
      ['FAILOVER', 'TIMEOUT', 5, 'TIMEOUT', 6],
      ['FAILOVER', 'TIMEOUT'],
      ['FAILOVER', 'TO', 'h'],
      ['FAILOVER', 'TO', 'h', 'p'],
      ['FAILOVER', 'TO', 'h', 1, 'TO', 'h', 2],
      ['FAILOVER', 'FORCE', 'FORCE'],
      ['FAILOVER', 'FORCE'],
      ['FAILOVER', 'NOW'],
    ]);
    expect(sim).toEqual(real);
    expect(real[0]).toEqual({ error: 'ERR FAILOVER requires connected replicas.' });
    // COMMAND DOCS differs on purpose: its summaries are redis-sim's own words.
    const [realMeta, simMeta] = await both(r, s, [['COMMAND', 'INFO', 'FAILOVER']]);
    expect(simMeta).toEqual(realMeta);
  });

  it('on a master with a replica, and on a replica', async () => {
    const [r, s] = await Promise.all([pool.connect(realMaster), pool.connect(simMaster)]);
    // The replicas listen on different ports: each master is asked about its own.
    const [real, sim] = await Promise.all(
      [
        [r, realOfReal.port],
        [s, realOfSim.port],
      ].map(async ([c, port]) => {
        const client = c as RespClient;
        const out: PlainReply[] = [];
        for (const cmd of [
          ['FAILOVER', 'FORCE'],
          ['FAILOVER', 'TO', '127.0.0.1', port as number, 'FORCE'],
          ['FAILOVER', 'TIMEOUT', 100, 'FORCE'],
          ['FAILOVER', 'TO', '127.0.0.1', 1],
          ['FAILOVER', 'TO', '10.1.2.3', port as number],
          ['FAILOVER', 'ABORT'],
        ])
          out.push(await client.run(...(cmd as (string | number)[])));
        return out;
      }),
    );
    expect(sim).toEqual(real);
    const [rr, sr] = await Promise.all([pool.connect(realOfReal), pool.connect(simOfReal)]);
    const [onReal, onSim] = await both(rr, sr, [['FAILOVER'], ['FAILOVER', 'ABORT']]);
    expect(onSim).toEqual(onReal);
    expect(onReal[0]).toEqual({ error: 'ERR FAILOVER is not valid when server is a replica.' });
  });
});

describe('a FAILOVER that times out, compared with real Redis', () => {
  it('waits for a stopped replica with writes paused, then aborts', async () => {
    const masters = [realMaster, simMaster] as const;
    const results = await Promise.all(
      masters.map(async (master, i) => {
        const replica = i === 0 ? realOfReal : realOfSim;
        const c = await pool.connect(master);
        const writer = await pool.connect(master);
        await c.run('SET', 'before', '1');
        replica.process.kill('SIGSTOP');
        stopped.push(replica);
        try {
          // The stopped replica cannot acknowledge this write: no replica is in sync.
          await c.run('SET', 'unacked', '1');
          const ok = await c.run('FAILOVER', 'TIMEOUT', 1500);
          const started = Date.now();
          const waiting = await infoPairs(c, 'replication');
          const again = await c.run('FAILOVER');
          const replicaof = await c.run('REPLICAOF', 'NO', 'ONE');
          const read = await c.run('GET', 'before');
          const held = writer.run('SET', 'during', '1');
          let heldDone = false;
          void held.then(() => (heldDone = true));
          await new Promise((r) => setTimeout(r, 300));
          const heldWhileWaiting = !heldDone;
          const written = await held;
          const elapsed = Date.now() - started;
          const after = await info(c);
          return { ok, waiting, again, replicaof, read, heldWhileWaiting, written, elapsed, after };
        } finally {
          replica.process.kill('SIGCONT');
          stopped.splice(stopped.indexOf(replica), 1);
        }
      }),
    );
    const [real, sim] = results;
    expect(sim!.ok).toBe('OK');
    expect(real!.ok).toBe('OK');
    expect(Object.fromEntries(sim!.waiting).master_failover_state).toBe('waiting-for-sync');
    expect(masked(sim!.waiting)).toEqual(masked(real!.waiting));
    expect([sim!.again, sim!.replicaof, sim!.read]).toEqual([real!.again, real!.replicaof, real!.read]);
    expect(sim!.again).toEqual({ error: 'ERR FAILOVER already in progress.' });
    expect(sim!.heldWhileWaiting).toBe(true);
    expect(real!.heldWhileWaiting).toBe(true);
    expect(sim!.written).toBe('OK');
    expect(real!.written).toBe('OK');
    expect(sim!.elapsed).toBeGreaterThanOrEqual(1000);
    expect(sim!.after.master_failover_state).toBe('no-failover');
    expect(real!.after.master_failover_state).toBe('no-failover');
    await waitFor(() => /aborted/.test(realMaster.output()), { message: 'real abort logged' });
    expect(failoverLines(simMaster.log())).toEqual(failoverLines(realMaster.output()));
    expect(failoverLines(simMaster.log())).toEqual([
      'FAILOVER requested to any replica.',
      'FAILOVER to any replica aborted: Replica never caught up before timeout',
    ]);
  }, 20_000);
});

describe('FAILOVER between redis-sim and real Redis', () => {
  it('a redis-sim master hands over to a real replica', async () => {
    const c = await pool.connect(simMaster);
    const rc = await pool.connect(realOfSim);
    await waitFor(async () => (await onlineReplicas(c)) === 1, { timeoutMs: 15_000, message: 'replica back' });
    await c.run('SET', 'handover', 'sim-to-real');
    expect(await c.run('FAILOVER', 'TO', '127.0.0.1', realOfSim.port, 'TIMEOUT', 10_000)).toBe('OK');
    await waitFor(async () => (await info(rc)).role === 'master' && (await info(c)).master_link_status === 'up', {
      timeoutMs: 15_000,
      message: 'roles swapped',
    });
    const [mi, ri] = await Promise.all([info(c), info(rc)]);
    expect([mi.role, mi.master_port, mi.master_failover_state]).toEqual([
      'slave',
      String(realOfSim.port),
      'no-failover',
    ]);
    expect(mi.master_replid).toBe(ri.master_replid);
    expect((await info(rc, 'stats')).sync_partial_ok).toBe('1');
    expect(await rc.run('GET', 'handover')).toBe('sim-to-real');
    await rc.run('SET', 'back', 'from-real');
    await waitFor(async () => (await c.run('GET', 'back')) === 'from-real', { message: 'stream from the new master' });
    expect(await c.run('SET', 'x', '1')).toEqual({ error: "READONLY You can't write against a read only replica." });
    expect(failoverLines(simMaster.log()).slice(-2)).toEqual([
      `FAILOVER requested to 127.0.0.1:${realOfSim.port}.`,
      `Failover target 127.0.0.1:${realOfSim.port} is synced, failing over.`,
    ]);
    expect(realOfSim.output()).toContain('MASTER MODE enabled (failover request from');
  }, 30_000);

  it('a real master hands over to a redis-sim replica, which accepts PSYNC FAILOVER', async () => {
    const c = await pool.connect(realMaster2);
    const sc = await pool.connect(simOfReal);
    await c.run('SET', 'handover', 'real-to-sim');
    expect(await c.run('FAILOVER')).toBe('OK');
    await waitFor(async () => (await info(sc)).role === 'master' && (await info(c)).master_link_status === 'up', {
      timeoutMs: 15_000,
      message: 'roles swapped',
    });
    const [mi, si] = await Promise.all([info(c), info(sc)]);
    expect([mi.role, mi.master_port, mi.master_failover_state]).toEqual([
      'slave',
      String(simOfReal.port),
      'no-failover',
    ]);
    expect(si.master_failover_state).toBe('no-failover');
    expect(mi.master_replid).toBe(si.master_replid);
    expect((await info(sc, 'stats')).sync_partial_ok).toBe('1');
    expect((await info(sc, 'stats')).sync_full).toBe('0');
    expect(await sc.run('GET', 'handover')).toBe('real-to-sim');
    await sc.run('SET', 'back', 'from-sim');
    await waitFor(async () => (await c.run('GET', 'back')) === 'from-sim', { message: 'stream from the new master' });
    expect(simOfReal.log()).toMatch(/Failover request received for replid [0-9a-f]{40}\./);
    expect(simOfReal.log()).toContain('MASTER MODE enabled (failover request from');
    // Both handovers logged the same lines, with the same levels and role letters, on both sides.
    const done = 'MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.';
    await waitFor(() => realMaster2.output().includes(done) && simMaster.log().includes(done), {
      message: 'old masters resynced',
    });
    const oldMaster = (log: string) => logFrom(log, 'Failover target', done);
    expect(oldMaster(simMaster.log()).length).toBeGreaterThan(8);
    // The target closes its old link as it answers the PSYNC: which one the old master reads first is a race.
    const racy = (l: string) => l.includes('Connection with replica');
    const [simOld, realOld] = [oldMaster(simMaster.log()), oldMaster(realMaster2.output())];
    expect([...simOld].sort()).toEqual([...realOld].sort());
    expect(simOld.filter((l) => !racy(l))).toEqual(realOld.filter((l) => !racy(l)));
    const newMaster = (log: string) => logFrom(log, 'Failover request received', 'Partial resynchronization request');
    expect(newMaster(simOfReal.log()).length).toBeGreaterThan(6);
    expect(newMaster(simOfReal.log())).toEqual(newMaster(realOfSim.output()));
  }, 30_000);
});

describe('replication directives, checked against real Redis', () => {
  it('min-replicas-to-write refuses writes with NOREPLICAS and reports min_slaves_good_slaves', async () => {
    const [r, s] = await Promise.all([pool.connect(loneReal), pool.connect(loneSim)]);
    const [real, sim] = await both(r, s, [
      ['CONFIG', 'SET', 'min-replicas-to-write', 1],
      ['SET', 'k', 'v'],
      ['CONFIG', 'SET', 'min-replicas-max-lag', 0],
      ['SET', 'k', 'v'],
      ['CONFIG', 'SET', 'min-replicas-max-lag', 10],
    ]);
    expect(sim).toEqual(real);
    expect(real[1]).toEqual({ error: 'NOREPLICAS Not enough good replicas to write.' });
    expect((await info(s)).min_slaves_good_slaves).toBe((await info(r)).min_slaves_good_slaves);
    expect(masked(await infoPairs(s, 'replication'))).toEqual(masked(await infoPairs(r, 'replication')));
    await both(r, s, [['CONFIG', 'SET', 'min-replicas-to-write', 0]]);
  });

  it('masterauth, replica-announce-ip/port, replica-priority and replica-announced, both ways', async () => {
    const [r, s] = await Promise.all([pool.connect(loneReal), pool.connect(loneSim)]);
    const settings: (string | number)[][] = [
      ['CONFIG', 'SET', 'masterauth', 'sesame'],
      ['CONFIG', 'SET', 'replica-announce-ip', '10.9.8.7'],
      ['CONFIG', 'SET', 'replica-announce-port', 4321],
      ['CONFIG', 'SET', 'replica-priority', 7],
      ['CONFIG', 'SET', 'replica-announced', 'no'],
    ];
    await both(r, s, settings);
    // redis-sim replicates the real master, which wants a password.
    await r.run('CONFIG', 'SET', 'requirepass', 'sesame');
    await r.run('AUTH', 'sesame');
    expect(await s.run('REPLICAOF', '127.0.0.1', loneReal.port)).toBe('OK');
    await waitFor(async () => (await onlineReplicas(r)) === 1, { timeoutMs: 10_000, message: 'sim replica online' });
    expect((await info(r)).slave0).toMatch(/^ip=10\.9\.8\.7,port=4321,state=online,/);
    const simAsReplica = await info(s);
    expect(await s.run('SET', 'k', 'v')).toEqual({ error: "READONLY You can't write against a read only replica." });
    await s.run('REPLICAOF', 'NO', 'ONE');
    await r.run('CONFIG', 'SET', 'requirepass', '');
    // And the other way round: the real replica of a redis-sim master with a password.
    await s.run('CONFIG', 'SET', 'requirepass', 'sesame');
    await s.run('AUTH', 'sesame');
    expect(await r.run('REPLICAOF', '127.0.0.1', loneSim.port)).toBe('OK');
    await waitFor(async () => (await onlineReplicas(s)) === 1, { timeoutMs: 10_000, message: 'real replica online' });
    expect((await info(s)).slave0).toMatch(/^ip=10\.9\.8\.7,port=4321,state=online,/);
    const realAsReplica = await info(r);
    for (const field of ['slave_priority', 'slave_read_only', 'replica_announced', 'master_link_status']) {
      expect([field, simAsReplica[field]]).toEqual([field, realAsReplica[field]]);
    }
    expect(simAsReplica.slave_priority).toBe('7');
    expect(simAsReplica.replica_announced).toBe('0');
    await r.run('REPLICAOF', 'NO', 'ONE');
    await s.run('CONFIG', 'SET', 'requirepass', '');
  }, 30_000);
});
