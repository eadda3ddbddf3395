// Command family — CONFIG GET/SET/REWRITE/RESETSTAT/HELP (config.c's config*Command).

import { OK, bulk, map, type Reply } from '../../protocol/reply.js';
import type { ClientSession } from '../client-session.js';
import { helpReply } from './help.js';
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
  'config|help': (_c, args) => helpReply(args[0]!, _HELP),
};

// --- internal ---

const _HELP = [
  'GET <pattern> [<pattern> ...]',
  '    Answer the name and value of every setting matching a glob <pattern>.',
  'SET <name> <value> [<name> <value> ...]',
  '    Change settings, all or none.',
  'RESETSTAT',
  '    Zero the counters that INFO reports.',
  'REWRITE',
  '    Write the current settings back into the config file the server started with.',
];

/** allowProtectedAction(enable-protected-configs): `yes`, or `local` for a loopback client. */
function _allowsProtectedConfigs(c: ClientSession): boolean {
  const mode = c.node.config.get('enable-protected-configs');
  return mode === 'yes' || (mode === 'local' && (c.connection?.isLocal ?? true));
}
