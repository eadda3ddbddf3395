// Command family — HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST (hyperloglog.c). The sketches are
// plain strings in Redis's exact format (see types/hyperloglog.ts), so every write leaves the same bytes as Redis.

import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { ONE, OK, ZERO, array, bulk, error, integer, simple, type Reply } from '../../protocol/reply.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import { HLL_HDR_SIZE, HLL_REGISTERS, HLL_REGISTER_MAX, HyperLogLog, countRawRegisters } from '../types/hyperloglog.js';
import type { Value } from '../values.js';

/** The HyperLogLog family's handlers by command name. */
export const hyperloglogCommands: CommandFamily = {
  pfadd(c, args) {
    const key = args[1]!;
    const existing = c.db.get(key);
    const hll = existing === undefined ? HyperLogLog.create() : _asHll(existing);
    if (existing !== undefined) _unshare(c, key);
    let updated = existing === undefined ? 1 : 0;
    const maxBytes = _sparseMaxBytes(c);
    for (let i = 2; i < args.length; i++) {
      const result = hll.add(args[i]!, maxBytes);
      if (result === 1) updated++;
      else if (result === -1) {
        // Redis updates the string in place, so registers set before the corrupt part stay set, unsignalled.
        if (updated > 0) _storeQuietly(c, key, hll);
        return fail(_ERRORS.corrupt);
      }
    }
    if (updated === 0) return ZERO;
    hll.invalidateCache();
    c.db.set(key, hll.toString(), true).stringForm = 'raw';
    c.node.notify('$', 'pfadd', key, c.db.id);
    c.node.dirty += updated;
    return ONE;
  },

  pfcount(c, args) {
    if (args.length > 2) {
      // The union of several HLLs, merged in a temporary: nothing is written.
      const max = new Uint8Array(HLL_REGISTERS);
      for (let i = 1; i < args.length; i++) {
        const v = readValue(c, args[i]!);
        if (v === undefined) continue;
        if (!_asHll(v).mergeInto(max)) return fail(_ERRORS.corrupt);
      }
      return _cardinalityReply(countRawRegisters(max));
    }
    const key = args[1]!;
    const v = readValue(c, key);
    if (v === undefined) return ZERO;
    const hll = _asHll(v);
    _unshare(c, key);
    const cached = hll.cachedCardinality();
    if (cached !== null) return _cardinalityReply(cached);
    const card = hll.count();
    if (card === null) return fail(_ERRORS.corrupt);
    // The cache lives in the string, so refreshing it is a write that Redis signals and propagates, although PFCOUNT
    // is flagged readonly (call() propagates on dirty alone): hence the explicit propagation.
    hll.storeCardinality(card);
    c.db.set(key, hll.toString(), true).stringForm = 'raw';
    c.node.dirty++;
    c.propagateAlso = [['PFCOUNT', key]];
    return _cardinalityReply(card);
  },

  pfmerge(c, args) {
    const max = new Uint8Array(HLL_REGISTERS);
    let useDense = false;
    // The destination is merged too: it is the first of the keys read.
    for (let i = 1; i < args.length; i++) {
      const v = readValue(c, args[i]!);
      if (v === undefined) continue;
      const hll = _asHll(v);
      if (hll.encoding === 'dense') useDense = true;
      if (!hll.mergeInto(max)) return fail(_ERRORS.corrupt);
    }
    const key = args[1]!;
    const existing = c.db.get(key);
    const hll = existing === undefined ? HyperLogLog.create() : _asHll(existing);
    if (existing !== undefined) _unshare(c, key);
    if (useDense && !hll.toDense()) return fail(_ERRORS.corrupt);
    const maxBytes = _sparseMaxBytes(c);
    for (let j = 0; j < HLL_REGISTERS; j++) if (max[j] !== 0) hll.setRegister(j, max[j]!, maxBytes);
    hll.invalidateCache();
    c.db.set(key, hll.toString(), true).stringForm = 'raw';
    // Redis raises `pfadd`, not `pfmerge`: a merge is a mass add.
    c.node.notify('$', 'pfadd', key, c.db.id);
    c.node.dirty++;
    return OK;
  },

  pfdebug(c, args) {
    const sub = args[1]!;
    const key = args[2]!;
    const v = c.db.get(key);
    if (v === undefined) return fail(_ERRORS.noKey);
    const hll = _asHll(v);
    _unshare(c, key);
    switch (cKeyword(sub)) {
      case 'getreg': {
        if (hll.encoding === 'sparse') _convertToDense(c, key, hll);
        const registers = new Array<Reply>(HLL_REGISTERS);
        for (let i = 0; i < HLL_REGISTERS; i++) registers[i] = integer(hll.register(i));
        return array(registers);
      }
      case 'decode':
        if (hll.encoding !== 'sparse') return fail(_ERRORS.notSparse);
        return bulk(hll.decodeSparse());
      case 'encoding':
        return simple(hll.encoding);
      case 'todense':
        if (hll.encoding === 'dense') return ZERO;
        _convertToDense(c, key, hll);
        return ONE;
      default:
        return fail(_ERRORS.unknownDebug(sub));
    }
  },

  pfselftest(c) {
    return _selfTest(c.node.env.random, _sparseMaxBytes(c));
  },
};

