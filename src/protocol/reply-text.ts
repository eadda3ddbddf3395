// Renders replies as plain JavaScript values and as text, for tests and the simulation's logs.

import type { Reply } from './reply.js';

/** A reply as a plain value: strings, numbers, null, arrays; errors become `{ error }`, maps flat arrays. */
export type PlainReply = string | number | bigint | boolean | null | { error: string } | PlainReply[];

/** Converts a reply to a plain JavaScript value. */
export function toPlain(reply: Reply): PlainReply {
  switch (reply.t) {
    case 'simple':
    case 'bulk':
    case 'verbatim':
      return reply.s;
    case 'error':
      return { error: reply.s };
    case 'int':
      return reply.n;
    case 'nil':
    case 'nilarray':
      return null;
    case 'double':
      return reply.text ?? reply.n;
    case 'bool':
      return reply.b;
    case 'pinned':
      return toPlain(reply.reply);
    case 'array':
    case 'set':
    case 'push':
    case 'map':
    case 'sequence':
      return reply.items.map(toPlain);
  }
}
