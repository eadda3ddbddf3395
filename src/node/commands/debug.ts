// Command family — DEBUG and its subcommands.

import type { CommandFamily } from '../command-table.js';

/** The debug family's handlers by command name. */
export const debugCommands: CommandFamily = {};