// --- internal ---

const _ERRORS = {
  notHll: error('WRONGTYPE Key is not a valid HyperLogLog string value.'),
  corrupt: error('INVALIDOBJ Corrupted HLL object detected'),
  noKey: error('ERR The specified key does not exist'),
  notSparse: error('ERR HLL encoding is not sparse'),
  // %s of a C string stops at NUL; addReplyErrorFormat turns newlines into spaces.
  unknownDebug: (sub: string) =>
    error(`ERR Unknown PFDEBUG subcommand '${sub.split('\0')[0]!.replace(/[\r\n]/g, ' ')}'`),
};

/** The value as an HLL, failing like isHLLObjectOrReply: WRONGTYPE for other types and for non-HLL strings. */
function _asHll(v: Value): HyperLogLog {
  if (typeof v !== 'string') return fail(Errors.wrongType());
  return HyperLogLog.fromString(v) ?? fail(_ERRORS.notHll);
}

function _sparseMaxBytes(c: ClientSession): number {
  return c.node.config.getNumber('hll-sparse-max-bytes');
}

/** A cardinality (unsigned 64-bit) as addReplyLongLong sends it: reinterpreted as signed. */
function _cardinalityReply(card: bigint): Reply {
  const signed = BigInt.asIntN(64, card);
  return integer(signed <= BigInt(Number.MAX_SAFE_INTEGER) && signed >= 0n ? Number(signed) : signed);
}

/** Stores the HLL's new bytes without signalling the key, as Redis's in-place updates without signalModifiedKey. */
function _storeQuietly(c: ClientSession, key: string, hll: HyperLogLog): void {
  const entry = c.db.lookup(key);
  if (entry === undefined) return;
  entry.value = hll.toString();
  entry.stringForm = 'raw';
}

/** dbUnshareStringValue: a sketch about to be updated in place becomes a raw string (OBJECT ENCODING). */
function _unshare(c: ClientSession, key: string): void {
  const entry = c.db.lookup(key);
  if (entry !== undefined) entry.stringForm = 'raw';
}

/** PFDEBUG's sparse-to-dense conversion: a change that is propagated (dirty) but not signalled. */
function _convertToDense(c: ClientSession, key: string, hll: HyperLogLog): void {
  if (!hll.toDense()) fail(_ERRORS.corrupt);
  _storeQuietly(c, key, hll);
  c.node.dirty++;
}

/** Checkpoints of the estimate test: Redis checks 1, 10, ... 10^7 elements; 10^5 keeps the command fast. */
const _SELFTEST_ELEMENTS = 100_000;
const _SELFTEST_REGISTER_CYCLES = 10;

/**
 * PFSELFTEST, scaled down: (1) random values written to every dense register read back intact, without disturbing
 * neighbours; (2) the same elements added to a dense and a sparse HLL give equal estimates, the sparse one stays
 * sparse while small, and estimates stay within six standard errors.
 */
function _selfTest(random: () => number, sparseMaxBytes: number): Reply {
  const header = new Uint8Array(HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8);
  header.set([72, 89, 76, 76], 0);
  for (let cycle = 0; cycle < _SELFTEST_REGISTER_CYCLES; cycle++) {
    const dense = HyperLogLog.fromBytes(header);
    const expected = new Uint8Array(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      expected[i] = Math.floor(random() * (HLL_REGISTER_MAX + 1));
      dense.setRegister(i, expected[i]!, sparseMaxBytes);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const got = dense.register(i);
      if (got !== expected[i]) {
        return error(`ERR TESTFAILED Register ${i} should be ${expected[i]!} but is ${got}`);
      }
    }
  }
  const dense = HyperLogLog.fromBytes(header);
  const sparse = HyperLogLog.create();
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = Math.floor(random() * 0x100000000);
  const seedHi = Math.floor(random() * 0x100000000);
  let checkpoint = 1;
  for (let j = 1; j <= _SELFTEST_ELEMENTS; j++) {
    const lo = (j ^ seedLo) >>> 0;
    const element = String.fromCharCode(
      lo & 255,
      (lo >>> 8) & 255,
      (lo >>> 16) & 255,
      lo >>> 24,
      seedHi & 255,
      (seedHi >>> 8) & 255,
      (seedHi >>> 16) & 255,
      seedHi >>> 24,
    );
    dense.add(element, sparseMaxBytes);
    sparse.add(element, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.encoding !== 'sparse') return error('ERR TESTFAILED sparse encoding not used');
    const estimate = dense.count()!;
    if (estimate !== sparse.count()) return error('ERR TESTFAILED dense/sparse disagree');
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const absError = Math.abs(checkpoint - Number(estimate));
    if (absError > maxError) return error(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${absError}`);
    checkpoint *= 10;
  }
  return OK;
}
