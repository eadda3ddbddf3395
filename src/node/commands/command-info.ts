// Command family — COMMAND and its subcommands, generated from the command table at call time, so commands added by
// other families appear as soon as they are registered. Reply shapes are Redis 7.0.15's (server.c addReplyCommandInfo,
// addReplyCommandDocs, commandListCommand, getKeysSubcommandImpl); the metadata comes from command-meta.json.

import { NIL, array, bulk, error, integer, map, set, simple, type Reply } from '../../protocol/reply.js';
import { parseInt64 } from '../args.js';
import { helpReply } from './help.js';
import type { Command, CommandFamily, CommandTable } from '../command-table.js';
import type { CommandArgumentDoc, KeySpec, KeySpecValue } from '../command-meta.js';
import { commandSummary } from '../command-summaries.js';
import { Errors } from '../errors.js';
import { globMatch } from '../glob.js';

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

/** Resolves `name` or `container|sub` to a command of the table, case-insensitively (lookupCommandBySds). */
export function lookupCommandByName(table: CommandTable, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2 || name.length === 0) return undefined;
  const base = table.get(parts[0]!);
  if (parts.length === 1 || base === undefined) return base;
  return base.subcommands?.get(parts[1]!.toLowerCase());
}

/** The command-info family's handlers by command name. */
export const commandCommands: CommandFamily = {
  command: (c) => array([...c.node.commands.all()].map(_infoReply)),

  'command|count': (c) => integer(c.node.commands.size),

  'command|info'(c, args) {
    if (args.length === 2) return array([...c.node.commands.all()].map(_infoReply));
    return array(
      args.slice(2).map((name) => {
        const cmd = lookupCommandByName(c.node.commands, name);
        return cmd === undefined ? NIL : _infoReply(cmd);
      }),
    );
  },

  'command|docs'(c, args) {
    const items: Reply[] = [];
    const commands =
      args.length === 2
        ? [...c.node.commands.all()]
        : args.slice(2).flatMap((name) => lookupCommandByName(c.node.commands, name) ?? []);
    for (const cmd of commands) items.push(bulk(cmd.fullName), _docsReply(cmd));
    return map(items);
  },

  'command|list'(c, args) {
    let filter: ((cmd: Command) => boolean) | null = null;
    for (let i = 2; i < args.length; i += 3) {
      if (args[i]!.toLowerCase() !== 'filterby' || args.length - 1 - i !== 2) return Errors.syntax();
      filter = _listFilter(args[i + 1]!, args[i + 2]!);
      if (filter === null) return Errors.syntax();
    }
    const names: Reply[] = [];
    const visit = (cmd: Command) => {
      if (filter === null || filter(cmd)) names.push(bulk(cmd.fullName));
      if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) visit(sub);
    };
    for (const cmd of c.node.commands.all()) visit(cmd);
    return array(names);
  },

  'command|getkeys': (c, args) => _getKeys(c.node.commands, args, false),
  'command|getkeysandflags': (c, args) => _getKeys(c.node.commands, args, true),

  'command|help': (_c, args) => helpReply(args[0]!, _HELP),
};

// --- internal ---

const _HELP = [
  '(no subcommand)',
  '    Describe every command this server implements.',
  'COUNT',
  '    Tell how many commands this server implements.',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
  '    Name every command and subcommand, optionally only those passing a filter.',
  'INFO [<command-name> ...]',
  '    Describe the named commands (every command when none is named).',
  'DOCS [<command-name> ...]',
  '    Give the documentation of the named commands (every command when none is named).',
  'GETKEYS <full-command>',
  '    Extract the key names from a complete command line.',
  'GETKEYSANDFLAGS <full-command>',
  '    Extract the key names, with how each is accessed, from a complete command line.',
];

/** ACL categories COMMAND LIST FILTERBY ACLCAT accepts (ACLCommandCategories), without the `@`. */
const _ACL_CATEGORIES = new Set([
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
]);

const _infoCache = new WeakMap<Command, Reply>();
const _docsCache = new WeakMap<Command, Reply>();

/** One COMMAND / COMMAND INFO entry (addReplyCommandInfo). */
function _infoReply(cmd: Command): Reply {
  let reply = _infoCache.get(cmd);
  if (reply !== undefined) return reply;
  const meta = cmd.meta;
  reply = array([
    bulk(cmd.fullName),
    integer(meta.arity),
    set(meta.flags.map(simple)),
    integer(meta.firstKey),
    integer(meta.lastKey),
    integer(meta.step),
    set(meta.aclCategories.map(simple)),
    set(meta.tips.map(bulk)),
    set(meta.keySpecs.map(_keySpecReply)),
    cmd.subcommands === null ? set([]) : array([...cmd.subcommands.values()].map(_infoReply)),
  ]);
  _infoCache.set(cmd, reply);
  return reply;
}

