// Event messages (sentinelEvent's `%@` instance details), and the ctime text of the failover-delay log line.

import { describe, expect, it } from 'vitest';
import { ctime } from '../../../src/sentinel/sentinel-failover.js';
import { emitEvent, instanceDetails } from '../../../src/sentinel/sentinel-events.js';
import { SRI, SentinelInstance } from '../../../src/sentinel/sentinel-instance.js';
import { InstanceLink } from '../../../src/sentinel/sentinel-links.js';

function instance(flags: number, name: string, port: number, master: SentinelInstance | null): SentinelInstance {
  return new SentinelInstance({
    flags,
    name,
    addr: { host: '10.0.0.1', port },
    link: new InstanceLink(0),
    quorum: 2,
    master,
    now: 0,
    downAfterPeriod: 30000,
    failoverTimeout: 180000,
  });
}

describe('Sentinel events', () => {
  const master = instance(SRI.MASTER, 'mymaster', 6379, null);
  const replica = instance(SRI.SLAVE, '10.0.0.1:6380', 6380, master);

  it('names an instance as Redis does, with its master for replicas and Sentinels', () => {
    expect(instanceDetails(master)).toBe('master mymaster 10.0.0.1 6379');
    expect(instanceDetails(replica)).toBe('slave 10.0.0.1:6380 10.0.0.1 6380 @ mymaster 10.0.0.1 6379');
  });

  it('logs every event and publishes all but debug ones on the channel named after it', () => {
    const logged: string[] = [];
    const published: string[] = [];
    const sink = {
      log: (_l: string, m: string) => logged.push(m),
      publish: (c: string, m: string) => published.push(`${c}|${m}`),
    };
    emitEvent(sink, 'warning', '+odown', master, '#quorum 2/2');
    emitEvent(sink, 'warning', '+new-epoch', null, '3');
    emitEvent(sink, 'warning', '+tilt', null, '#tilt mode entered');
    emitEvent(sink, 'debug', '-cmd-link-reconnection', replica, '#Connection refused');
    expect(logged).toEqual([
      '+odown master mymaster 10.0.0.1 6379 #quorum 2/2',
      '+new-epoch 3',
      '+tilt #tilt mode entered',
      '-cmd-link-reconnection slave 10.0.0.1:6380 10.0.0.1 6380 @ mymaster 10.0.0.1 6379 #Connection refused',
    ]);
    expect(published).toEqual([
      '+odown|master mymaster 10.0.0.1 6379 #quorum 2/2',
      '+new-epoch|3',
      '+tilt|#tilt mode entered',
    ]);
  });

  it('formats times like ctime_r (UTC)', () => {
    expect(ctime(0)).toBe('Thu Jan  1 00:00:00 1970');
    expect(ctime(1700000042168)).toBe('Tue Nov 14 22:14:02 2023');
    expect(ctime(951782400000)).toBe('Tue Feb 29 00:00:00 2000');
    expect(ctime(4102444799000)).toBe('Thu Dec 31 23:59:59 2099');
  });
});
