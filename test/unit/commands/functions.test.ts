// FUNCTION, SCRIPT, EVAL and FCALL on one simulated node: truthful answers for an empty library set and script
// cache, Redis's argument errors, the empty FUNCTION DUMP payload byte for byte, the sequence
// `redis-cli --cluster add-node` runs, and the not-supported error for everything that would run Lua.

import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { emptyFunctionsPayload } from '../../../src/node/commands/functions.js';
import { crc64Init, crc64Update, crc64WriteLE } from '../../../src/node/persistence/crc64.js';

/** FUNCTION DUMP as real Redis 7.0.15 answers it with no libraries. */
const REAL_EMPTY_DUMP = '0a005d9b5c400f7fa2da';
const NOTBUSY = { error: 'NOTBUSY No scripts in execution right now.' };

function unsupported(command: string): { error: string } {
  return { error: `ERR redis-sim does not support Lua scripting (${command}); see README` };
}

function harness(): { h: NodeHarness; fed: string[][] } {
  const h = new NodeHarness();
  const fed: string[][] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  return { h, fed };
}

/** A payload with a valid footer around `body`. */
function withFooter(body: number[]): string {
  const out = Buffer.alloc(body.length + 10);
  Buffer.from(body).copy(out);
  out[body.length] = 10;
  const state = crc64Init();
  crc64Update(state, out, 0, body.length + 2);
  crc64WriteLE(state, out, body.length + 2);
  return out.toString('latin1');
}

