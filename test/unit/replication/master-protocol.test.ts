// The master side against a hand-driven replica connection on the simulated network: REPLCONF answers, PSYNC and
// SYNC framings, keepalive newlines during the diskless delay, the stream held until the first ACK, and backlog
// continuation without psync2.

import { describe, expect, it } from 'vitest';
import type { LinkEnd } from '../../../src/sim/sim-network.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { encodeRequest, encodeRequestString } from '../../../src/protocol/request-encoder.js';
import { Simulation } from '../../../src/sim/simulation.js';

/** A raw connection to node `m` collecting every byte it receives. */
class RawReplica {
  readonly end: LinkEnd;
  received = Buffer.alloc(0);

  constructor(sim: Simulation, name: string) {
    this.end = sim.network.connect(name, sim.node('m').address);
    this.end.onData = (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
    };
  }

  send(...args: string[]): void {
    this.end.write(encodeRequest(args));
  }

  text(): string {
    return this.received.toString('latin1');
  }

  take(): string {
    const t = this.text();
    this.received = Buffer.alloc(0);
    return t;
  }
}

describe('the master side of the protocol', () => {
  it('answers REPLCONF options as Redis 7.0 does', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('m');
    const c = sim.client('m');
    expect(toPlain(c.run('REPLCONF', 'listening-port', '6380', 'capa', 'eof', 'capa', 'psync2'))).toBe('OK');
    expect(toPlain(c.run('REPLCONF', 'listening-port'))).toEqual({ error: 'ERR syntax error' });
    expect(toPlain(c.run('REPLCONF', 'listening-port', 'x'))).toEqual({
      error: 'ERR value is not an integer or out of range',
    });
    expect(toPlain(c.run('REPLCONF', 'nope', '1'))).toEqual({ error: 'ERR Unrecognized REPLCONF option: nope' });
    expect(toPlain(c.run('REPLCONF', 'rdb-only', '2'))).toEqual({
      error: 'ERR value is out of range, value must between 0 and 1',
    });
    expect(toPlain(c.run('REPLCONF'))).toBe('OK');
    // ACK and GETACK from a client that is not a replica (nor our master) get no answer at all.
    const raw = new RawReplica(sim, 'raw');
    raw.send('REPLCONF', 'ACK', '5');
    raw.send('REPLCONF', 'GETACK', '*');
    raw.send('PING');
    sim.runFor(10);
    expect(raw.text()).toBe('+PONG\r\n');
  });

  it('sends keepalive newlines during the diskless delay, then +FULLRESYNC, an EOF-marked RDB, and holds the stream until the ACK', () => {
    const sim = new Simulation({ seed: 2 });
    sim.addNode('m', [['repl-diskless-sync-delay', ['3']]]);
    const mc = sim.client('m');
    mc.run('SET', 'k', 'v');
    const r = new RawReplica(sim, 'raw');
    r.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
    r.send('PSYNC', '?', '-1');
    sim.runFor(2100);
    expect(r.take()).toMatch(/^\+OK\r\n\n+$/);
    sim.runUntil(() => r.text().includes('+FULLRESYNC'), 5000);
    sim.runFor(10);
    const text = r.take();
    // The offset counts the PING fed to the stream while the replica waited (14 bytes).
    const m = /^\n*\+FULLRESYNC ([0-9a-f]{40}) 14\r\n\$EOF:([0-9a-f]{40})\r\nREDIS0010/.exec(text);
    expect(m).not.toBeNull();
    expect(text.endsWith(m![2]!)).toBe(true);
    mc.run('SET', 'k2', 'v2');
    sim.runFor(10);
    expect(r.text()).toBe('');
    r.send('REPLCONF', 'ACK', '0');
    sim.runFor(10);
    expect(r.take()).toBe(encodeRequestString(['SELECT', '0']) + encodeRequestString(['SET', 'k2', 'v2']));
  });

  it('serves the old SYNC with a $len payload and no +FULLRESYNC', () => {
    const sim = new Simulation({ seed: 3 });
    sim.addNode('m', [['repl-diskless-sync', ['no']]]);
    sim.client('m').run('SET', 'k', 'v');
    const r = new RawReplica(sim, 'old');
    r.end.write(Buffer.from('SYNC\r\n', 'latin1'));
    sim.runFor(10);
    const text = r.take();
    const m = /^\$(\d+)\r\nREDIS0010/.exec(text);
    expect(m).not.toBeNull();
    expect(text.length).toBe(m![0].length - 'REDIS0010'.length + Number(m![1]));
    sim.client('m').run('INCR', 'n');
    sim.runFor(10);
    expect(r.take()).toBe(encodeRequestString(['SELECT', '0']) + encodeRequestString(['INCR', 'n']));
    // An online SYNC replica is listed, with the port and ACK offset it never sent.
    expect(toPlain(sim.client('m').run('ROLE'))).toEqual(['master', expect.any(Number), [['127.0.0.1', '0', '0']]]);
  });

  it('continues from the backlog with +CONTINUE (no id without psync2), or refuses an offset it lacks', () => {
    const sim = new Simulation({ seed: 4 });
    sim.addNode('m', [['repl-diskless-sync', ['no']]]);
    const first = new RawReplica(sim, 'first');
    first.send('PSYNC', '?', '-1');
    sim.runFor(10);
    const replid = /\+FULLRESYNC ([0-9a-f]{40}) 0/.exec(first.take())![1]!;
    sim.client('m').run('SET', 'a', '1');
    sim.runFor(10);
    const stream = first.take();
    const again = new RawReplica(sim, 'again');
    again.send('PSYNC', replid, '1');
    sim.runFor(10);
    expect(again.take()).toBe(`+CONTINUE\r\n${stream}`);
    const v2 = new RawReplica(sim, 'v2');
    v2.send('REPLCONF', 'capa', 'psync2');
    v2.send('PSYNC', replid, String(1 + stream.length));
    sim.runFor(10);
    expect(v2.take()).toBe(`+OK\r\n+CONTINUE ${replid}\r\n`);
    const late = new RawReplica(sim, 'late');
    late.send('PSYNC', replid, String(100 + stream.length));
    sim.runFor(10);
    expect(late.take()).toMatch(/^\+FULLRESYNC [0-9a-f]{40} \d+\r\n\$\d+\r\n/);
    const stats = toPlain(sim.client('m').run('INFO', 'stats')) as string;
    expect(stats).toContain('sync_full:2');
    expect(stats).toContain('sync_partial_ok:2');
    expect(stats).toContain('sync_partial_err:1');
    expect(toPlain(sim.client('m').run('CLIENT', 'KILL', 'TYPE', 'slave'))).toBe(4);
  });
});
