// Shrunk command sequences on which redis-sim once disagreed with real Redis. They run before the random ones, so a
// bug found once stays found. Add the entry a failing differential run prints, with a note naming the bug.

import type { Sequence } from './harness.js';

/** A sequence that once exposed a difference, and what the difference was. */
export interface Regression {
  readonly note: string;
  readonly commands: Sequence;
}

/** Every regression, oldest first. */
export const REGRESSIONS: readonly Regression[] = [
  {
    note: "unknown-command errors print arguments as C strings: a NUL ends them ('%.*s')",
    commands: [['NOSUCHCOMMAND', 'a\u0000b'], ['NOSUCH\u0000COMMAND', '\u0000']],
  },
];
