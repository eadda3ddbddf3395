// Command family — bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD.

import type { CommandFamily } from '../command-table.js';

/** The bits family's handlers by command name. */
export const bitsCommands: CommandFamily = {};
