// Command family — DUMP, RESTORE and RESTORE-ASKING (cluster.c dumpCommand / restoreCommand): values travel as
// Redis 7.0 DUMP payloads (RDB body, RDB version, CRC64), so payloads move both ways between redis-sim and real Redis.

import { NIL, OK, bulk, error, type ErrorReply, type Reply } from '../../protocol/reply.js';
import { keyword, parseInt64 } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { RdbReader } from '../persistence/rdb-codec.js';
import { isRdbObjectType, readRdbValue } from '../persistence/rdb-types.js';
import { dumpPayload, verifyDumpPayload } from '../persistence/rdb.js';
import { readValue } from '../strings/lookup.js';
import type { Value } from '../values.js';
import { setKeyFrequency } from './object.js';

/** `BUSYKEY Target key name already exists.` (shared.busykeyerr). */
export const BUSY_KEY = (): ErrorReply => error('BUSYKEY Target key name already exists.');
/** RESTORE's answer to a payload whose footer does not check out (verifyDumpPayload). */
export const BAD_PAYLOAD_FOOTER = (): ErrorReply => error('ERR DUMP payload version or checksum are wrong');
/** RESTORE's answer to a payload whose body cannot be read (rdbLoadObject failed). */
export const BAD_DATA_FORMAT = (): ErrorReply => error('ERR Bad data format');

/** The DUMP payload of a value, as a latin1 string, with the node's `rdbcompression` (createDumpPayload). */
export function dumpValue(c: ClientSession, value: Value): string {
  return dumpPayload(value, c.node.config.getBool('rdbcompression')).toString('latin1');
}

/** The dump-restore family's handlers by command name. */
export const dumpRestoreCommands: CommandFamily = {
  dump: (c, args) => {
    const value = readValue(c, args[1]!);
    return value === undefined ? NIL : bulk(dumpValue(c, value));
  },
  restore: _restore,
  // The same command flagged `asking`, which MIGRATE sends so a node importing the slot accepts it.
  'restore-asking': _restore,
};

// --- internal ---

/** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checks in restoreCommand's order. */
function _restore(c: ClientSession, args: string[]): Reply {
  let replace = false;
  let absTtl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < args.length; j++) {
    const option = keyword(args[j]!);
    const more = j + 1 < args.length;
    if (option === 'replace') {
      replace = true;
    } else if (option === 'absttl') {
      absTtl = true;
    } else if (option === 'idletime' && more && freq === -1n) {
      idle = parseInt64(args[++j]!) ?? fail(Errors.notInteger());
      if (idle < 0n) return error('ERR Invalid IDLETIME value, must be >= 0');
    } else if (option === 'freq' && more && idle === -1n) {
      freq = parseInt64(args[++j]!) ?? fail(Errors.notInteger());
      if (freq < 0n || freq > 255n) return error('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else {
      return Errors.syntax();
    }
  }

  const key = args[1]!;
  const db = c.db;
  if (!replace) {
    // lookupKeyWrite: an existing key refreshes its access time.
    const existing = db.lookup(key);
    if (existing !== undefined) {
      existing.accessedAt = c.now;
      return BUSY_KEY();
    }
  }
  let ttl = parseInt64(args[2]!) ?? fail(Errors.notInteger());
  if (ttl < 0n) return error('ERR Invalid TTL value, must be >= 0');

  const payload = Buffer.from(args[3]!, 'latin1');
  const verify = !c.node.persistence.skipChecksumValidation;
  if (!verifyDumpPayload(payload, verify)) return BAD_PAYLOAD_FOOTER();
  const value = _decodePayload(payload);
  if (value === null) return BAD_DATA_FORMAT();

  const deleted = replace && db.delete(key);
  // restoreCommand adds in 64-bit arithmetic: a sum past INT64_MAX wraps negative, and so counts as already past.
  if (ttl !== 0n && !absTtl) ttl = BigInt.asIntN(64, ttl + BigInt(Math.trunc(c.now)));
  // checkAlreadyExpired: a time already past means there is nothing to create, except while loading and on a
  // replica, which keep the key until their master's DEL.
  if (ttl !== 0n && ttl <= BigInt(Math.trunc(c.now)) && !c.node.persistence.loading && c.node.role === 'master') {
    if (deleted) {
      c.propagateAs = ['DEL', key];
      c.node.notify('g', 'del', key, db.id);
      c.node.dirty++;
    }
    return OK;
  }

  const entry = db.set(key, value);
  if (ttl !== 0n) {
    db.setExpiry(key, ttl);
    // The TTL is propagated as an absolute time, so replicas and the AOF agree on when the key expires.
    if (!absTtl) c.propagateAs = [args[0]!, key, String(ttl), ...args.slice(3), 'ABSTTL'];
  }
  // objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME under any other.
  const lfu = c.node.config.get('maxmemory-policy').endsWith('-lfu');
  if (lfu && freq >= 0n) {
    setKeyFrequency(entry, Number(freq), c.now);
  } else if (!lfu && idle >= 0n) {
    entry.accessedAt = c.now - Number(idle) * 1000;
  }
  c.node.notify('g', 'restore', key, db.id);
  c.node.dirty++;
  return OK;
}

/**
 * The value a verified payload holds, or null when its body cannot be read. Like restoreCommand, which reads from the
 * whole argument, the footer is not cut off first: a body that runs short reads on into the version and CRC bytes.
 */
function _decodePayload(payload: Buffer): Value | null {
  let value: Value;
  try {
    const r = new RdbReader(payload);
    const type = r.byte();
    if (!isRdbObjectType(type)) return null;
    value = readRdbValue(r, type);
  } catch {
    return null;
  }
  // rdbLoadObject refuses empty collections (its `emptykey` path).
  return _isEmptyCollection(value) ? null : value;
}

/** Whether a decoded collection has no elements (its `size`, or a list's `length`). */
function _isEmptyCollection(value: Value): boolean {
  if (typeof value === 'string') return false;
  const counted = value as unknown as { size?: unknown; length?: unknown };
  const n = typeof counted.size === 'number' ? counted.size : counted.length;
  return n === 0;
}
