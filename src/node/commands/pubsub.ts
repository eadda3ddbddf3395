// Command family — pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the shard variants, PUBSUB.

import { array, bulk, bulkArray, integer, sequence } from '../../protocol/reply.js';
import type { CommandFamily } from '../command-table.js';
import { globMatch } from '../glob.js';
import { helpReply } from './help.js';

/** PUBSUB HELP lines (our wording). */
const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  '    Return the active channels matching a <pattern> (default: all).',
  'NUMPAT',
  '    Return the number of pattern subscriptions.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers of each channel, not counting pattern subscribers.',
  'SHARDCHANNELS [<pattern>]',
  '    Return the active shard channels matching a <pattern> (default: all).',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers of each shard channel.',
];

function _channelList(names: Iterable<string>, pattern: string | undefined) {
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

  publish: (c, args) => integer(c.node.publish(args[1]!, args[2]!, 'channel')),
  spublish: (c, args) => integer(c.node.publish(args[1]!, args[2]!, 'shard')),

  'pubsub|channels': (c, args) => _channelList(c.node.pubsub.channels.keys(), args[2]),
  'pubsub|shardchannels': (c, args) => _channelList(c.node.pubsub.shardChannels.keys(), args[2]),
  'pubsub|numpat': (c) => integer(c.node.pubsub.patterns.size),
  'pubsub|numsub': (c, args) =>
    array(args.slice(2).flatMap((ch) => [bulk(ch), integer(c.node.pubsub.channels.get(ch)?.size ?? 0)])),
  'pubsub|shardnumsub': (c, args) =>
    array(args.slice(2).flatMap((ch) => [bulk(ch), integer(c.node.pubsub.shardChannels.get(ch)?.size ?? 0)])),
  'pubsub|help': (_c, args) => helpReply(args[0]!, PUBSUB_HELP),
};
