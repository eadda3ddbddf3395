// Command family — OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP) and MEMORY (USAGE, STATS, DOCTOR,
// MALLOC-STATS, PURGE, HELP) of object.c. Encodings follow how each value was built (Entry.stringForm for strings,
// the collection's own `encoding`); memory figures model Redis's allocations (robj, sds headers, dict entries,
// listpacks taken from the value's RDB form) rounded to jemalloc's size classes, so they land near real Redis's.

import { NIL, OK, bulk, double, error, integer, map, mapOf, verbatim, type Reply } from '../../protocol/reply.js';
import { keyword, parseInt64 } from '../args.js';
import type { ClientSession } from '../client-session.js';
import { helpReply } from './help.js';
import type { CommandFamily } from '../command-table.js';
import type { Database, Entry, StringForm } from '../database.js';
import { Errors, fail } from '../errors.js';
import { infoText } from '../info.js';
import type { RedisNode } from '../node.js';
import { RdbReader, RdbWriter, isCanonicalInt64 } from '../persistence/rdb-codec.js';
import { RdbType, writeRdbType, writeRdbValue } from '../persistence/rdb-types.js';

/** The longest string Redis stores embedded in its object header (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
export const EMBSTR_SIZE_LIMIT = 44;
/** The refcount Redis reports for its shared objects, such as the integers 0..9999 (OBJ_SHARED_REFCOUNT). */
export const SHARED_REFCOUNT = 2147483647;
/** The LFU counter a new object starts with (LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;

/** The string encoding OBJECT ENCODING reports for a string built the way `form` says (tryObjectEncoding). */
export function stringEncoding(value: string, form: StringForm): 'int' | 'embstr' | 'raw' {
  if (form === 'raw') return 'raw';
  if (form === 'encoded' && value.length <= 20 && isCanonicalInt64(value)) return 'int';
  return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/** What OBJECT ENCODING reports for a key's value. */
export function objectEncoding(entry: Entry): string {
  const value = entry.value;
  return typeof value === 'string' ? stringEncoding(value, entry.stringForm) : value.encoding;
}

/**
 * What OBJECT REFCOUNT reports: Redis shares the integers 0..9999 (OBJ_SHARED_INTEGERS) unless maxmemory is set with
 * an LRU or LFU policy (MAXMEMORY_FLAG_NO_SHARED_INTEGERS); every other value has one reference.
 */
export function objectRefcount(node: RedisNode, entry: Entry): number {
  const v = entry.value;
  const shared =
    typeof v === 'string' &&
    entry.stringForm === 'encoded' &&
    v.length <= 4 &&
    v.charCodeAt(0) !== 0x2d &&
    isCanonicalInt64(v) &&
    !(node.config.getNumber('maxmemory') !== 0 && _evictionPolicy(node) !== 'other');
  return shared ? SHARED_REFCOUNT : 1;
}

/** OBJECT IDLETIME's seconds: the 24-bit LRU clocks of now and of the last access (estimateObjectIdleTime). */
export function idleSeconds(entry: Entry, now: number): number {
  const clock = Math.floor(now / 1000) & _LRU_CLOCK_MAX;
  const lru = Math.floor(entry.accessedAt / 1000) & _LRU_CLOCK_MAX;
  return clock >= lru ? clock - lru : clock + (_LRU_CLOCK_MAX - lru);
}

/** Sets a key's LFU counter, as RESTORE ... FREQ does (objectSetLRUOrLFU). */
export function setKeyFrequency(entry: Entry, freq: number, now: number): void {
  _lfu.set(entry, { counter: freq, minutes: _lfuMinutes(now), folded: entry.accesses });
}

/**
 * OBJECT FREQ's counter (LFUDecrAndReturn). Accesses are counted on the entry; the logarithmic increments and
 * decays updateLFU would have applied at each access are folded in here, as if they all happened at the last one.
 */
export function keyFrequency(node: RedisNode, entry: Entry, now: number): number {
  const decay = node.config.getNumber('lfu-decay-time');
  let state = _lfu.get(entry);
  if (state === undefined) {
    state = { counter: LFU_INIT_VAL, minutes: _lfuMinutes(entry.accessedAt), folded: 0 };
    _lfu.set(entry, state);
  }
  let pending = entry.accesses - state.folded;
  if (pending > 0) {
    const at = _lfuMinutes(entry.accessedAt);
    let counter = _lfuDecay(state.counter, state.minutes, at, decay);
    const factor = node.config.getNumber('lfu-log-factor');
    // LFULogIncr succeeds with p = 1/(base*factor+1); the number of tries until it does is geometric, so each
    // increment is drawn once instead of once per access.
    while (pending > 0 && counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      const p = 1 / (base * factor + 1);
      const tries = p >= 1 ? 1 : Math.floor(Math.log(1 - node.env.random()) / Math.log(1 - p)) + 1;
      if (tries > pending) break;
      pending -= tries;
      counter++;
    }
    state.counter = counter;
    state.minutes = at;
    state.folded = entry.accesses;
  }
  return _lfuDecay(state.counter, state.minutes, _lfuMinutes(now), decay);
}

/** MEMORY USAGE's figure for a key: its value (objectComputeSize), the key's sds and its dict entry. */
export function memoryUsage(key: string, entry: Entry, samples: number, cluster: boolean): number {
  // In cluster mode each main-dict entry carries the slot-to-keys links (clusterDictEntryMetadata).
  return _valueSize(entry, samples) + _sdsAlloc(key.length) + _DICT_ENTRY + (cluster ? _CLUSTER_ENTRY_METADATA : 0);
}

/** The OBJECT and MEMORY family's handlers by command name. */
export const objectCommands: CommandFamily = {
  'object|encoding': (c, args) => {
    const entry = _objectLookup(c, args[2]!);
    return entry === undefined ? NIL : bulk(objectEncoding(entry));
  },
  'object|refcount': (c, args) => {
    const entry = _objectLookup(c, args[2]!);
    return entry === undefined ? NIL : integer(objectRefcount(c.node, entry));
  },
  'object|idletime': (c, args) => {
    const entry = _objectLookup(c, args[2]!);
    if (entry === undefined) return NIL;
    if (_evictionPolicy(c.node) === 'lfu') return _LFU_SELECTED();
    return integer(idleSeconds(entry, c.now));
  },
  'object|freq': (c, args) => {
    const entry = _objectLookup(c, args[2]!);
    if (entry === undefined) return NIL;
    if (_evictionPolicy(c.node) !== 'lfu') return _LFU_NOT_SELECTED();
    return integer(keyFrequency(c.node, entry, c.now));
  },
  'object|help': (_c, args) => helpReply(args[0]!, _OBJECT_HELP),

  'memory|usage': (c, args) => {
    let samples = _DEFAULT_SAMPLES;
    for (let j = 3; j < args.length; j++) {
      if (keyword(args[j]!) === 'samples' && j + 1 < args.length) {
        const n = parseInt64(args[++j]!) ?? fail(Errors.notInteger());
        if (n < 0n) return Errors.syntax();
        samples = n === 0n ? Infinity : Number(n);
      } else {
        return Errors.syntax();
      }
    }
    // dictFind: no expiry check, no stats, no access-time update.
    const key = args[2]!;
    const entry = _peek(c.db, key);
    if (entry === undefined) return NIL;
    return integer(memoryUsage(key, entry, samples, c.node.mode === 'cluster'));
  },
  'memory|stats': (c) => _memoryStats(c.node),
  'memory|doctor': (c) => verbatim(_doctorReport(c.node)),
  'memory|malloc-stats': (c) => verbatim(_mallocStats(c.node)),
  // jemalloc_purge: there are no dirty pages to give back here.
  'memory|purge': () => OK,
  'memory|help': (_c, args) => helpReply(args[0]!, _MEMORY_HELP),
};

// --- internal ---

const _LRU_CLOCK_MAX = (1 << 24) - 1;
const _DEFAULT_SAMPLES = 5;

// Sizes of Redis's structures on 64-bit Linux (server.h, dict.h, quicklist.h, t_zset.c).
const _ROBJ = 16;
const _DICT_ENTRY = 24;
const _DICT = 56;
const _POINTER = 8;
const _QUICKLIST = 40;
const _QUICKLIST_NODE = 40;
const _ZSET = 16;
const _ZSKIPLIST = 32;
/**
 * The mean allocation of a skiplist node (ele, score, backward and 16 bytes per level): levels follow p = 0.25, so
 * 75% take 48 bytes, 19% 64, 5% 80 and so on.
 */
const _ZSKIPLIST_NODE_MEAN = 53;
/** The skiplist header node carries all 32 levels (ZSKIPLIST_MAXLEVEL). */
const _ZSKIPLIST_HEADER = 24 + 32 * 16;
const _CLUSTER_ENTRY_METADATA = 16;

const _LFU_NOT_SELECTED = (): Reply =>
  error(
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching ' +
      'between policies at runtime LRU and LFU data will take some time to adjust.',
  );
const _LFU_SELECTED = (): Reply =>
  error(
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between ' +
      'policies at runtime LRU and LFU data will take some time to adjust.',
  );

interface _LfuState {
  counter: number;
  /** The LFU clock (minutes, 16 bits) of the last decrement (the `ldt` half of robj.lru). */
  minutes: number;
  /** `entry.accesses` already folded into `counter`. */
  folded: number;
}

const _lfu = new WeakMap<Entry, _LfuState>();

/** Which family the maxmemory policy belongs to (MAXMEMORY_FLAG_LRU / MAXMEMORY_FLAG_LFU). */
function _evictionPolicy(node: RedisNode): 'lru' | 'lfu' | 'other' {
  const policy = node.config.get('maxmemory-policy');
  if (policy.endsWith('-lfu')) return 'lfu';
  if (policy.endsWith('-lru')) return 'lru';
  return 'other';
}

/** LFUGetTimeInMinutes: unix minutes, 16 bits. */
function _lfuMinutes(ms: number): number {
  return Math.floor(ms / 60_000) & 65535;
}

/** LFUDecrAndReturn: one off the counter per `decay` minutes elapsed on the wrapping 16-bit clock. */
function _lfuDecay(counter: number, from: number, to: number, decay: number): number {
  if (decay === 0) return counter;
  const elapsed = to >= from ? to - from : 65535 - from + to;
  const periods = Math.floor(elapsed / decay);
  return periods > counter ? 0 : counter - periods;
}

/** objectCommandLookup: a read lookup that counts a hit or miss but neither notifies nor touches the key. */
function _objectLookup(c: ClientSession, key: string): Entry | undefined {
  const entry = c.db.lookup(key);
  if (entry === undefined) c.node.stats.keyspaceMisses++;
  else c.node.stats.keyspaceHits++;
  return entry;
}

/** dictFind: the entry as stored, a logically expired one too, without reclaiming it. */
function _peek(db: Database, key: string): Entry | undefined {
  if (!db.holds(key)) return undefined;
  if (!db.isLogicallyExpired(key)) return db.lookup(key);
  for (const [k, entry] of db.rawEntries()) if (k === key) return entry;
  return undefined;
}

/** The bytes jemalloc hands out for a request of `n` (its size classes: 8, 16-byte steps to 128, then 4 per doubling). */
function _jemalloc(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const group = 2 ** Math.floor(Math.log2(n - 1));
  const step = group / 4;
  return Math.ceil(n / step) * step;
}

/** sdsZmallocSize of a fresh sds of `len` bytes: the smallest header that holds the length, the bytes, a NUL. */
function _sdsAlloc(len: number): number {
  const header = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
  return _jemalloc(header + len + 1);
}

/** dictSlots of a dict holding `n` keys: it doubles from 4 once full (_dictExpandIfNeeded). */
function _dictSlots(n: number): number {
  if (n === 0) return 0;
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

/** objectComputeSize for a key's value. */
function _valueSize(entry: Entry, samples: number): number {
  const value = entry.value;
  if (typeof value === 'string') {
    const encoding = stringEncoding(value, entry.stringForm);
    if (encoding === 'int') return _ROBJ;
    // An embstr is one allocation: the object, an sdshdr8, the bytes and a NUL.
    if (encoding === 'embstr') return _jemalloc(_ROBJ + 3 + value.length + 1);
    return _ROBJ + _sdsAlloc(value.length);
  }
  // The value's RDB form holds what the size depends on: listpack and intset blobs byte for byte, and the members
  // of hashtable encodings in iteration order.
  const w = new RdbWriter(false);
  writeRdbType(w, value);
  writeRdbValue(w, value);
  const r = new RdbReader(w.toBuffer());
  const type = r.byte();
  switch (type) {
    case RdbType.SET_INTSET:
    case RdbType.HASH_LISTPACK:
    case RdbType.ZSET_LISTPACK:
    case RdbType.HASH_ZIPLIST:
    case RdbType.ZSET_ZIPLIST:
    case RdbType.LIST_ZIPLIST:
    case RdbType.HASH_ZIPMAP:
      return _ROBJ + _jemalloc(r.string().length);
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2: {
      const nodes = r.length();
      let total = 0;
      let seen = 0;
      for (; seen < nodes && seen < samples; seen++) {
        if (type === RdbType.LIST_QUICKLIST_2) r.length();
        total += _QUICKLIST_NODE + _jemalloc(r.string().length);
      }
      return Math.trunc(_ROBJ + _QUICKLIST + (seen === 0 ? 0 : (total / seen) * nodes));
    }
    case RdbType.SET:
    case RdbType.HASH:
    case RdbType.ZSET_2: {
      const n = r.length();
      let total = 0;
      let seen = 0;
      for (; seen < n && seen < samples; seen++) {
        total += _DICT_ENTRY + _sdsAlloc(r.string().length);
        if (type === RdbType.HASH) total += _sdsAlloc(r.string().length);
        if (type === RdbType.ZSET_2) {
          r.bytes(8);
          total += _ZSKIPLIST_NODE_MEAN;
        }
      }
      let base = _ROBJ + _DICT + _POINTER * _dictSlots(n);
      if (type === RdbType.ZSET_2) base += _ZSET + _ZSKIPLIST + _jemalloc(_ZSKIPLIST_HEADER);
      return Math.trunc(base + (seen === 0 ? 0 : (total / seen) * n));
    }
    default:
      return _ROBJ + _jemalloc(w.size);
  }
}

/** The numbers of INFO's memory section, so MEMORY STATS agrees with INFO. */
function _infoMemory(node: RedisNode): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of infoText(node, ['memory']).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    const n = Number(line.slice(colon + 1));
    if (Number.isFinite(n)) fields.set(line.slice(0, colon), n);
  }
  return fields;
}

