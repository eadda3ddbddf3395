// Command family — lists.

import type { CommandFamily } from '../command-table.js';

/** The lists family's handlers by command name. */
export const listsCommands: CommandFamily = {};
