// AOF pieces: manifest text in Redis 7.0's format, RESP encoding of logged commands, and the loader's reader that
// tells a cut-off tail from a corrupt file.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  AofCommandReader,
  AofError,
  AofManifest,
  encodeAofCommand,
  encodeAofSelect,
} from '../../../src/node/persistence/aof.js';

function readAll(text: string): string[][] {
  const r = new AofCommandReader(Buffer.from(text, 'latin1'));
  const out: string[][] = [];
  for (let args = r.next(); args !== null; args = r.next()) out.push(args);
  return out;
}

function errorCode(text: string): string {
  try {
    readAll(text);
  } catch (e) {
    if (e instanceof AofError) return e.code;
    throw e;
  }
  return 'none';
}

describe('AOF manifest', () => {
  it('formats and parses the lines Redis writes', () => {
    const text = 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
    const am = AofManifest.parse(text);
    expect(am.base).toEqual({ name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' });
    expect(am.incr).toEqual([{ name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' }]);
    expect(am.format()).toBe(text);
  });

  it('names new files with increasing sequence numbers and moves replaced ones to history', () => {
    const am = new AofManifest();
    expect(am.newBase('appendonly.aof', true)).toBe('appendonly.aof.1.base.rdb');
    expect(am.lastIncr('appendonly.aof')).toBe('appendonly.aof.1.incr.aof');
    expect(am.lastIncr('appendonly.aof')).toBe('appendonly.aof.1.incr.aof');
    expect(am.newIncr('appendonly.aof')).toBe('appendonly.aof.2.incr.aof');
    expect(am.newBase('appendonly.aof', false)).toBe('appendonly.aof.2.base.aof');
    am.markRewrittenIncrAsHistory(true);
    expect(am.format()).toBe(
      'file appendonly.aof.2.base.aof seq 2 type b\n' +
        'file appendonly.aof.1.incr.aof seq 1 type h\n' +
        'file appendonly.aof.1.base.rdb seq 1 type h\n' +
        'file appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    expect(AofManifest.parse(am.format()).format()).toBe(am.format());
  });

  it('quotes file names that need it and reads them back', () => {
    const am = new AofManifest();
    am.newBase('my file.aof', true);
    expect(am.format()).toBe('file "my file.aof.1.base.rdb" seq 1 type b\n');
    expect(AofManifest.parse(am.format()).base?.name).toBe('my file.aof.1.base.rdb');
  });

  it('rejects what aofLoadManifestFromFile rejects', () => {
    const bad: [string, RegExp][] = [
      ['', /empty AOF manifest/],
      ['file a seq 1\n', /Invalid AOF manifest file format/],
      ['file a seq 1 type b\nfile b seq 2 type b\n', /duplicate base/],
      ['file a seq 2 type i\nfile b seq 1 type i\n', /non-monotonic/],
      ['file a seq 1 type x\n', /Unknown AOF file type/],
      ['file dir/a seq 1 type b\n', /can't be a path/],
    ];
    for (const [text, message] of bad) expect(() => AofManifest.parse(text), text).toThrow(message);
    expect(AofManifest.parse('# comment\nfile a seq 1 type b extra 1\n').base?.name).toBe('a');
  });
});

describe('AOF command encoding and reading', () => {
  it('encodes commands as RESP multibulk and SELECT like feedAppendOnlyFile', () => {
    expect(encodeAofCommand(['SET', 'k', ''])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
    expect(encodeAofSelect(12)).toBe('*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n');
  });

  it('reads back any sequence of binary commands, skipping annotations', () => {
    const arg = fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString('latin1'));
    fc.assert(
      fc.property(fc.array(fc.array(arg, { minLength: 1, maxLength: 5 }), { maxLength: 10 }), (commands) => {
        const text = commands.map((c) => `#TS:1700000000\r\n${encodeAofCommand(c)}`).join('');
        expect(readAll(text)).toEqual(commands);
      }),
    );
  });

  it('reports a file cut anywhere inside a command as truncated', () => {
    const text = encodeAofCommand(['SET', 'key', 'value']);
    for (let cut = 1; cut < text.length; cut++)
      expect(errorCode(text.slice(0, cut)), `cut at ${cut}`).toBe('truncated');
    expect(errorCode(text)).toBe('none');
  });

  it('reports bytes that are not an AOF as a format error', () => {
    expect(errorCode('SET k v\r\n')).toBe('format');
    expect(errorCode('*0\r\n')).toBe('format');
    expect(errorCode('*1\r\nSET\r\n')).toBe('format');
  });
});
