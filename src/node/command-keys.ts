// Key positions of a request (db.c getKeysFromCommandWithSpecs, getKeysFromCommand and the commands' getkeys procs),
// computed from the command table's metadata: key specs, the legacy first/last/step range, and the native key
// extraction of the commands whose keys move. COMMAND GETKEYS and cluster redirection both read them from here.

import { parseInt64 } from './args.js';
import type { Command } from './command-table.js';
import type { KeySpec, KeySpecValue } from './command-meta.js';

/** A key found by COMMAND GETKEYS: its position among the command's arguments and its key-spec flags. */
export interface KeyReference {
  readonly pos: number;
  readonly flags: readonly string[];
}

/**
 * Finds the key arguments of a full command line (`argv[0]` is the command name) the way getKeysFromCommandWithSpecs
 * does: from the key specs when they are complete and their flags fixed, otherwise with the command's own key
 * extraction. Returns [] when the command names no keys (or its arguments are too broken to find them).
 */
export function commandKeys(cmd: Command, argv: readonly string[]): KeyReference[] {
  const specs = cmd.meta.keySpecs;
  const hasKeySpec = specs.some((s) => !_specFlags(s).includes('not_key'));
  const hasVariableFlags = specs.some((s) => _specFlags(s).includes('variable_flags'));
  if (hasKeySpec && !hasVariableFlags) {
    const found = _keysFromSpecs(cmd, argv);
    if (found !== null) return found;
  }
  return _NATIVE_GETKEYS[cmd.fullName]?.(argv) ?? [];
}

/** Whether a command can have key arguments at all (doesCommandHaveKeys). */
export function commandHasKeys(cmd: Command): boolean {
  return (
    _NATIVE_GETKEYS[cmd.fullName] !== undefined || cmd.meta.keySpecs.some((s) => !_specFlags(s).includes('not_key'))
  );
}

/**
 * The keys cluster redirection looks at (getKeysFromCommand, as getNodeByQuery calls it in 7.0): the command's own key
 * extraction when it has one, otherwise the legacy first/last/step range, which also covers the shard channels of
 * SPUBLISH/SSUBSCRIBE/SUNSUBSCRIBE. Returns argument positions.
 */
export function redirectKeyPositions(cmd: Command, argv: readonly string[]): number[] {
  const native = _NATIVE_GETKEYS[cmd.fullName];
  if (native !== undefined) return native(argv).map((k) => k.pos);
  return _legacyRangeKeys(cmd, argv);
}

/** Whether processCommand runs the cluster redirection for this command: it has keys, movable or declared. */
export function mayNeedRedirect(cmd: Command): boolean {
  return cmd.flags.has('movablekeys') || cmd.meta.keySpecs.length > 0;
}

// --- internal ---

/** getKeysUsingLegacyRangeSpec: positions first..last by step; none when the arguments are too few. */
function _legacyRangeKeys(cmd: Command, argv: readonly string[]): number[] {
  if (cmd.firstKey <= 0) return [];
  const first = cmd.firstKey;
  const last = cmd.lastKey >= 0 ? cmd.lastKey : argv.length + cmd.lastKey;
  const step = cmd.step > 0 ? cmd.step : 1;
  const keys: number[] = [];
  for (let j = first; j <= last; j += step) {
    // A variadic command given too few arguments names no keys; its handler reports the error.
    if (j >= argv.length) return [];
    keys.push(j);
  }
  return keys;
}

function _specFlags(spec: KeySpec): readonly string[] {
  for (let i = 0; i + 1 < spec.length; i += 2) if (spec[i] === 'flags') return spec[i + 1] as readonly string[];
  return [];
}

/** Reads one named field of a flat-map key-spec value. */
function _field(flat: KeySpecValue | undefined, name: string): KeySpecValue | undefined {
  if (flat === undefined || typeof flat !== 'object') return undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return undefined;
}

