// The replica side against a scripted master on the simulated network: the exact handshake a replica sends, both
// payload framings, keepalive newlines, offsets inside a MULTI, and what REPLCONF GETACK answers.

import { describe, expect, it } from 'vitest';
import type { LinkEnd } from '../../../src/sim/sim-network.js';
import { encodeRdb } from '../../../src/node/persistence/rdb.js';
import { Database } from '../../../src/node/database.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { encodeRequest, encodeRequestString } from '../../../src/protocol/request-encoder.js';
import { RequestParser } from '../../../src/protocol/request-parser.js';
import { Simulation } from '../../../src/sim/simulation.js';

const MASTER = '127.0.0.1:7000';
const REPLID = 'a'.repeat(40);

/** A master that records what the replica sends and lets the test answer by hand. */
class ScriptedMaster {
  end: LinkEnd | null = null;
  readonly requests: string[][] = [];
  private readonly parser = new RequestParser({ maxBulkLength: () => 1 << 30, authRequired: () => false });

  constructor(sim: Simulation) {
    sim.network.listen('fake', MASTER, (end) => {
      this.end = end;
      end.onData = (chunk) => {
        this.parser.push(chunk);
        for (let r = this.parser.next(); r !== null; r = this.parser.next()) this.requests.push(r);
      };
    });
  }

  send(data: string | Buffer): void {
    this.end!.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }
}

/** An RDB holding one key in db 0. */
function rdbWithKey(): Buffer {
  const db = new Database(0, {
    now: () => 0,
    modified: () => {},
    expired: () => {},
    mayDeleteExpired: () => true,
  });
  db.set('from-rdb', 'yes');
  return encodeRdb([db], { now: 0, usedMemory: 0, aofBase: false, compress: false, checksum: true });
}

function setup() {
  const sim = new Simulation({ seed: 3 });
  const master = new ScriptedMaster(sim);
  sim.addNode('r', [
    ['replicaof', ['127.0.0.1', '7000']],
    ['masterauth', ['pw']],
    ['replica-announce-ip', ['10.0.0.9']],
  ]);
  return { sim, master };
}

