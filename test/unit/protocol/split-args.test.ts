import { describe, it, expect } from 'vitest';
import { splitArgs } from '../../../src/protocol/split-args.js';

describe('splitArgs (sdssplitargs)', () => {
  it.each([
    ['', []],
    ['   \t ', []],
    ['SET k v', ['SET', 'k', 'v']],
    ['  a\tb\x0bc  ', ['a', 'b\x0bc']],
    ['a"b c"', ['ab c']],
    ['"a" \'b\'', ['a', 'b']],
    ['"\\x41\\x4g\\x4"', ['Ax4gx4']],
    ['"\\n\\r\\t\\b\\a\\q\\\\\\""', ['\n\r\t\b\x07q\\"']],
    ["'a\\'b\\n'", ["a'b\\n"]],
    ['""', ['']],
    ["''", ['']],
    ['"a"\t"b"', ['a', 'b']],
    ['"a"\x0b"b"', ['a', 'b']],
    ['a\0b c', ['a']],
    ['"\\xff\\x00"', ['\xff\0']],
  ])('%j splits into %j', (line, args) => {
    expect(splitArgs(line)).toEqual(args);
  });

  it.each(['"abc', "'abc", '"a"b', "'a'b", '"a\\"', "'a\\'", 'x "y'])('%j is unbalanced', (line) => {
    expect(splitArgs(line)).toBeNull();
  });
});
