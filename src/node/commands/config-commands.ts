// Command family — CONFIG GET/SET/REWRITE/RESETSTAT/HELP (config.c's config*Command).

import { OK, array, bulk, map, simple, type Reply } from '../../protocol/reply.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { ConfigError } from '../config-error.js';
import { rewriteConfigText } from '../config-file.js';
import { Errors } from '../errors.js';

/** The config-commands family's handlers by command name. */
export const configCommands: CommandFamily = {
  'config|get': (c, args) => {
    const pairs = c.node.config.matching(args.slice(2));
    const items: Reply[] = [];
    for (const [name, value] of pairs) items.push(bulk(name), bulk(value));
    return map(items);
  },
  'config|set': (c, args) => {
    if (args.length % 2 === 1) return Errors.syntax();
    const pairs: [string, string][] = [];
    for (let i = 2; i < args.length; i += 2) pairs.push([args[i]!, args[i + 1]!]);
    try {
      c.node.config.setMany(pairs, { allowProtected: _allowsProtectedConfigs(c) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.kind === 'unknown'
        ? Errors.configUnknownOption(e.directive)
        : Errors.configSetFailed(e.directive, e.message);
    }
    return OK;
  },
  'config|rewrite': (c) => {
    const env = c.node.env;
    if (env.configFile === '') return Errors.noConfigFile();
    try {
      env.writeConfigFile(rewriteConfigText(env.readConfigFile(), c.node.config));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      c.node.log('warning', `CONFIG REWRITE failed: ${reason}`);
      return Errors.configRewriteFailed(reason);
    }
    c.node.log('warning', 'CONFIG REWRITE executed with success.');
    return OK;
  },
  'config|resetstat': (c) => {
    c.node.resetStats();
    return OK;
  },
  'config|help': () => array(_HELP.map(simple)),
};

// --- internal ---

const _HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

/** allowProtectedAction(enable-protected-configs): `yes`, or `local` for a loopback client. */
function _allowsProtectedConfigs(c: ClientSession): boolean {
  const mode = c.node.config.get('enable-protected-configs');
  return mode === 'yes' || (mode === 'local' && (c.connection?.isLocal ?? true));
}
