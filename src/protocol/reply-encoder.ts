// Encodes reply values as RESP2 or RESP3 bytes, with Redis's downgrade rules for RESP2 clients
// (maps and sets become arrays, doubles become bulk strings, booleans become integers, nulls keep their RESP2 kind).

import { formatDouble17g } from './format-double.js';
import type { OutputBuffer } from './output-buffer.js';
import type { Reply } from './reply.js';

/** The protocol version a client negotiated with HELLO. */
export type RespVersion = 2 | 3;

/** Bulk strings shorter than this are encoded with one write (header + body + CRLF). */
const SMALL_BULK = 1024;

/** Appends one reply to `out` in the client's protocol. */
export function encodeReply(reply: Reply, resp: RespVersion, out: OutputBuffer): void {
  switch (reply.t) {
    case 'bulk':
      _writeBulk(reply.s, out);
      return;
    case 'simple':
      out.writeLatin1(`+${reply.s}\r\n`);
      return;
    case 'int':
      out.writeLatin1(`:${reply.n}\r\n`);
      return;
    case 'error':
      out.writeLatin1(`-${_oneLine(reply.s)}\r\n`);
      return;
    case 'nil':
      out.writeLatin1(resp === 2 ? '$-1\r\n' : '_\r\n');
      return;
    case 'nilarray':
      out.writeLatin1(resp === 2 ? '*-1\r\n' : '_\r\n');
      return;
    case 'array':
    case 'set':
    case 'push': {
      const prefix = resp === 2 || reply.t === 'array' ? '*' : reply.t === 'set' ? '~' : '>';
      out.writeLatin1(`${prefix}${reply.items.length}\r\n`);
      for (const item of reply.items) encodeReply(item, resp, out);
      return;
    }
    case 'map':
      out.writeLatin1(resp === 2 ? `*${reply.items.length}\r\n` : `%${reply.items.length / 2}\r\n`);
      for (const item of reply.items) encodeReply(item, resp, out);
      return;
    case 'double': {
      const text = reply.text ?? formatDouble17g(reply.n);
      if (resp === 2) _writeBulk(text, out);
      else out.writeLatin1(`,${text}\r\n`);
      return;
    }
    case 'bool':
      out.writeLatin1(resp === 2 ? (reply.b ? ':1\r\n' : ':0\r\n') : reply.b ? '#t\r\n' : '#f\r\n');
      return;
    case 'pinned':
      encodeReply(reply.reply, reply.resp, out);
      return;
    case 'sequence':
      for (const item of reply.items) encodeReply(item, resp, out);
      return;
    case 'verbatim':
      if (resp === 2) _writeBulk(reply.s, out);
      else out.writeLatin1(`=${reply.s.length + 4}\r\ntxt:${reply.s}\r\n`);
      return;
  }
}

// --- internal ---

function _writeBulk(s: string, out: OutputBuffer): void {
  if (s.length < SMALL_BULK) {
    out.writeBulk(s);
  } else {
    out.writeLatin1(`$${s.length}\r\n`);
    out.writeLatin1(s);
    out.writeLatin1('\r\n');
  }
}

/** Error and status texts may not contain newlines; Redis replaces them with spaces (addReplyErrorLength). */
function _oneLine(s: string): string {
  return s.indexOf('\n') === -1 && s.indexOf('\r') === -1 ? s : s.replace(/[\r\n]/g, ' ');
}
