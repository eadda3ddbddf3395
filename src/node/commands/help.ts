// The shape of every `<COMMAND> HELP` reply (addReplyHelp in networking.c): a header line, the command's own lines,
// then the HELP entry, all as status replies. The wording of the lines is redis-sim's own.

import { array, simple, type Reply } from '../../protocol/reply.js';

/** Builds a HELP reply for `command` from its subcommand lines. */
export function helpReply(command: string, lines: readonly string[]): Reply {
  return array(
    [
      `${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
      ...lines,
      'HELP',
      '    Prints this help.',
    ].map(simple),
  );
}
