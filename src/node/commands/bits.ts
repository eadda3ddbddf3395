// Command family — bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO
// (bitops.c).

import { parseInteger, requireInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { NIL, ONE, ZERO, array, integer, type Reply } from '../../protocol/reply.js';
import { fitSigned, fitUnsigned, parseBitOffset, parseBitfield, type FieldFit } from '../strings/bitfield.js';
import {
  firstBit,
  firstBitInByte,
  getBit,
  popcount,
  popcountByte,
  readSigned,
  readUnsigned,
  writeBits,
} from '../strings/bitmap.js';
import { cKeyword, maxStringLength, readString, readValue } from '../strings/lookup.js';
import { requireInt64, toIndex } from '../strings/range.js';

/** The bits family's handlers by command name. */
export const bitsCommands: CommandFamily = {
  setbit: _setbit,
  getbit: (c, args) => {
    const offset = parseBitOffset(args[2]!, maxStringLength(c));
    const s = readString(c, args[1]!);
    if (s === undefined) return ZERO;
    return getBit(s, offset) === 1 ? ONE : ZERO;
  },
  bitcount: _bitcount,
  bitpos: _bitpos,
  bitop: _bitop,
  bitfield: (c, args) => _bitfield(c, args, false),
  bitfield_ro: (c, args) => _bitfield(c, args, true),
};

// --- internal ---

/** SETBIT: creates or zero-pads the string as needed; dirty only when the string grew or the bit changed. */
function _setbit(c: ClientSession, args: string[]): Reply {
  const key = args[1]!;
  const offset = parseBitOffset(args[2]!, maxStringLength(c));
  const on = parseInteger(args[3]!);
  if (on !== 0 && on !== 1) return fail(Errors.bitValue());
  const old = c.db.getString(key) ?? '';
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const grows = old.length <= byte;
  const current = old.length <= byte ? 0 : old.charCodeAt(byte);
  const bit = (current >> shift) & 1;
  if (grows || bit !== on) {
    const next = String.fromCharCode(on === 1 ? current | (1 << shift) : current & ~(1 << shift));
    const value = grows ? old + '\0'.repeat(byte - old.length) + next : old.slice(0, byte) + next + old.slice(byte + 1);
    c.db.set(key, value, true).stringForm = 'raw';
    c.node.notify('$', 'setbit', key, c.db.id);
    c.node.dirty++;
  } else {
    // lookupStringForBitCommand unshares the string (raw encoding) even when the bit is already right.
    c.db.lookup(key)!.stringForm = 'raw';
  }
  return bit === 1 ? ONE : ZERO;
}

/** Parses the BYTE|BIT unit argument of BITCOUNT and BITPOS; true for BIT. */
function _parseUnit(s: string): boolean {
  const unit = cKeyword(s);
  if (unit === 'bit') return true;
  if (unit === 'byte') return false;
  return fail(Errors.syntax());
}

/** A normalized range for BITCOUNT/BITPOS: byte indexes plus masks of the out-of-range bits at either edge. */
interface _ByteRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

/** Resolves negative indexes and clamps to the string; in BIT units the edges become byte indexes and masks. */
function _resolveRange(start: number, end: number, length: number, isBit: boolean): _ByteRange {
  const total = isBit ? length * 8 : length;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  let firstMask = 0;
  let lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
    lastMask = (1 << (7 - (end % 8))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/** BITCOUNT key [start end [BYTE|BIT]]: the key is looked up before the range is parsed, as in bitcountCommand. */
function _bitcount(c: ClientSession, args: string[]): Reply {
  const s = readString(c, args[1]!);
  if (s === undefined) return ZERO;
  let range: _ByteRange;
  if (args.length === 4 || args.length === 5) {
    const start = requireInt64(args[2]!);
    const end = requireInt64(args[3]!);
    if (start < 0n && end < 0n && start > end) return ZERO;
    const isBit = args.length === 5 && _parseUnit(args[4]!);
    range = _resolveRange(toIndex(start), toIndex(end), s.length, isBit);
  } else if (args.length === 2) {
    range = { start: 0, end: s.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return fail(Errors.syntax());
  }
  const { start, end, firstMask, lastMask } = range;
  if (start > end) return ZERO;
  let count = popcount(s, start, end);
  if (firstMask !== 0) count -= popcountByte(s.charCodeAt(start) & firstMask);
  if (lastMask !== 0) count -= popcountByte(s.charCodeAt(end) & lastMask);
  return integer(count);
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]] (bitposCommand). Without an explicit end, a search for a 0 in an all-ones
 * range answers the first bit past the string, as if it went on with zeros; with one, it answers -1.
 */
function _bitpos(c: ClientSession, args: string[]): Reply {
  const bitArg = requireInteger(args[2]!);
  if (bitArg !== 0 && bitArg !== 1) return fail(Errors.bitArgument());
  const bit = bitArg === 1 ? 1 : 0;
  const s = readString(c, args[1]!);
  if (s === undefined) return integer(bit === 1 ? -1 : 0);
  let range: _ByteRange;
  let endGiven = false;
  if (args.length >= 4 && args.length <= 6) {
    const start = toIndex(requireInt64(args[3]!));
    const isBit = args.length === 6 && _parseUnit(args[5]!);
    let end = isBit ? s.length * 8 + 7 : s.length - 1;
    if (args.length >= 5) {
      end = toIndex(requireInt64(args[4]!));
      endGiven = true;
    }
    range = _resolveRange(start, end, s.length, isBit);
  } else if (args.length === 3) {
    range = { start: 0, end: s.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return fail(Errors.syntax());
  }
  const { end, firstMask, lastMask } = range;
  let start = range.start;
  if (start > end) return integer(-1);
  const str = s;
  let bytes = end - start + 1;
  let pos = _searchRange();
  if (endGiven && bit === 0 && pos === bytes * 8) return integer(-1);
  if (pos !== -1) pos += start * 8;
  return integer(pos);

  /** Searches the masked first byte, the whole bytes, then the masked last byte, stopping at the first hit. */
  function _searchRange(): number {
    let found: number;
    if (firstMask !== 0) {
      let byte = str.charCodeAt(start);
      byte = bit === 1 ? byte & ~firstMask : byte | firstMask;
      if (lastMask !== 0 && bytes === 1) byte = bit === 1 ? byte & ~lastMask : byte | lastMask;
      found = firstBitInByte(byte & 0xff, bit);
      if (bytes === 1 || (found !== -1 && found !== 8)) return found;
      start++;
      bytes--;
    }
    const whole = bytes - (lastMask !== 0 ? 1 : 0);
    if (whole > 0) {
      found = firstBit(str, start, whole, bit);
      if (bytes === whole || (found !== -1 && found !== whole * 8)) return found;
      start += whole;
      bytes -= whole;
    }
    const last = str.charCodeAt(end);
    return firstBitInByte((bit === 1 ? last & ~lastMask : last | lastMask) & 0xff, bit);
  }
}

/** BITOP AND|OR|XOR|NOT dest key...: missing sources count as empty; an empty result deletes the destination. */
function _bitop(c: ClientSession, args: string[]): Reply {
  const op = cKeyword(args[1]!);
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') return fail(Errors.syntax());
  if (op === 'not' && args.length !== 4) return fail(Errors.bitopNotSingleKey());
  const sources: string[] = [];
  let maxLen = 0;
  for (let j = 3; j < args.length; j++) {
    const v = readValue(c, args[j]!);
    if (v !== undefined && typeof v !== 'string') return fail(Errors.wrongType());
    const s = v ?? '';
    sources.push(s);
    if (s.length > maxLen) maxLen = s.length;
  }
  const dest = args[2]!;
  if (maxLen === 0) {
    if (c.db.delete(dest)) {
      c.node.notify('g', 'del', dest, c.db.id);
      c.node.dirty++;
    }
    return ZERO;
  }
  const out = Buffer.alloc(maxLen);
  const first = sources[0]!;
  out.write(first, 'latin1');
  if (op === 'not') {
    for (let i = 0; i < maxLen; i++) out[i] = ~out[i]! & 0xff;
  } else {
    for (let k = 1; k < sources.length; k++) {
      const src = sources[k]!;
      const n = src.length;
      for (let i = 0; i < maxLen; i++) {
        const b = i < n ? src.charCodeAt(i) : 0;
        if (op === 'and') out[i] = out[i]! & b;
        else if (op === 'or') out[i] = out[i]! | b;
        else out[i] = out[i]! ^ b;
      }
    }
  }
  c.db.set(dest, out.toString('latin1')).stringForm = 'raw';
  c.node.notify('$', 'set', dest, c.db.id);
  c.node.dirty++;
  return integer(maxLen);
}

/**
 * BITFIELD and BITFIELD_RO (bitfieldGeneric): every argument is parsed before the key is touched; a call with any
 * SET or INCRBY creates or grows the string first, even when every write then fails under OVERFLOW FAIL.
 */
function _bitfield(c: ClientSession, args: string[], readOnlyCommand: boolean): Reply {
  const key = args[1]!;
  const plan = parseBitfield(args, maxStringLength(c));
  let view: string | Uint8Array = '';
  let buf: Buffer | null = null;
  let grown = false;
  if (plan.readOnly) {
    const v = readValue(c, key);
    if (v !== undefined && typeof v !== 'string') return fail(Errors.wrongType());
    view = v ?? '';
  } else {
    if (readOnlyCommand) return fail(Errors.bitfieldRoWrite());
    const old = c.db.getString(key);
    const need = Math.floor(plan.highestWrite / 8) + 1;
    grown = old === undefined || old.length < need;
    buf = Buffer.alloc(Math.max(need, old?.length ?? 0));
    if (old !== undefined) buf.write(old, 'latin1');
    view = buf;
  }
  const replies: Reply[] = [];
  let changes = 0;
  for (const op of plan.ops) {
    if (op.op === 'get') {
      replies.push(
        _int64Reply(op.signed ? readSigned(view, op.offset, op.bits) : readUnsigned(view, op.offset, op.bits)),
      );
      continue;
    }
    const target = buf!;
    const oldValue = op.signed ? readSigned(target, op.offset, op.bits) : readUnsigned(target, op.offset, op.bits);
    const fitField = op.signed ? fitSigned : fitUnsigned;
    let newValue: bigint;
    let fitted: FieldFit;
    let reply: bigint;
    if (op.op === 'incrby') {
      fitted = fitField(oldValue, op.value, op.bits, op.overflow);
      newValue = fitted.overflow ? fitted.limit : oldValue + op.value;
      reply = newValue;
    } else {
      const value = op.signed ? op.value : BigInt.asUintN(64, op.value);
      fitted = fitField(value, 0n, op.bits, op.overflow);
      newValue = fitted.overflow ? fitted.limit : value;
      reply = oldValue;
    }
    if (fitted.overflow && op.overflow === 'fail') {
      replies.push(NIL);
      continue;
    }
    replies.push(_int64Reply(reply));
    writeBits(target, op.offset, op.bits, newValue);
    if (grown || oldValue !== newValue) changes++;
  }
  if (buf !== null && (grown || changes > 0)) c.db.set(key, buf.toString('latin1'), true);
  // lookupStringForBitCommand unshares the string (raw encoding) even when no write changes it.
  if (buf !== null) c.db.lookup(key)!.stringForm = 'raw';
  if (changes > 0) {
    c.node.notify('$', 'setbit', key, c.db.id);
    c.node.dirty += changes;
  }
  return array(replies);
}

/** An integer reply from a 64-bit value: a plain number when exact, a bigint otherwise. */
function _int64Reply(v: bigint): Reply {
  return integer(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
}
