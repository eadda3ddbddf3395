// Command family — server: TIME, DBSIZE-free server commands, SAVE, SHUTDOWN, LASTSAVE.

import type { CommandFamily } from '../command-table.js';

/** The server family's handlers by command name. */
export const serverCommands: CommandFamily = {};
