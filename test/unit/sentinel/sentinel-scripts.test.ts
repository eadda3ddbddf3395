// Sentinel's notification and client-reconfig scripts on the simulation runtime: which events run them and with what
// arguments, the queue's retry / no-retry / timeout / max-running rules, SENTINEL PENDING-SCRIPTS and INFO, SENTINEL
// SET under deny-scripts-reconfig, and the executable check at config load.

import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { SCRIPT_MAX_QUEUE, SCRIPT_MAX_RUNNING } from '../../../src/sentinel/sentinel-scripts.js';
import { Simulation, type Directives } from '../../../src/sim/simulation.js';
import { run } from '../../helpers/sim-queries.js';

const NOTIFY = '/opt/scripts/notify.sh';
const RECONF = '/opt/scripts/reconf.sh';

function fields(entry: unknown): Record<string, unknown> {
  const flat = entry as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = flat[i + 1];
  return out;
}

function infoField(sim: Simulation, name: string, field: string): string {
  const text = run(sim, name, 'INFO', 'sentinel') as string;
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return line!.slice(field.length + 1);
}

/** One master `m` and a Sentinel `s1` monitoring it with quorum 1, plus any extra `sentinel` words. */
function single(extra: string[][] = [], seed = 1): Simulation {
  const sim = new Simulation({ seed });
  sim.scripts.install(NOTIFY);
  sim.scripts.install(RECONF);
  sim.addNode('m');
  const directives: Directives = [
    ['sentinel', ['monitor', 'mymaster', '127.0.0.1', '6379', '1']],
    ['sentinel', ['down-after-milliseconds', 'mymaster', '1000']],
    ...extra.map((words) => ['sentinel', words] as const),
  ];
  sim.addNode('s1', directives, { sentinel: true });
  return sim;
}

/** Runs of `path` started by `node`, as argv after the path. */
function runsOf(sim: Simulation, path: string, node = 's1'): string[][] {
  return sim.scripts.runs.filter((r) => r.node === node && r.argv[0] === path).map((r) => r.argv.slice(1));
}

