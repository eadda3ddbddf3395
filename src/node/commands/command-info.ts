// Command family — COMMAND and its subcommands, generated from the command table.

import type { CommandFamily } from '../command-table.js';

/** The command-info family's handlers by command name. */
export const commandCommands: CommandFamily = {};
