// Command family — INFO.

import type { CommandFamily } from '../command-table.js';

/** The info-command family's handlers by command name. */
export const infoCommands: CommandFamily = {};