/** The figures getMemoryOverheadData computes, from INFO's memory picture and the keyspace. */
interface _MemoryOverhead {
  info: Map<string, number>;
  peak: number;
  total: number;
  startup: number;
  clientsNormal: number;
  dbs: { id: number; main: number; expires: number; slotToKeys: number }[];
  keys: number;
}

function _overhead(node: RedisNode): _MemoryOverhead {
  const info = _infoMemory(node);
  const metadata = node.mode === 'cluster' ? _CLUSTER_ENTRY_METADATA : 0;
  const dbs: _MemoryOverhead['dbs'] = [];
  let keys = 0;
  for (const db of node.databases) {
    if (db.size === 0) continue;
    keys += db.size;
    dbs.push({
      id: db.id,
      main: db.size * (_DICT_ENTRY + _ROBJ) + _dictSlots(db.size) * _POINTER,
      expires: db.volatileCount * _DICT_ENTRY + _dictSlots(db.volatileCount) * _POINTER,
      slotToKeys: db.size * metadata,
    });
  }
  const get = (name: string): number => info.get(name) ?? 0;
  return {
    info,
    peak: get('used_memory_peak'),
    total: get('used_memory'),
    startup: get('used_memory_startup'),
    clientsNormal: get('mem_clients_normal'),
    dbs,
    keys,
  };
}

