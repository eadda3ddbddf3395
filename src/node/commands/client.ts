// Command family — CLIENT and its subcommands.

import type { CommandFamily } from '../command-table.js';

/** The client family's handlers by command name. */
export const clientCommands: CommandFamily = {};
