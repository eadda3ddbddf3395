// Command family — sorted sets.

import type { CommandFamily } from '../command-table.js';

/** The sorted sets family's handlers by command name. */
export const sortedSetsCommands: CommandFamily = {};