describe('FUNCTION', () => {
  it('dumps an empty library set exactly as Redis 7.0.15 does', () => {
    const { h } = harness();
    expect(emptyFunctionsPayload().toString('hex')).toBe(REAL_EMPTY_DUMP);
    expect(Buffer.from(h.run('FUNCTION', 'DUMP') as string, 'latin1').toString('hex')).toBe(REAL_EMPTY_DUMP);
  });

  it('runs the redis-cli --cluster add-node sequence: DUMP on the seed, LIST and RESTORE on the new node', () => {
    const seed = harness();
    const added = harness();
    const payload = seed.h.run('FUNCTION', 'DUMP') as string;
    expect(added.h.run('FUNCTION', 'LIST')).toEqual([]);
    expect(added.h.run('FUNCTION', 'RESTORE', payload)).toBe('OK');
    expect(added.fed).toEqual([['FUNCTION', 'RESTORE', payload]]);
    for (const policy of ['FLUSH', 'append', 'Replace']) {
      expect(added.h.run('FUNCTION', 'RESTORE', payload, policy)).toBe('OK');
    }
  });

  it('refuses bad RESTORE payloads and policies like Redis, and payloads holding libraries', () => {
    const { h } = harness();
    const payload = h.run('FUNCTION', 'DUMP') as string;
    expect(h.run('FUNCTION', 'RESTORE', payload, 'bogus')).toEqual({
      error: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
    });
    expect(h.run('FUNCTION', 'RESTORE', payload, 'FLUSH', 'x')).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.",
    });
    expect(h.run('FUNCTION', 'RESTORE', 'x')).toEqual({ error: 'ERR DUMP payload version or checksum are wrong' });
    expect(h.run('FUNCTION', 'RESTORE', withFooter([0x00, 0x01]))).toEqual({
      error: 'ERR given type is not a function',
    });
    expect(h.run('FUNCTION', 'RESTORE', withFooter([245, 0x03, 0x61, 0x62, 0x63]))).toEqual(
      unsupported('FUNCTION RESTORE of a payload with libraries'),
    );
  });

  it('lists nothing, validating LIST arguments', () => {
    const { h } = harness();
    expect(h.run('FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'x*')).toEqual([]);
    expect(h.run('FUNCTION', 'LIST', 'LIBRARYNAME')).toEqual({ error: 'ERR library name argument was not given' });
    expect(h.run('FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE')).toEqual({ error: 'ERR Unknown argument WITHCODE' });
    expect(h.run('FUNCTION', 'LIST', 'foo')).toEqual({ error: 'ERR Unknown argument foo' });
  });

  it('flushes (propagated), reports stats, has nothing to kill or delete', () => {
    const { h, fed } = harness();
    expect(h.run('FUNCTION', 'FLUSH')).toBe('OK');
    expect(h.run('FUNCTION', 'FLUSH', 'ASYNC')).toBe('OK');
    expect(h.run('FUNCTION', 'FLUSH', 'sync')).toBe('OK');
    expect(h.run('FUNCTION', 'FLUSH', 'foo')).toEqual({ error: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option' });
    expect(fed).toEqual([
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'FLUSH', 'ASYNC'],
      ['FUNCTION', 'FLUSH', 'sync'],
    ]);
    expect(h.run('FUNCTION', 'STATS')).toEqual([
      'running_script',
      null,
      'engines',
      ['LUA', ['libraries_count', 0, 'functions_count', 0]],
    ]);
    expect(h.run('FUNCTION', 'KILL')).toEqual(NOTBUSY);
    expect(h.run('FUNCTION', 'DELETE', 'lib')).toEqual({ error: 'ERR Library not found' });
    const help = h.run('FUNCTION', 'HELP') as string[];
    expect(help[0]).toBe('FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
  });

  it('answers FUNCTION LOAD with the argument errors first, then not-supported', () => {
    const { h } = harness();
    expect(h.run('FUNCTION', 'LOAD', 'foo', 'code')).toEqual({ error: 'ERR Unknown option given: foo' });
    expect(h.run('FUNCTION', 'LOAD', 'REPLACE')).toEqual(unsupported('FUNCTION LOAD'));
    expect(h.run('FUNCTION', 'LOAD', 'REPLACE', 'REPLACE')).toEqual(unsupported('FUNCTION LOAD'));
    expect(h.run('FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("f", function() end)')).toEqual(
      unsupported('FUNCTION LOAD'),
    );
  });
});

describe('SCRIPT, EVAL and FCALL', () => {
  it('answers SCRIPT EXISTS, FLUSH and KILL truthfully for an empty script cache', () => {
    const { h } = harness();
    expect(h.run('SCRIPT', 'EXISTS', 'a', 'b', 'a')).toEqual([0, 0, 0]);
    expect(h.run('SCRIPT', 'FLUSH')).toBe('OK');
    expect(h.run('SCRIPT', 'FLUSH', 'ASYNC')).toBe('OK');
    expect(h.run('SCRIPT', 'FLUSH', 'x')).toEqual({ error: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option' });
    expect(h.run('SCRIPT', 'FLUSH', 'SYNC', 'x')).toEqual({ error: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option' });
    expect(h.run('SCRIPT', 'KILL')).toEqual(NOTBUSY);
    expect((h.run('SCRIPT', 'HELP') as string[])[1]).toBe('DEBUG (YES|SYNC|NO)');
  });

  it('refuses to run or load Lua', () => {
    const { h } = harness();
    expect(h.run('EVAL', 'return 1', '0')).toEqual(unsupported('EVAL'));
    expect(h.run('evalsha', 'abc', '0')).toEqual(unsupported('EVALSHA'));
    expect(h.run('EVAL_RO', 'return 1', '0')).toEqual(unsupported('EVAL_RO'));
    expect(h.run('EVALSHA_RO', 'abc', '0')).toEqual(unsupported('EVALSHA_RO'));
    expect(h.run('FCALL', 'f', '0')).toEqual(unsupported('FCALL'));
    expect(h.run('FCALL_RO', 'f', '0')).toEqual(unsupported('FCALL_RO'));
    expect(h.run('SCRIPT', 'LOAD', 'return 1')).toEqual(unsupported('SCRIPT LOAD'));
    expect(h.run('SCRIPT', 'DEBUG', 'YES')).toEqual(unsupported('SCRIPT DEBUG'));
    expect(h.run('EVAL', 'return 1')).toEqual({ error: "ERR wrong number of arguments for 'eval' command" });
  });
});
