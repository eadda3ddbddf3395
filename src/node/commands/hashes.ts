// Command family — hashes.

import type { CommandFamily } from '../command-table.js';

/** The hashes family's handlers by command name. */
export const hashesCommands: CommandFamily = {};
