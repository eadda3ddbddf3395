// Command family — transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (multi.c).

import { NIL_ARRAY, OK, array, pinned, type Reply } from '../../protocol/reply.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { call } from '../dispatch.js';
import { Errors } from '../errors.js';

/** Ends a transaction and forgets watched keys (discardTransaction). */
function _discard(c: ClientSession): void {
  c.multi = null;
  c.node.unwatchAll(c);
  c.watchDirty = false;
}

/** The transactions family's handlers by command name. */
export const transactionsCommands: CommandFamily = {
  multi(c) {
    if (c.multi !== null) return Errors.nestedMulti();
    c.multi = { queue: [], aborted: false };
    return OK;
  },

  exec(c) {
    const multi = c.multi;
    if (multi === null) return Errors.execWithoutMulti();
    if (c.node.watchedKeyExpired(c)) c.watchDirty = true;
    if (multi.aborted) {
      _discard(c);
      return Errors.execAbort();
    }
    if (c.watchDirty) {
      _discard(c);
      return NIL_ARRAY;
    }
    c.node.unwatchAll(c);
    c.multi = null;
    const replies: Reply[] = [];
    c.denyBlocking = true;
    try {
      // Each reply keeps the protocol of its moment: a queued HELLO switches it for the replies after it (Redis
      // encodes each reply into the output buffer as it runs).
      for (const { command, args } of multi.queue) {
        const reply = call(c, command, args);
        replies.push(pinned(c.resp, reply));
      }
    } finally {
      c.denyBlocking = false;
    }
    c.watchDirty = false;
    return array(replies);
  },

  discard(c) {
    if (c.multi === null) return Errors.discardWithoutMulti();
    _discard(c);
    return OK;
  },

  watch(c, args) {
    if (c.multi !== null) return Errors.watchInMulti();
    if (c.watchDirty) return OK;
    for (let i = 1; i < args.length; i++) c.node.watch(c, c.db, args[i]!);
    return OK;
  },

  unwatch(c) {
    c.node.unwatchAll(c);
    c.watchDirty = false;
    return OK;
  },
};
