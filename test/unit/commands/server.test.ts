// Server commands on a simulated node: TIME, LASTSAVE, SAVE, BGSAVE, BGREWRITEAOF, SHUTDOWN.
import { describe, it, expect } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { DEFAULT_START_TIME_MS } from '../../../src/sim/event-queue.js';

describe('server commands', () => {
  it('TIME answers seconds and microseconds of the node clock as bulk strings', () => {
    const h = new NodeHarness();
    h.advance(1234);
    const now = h.node.now();
    expect(h.run('TIME')).toEqual([String(Math.floor(now / 1000)), String((now % 1000) * 1000)]);
    expect(h.run('TIME', 'x')).toEqual({ error: "ERR wrong number of arguments for 'time' command" });
  });

  it('LASTSAVE is the start time until a save, then the save time', () => {
    const h = new NodeHarness({ directives: [['save', ['']]] });
    expect(h.run('LASTSAVE')).toBe(Math.floor(DEFAULT_START_TIME_MS / 1000));
    h.advance(3000);
    expect(h.run('SAVE')).toBe('OK');
    expect(h.run('LASTSAVE')).toBe(Math.floor(DEFAULT_START_TIME_MS / 1000) + 3);
  });

  it('SAVE is refused inside MULTI, BGSAVE is not', () => {
    const h = new NodeHarness({ directives: [['save', ['']]] });
    h.run('MULTI');
    expect(h.run('SAVE')).toEqual({ error: 'ERR Command not allowed inside a transaction' });
    h.run('DISCARD');
  });

  it('BGREWRITEAOF with the AOF off writes a base-only manifest, as Redis 7.0 does', () => {
    const h = new NodeHarness({ directives: [['save', ['']]] });
    h.run('SET', 'k', 'v');
    expect(h.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    expect(h.storage.read('appendonlydir/appendonly.aof.manifest')?.toString()).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\n',
    );
  });

  it('SHUTDOWN closes every client and stops the node', () => {
    const h = new NodeHarness({ directives: [['save', ['']]] });
    const a = h.client();
    const b = h.client();
    a.send(['SHUTDOWN', 'NOW']);
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(true);
    expect(h.node.running).toBe(false);
  });
});