/** getKeysUsingKeySpecs: keys from begin_search/find_keys, or null when a spec cannot locate them. */
function _keysFromSpecs(cmd: Command, argv: readonly string[]): KeyReference[] | null {
  const argc = argv.length;
  const keys: KeyReference[] = [];
  for (const spec of cmd.meta.keySpecs) {
    const flags = _specFlags(spec);
    if (flags.includes('not_key')) continue;
    const begin = _field(spec as KeySpecValue, 'begin_search');
    const find = _field(spec as KeySpecValue, 'find_keys');
    const beginSpec = _field(begin, 'spec');
    const findSpec = _field(find, 'spec');
    let first = 0;
    switch (_field(begin, 'type')) {
      case 'index':
        first = _field(beginSpec, 'index') as number;
        break;
      case 'keyword': {
        const word = (_field(beginSpec, 'keyword') as string).toLowerCase();
        const startfrom = _field(beginSpec, 'startfrom') as number;
        const start = startfrom > 0 ? startfrom : argc + startfrom;
        const end = startfrom > 0 ? argc - 1 : 1;
        for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
          if (i >= argc || i < 1) break;
          if (argv[i]!.toLowerCase() === word) {
            first = i + 1;
            break;
          }
        }
        if (first === 0) continue; // keyword absent: this spec names no key here
        break;
      }
      default:
        return null;
    }
    let last: number;
    let step: number;
    switch (_field(find, 'type')) {
      case 'range': {
        const lastkey = _field(findSpec, 'lastkey') as number;
        const limit = _field(findSpec, 'limit') as number;
        step = _field(findSpec, 'keystep') as number;
        if (lastkey >= 0) last = first + lastkey;
        else if (limit === 0) last = argc + lastkey;
        else last = first + (Math.trunc((argc - first) / limit) + lastkey);
        break;
      }
      case 'keynum': {
        const keynumidx = _field(findSpec, 'keynumidx') as number;
        step = _field(findSpec, 'keystep') as number;
        if (keynumidx >= argc || first + keynumidx >= argc) return null;
        const numkeys = parseInt64(argv[first + keynumidx]!);
        if (numkeys === null || numkeys < 0n) return null;
        first += _field(findSpec, 'firstkey') as number;
        last = first + Number(numkeys) - 1;
        break;
      }
      default:
        return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc) continue;
      keys.push({ pos: i, flags });
    }
    if (flags.includes('incomplete')) return null;
  }
  return keys;
}

const _RO_ACCESS = ['RO', 'access'];
const _RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const _RW_ACCESS_DELETE = ['RW', 'access', 'delete'];

/** genericGetKeys: `num` keys from `firstKey` after a count at `countAt` (atoi rules), plus an optional store key. */
function _countedKeys(storeAt: number, countAt: number, firstKey: number, argv: readonly string[]): KeyReference[] {
  const num = _atoi(argv[countAt] ?? '');
  if (num < 1 || num > argv.length - firstKey) return [];
  const keys: KeyReference[] = [];
  for (let i = 0; i < num; i++) keys.push({ pos: firstKey + i, flags: [] });
  if (storeAt !== 0) keys.push({ pos: storeAt, flags: [] });
  return keys;
}

/** C's atoi: optional spaces and sign, then leading digits; 0 when there are none. */
function _atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Number(m[1])));
}

