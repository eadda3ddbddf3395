// Command family — COMMAND and its subcommands, generated from the command table at call time, so commands added by
// other families appear as soon as they are registered. Reply shapes are Redis 7.0.15's (server.c addReplyCommandInfo,
// addReplyCommandDocs, commandListCommand, getKeysSubcommandImpl); the metadata comes from command-meta.json.

import { NIL, array, bulk, error, integer, map, set, simple, type Reply } from '../../protocol/reply.js';
import { helpReply } from './help.js';
import type { Command, CommandFamily, CommandTable } from '../command-table.js';
import type { CommandArgumentDoc, KeySpec, KeySpecValue } from '../command-meta.js';
import { commandSummary } from '../command-summaries.js';
import { commandHasKeys, commandKeys } from '../command-keys.js';
import { Errors } from '../errors.js';
import { globMatch } from '../glob.js';

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