describe('Sentinel scripts in the simulation', () => {
  it('runs the notification script for warning events of its master, with the type and message', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.runFor(500);
    expect(runsOf(sim, NOTIFY)).toEqual([['+monitor', 'master mymaster 127.0.0.1 6379 quorum 1']]);
    sim.crash('m');
    sim.runUntil(() => runsOf(sim, NOTIFY).some(([type]) => type === '+odown'), 10_000);
    expect(runsOf(sim, NOTIFY).slice(1, 3)).toEqual([
      ['+sdown', 'master mymaster 127.0.0.1 6379'],
      ['+odown', 'master mymaster 127.0.0.1 6379 #quorum 1/1'],
    ]);
    // Each run is in the event log at its virtual time, and ends with exit code 0.
    const started = sim.eventLog.lines().filter((l) => / \[s1\] script \d+ started: /.test(l));
    expect(started.length).toBe(sim.scripts.runs.length);
    expect(started[0]).toContain(`${NOTIFY} +monitor master mymaster 127.0.0.1 6379 quorum 1`);
    sim.runFor(1000);
    expect(sim.scripts.runs.every((r) => r.end !== null && r.end.code === 0 && r.end.signal === 0)).toBe(true);
    expect(run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS')).toEqual([]);
  });

  it('does not run the notification script for events without an instance or below warning level', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.runFor(500);
    // +tilt has no instance; +reboot-style notice events (here +slave discovery would be notice) never run it.
    sim.node('s1').node.sentinel!.event('warning', '+tilt', null, '#tilt mode entered');
    const master = sim.node('s1').node.sentinel!.masters.get('mymaster')!;
    sim.node('s1').node.sentinel!.event('notice', '+slave', master);
    sim.runFor(500);
    expect(runsOf(sim, NOTIFY).map(([type]) => type)).toEqual(['+monitor']);
  });

  it('retries a script that exits 1 with a doubling delay, and stops after a success', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.scripts.install(NOTIFY, { exitCodes: [1, 1, 1, 0] });
    expect(run(sim, 's1', 'SENTINEL', 'DEBUG', 'SCRIPT-RETRY-DELAY', '1000')).toBe('OK');
    sim.runUntil(() => runsOf(sim, NOTIFY).length === 1, 1000);
    // After the first failure the job waits, scheduled, with its attempt count.
    sim.runUntil(() => sim.scripts.runs[0]!.end !== null, 1000);
    sim.runFor(200);
    const pending = (run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS') as unknown[]).map(fields);
    expect(pending.length).toBe(1);
    expect(pending[0]!.argv).toEqual([NOTIFY, '+monitor', 'master mymaster 127.0.0.1 6379 quorum 1']);
    expect(pending[0]!.flags).toBe('scheduled');
    expect(pending[0]!.pid).toBe('0');
    expect(pending[0]!['retry-num']).toBe('1');
    expect(Number(pending[0]!['run-delay'])).toBeGreaterThan(500);
    expect(Number(pending[0]!['run-delay'])).toBeLessThanOrEqual(1000);
    sim.runUntil(() => sim.scripts.runs.length === 4 && sim.scripts.runs[3]!.end !== null, 20_000);
    const starts = sim.scripts.runs.map((r) => r.startedAt);
    const gaps = starts.slice(1).map((t, i) => t - sim.scripts.runs[i]!.end!.at);
    // 1000, 2000, 4000 ms after each failure, plus up to one timer period (at most 100 ms) to collect the exit and
    // one more to start the retry.
    expect(gaps.map((g) => Math.floor(g / 1000))).toEqual([1, 2, 4]);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeLessThanOrEqual(1000 * 2 ** i + 200);
    sim.runFor(10_000);
    expect(sim.scripts.runs.length).toBe(4);
    expect(run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS')).toEqual([]);
    expect(sim.eventLog.lines().some((l) => l.includes('-script-error'))).toBe(false);
  });

  it('gives up after 10 attempts of a script that keeps exiting 1, reporting -script-error', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.scripts.install(NOTIFY, { exitCodes: [1] });
    run(sim, 's1', 'SENTINEL', 'DEBUG', 'SCRIPT-RETRY-DELAY', '10');
    sim.runUntil(() => sim.eventLog.lines().some((l) => l.includes('-script-error')), 60_000);
    expect(sim.scripts.runs.length).toBe(10);
    expect(sim.eventLog.lines().filter((l) => l.includes('-script-error'))).toEqual([
      expect.stringMatching(new RegExp(`\\[s1\\] X # -script-error ${NOTIFY} 0 1$`)),
    ]);
  });

  it('does not retry a script that exits 2, and reports it', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.scripts.install(NOTIFY, { exitCodes: [2] });
    const watcher = sim.client('s1');
    watcher.run('SUBSCRIBE', '-script-error');
    sim.runUntil(() => watcher.pushes.length > 0, 5000);
    expect(toPlain(watcher.pushes[0]!)).toEqual(['message', '-script-error', `${NOTIFY} 0 2`]);
    sim.runFor(120_000);
    expect(sim.scripts.runs.length).toBe(1);
    expect(infoField(sim, 's1', 'sentinel_scripts_queue_length')).toBe('0');
  });

  it('kills a script running longer than SCRIPT-MAX-RUNTIME and retries it as signalled', () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.scripts.install(NOTIFY, { durationMs: Infinity });
    run(sim, 's1', 'SENTINEL', 'DEBUG', 'SCRIPT-MAX-RUNTIME', '2000', 'SCRIPT-RETRY-DELAY', '60000');
    sim.runUntil(() => sim.scripts.runs.length === 1, 1000);
    const pid = sim.scripts.runs[0]!.pid;
    sim.runFor(1500);
    const running = fields((run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS') as unknown[])[0]);
    expect(running.flags).toBe('running');
    expect(running.pid).toBe(String(pid));
    expect(Number(running['run-time'])).toBeGreaterThanOrEqual(1500);
    expect(infoField(sim, 's1', 'sentinel_running_scripts')).toBe('1');
    sim.runUntil(() => sim.scripts.runs[0]!.end !== null, 5000);
    expect(sim.scripts.runs[0]!.end).toMatchObject({ code: 0, signal: 9 });
    expect(sim.scripts.runs[0]!.end!.at - sim.scripts.runs[0]!.startedAt).toBeGreaterThan(2000);
    expect(sim.eventLog.lines().filter((l) => l.includes('-script-timeout'))).toEqual([
      expect.stringContaining(`-script-timeout ${NOTIFY} ${pid}`),
    ]);
    sim.runFor(500);
    const retry = fields((run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS') as unknown[])[0]);
    expect(retry).toMatchObject({ flags: 'scheduled', pid: '0', 'retry-num': '1' });
    expect(infoField(sim, 's1', 'sentinel_running_scripts')).toBe('0');
    expect(infoField(sim, 's1', 'sentinel_scripts_queue_length')).toBe('1');
  });

  it(`runs at most ${SCRIPT_MAX_RUNNING} scripts at once and keeps at most ${SCRIPT_MAX_QUEUE} queued`, () => {
    const sim = single([['notification-script', 'mymaster', NOTIFY]]);
    sim.scripts.install(NOTIFY, { durationMs: 5000 });
    sim.runUntil(() => sim.scripts.runs.length === 1, 1000);
    const queue = sim.node('s1').node.sentinel!.scripts;
    for (let i = 0; i < 300; i++) queue.schedule(NOTIFY, [`job-${i}`]);
    // The oldest jobs not running are dropped; the running +monitor job stays.
    expect(queue.jobs.length).toBe(SCRIPT_MAX_QUEUE);
    expect(queue.jobs[0]!.argv[1]).toBe('+monitor');
    expect(queue.jobs[1]!.argv[1]).toBe(`job-${300 - SCRIPT_MAX_QUEUE + 1}`);
    sim.runFor(1000);
    expect(infoField(sim, 's1', 'sentinel_running_scripts')).toBe(String(SCRIPT_MAX_RUNNING));
    expect(infoField(sim, 's1', 'sentinel_scripts_queue_length')).toBe(String(SCRIPT_MAX_QUEUE));
    const pending = (run(sim, 's1', 'SENTINEL', 'PENDING-SCRIPTS') as unknown[]).map(fields);
    expect(pending.filter((p) => p.flags === 'running').length).toBe(SCRIPT_MAX_RUNNING);
    expect(pending.slice(0, SCRIPT_MAX_RUNNING).every((p) => p.flags === 'running')).toBe(true);
    expect(pending[SCRIPT_MAX_RUNNING]).toMatchObject({ flags: 'scheduled', pid: '0', 'run-delay': '0' });
    sim.runUntil(() => queue.jobs.length === 0, 5000 * (SCRIPT_MAX_QUEUE / SCRIPT_MAX_RUNNING + 2));
    expect(sim.scripts.runs.length).toBe(SCRIPT_MAX_QUEUE);
  });

  it('runs the client-reconfig script as leader and observer on a failover', () => {
    const sim = new Simulation({ seed: 7 });
    sim.scripts.install(RECONF);
    sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
    sim.addNode('r1', [
      ['replicaof', ['127.0.0.1', '6379']],
      ['repl-diskless-sync-delay', ['0']],
    ]);
    for (const name of ['s1', 's2', 's3'])
      sim.addNode(
        name,
        [
          ['sentinel', ['monitor', 'mymaster', '127.0.0.1', '6379', '2']],
          ['sentinel', ['down-after-milliseconds', 'mymaster', '2000']],
          ['sentinel', ['failover-timeout', 'mymaster', '10000']],
          ['sentinel', ['client-reconfig-script', 'mymaster', RECONF]],
        ],
        { sentinel: true },
      );
    sim.runUntil(
      () =>
        ['s1', 's2', 's3'].every((s) => {
          const m = sim.node(s).node.sentinel!.masters.get('mymaster')!;
          return m.slaves.size === 1 && m.sentinels.size === 2;
        }),
      60_000,
    );
    expect(sim.scripts.runs).toEqual([]);
    sim.crash('m');
    sim.runUntil(() => ['s1', 's2', 's3'].every((s) => runsOf(sim, RECONF, s).length === 1), 120_000);
    const calls = ['s1', 's2', 's3'].map((s) => runsOf(sim, RECONF, s)[0]!);
    expect(calls.filter((c) => c[1] === 'leader').length).toBe(1);
    expect(calls.filter((c) => c[1] === 'observer').length).toBe(2);
    for (const call of calls)
      expect([call[0], call[2], ...call.slice(3)]).toEqual([
        'mymaster',
        'start',
        '127.0.0.1',
        '6379',
        '127.0.0.1',
        '6380',
      ]);
  });

  it('SENTINEL SET of a script path is refused unless deny-scripts-reconfig is no, and is saved', () => {
    const denied = single();
    expect(run(denied, 's1', 'SENTINEL', 'SET', 'mymaster', 'notification-script', NOTIFY)).toEqual({
      error:
        'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig ' +
        'configuration directive in your Sentinel configuration',
    });
    const sim = single([['deny-scripts-reconfig', 'no']]);
    expect(run(sim, 's1', 'SENTINEL', 'SET', 'mymaster', 'notification-script', '/nowhere.sh')).toEqual({
      error: 'ERR Notification script seems non existing or non executable',
    });
    expect(run(sim, 's1', 'SENTINEL', 'SET', 'mymaster', 'client-reconfig-script', '/nowhere.sh')).toEqual({
      error: 'ERR Client reconfiguration script seems non existing or non executable',
    });
    expect(run(sim, 's1', 'SENTINEL', 'SET', 'mymaster', 'notification-script', NOTIFY)).toBe('OK');
    expect(run(sim, 's1', 'SENTINEL', 'SET', 'mymaster', 'client-reconfig-script', RECONF)).toBe('OK');
    const master = fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'));
    const keys = Object.keys(master);
    expect(keys.slice(keys.indexOf('parallel-syncs') + 1)).toEqual(['notification-script', 'client-reconfig-script']);
    expect(master['notification-script']).toBe(NOTIFY);
    const text = sim.node('s1').configFile!.text!;
    expect(text).toContain(`sentinel notification-script mymaster ${NOTIFY}\n`);
    expect(text).toContain(`sentinel client-reconfig-script mymaster ${RECONF}\n`);
    // The +set event itself already runs the new notification script.
    sim.runFor(500);
    expect(runsOf(sim, NOTIFY)).toContainEqual([
      '+set',
      `master mymaster 127.0.0.1 6379 client-reconfig-script ${RECONF}`,
    ]);
    // An empty path removes the script.
    expect(run(sim, 's1', 'SENTINEL', 'SET', 'mymaster', 'notification-script', '')).toBe('OK');
    expect(fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'mymaster'))['notification-script']).toBeUndefined();
    expect(sim.node('s1').configFile!.text).not.toContain('notification-script');
  });

  it('refuses a config whose script is not executable, as Redis does', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('m');
    expect(() =>
      sim.addNode(
        's1',
        [
          ['sentinel', ['monitor', 'mymaster', '127.0.0.1', '6379', '1']],
          ['sentinel', ['notification-script', 'mymaster', NOTIFY]],
        ],
        { sentinel: true },
      ),
    ).toThrow('Notification script seems non existing or non executable.');
  });

  it('replays the same script runs for the same seed', () => {
    const once = () => {
      const sim = single([['notification-script', 'mymaster', NOTIFY]], 11);
      sim.crash('m');
      sim.runFor(10_000);
      return sim.eventLog.hash();
    };
    expect(once()).toBe(once());
  });
});