/** A ratio as MEMORY STATS prints it: computed in C `float`, printed as a double. */
function _floatRatio(a: number, b: number): Reply {
  return double(Math.fround(b === 0 ? 0 : a / b));
}

/** MEMORY STATS: getMemoryOverheadData's fields, in Redis's order. */
function _memoryStats(node: RedisNode): Reply {
  const mh = _overhead(node);
  const info = mh.info;
  const get = (name: string): number => info.get(name) ?? 0;
  const overheadTotal = get('used_memory_overhead');
  const net = mh.total > mh.startup ? mh.total - mh.startup : 1;
  const allocated = get('allocator_allocated');
  const active = get('allocator_active');
  const resident = get('allocator_resident');
  const rss = get('used_memory_rss');
  const items: Reply[] = [];
  const add = (name: string, reply: Reply): void => {
    items.push(bulk(name), reply);
  };
  add('peak.allocated', integer(mh.peak));
  add('total.allocated', integer(mh.total));
  add('startup.allocated', integer(mh.startup));
  add('replication.backlog', integer(get('mem_replication_backlog')));
  add('clients.slaves', integer(get('mem_clients_slaves')));
  add('clients.normal', integer(mh.clientsNormal));
  add('cluster.links', integer(get('mem_cluster_links')));
  add('aof.buffer', integer(get('mem_aof_buffer')));
  add('lua.caches', integer(get('used_memory_scripts_eval')));
  add('functions.caches', integer(get('used_memory_functions')));
  for (const db of mh.dbs) {
    add(
      `db.${db.id}`,
      mapOf([
        ['overhead.hashtable.main', integer(db.main)],
        ['overhead.hashtable.expires', integer(db.expires)],
        ['overhead.hashtable.slot-to-keys', integer(db.slotToKeys)],
      ]),
    );
  }
  add('overhead.total', integer(overheadTotal));
  add('keys.count', integer(mh.keys));
  add('keys.bytes-per-key', integer(mh.keys === 0 ? 0 : Math.floor(net / mh.keys)));
  add('dataset.bytes', integer(mh.total - overheadTotal));
  add('dataset.percentage', _floatRatio((mh.total - overheadTotal) * 100, net));
  add('peak.percentage', _floatRatio(mh.total * 100, mh.peak));
  add('allocator.allocated', integer(allocated));
  add('allocator.active', integer(active));
  add('allocator.resident', integer(resident));
  add('allocator-fragmentation.ratio', _floatRatio(active, allocated));
  add('allocator-fragmentation.bytes', integer(active - allocated));
  add('allocator-rss.ratio', _floatRatio(resident, active));
  add('allocator-rss.bytes', integer(resident - active));
  add('rss-overhead.ratio', _floatRatio(rss, resident));
  add('rss-overhead.bytes', integer(rss - resident));
  add('fragmentation', _floatRatio(rss, mh.total));
  add('fragmentation.bytes', integer(rss - mh.total));
  return map(items);
}

