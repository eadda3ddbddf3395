// Command family — CONFIG GET/SET/REWRITE/RESETSTAT.

import type { CommandFamily } from '../command-table.js';

/** The config-commands family's handlers by command name. */
export const configCommands: CommandFamily = {};
