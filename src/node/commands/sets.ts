// Command family — sets.

import type { CommandFamily } from '../command-table.js';

/** The sets family's handlers by command name. */
export const setsCommands: CommandFamily = {};
