// resolve-hostnames / announce-hostnames on the simulation runtime, whose network resolves no names: a hostname is
// refused without resolve-hostnames, and with it a name that does not resolve is kept with an empty IP, as Redis
// 7.0.15 does (checked against a real redis-sentinel: `ip` empty, `address=:port`, a rewritten `monitor m  port`).

import { describe, expect, it } from 'vitest';
import { addrText, announcedHost, sameAddr } from '../../../src/sentinel/sentinel-instance.js';
import { Simulation } from '../../../src/sim/simulation.js';
import { fields, run } from '../../helpers/sim-queries.js';

function sentinelWith(lines: string[][]): Simulation {
  const sim = new Simulation({ seed: 1 });
  sim.addNode(
    's1',
    lines.map((words) => ['sentinel', words] as const),
    { sentinel: true },
  );
  return sim;
}

describe('Sentinel hostnames in the simulation', () => {
  it('refuses a hostname in the config without resolve-hostnames', () => {
    const sim = new Simulation({ seed: 1 });
    expect(() =>
      sim.addNode('s1', [['sentinel', ['monitor', 'm', 'db.example', '6390', '1']]], { sentinel: true }),
    ).toThrow("Can't resolve instance hostname.");
  });

  it('keeps an unresolved hostname with an empty IP under resolve-hostnames, and retries it', () => {
    const sim = sentinelWith([
      ['resolve-hostnames', 'yes'],
      ['monitor', 'm', 'db.example', '6390', '1'],
    ]);
    sim.runFor(3500);
    const master = fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'm'));
    expect(master.ip).toBe('');
    expect(master.flags).toBe('master,disconnected');
    expect(run(sim, 's1', 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')).toEqual(['', '6390']);
    const info = run(sim, 's1', 'INFO', 'sentinel') as string;
    expect(info).toContain('master0:name=m,status=ok,address=:6390,slaves=0,sentinels=1\r\n');
    expect(sim.node('s1').configFile!.text).toContain('sentinel monitor m  6390 1\n');
    // One failed lookup at load, then one per reconnection attempt (each ping period).
    const failures = sim.eventLog.lines().filter((l) => l.endsWith("X # Failed to resolve hostname 'db.example'"));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(sim.eventLog.lines().some((l) => l.endsWith('X # +monitor master m  6390 quorum 1'))).toBe(true);
  });

  it('announces the hostname with announce-hostnames', () => {
    const sim = sentinelWith([
      ['resolve-hostnames', 'yes'],
      ['announce-hostnames', 'yes'],
      ['monitor', 'm', 'db.example', '6390', '1'],
    ]);
    sim.runFor(500);
    expect(fields(run(sim, 's1', 'SENTINEL', 'MASTER', 'm')).ip).toBe('db.example');
    expect(run(sim, 's1', 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')).toEqual(['db.example', '6390']);
    expect(sim.node('s1').configFile!.text).toContain('sentinel monitor m db.example 6390 1\n');
    expect(sim.eventLog.lines().some((l) => l.endsWith('X # +monitor master m db.example 6390 quorum 1'))).toBe(true);
    expect(run(sim, 's1', 'SENTINEL', 'CONFIG', 'GET', '*-hostnames')).toEqual([
      'resolve-hostnames',
      'yes',
      'announce-hostnames',
      'yes',
    ]);
  });

  it('refuses SENTINEL MONITOR of a name that does not resolve, and of any name without resolve-hostnames', () => {
    const sim = sentinelWith([]);
    const invalid = { error: 'ERR Invalid IP address or hostname specified' };
    expect(run(sim, 's1', 'SENTINEL', 'MONITOR', 'm', 'db.example', '6390', '1')).toEqual(invalid);
    expect(run(sim, 's1', 'SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'yes')).toBe('OK');
    expect(run(sim, 's1', 'SENTINEL', 'MONITOR', 'm', 'db.example', '6390', '1')).toEqual(invalid);
    expect(run(sim, 's1', 'SENTINEL', 'MONITOR', 'm', '127.0.0.1', '6390', '1')).toBe('OK');
    expect(sim.node('s1').configFile!.text).toContain('sentinel resolve-hostnames yes\n');
  });

  it('compares addresses by IP or by hostname, and announces as asked', () => {
    const named = { host: '', port: 6379, hostname: 'DB.example' };
    expect(sameAddr(named, { host: '', port: 6379, hostname: 'db.EXAMPLE' })).toBe(true);
    expect(sameAddr(named, { host: '10.0.0.1', port: 6379, hostname: 'db.example' })).toBe(true);
    expect(sameAddr({ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.1', port: 6379, hostname: 'x' })).toBe(true);
    expect(sameAddr({ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 })).toBe(false);
    expect(sameAddr(named, { host: '', port: 6380, hostname: 'db.example' })).toBe(false);
    const resolved = { host: '10.0.0.1', port: 6379, hostname: 'db.example' };
    expect(announcedHost(resolved, false)).toBe('10.0.0.1');
    expect(announcedHost(resolved, true)).toBe('db.example');
    expect(addrText(resolved, true)).toBe('db.example:6379');
    expect(announcedHost({ host: '10.0.0.1', port: 1 }, true)).toBe('10.0.0.1');
  });
});
