// Shrunk command sequences on which redis-sim once disagreed with real Redis. They run before the random ones, so a
// bug found once stays found. Add the entry a failing differential run prints, with a note naming the bug.

import type { Sequence } from './harness.js';

/** A sequence that once exposed a difference, and what the difference was. */
export interface Regression {
  readonly note: string;
  readonly commands: Sequence;
  /** Compare every reply byte for byte, without the harness's normalisers and tolerances. */
  readonly exact?: boolean;
}

/** Every regression, oldest first. */
export const REGRESSIONS: readonly Regression[] = [
  {
    note: "unknown-command errors print arguments as C strings: a NUL ends them ('%.*s')",
    commands: [
      ['NOSUCHCOMMAND', 'a\u0000b'],
      ['NOSUCH\u0000COMMAND', '\u0000'],
    ],
  },
  {
    note: 'expiry times past 2^53 ms are exact 64-bit integers in Redis, not doubles',
    commands: [
      ['SET', 'k1', 'v', 'PXAT', '9007199254740993'],
      ['PEXPIRETIME', 'k1'],
      ['PEXPIREAT', 'k1', '9223372036854773900'],
      ['PEXPIRETIME', 'k1'],
    ],
    exact: true,
  },
  {
    note: "ZSCAN of a listpack prints integral scores past 2^53 exactly (2^62, not JS's shortest 4611686018427388000)",
    commands: [
      ['ZADD', '{k1}t', '4611686018427387904', 'a', '0', 'd'],
      ['ZSCAN', '{k1}t', '0', 'COUNT', '1000'],
    ],
  },
  {
    note: 'lex ranges over mixed scores follow the encoding: a listpack is scanned in order, not descended',
    commands: [
      ['ZADD', 'k2', '0', 'c', '0', 'b', '-1', 'a', '1', 'A'],
      ['ZLEXCOUNT', 'k2', '[a', '[b'],
      ['ZRANGEBYLEX', 'k2', '[a', '[b'],
      ['ZREVRANGEBYLEX', 'k2', '[b', '[a'],
      ['ZREMRANGEBYLEX', 'k2', '[a', '[b'],
      ['ZRANGE', 'k2', '0', '-1'],
    ],
  },
];
