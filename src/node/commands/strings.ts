// Command family — strings: GET, SET, INCR, APPEND, GETRANGE, bit operations, LCS.

import type { CommandFamily } from '../command-table.js';

/** The strings family's handlers by command name. */
export const stringsCommands: CommandFamily = {};
