// Command family — INFO (server.c infoCommand): the text comes from ../info.ts; RESP3 clients get a verbatim string.

import { verbatim } from '../../protocol/reply.js';
import type { CommandFamily } from '../command-table.js';
import { infoText } from '../info.js';

/** The info-command family's handlers by command name. */
export const infoCommands: CommandFamily = {
  info: (c, args) => verbatim(infoText(c.node, args.slice(1), c)),
};
