// Persistence and DEBUG DIGEST codecs for lists. rdbSaveObject writes every list as RDB_TYPE_LIST_QUICKLIST_2: the
// node count, then per node its container (2 packed, 1 plain) and its listpack (or the plain element) as one RDB
// string, which the writer LZF-compresses like any long string. rdbLoadObject also reads what older Redis versions
// wrote: RDB_TYPE_LIST_QUICKLIST (ziplist nodes, each turned into a listpack node), RDB_TYPE_LIST_ZIPLIST and the
// plain RDB_TYPE_LIST (elements pushed one by one). Loaded node layouts are kept as they were, as Redis does. An
// AOF-format base file rebuilds a list with RPUSH commands of at most 64 elements.

import { registerAofRewriter } from '../persistence/aof.js';
import { mixDigest, registerDigestType } from '../persistence/digest.js';
import { decodeListpack, decodeZiplist, encodeListpack } from '../persistence/listpack.js';
import { RdbFormatError, type RdbReader, type RdbWriter } from '../persistence/rdb-codec.js';
import { RdbType, registerRdbType } from '../persistence/rdb-types.js';
import type { Value } from '../values.js';
import { ListValue } from './list.js';

/** Writes a list's RDB_TYPE_LIST_QUICKLIST_2 body. */
export function writeList(w: RdbWriter, list: ListValue): void {
  w.length(list.nodeCount);
  for (const node of list.nodeViews()) {
    w.length(node.plain ? _CONTAINER_PLAIN : _CONTAINER_PACKED);
    w.string(node.plain ? node.items[0]! : encodeListpack(node.items).toString('latin1'));
  }
}

/**
 * Reads a list body of one of the four list RDB types. The list's fill is left for the first write to adopt from the
 * configuration. Redis skips an empty list when loading (RDB_LOAD_ERR_EMPTY_KEY) and RESTORE refuses it; it is
 * refused as corrupt here.
 */
export function readList(r: RdbReader, rdbType: number): ListValue {
  const list = new ListValue(null);
  switch (rdbType) {
    case RdbType.LIST: {
      const n = r.length();
      for (let i = 0; i < n; i++) list.push(r.string(), 'tail');
      break;
    }
    case RdbType.LIST_ZIPLIST:
      for (const item of decodeZiplist(_blob(r))) list.push(item, 'tail');
      break;
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2: {
      const n = r.length();
      for (let i = 0; i < n; i++) {
        const container = rdbType === RdbType.LIST_QUICKLIST_2 ? r.length() : _CONTAINER_PACKED;
        if (container !== _CONTAINER_PACKED && container !== _CONTAINER_PLAIN) {
          throw new RdbFormatError('corrupt', 'Quicklist integrity check failed.');
        }
        const data = r.string();
        if (data.length === 0) throw new RdbFormatError('corrupt', 'Empty quicklist node');
        if (container === _CONTAINER_PLAIN) {
          list.appendNode([data], true);
          continue;
        }
        const blob = Buffer.from(data, 'latin1');
        list.appendNode(rdbType === RdbType.LIST_QUICKLIST_2 ? decodeListpack(blob) : decodeZiplist(blob), false);
      }
      break;
    }
    default:
      throw new RdbFormatError('unknown-type', `RDB type ${rdbType} is not a list`);
  }
  if (list.length === 0) throw new RdbFormatError('corrupt', 'Empty list');
  return list;
}

/** The commands that rebuild a list in an AOF-format base file: RPUSH with up to 64 elements each (rewriteListObject). */
export function listAofCommands(key: string, list: ListValue): string[][] {
  const commands: string[][] = [];
  let command: string[] = [];
  for (const item of list.values()) {
    if (command.length === 0) command = ['RPUSH', key];
    command.push(item);
    if (command.length === 2 + _AOF_ITEMS_PER_COMMAND) {
      commands.push(command);
      command = [];
    }
  }
  if (command.length > 0) commands.push(command);
  return commands;
}

/** The digest of a list's contents: every element mixed in order (xorObjectDigest). */
export function digestList(digest: Uint8Array, list: ListValue): void {
  for (const item of list.values()) mixDigest(digest, item);
}

// --- internal ---

/** QUICKLIST_NODE_CONTAINER_PLAIN / _PACKED. */
const _CONTAINER_PLAIN = 1;
const _CONTAINER_PACKED = 2;
/** AOF_REWRITE_ITEMS_PER_CMD. */
const _AOF_ITEMS_PER_COMMAND = 64;

function _blob(r: RdbReader): Buffer {
  return Buffer.from(r.string(), 'latin1');
}

registerRdbType('list', {
  loads: [RdbType.LIST, RdbType.LIST_ZIPLIST, RdbType.LIST_QUICKLIST, RdbType.LIST_QUICKLIST_2],
  typeOf: () => RdbType.LIST_QUICKLIST_2,
  write: (w, value: Value) => writeList(w, value as ListValue),
  read: (r, rdbType) => readList(r, rdbType),
});

registerAofRewriter('list', (key, value) => listAofCommands(key, value as ListValue));

registerDigestType('list', { objectType: 1, digest: (d, value) => digestList(d, value as ListValue) });