describe('the replica side of the protocol', () => {
  it('sends the 7.0 handshake, in order, with auth, announced address and capabilities', () => {
    const { sim, master } = setup();
    sim.runUntil(() => master.requests.length === 1, 5000);
    expect(master.requests).toEqual([['PING']]);
    master.send('+PONG\r\n');
    sim.runUntil(() => master.requests.length === 5, 1000);
    expect(master.requests.slice(1)).toEqual([
      ['AUTH', 'pw'],
      ['REPLCONF', 'listening-port', '6379'],
      ['REPLCONF', 'ip-address', '10.0.0.9'],
      ['REPLCONF', 'capa', 'eof', 'capa', 'psync2'],
    ]);
    master.send('+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    sim.runUntil(() => master.requests.length === 6, 1000);
    expect(master.requests[5]).toEqual(['PSYNC', '?', '-1']);
    expect(toPlain(sim.client('r').run('ROLE'))).toEqual(['slave', '127.0.0.1', 7000, 'handshake', -1]);
  });

  it('loads a $len payload after keepalive newlines, then applies the stream and keeps MULTI unapplied until EXEC', () => {
    const { sim, master } = setup();
    sim.runUntil(() => master.requests.length === 1, 5000);
    master.send('+PONG\r\n');
    sim.runUntil(() => master.requests.length === 5, 1000);
    master.send('+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    sim.runUntil(() => master.requests.length === 6, 1000);
    master.send('\n\n');
    master.send(`+FULLRESYNC ${REPLID} 100\r\n`);
    master.send('\n');
    const rdb = rdbWithKey();
    master.send(`$${rdb.length}\r\n`);
    master.send(rdb.subarray(0, 10));
    sim.runFor(5);
    expect(toPlain(sim.client('r').run('ROLE'))).toEqual(['slave', '127.0.0.1', 7000, 'sync', -1]);
    master.send(rdb.subarray(10));
    const select = encodeRequestString(['SELECT', '0']);
    const multi = encodeRequestString(['MULTI']) + encodeRequestString(['SET', 'a', '1']);
    master.send(select + multi);
    sim.runFor(5);
    const rc = sim.client('r');
    expect(toPlain(rc.run('GET', 'from-rdb'))).toBe('yes');
    const info = toPlain(rc.run('INFO', 'replication')) as string;
    expect(info).toContain('master_link_status:up');
    expect(info).toContain(`master_replid:${REPLID}`);
    expect(info).toContain(`slave_read_repl_offset:${100 + select.length + multi.length}`);
    expect(info).toContain(`slave_repl_offset:${100 + select.length}`);
    const exec = encodeRequestString(['EXEC']);
    master.send(exec);
    sim.runFor(5);
    expect(toPlain(rc.run('GET', 'a'))).toBe('1');
    const applied = 100 + select.length + multi.length + exec.length;
    expect(toPlain(rc.run('ROLE'))).toEqual(['slave', '127.0.0.1', 7000, 'connected', applied]);
    // GETACK is answered with the offset before the GETACK itself.
    const before = master.requests.length;
    master.send(encodeRequest(['REPLCONF', 'GETACK', '*']));
    sim.runUntil(() => master.requests.length > before, 1000);
    expect(master.requests[before]).toEqual(['REPLCONF', 'ACK', String(applied)]);
    // The periodic ACK then counts it.
    sim.runUntil(() => master.requests.length > before + 1, 2000);
    expect(master.requests[before + 1]).toEqual(['REPLCONF', 'ACK', String(applied + 37)]);
  });

  it('reads an EOF-marked payload and acknowledges at once', () => {
    const { sim, master } = setup();
    sim.runUntil(() => master.requests.length === 1, 5000);
    master.send('+PONG\r\n');
    sim.runUntil(() => master.requests.length === 5, 1000);
    master.send('+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    sim.runUntil(() => master.requests.length === 6, 1000);
    const mark = 'b'.repeat(40);
    const rdb = rdbWithKey();
    master.send(`+FULLRESYNC ${REPLID} 0\r\n$EOF:${mark}\r\n`);
    master.send(rdb);
    master.send(mark);
    sim.runUntil(() => master.requests.length === 7, 1000);
    expect(master.requests[6]).toEqual(['REPLCONF', 'ACK', '0']);
    expect(toPlain(sim.client('r').run('GET', 'from-rdb'))).toBe('yes');
  });

  it('retries after an error and survives garbage from the master', () => {
    const { sim, master } = setup();
    sim.runUntil(() => master.requests.length === 1, 5000);
    master.send('-ERR go away\r\n');
    sim.runFor(50);
    expect(sim.eventLog.lines().some((l) => l.includes("Error reply to PING from master: '-ERR go away'"))).toBe(true);
    sim.runUntil(() => master.requests.length === 2, 3000);
    master.send('+PONG\r\n');
    sim.runUntil(() => master.requests.length === 6, 1000);
    master.send('+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    sim.runUntil(() => master.requests.length === 7, 1000);
    master.send(`+FULLRESYNC ${REPLID} 0\r\n$zzz\r\n`);
    sim.runFor(50);
    expect(
      sim.eventLog.lines().some((l) => l.includes('Failed trying to load the MASTER synchronization DB from disk')),
    ).toBe(true);
    // The link was dropped; the next replicationCron connects again.
    sim.runUntil(() => master.requests.length === 8, 3000);
    expect(master.requests[7]).toEqual(['PING']);
    expect(toPlain(sim.client('r').run('PING'))).toBe('PONG');
  });

  it('logs an error its master stream produced, and still counts the command as applied', () => {
    const { sim, master } = setup();
    sim.runUntil(() => master.requests.length === 1, 5000);
    master.send('+PONG\r\n');
    sim.runUntil(() => master.requests.length === 5, 1000);
    master.send('+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    sim.runUntil(() => master.requests.length === 6, 1000);
    const mark = 'c'.repeat(40);
    master.send(`+FULLRESYNC ${REPLID} 0\r\n$EOF:${mark}\r\n`);
    master.send(rdbWithKey());
    master.send(mark);
    sim.runUntil(() => master.requests.length === 7, 1000);
    const stream = encodeRequestString(['SET', 'a', 'x']) + encodeRequestString(['INCR', 'a']);
    master.send(stream);
    sim.runFor(10);
    expect(
      sim.eventLog
        .lines()
        .some((l) =>
          l.includes(
            "== CRITICAL == This replica is sending an error to its master: 'ERR value is not an integer or out of range' after processing the command 'incr'",
          ),
        ),
    ).toBe(true);
    expect(toPlain(sim.client('r').run('ROLE'))).toEqual(['slave', '127.0.0.1', 7000, 'connected', stream.length]);
  });
});
