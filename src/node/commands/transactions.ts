// Command family — MULTI, EXEC, DISCARD, WATCH, UNWATCH.

import type { CommandFamily } from '../command-table.js';

/** The transactions family's handlers by command name. */
export const transactionsCommands: CommandFamily = {};