/** MEMORY DOCTOR (getMemoryDoctorReport): the same checks on the same figures MEMORY STATS shows. */
function _doctorReport(node: RedisNode): string {
  const mh = _overhead(node);
  const get = (name: string): number => mh.info.get(name) ?? 0;
  if (mh.total < 5 * 1024 * 1024) return _DOCTOR_EMPTY;
  const allocated = get('allocator_allocated');
  const active = get('allocator_active');
  const resident = get('allocator_resident');
  const rss = get('used_memory_rss');
  const big = 10 << 20;
  const clients = Math.max(1, node.clients.size);
  const issues: string[] = [];
  if (Math.fround(mh.peak / mh.total) > 1.5) issues.push(_DOCTOR_PEAK);
  if (Math.fround(rss / mh.total) > 1.4 && rss - mh.total > big) issues.push(_DOCTOR_FRAG);
  if (Math.fround(active / allocated) > 1.1 && active - allocated > big) issues.push(_DOCTOR_ALLOC_FRAG);
  if (Math.fround(resident / active) > 1.1 && resident - active > big) issues.push(_DOCTOR_ALLOC_RSS);
  if (Math.fround(rss / resident) > 1.1 && rss - resident > big) issues.push(_DOCTOR_PROC_RSS);
  if (Math.floor(mh.clientsNormal / clients) > 1024 * 200) issues.push(_DOCTOR_CLIENT_BUF);
  if (issues.length === 0) return _DOCTOR_FINE;
  return _DOCTOR_HEADER + issues.map((text) => ` * ${text}\n\n`).join('') + _DOCTOR_FOOTER;
}

