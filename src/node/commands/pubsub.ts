// Command family — pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the shard variants, PUBSUB.

import { array, bulk, bulkArray, integer, sequence, type Reply } from '../../protocol/reply.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import { globMatch } from '../glob.js';
import { helpReply } from './help.js';

/** PUBSUB HELP lines (our wording). */
const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  '    List the channels someone is subscribed to, or only those matching <pattern>.',
  'NUMPAT',
  '    Count the pattern subscriptions held by all clients together.',
  'NUMSUB [<channel> ...]',
  '    Pair each named channel with how many clients subscribe to it by name (patterns not counted).',
  'SHARDCHANNELS [<pattern>]',
  '    List the shard channels someone is subscribed to, or only those matching <pattern>.',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Pair each named shard channel with how many clients subscribe to it.',
];

/** PUBSUB CHANNELS/SHARDCHANNELS: the arity allows any count, but pubsubCommand takes at most one pattern. */
function _channelList(names: Iterable<string>, args: string[]): Reply {
  if (args.length > 3) return Errors.subcommandSyntax(args);
  const pattern = args[2];
  const out: string[] = [];
  for (const name of names) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
  return bulkArray(out);
}

/** The pub/sub family's handlers by command name. */
export const pubsubCommands: CommandFamily = {
  subscribe: (c, args) => sequence(args.slice(1).map((ch) => c.node.pubsub.subscribe(c, ch, 'channel'))),
  ssubscribe: (c, args) => sequence(args.slice(1).map((ch) => c.node.pubsub.subscribe(c, ch, 'shard'))),
  psubscribe: (c, args) => sequence(args.slice(1).map((p) => c.node.pubsub.psubscribe(c, p))),

  unsubscribe: (c, args) =>
    sequence(
      args.length === 1
        ? c.node.pubsub.unsubscribe(c, null, 'channel')
        : args.slice(1).flatMap((ch) => c.node.pubsub.unsubscribe(c, ch, 'channel')),
    ),
  sunsubscribe: (c, args) =>
    sequence(
      args.length === 1
        ? c.node.pubsub.unsubscribe(c, null, 'shard')
        : args.slice(1).flatMap((ch) => c.node.pubsub.unsubscribe(c, ch, 'shard')),
    ),
  punsubscribe: (c, args) =>
    sequence(
      args.length === 1
        ? c.node.pubsub.punsubscribe(c, null)
        : args.slice(1).flatMap((p) => c.node.pubsub.punsubscribe(c, p)),
    ),

  // publishCommand / spublishCommand: in cluster mode the message also goes to the other nodes over the bus.
  publish: (c, args) => {
    const receivers = c.node.publish(args[1]!, args[2]!, 'channel');
    c.node.cluster?.propagatePublish(args[1]!, args[2]!, false);
    return integer(receivers);
  },
  spublish: (c, args) => {
    const receivers = c.node.publish(args[1]!, args[2]!, 'shard');
    c.node.cluster?.propagatePublish(args[1]!, args[2]!, true);
    return integer(receivers);
  },

  'pubsub|channels': (c, args) => _channelList(c.node.pubsub.channels.keys(), args),
  'pubsub|shardchannels': (c, args) => _channelList(c.node.pubsub.shardChannels.keys(), args),
  'pubsub|numpat': (c) => integer(c.node.pubsub.patterns.size),
  'pubsub|numsub': (c, args) =>
    array(args.slice(2).flatMap((ch) => [bulk(ch), integer(c.node.pubsub.channels.get(ch)?.size ?? 0)])),
  'pubsub|shardnumsub': (c, args) =>
    array(args.slice(2).flatMap((ch) => [bulk(ch), integer(c.node.pubsub.shardChannels.get(ch)?.size ?? 0)])),
  'pubsub|help': (_c, args) => helpReply(args[0]!, PUBSUB_HELP),
};
