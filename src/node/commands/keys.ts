// Command family — keys: DEL, EXISTS, EXPIRE family, SCAN, RENAME, COPY, FLUSHDB.

import type { CommandFamily } from '../command-table.js';

/** The keys family's handlers by command name. */
export const keysCommands: CommandFamily = {};