/** MEMORY MALLOC-STATS: the outline of je_malloc_stats_print with the allocator figures INFO reports. */
function _mallocStats(node: RedisNode): string {
  const info = _infoMemory(node);
  const get = (name: string): number => info.get(name) ?? 0;
  const allocated = get('allocator_allocated');
  const active = get('allocator_active');
  const resident = get('allocator_resident');
  return [
    '___ Begin jemalloc statistics ___',
    'Version: "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c"',
    'Arenas: 9',
    'Quantum size: 16',
    'Page size: 4096',
    'Maximum thread-cached size class: 32768',
    `Allocated: ${allocated}, active: ${active}, metadata: ${Math.round(allocated * 1.26)} (n_thp 0), ` +
      `resident: ${resident}, mapped: ${Math.round(resident * 1.69)}, retained: ${Math.round(allocated * 0.98)}`,
    '--- End jemalloc statistics ---',
    '',
  ].join('\n');
}

const _OBJECT_HELP: readonly string[] = [
  'ENCODING <key>',
  "    Name the internal layout of <key>'s value (int, embstr, listpack, hashtable, ...).",
  'FREQ <key>',
  "    Answer <key>'s logarithmic access counter; needs an LFU maxmemory-policy.",
  'IDLETIME <key>',
  '    Answer how many seconds have passed since <key> was last used; not under an LFU policy.',
  'REFCOUNT <key>',
  "    Answer how many holders share <key>'s value object.",
];