/** The commands' own key extraction (the getkeys_proc of the Redis command table), by full name. */
const _NATIVE_GETKEYS: Readonly<Record<string, (argv: readonly string[]) => KeyReference[]>> = {
  sintercard: (argv) => _countedKeys(0, 1, 2, argv),
  zunion: (argv) => _countedKeys(0, 1, 2, argv),
  zinter: (argv) => _countedKeys(0, 1, 2, argv),
  zdiff: (argv) => _countedKeys(0, 1, 2, argv),
  zintercard: (argv) => _countedKeys(0, 1, 2, argv),
  zunionstore: (argv) => _countedKeys(1, 2, 3, argv),
  zinterstore: (argv) => _countedKeys(1, 2, 3, argv),
  zdiffstore: (argv) => _countedKeys(1, 2, 3, argv),
  eval: (argv) => _countedKeys(0, 2, 3, argv),
  evalsha: (argv) => _countedKeys(0, 2, 3, argv),
  eval_ro: (argv) => _countedKeys(0, 2, 3, argv),
  evalsha_ro: (argv) => _countedKeys(0, 2, 3, argv),
  fcall: (argv) => _countedKeys(0, 2, 3, argv),
  fcall_ro: (argv) => _countedKeys(0, 2, 3, argv),
  lmpop: (argv) => _countedKeys(0, 1, 2, argv),
  blmpop: (argv) => _countedKeys(0, 2, 3, argv),
  zmpop: (argv) => _countedKeys(0, 1, 2, argv),
  bzmpop: (argv) => _countedKeys(0, 2, 3, argv),

  sort_ro: () => [{ pos: 1, flags: _RO_ACCESS }],

  sort(argv) {
    // Only STORE names a key worth reporting; BY and GET patterns are skipped with their arguments.
    const keys: KeyReference[] = [{ pos: 1, flags: _RO_ACCESS }];
    let store: KeyReference | null = null;
    for (let i = 2; i < argv.length; i++) {
      const word = argv[i]!.toLowerCase();
      if (word === 'limit') i += 2;
      else if (word === 'get' || word === 'by') i += 1;
      else if (word === 'store' && i + 1 < argv.length) store = { pos: i + 1, flags: ['OW', 'update'] };
    }
    if (store !== null) keys.push(store);
    return keys;
  },

  migrate(argv) {
    let first = 3;
    let num = 1;
    if (argv.length > 6) {
      for (let i = 6; i < argv.length; i++) {
        const word = argv[i]!.toLowerCase();
        if (word === 'keys') {
          if (argv[3]!.length > 0) {
            num = 0; // a key and KEYS together: MIGRATE itself reports the syntax error
          } else {
            first = i + 1;
            num = argv.length - first;
          }
          break;
        }
        if (word === 'auth') i += 1;
        else if (word === 'auth2') i += 2;
      }
    }
    return Array.from({ length: num }, (_, i) => ({ pos: first + i, flags: _RW_ACCESS_DELETE }));
  },

  georadius: _geoRadiusKeys,
  georadiusbymember: _geoRadiusKeys,

  xread: _streamReadKeys,
  xreadgroup: _streamReadKeys,

  set(argv) {
    for (let i = 3; i < argv.length; i++) {
      if (argv[i]!.toLowerCase() === 'get') return [{ pos: 1, flags: _RW_ACCESS_UPDATE }];
    }
    return [{ pos: 1, flags: ['OW', 'update'] }];
  },

  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const remaining = argv.length - i - 1;
      const word = argv[i]!.toLowerCase();
      if (word === 'get' && remaining >= 2) {
        i += 2;
      } else if ((word === 'set' || word === 'incrby') && remaining >= 3) {
        readonly = false;
        break;
      } else if (word === 'overflow' && remaining >= 1) {
        i += 1;
      } else {
        readonly = false; // a syntax error: assume a write, as Redis does
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? _RO_ACCESS : _RW_ACCESS_UPDATE }];
  },
};

/** georadiusGetKeys: the source key, and the last STORE/STOREDIST key after the fixed arguments. */
function _geoRadiusKeys(argv: readonly string[]): KeyReference[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const word = argv[i]!.toLowerCase();
    if ((word === 'store' || word === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1
    ? [{ pos: 1, flags: [] }]
    : [
        { pos: 1, flags: [] },
        { pos: stored, flags: [] },
      ];
}

/** xreadGetKeys: the stream names between STREAMS and the IDs, after skipping the options before STREAMS. */
function _streamReadKeys(argv: readonly string[]): KeyReference[] {
  let streams = -1;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!.toLowerCase();
    if (word === 'block' || word === 'count') i++;
    else if (word === 'group') i += 2;
    else if (word === 'noack') continue;
    else {
      if (word === 'streams') streams = i;
      break;
    }
  }
  const num = streams === -1 ? 0 : argv.length - streams - 1;
  if (streams === -1 || num === 0 || num % 2 !== 0) return [];
  return Array.from({ length: num / 2 }, (_, i) => ({ pos: streams + 1 + i, flags: [] }));
}
