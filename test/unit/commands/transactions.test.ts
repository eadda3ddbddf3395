import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';

describe('MULTI / EXEC / DISCARD', () => {
  it('queues commands and returns their replies in one array', () => {
    const h = new NodeHarness();
    expect(h.run('MULTI')).toBe('OK');
    expect(h.run('SET', 'a', '1')).toBe('QUEUED');
    expect(h.run('INCR', 'a')).toBe('QUEUED');
    expect(h.run('GET', 'a')).toBe('QUEUED');
    expect(h.run('EXEC')).toEqual(['OK', 2, '2']);
  });

  it('keeps a runtime error inside the EXEC array and runs the rest', () => {
    const h = new NodeHarness();
    h.run('SET', 's', 'text');
    h.run('MULTI');
    h.run('INCR', 's');
    h.run('SET', 'b', '1');
    expect(h.run('EXEC')).toEqual([{ error: 'ERR value is not an integer or out of range' }, 'OK']);
    expect(h.run('GET', 'b')).toBe('1');
  });

  it('answers EXECABORT after a queuing error and runs nothing', () => {
    const h = new NodeHarness();
    h.run('MULTI');
    h.run('SET', 'a', '1');
    expect(h.run('NOSUCHCMD')).toEqual({ error: "ERR unknown command 'NOSUCHCMD', with args beginning with: " });
    expect(h.run('GET')).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(h.run('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(h.run('EXISTS', 'a')).toBe(0);
  });

  it('rejects nesting, EXEC and DISCARD without MULTI, and WATCH inside MULTI', () => {
    const h = new NodeHarness();
    expect(h.run('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
    expect(h.run('DISCARD')).toEqual({ error: 'ERR DISCARD without MULTI' });
    h.run('MULTI');
    expect(h.run('MULTI')).toEqual({ error: 'ERR MULTI calls can not be nested' });
    expect(h.run('WATCH', 'x')).toEqual({ error: 'ERR WATCH inside MULTI is not allowed' });
    expect(h.run('DISCARD')).toBe('OK');
    expect(h.run('DISCARD')).toEqual({ error: 'ERR DISCARD without MULTI' });
  });
});

describe('WATCH', () => {
  it('aborts EXEC with a null array when a watched key changes', () => {
    const h = new NodeHarness();
    const other = h.client();
    h.run('SET', 'w', '1');
    h.run('WATCH', 'w');
    other.run('SET', 'w', '2');
    h.run('MULTI');
    h.run('SET', 'w', '3');
    expect(h.run('EXEC')).toBeNull();
    expect(h.run('GET', 'w')).toBe('2');
  });

  it('lets EXEC run when watched keys are untouched, and UNWATCH forgets them', () => {
    const h = new NodeHarness();
    const other = h.client();
    h.run('WATCH', 'w');
    other.run('SET', 'unrelated', '1');
    h.run('MULTI');
    h.run('SET', 'w', 'mine');
    expect(h.run('EXEC')).toEqual(['OK']);
    h.run('WATCH', 'w');
    other.run('SET', 'w', 'theirs');
    expect(h.run('UNWATCH')).toBe('OK');
    h.run('MULTI');
    h.run('GET', 'w');
    expect(h.run('EXEC')).toEqual(['theirs']);
  });

  it('treats a watched key that expires before EXEC as modified', () => {
    const h = new NodeHarness();
    h.run('SET', 'e', '1', 'PX', '100');
    h.run('WATCH', 'e');
    h.advance(200);
    h.run('MULTI');
    h.run('PING');
    expect(h.run('EXEC')).toBeNull();
  });

  it('does not abort when a key that was already expired at WATCH time is reclaimed', () => {
    const h = new NodeHarness({ directives: [['enable-debug-command', ['yes']]] });
    h.run('SET', 'e', '1', 'PX', '100');
    h.run('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    h.advance(200);
    h.run('WATCH', 'e');
    h.run('MULTI');
    h.run('EXISTS', 'e');
    expect(h.run('EXEC')).toEqual([0]);
  });

  it('sees FLUSHDB as a change to watched keys that existed', () => {
    const h = new NodeHarness();
    const other = h.client();
    h.run('SET', 'f', '1');
    h.run('WATCH', 'f');
    other.run('FLUSHDB');
    h.run('MULTI');
    h.run('PING');
    expect(h.run('EXEC')).toBeNull();
  });
});

describe('propagation of transactions', () => {
  it('wraps the writes of an EXEC in one MULTI/EXEC and leaves a single write unwrapped', () => {
    const h = new NodeHarness();
    const fed: string[][] = [];
    h.node.persistence.feed = (_db, args) => {
      fed.push([...args]);
    };
    h.run('MULTI');
    h.run('SET', 'a', '1');
    h.run('GET', 'a');
    h.run('INCR', 'a');
    h.run('EXEC');
    expect(fed).toEqual([['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['EXEC']]);
    fed.length = 0;
    h.run('MULTI');
    h.run('SET', 'b', '1');
    h.run('GET', 'b');
    h.run('EXEC');
    expect(fed).toEqual([['SET', 'b', '1']]);
  });
});

describe('protocol switches inside a transaction', () => {
  it('encodes each queued reply in the protocol in force when it ran, as Redis does', () => {
    const h = new NodeHarness();
    const c = h.client();
    c.run('HSET', 'h', 'f', 'v');
    c.run('MULTI');
    c.run('HGETALL', 'h');
    c.run('HELLO', '3');
    c.run('HGETALL', 'h');
    const exec = c.raw('EXEC');
    if (exec.t !== 'array') throw new Error(`expected an array, got ${exec.t}`);
    expect(exec.items.map((r) => r.t)).toEqual(['array', 'map', 'map']);
  });
});