/** A key spec as Redis sends it: a map whose `flags` is a set of statuses and whose other nested values are maps. */
function _keySpecReply(spec: KeySpec): Reply {
  const items: Reply[] = [];
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const key = spec[i] as string;
    const value = spec[i + 1]!;
    items.push(bulk(key), key === 'flags' ? set((value as readonly string[]).map(simple)) : _specValueReply(value));
  }
  return map(items);
}

function _specValueReply(value: KeySpecValue): Reply {
  if (typeof value === 'string') return bulk(value);
  if (typeof value === 'number') return integer(value);
  const items: Reply[] = [];
  for (let i = 0; i + 1 < value.length; i += 2) items.push(bulk(value[i] as string), _specValueReply(value[i + 1]!));
  return map(items);
}

/**
 * One command's COMMAND DOCS map (addReplyCommandDocs). The summary is our own wording; complexity prose is not
 * sent (redis-cli does not read it); history entries carry the version and an empty description.
 */
function _docsReply(cmd: Command): Reply {
  let reply = _docsCache.get(cmd);
  if (reply !== undefined) return reply;
  const docs = cmd.meta.docs;
  const items: Reply[] = [bulk('summary'), bulk(commandSummary(cmd.fullName)), bulk('since'), bulk(docs.since)];
  items.push(bulk('group'), bulk(docs.group));
  if (docs.doc_flags !== undefined) items.push(bulk('doc_flags'), set(docs.doc_flags.map(simple)));
  if (docs.deprecated_since !== undefined) items.push(bulk('deprecated_since'), bulk(docs.deprecated_since));
  if (docs.replaced_by !== undefined) items.push(bulk('replaced_by'), bulk(docs.replaced_by));
  if (docs.history !== undefined) items.push(bulk('history'), set(docs.history.map((v) => array([bulk(v), bulk('')]))));
  if (docs.arguments !== undefined) items.push(bulk('arguments'), array(docs.arguments.map(_argumentReply)));
  if (cmd.subcommands !== null) {
    const subs: Reply[] = [];
    for (const sub of cmd.subcommands.values()) subs.push(bulk(sub.fullName), _docsReply(sub));
    items.push(bulk('subcommands'), map(subs));
  }
  reply = map(items);
  _docsCache.set(cmd, reply);
  return reply;
}

/** One argument's docs map (addReplyCommandArgList), keys in the order Redis sends them. */
function _argumentReply(arg: CommandArgumentDoc): Reply {
  const items: Reply[] = [];
  for (const [key, value] of Object.entries(arg) as [string, unknown][]) {
    items.push(bulk(key));
    if (key === 'flags') items.push(set((value as readonly string[]).map(simple)));
    else if (key === 'arguments') items.push(array((value as readonly CommandArgumentDoc[]).map(_argumentReply)));
    else if (typeof value === 'number') items.push(integer(value));
    else items.push(bulk(String(value)));
  }
  return map(items);
}

/** The predicate for COMMAND LIST FILTERBY, or null for an unknown filter type. */
function _listFilter(type: string, arg: string): ((cmd: Command) => boolean) | null {
  switch (type.toLowerCase()) {
    case 'module':
      return () => false; // no modules are ever loaded
    case 'aclcat': {
      const category = arg.toLowerCase();
      if (!_ACL_CATEGORIES.has(category)) return () => false;
      return (cmd) => cmd.meta.aclCategories.includes(`@${category}`);
    }
    case 'pattern':
      return (cmd) => globMatch(arg, cmd.fullName, true);
    default:
      return null;
  }
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS (getKeysSubcommandImpl). */
function _getKeys(table: CommandTable, args: readonly string[], withFlags: boolean): Reply {
  const argv = args.slice(2);
  const cmd = table.lookup(argv);
  if (cmd === undefined) return error('ERR Invalid command specified');
  if (!commandHasKeys(cmd)) return error('ERR The command has no key arguments');
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
    return error('ERR Invalid number of arguments specified for command');
  }
  const keys = commandKeys(cmd, argv);
  if (keys.length === 0) {
    return cmd.flags.has('no_mandatory_keys') ? array([]) : error('ERR Invalid arguments specified for command');
  }
  return array(
    keys.map((k) => (withFlags ? array([bulk(argv[k.pos]!), set(k.flags.map(simple))]) : bulk(argv[k.pos]!))),
  );
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
