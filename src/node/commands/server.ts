// Command family — server: TIME, LASTSAVE, SAVE, BGSAVE, BGREWRITEAOF, SHUTDOWN. Saves and rewrites run to
// completion inside the command (there is no fork); BGSAVE and BGREWRITEAOF still answer as Redis does when its
// child has started, and report failures through INFO persistence, as a failed child would.

import { OK, array, bulk, error, integer, simple } from '../../protocol/reply.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import type { ShutdownSave } from '../node.js';

/** The server family's handlers by command name. */
export const serverCommands: CommandFamily = {
  time(c) {
    const now = c.node.now();
    return array([bulk(String(Math.floor(now / 1000))), bulk(String((now % 1000) * 1000))]);
  },

  lastsave: (c) => integer(Math.floor(c.node.persistence.lastSave / 1000)),

  save: (c) => (c.node.persistence.saveCommand() ? OK : _ERR),

  bgsave(c, args) {
    if (args.length > 1 && (args.length !== 2 || args[1]!.toLowerCase() !== 'schedule')) return Errors.syntax();
    c.node.persistence.bgsave();
    return simple('Background saving started');
  },

  bgrewriteaof(c) {
    c.node.persistence.rewriteAof();
    return simple('Background append only file rewriting started');
  },

  shutdown(c, args) {
    let save = false;
    let nosave = false;
    let force = false;
    let abort = false;
    let other = false;
    for (let i = 1; i < args.length; i++) {
      const option = args[i]!.toLowerCase();
      if (option === 'nosave') nosave = true;
      else if (option === 'save') save = true;
      else if (option === 'now') other = true;
      else if (option === 'force') force = true;
      else if (option === 'abort') abort = true;
      else return Errors.syntax();
    }
    if ((abort && (save || nosave || force || other)) || (save && nosave)) return Errors.syntax();
    // A shutdown is never left pending (there are no replicas to wait for), so there is nothing to abort.
    if (abort) return error('ERR No shutdown in progress.');
    const mode: ShutdownSave = save ? 'save' : nosave ? 'nosave' : 'default';
    if (!c.node.shutdown(mode, force)) return error('ERR Errors trying to SHUTDOWN. Check logs.');
    return OK; // never sent: the connection is already closed
  },
};

// --- internal ---

/** shared.err: the bare `-ERR` SAVE answers when writing the snapshot failed. */
const _ERR = error('ERR');
