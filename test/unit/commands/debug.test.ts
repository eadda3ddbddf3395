// DEBUG on a simulated node: gating, DIGEST, DIGEST-VALUE, OBJECT, RELOAD, SLEEP, SET-ACTIVE-EXPIRE, POPULATE, HELP.
import { describe, it, expect } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { toPlain } from '../../../src/protocol/reply-text.js';

function debugNode(directives: readonly (readonly [string, readonly string[]])[] = []): NodeHarness {
  return new NodeHarness({ directives: [['enable-debug-command', ['yes']], ['save', ['']], ...directives] });
}

describe('DEBUG', () => {
  it('is refused unless enable-debug-command allows it', () => {
    const h = new NodeHarness();
    const reply = h.run('DEBUG', 'DIGEST') as { error: string };
    expect(reply.error).toMatch(/^ERR DEBUG command not allowed\./);
  });

  it('DIGEST is all zeros when empty and changes with the data, regardless of write order', () => {
    const h = debugNode();
    expect(h.run('DEBUG', 'DIGEST')).toBe('0'.repeat(40));
    h.run('SET', 'a', '1');
    h.run('SET', 'b', '2');
    const d1 = h.run('DEBUG', 'DIGEST');
    const other = debugNode();
    other.run('SET', 'b', '2');
    other.run('SET', 'a', '1');
    expect(other.run('DEBUG', 'DIGEST')).toBe(d1);
    other.run('EXPIRE', 'a', 100);
    expect(other.run('DEBUG', 'DIGEST')).not.toBe(d1);
  });

  it('DIGEST-VALUE gives one digest per key, zeros for missing keys, Redis values for strings', () => {
    const h = debugNode();
    h.run('SET', 'hello', 'world');
    expect(h.run('DEBUG', 'DIGEST-VALUE', 'hello', 'missing')).toEqual([
      '7dd258b3230f13fda3d434d9fc4e7f0a76c06ad0',
      '0'.repeat(40),
    ]);
    expect(h.run('DEBUG', 'DIGEST-VALUE')).toEqual([]);
  });

  it('DIGEST-VALUE still sees a logically expired key, without reclaiming it', () => {
    const h = debugNode();
    h.run('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    h.run('SET', 'v', 'v', 'PX', 10);
    h.advance(50);
    expect(h.run('DEBUG', 'DIGEST-VALUE', 'v')).toEqual(['311b17018163335616e089f6b951c82c477335ac']);
    expect(h.node.databases[0]!.holds('v')).toBe(true);
  });

  it('OBJECT reports encoding, refcount and serialized length like Redis', () => {
    const h = debugNode();
    h.run('SET', 'hello', 'world');
    h.run('SET', 'n', '12345');
    h.run('SET', 'five', '5');
    h.run('SET', 'long', 'a'.repeat(56));
    h.run('SET', 'big', '123456789012');
    const line = (k: string) => h.run('DEBUG', 'OBJECT', k) as string;
    expect(line('hello')).toMatch(
      /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:0$/,
    );
    expect(line('n')).toMatch(/refcount:1 encoding:int serializedlength:3 /);
    expect(line('five')).toMatch(/refcount:2147483647 encoding:int serializedlength:2 /);
    expect(line('long')).toMatch(/encoding:raw serializedlength:12 /);
    expect(line('big')).toMatch(/encoding:int serializedlength:13 /);
    h.advance(5000);
    expect(line('hello')).toMatch(/lru_seconds_idle:5$/);
    expect(h.run('DEBUG', 'OBJECT', 'missing')).toEqual({ error: 'ERR no such key' });
  });

  it('RELOAD saves, empties and loads back the same data', () => {
    const h = debugNode();
    h.run('SET', 'a', '1');
    h.run('SELECT', 5);
    h.run('SET', 'b', '2');
    const before = h.run('DEBUG', 'DIGEST');
    expect(h.run('DEBUG', 'RELOAD')).toBe('OK');
    expect(h.run('DEBUG', 'DIGEST')).toBe(before);
    expect(h.run('GET', 'b')).toBe('2');
    expect(h.storage.exists('dump.rdb')).toBe(true);
    expect(h.run('DEBUG', 'RELOAD', 'BOGUS')).toEqual({
      error: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
    });
    h.storage.remove('dump.rdb');
    expect(h.run('DEBUG', 'RELOAD', 'NOSAVE')).toEqual({ error: 'ERR Error trying to load the RDB dump' });
  });

  it('LOADAOF replays the AOF into an emptied dataset', () => {
    const h = debugNode([['appendonly', ['yes']]]);
    h.run('SET', 'a', '1');
    h.node.databases[0]!.set('not-logged', 'x');
    expect(h.run('DEBUG', 'LOADAOF')).toBe('OK');
    expect(h.run('MGET', 'a', 'not-logged')).toEqual(['1', null]);
    expect(h.node.dirty).toBe(0);
  });

  it('SET-ACTIVE-EXPIRE 0 stops the cron from expiring keys; 1 restarts it', () => {
    const h = debugNode();
    expect(h.run('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe('OK');
    h.run('SET', 'k', 'v', 'PX', 100);
    h.advance(2000);
    expect(h.run('DBSIZE')).toBe(1);
    h.run('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    h.advance(2000);
    expect(h.run('DBSIZE')).toBe(0);
  });

  it('SLEEP holds the caller and every other client for that long', () => {
    const h = debugNode();
    const sleeper = h.client();
    const other = h.client();
    sleeper.send(['DEBUG', 'SLEEP', '0.5']);
    expect(sleeper.nextReply()).toBeUndefined();
    other.send(['PING']);
    expect(other.nextReply()).toBeUndefined();
    h.advance(499);
    expect(sleeper.nextReply()).toBeUndefined();
    h.advance(2);
    expect(toPlain(sleeper.nextReply()!)).toBe('OK');
    expect(toPlain(other.nextReply()!)).toBe('PONG');
    expect(h.run('DEBUG', 'SLEEP', '0')).toBe('OK');
  });

  it('POPULATE creates key:N = value:N, skipping existing keys, with an optional prefix and size', () => {
    const h = debugNode();
    h.run('SET', 'key:1', 'mine');
    expect(h.run('DEBUG', 'POPULATE', 3)).toBe('OK');
    expect(h.run('MGET', 'key:0', 'key:1', 'key:2')).toEqual(['value:0', 'mine', 'value:2']);
    h.run('DEBUG', 'POPULATE', 2, 'p', 10);
    expect(h.run('GET', 'p:1')).toBe('value:1\0\0\0');
    h.run('DEBUG', 'POPULATE', 1, 'q', 3);
    expect(h.run('GET', 'q:0')).toBe('val');
    expect(h.run('DEBUG', 'POPULATE', -1)).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(h.run('DEBUG', 'POPULATE', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('HELP, ERROR and unknown subcommands answer like Redis', () => {
    const h = debugNode();
    const help = h.run('DEBUG', 'HELP') as string[];
    expect(help[0]).toBe('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('DIGEST-VALUE <key> [<key> ...]');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    expect(h.run('DEBUG', 'ERROR', 'MYERR custom\nline')).toEqual({ error: 'MYERR custom line' });
    expect(h.run('DEBUG', 'FOO')).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.",
    });
    expect(h.run('debug', 'object')).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.",
    });
  });
});

describe('DEBUG OBJECT on lists', () => {
  it('appends the quicklist figures Redis prints for lists', () => {
    const h = new NodeHarness({ directives: [['enable-debug-command', ['yes']]] });
    h.run('RPUSH', 'l', 'a', 'b', 'c');
    expect(h.run('DEBUG', 'OBJECT', 'l')).toMatch(
      / encoding:quicklist .* ql_nodes:1 ql_avg_node:3\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:\d+$/,
    );
  });
});