const _MEMORY_HELP: readonly string[] = [
  'DOCTOR',
  '    Look for signs of memory trouble and describe them in plain text.',
  'MALLOC-STATS',
  "    Dump the memory allocator's own statistics.",
  'PURGE',
  '    Ask the allocator to hand unused pages back to the operating system.',
  'STATS',
  '    Break the memory in use down into named figures.',
  'USAGE <key> [SAMPLES <count>]',
  '    Estimate the bytes <key> and its value take; collections are judged from <count> of',
  '    their elements (5 unless given; 0 reads every element).',
];

// MEMORY DOCTOR's wording is redis-sim's own; the cases and thresholds it reports on are getMemoryDoctorReport's.
const _DOCTOR_EMPTY =
  'Too little memory is in use here (under 5 MB) for a memory diagnosis to say anything useful. ' +
  'Ask again once the instance holds more data.\n';
const _DOCTOR_FINE = 'No memory problems found in this instance.\n';
const _DOCTOR_HEADER = 'Memory problems found in this instance:\n\n';
const _DOCTOR_FOOTER = 'MEMORY STATS shows the figures behind each finding.\n';
const _DOCTOR_PEAK =
  'Past peak: memory in use once went above 150% of what it is now. Allocators seldom return freed memory to the ' +
  'system, so a high fragmentation ratio after such a peak is expected and harmless: new data reuses that space. ' +
  'MEMORY PURGE may give some of it back; otherwise only a restart will.';
const _DOCTOR_FRAG =
  'High RSS: the process occupies over 1.4 times the memory the server has allocated. A past peak (see above) or a ' +
  'workload that fragments the allocator causes this. After a peak it does no harm; otherwise make sure the ' +
  'allocator is jemalloc rather than libc malloc (this instance uses jemalloc-5.3.0).';
const _DOCTOR_ALLOC_FRAG =
  "Allocator fragmentation: the allocator's active pages exceed what it has handed out by more than 10%, " +
  'after a past peak (see above) or under a fragmenting workload. Turning on activedefrag may help.';
const _DOCTOR_ALLOC_RSS =
  'Allocator RSS overhead: the allocator keeps over 10% more resident memory than it has active, usually left ' +
  'from a past peak (see above). MEMORY PURGE can release it.';
const _DOCTOR_PROC_RSS =
  'Process RSS overhead: the process keeps over 10% more resident memory than the allocator accounts for; memory ' +
  'taken outside the allocator, such as by modules, causes this.';
const _DOCTOR_CLIENT_BUF =
  'Large client buffers: output buffers average more than 200 KB per client. Slow pub/sub subscribers, very large ' +
  'replies or long pipelines cause this; CLIENT LIST shows which connections hold the memory.';
