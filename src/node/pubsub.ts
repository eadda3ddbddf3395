// The node's pub/sub registry (pubsub.c): channel, pattern and shard-channel subscribers, and message delivery.

import { keyHashSlot } from '../cluster/key-slot.js';
import { bulk, integer, NIL, push, type Reply } from '../protocol/reply.js';
import type { ClientSession } from './client-session.js';
import { globMatch } from './glob.js';

/** Plain channels or 7.0's shard channels (SSUBSCRIBE/SPUBLISH). */
export type ChannelKind = 'channel' | 'shard';

/** Who listens to what, node-wide. */
export class PubSub {
  readonly channels = new Map<string, Set<ClientSession>>();
  readonly shardChannels = new Map<string, Set<ClientSession>>();
  readonly patterns = new Map<string, Set<ClientSession>>();
  /** Shard channels with subscribers, by hash slot (slots_to_channels), so a lost slot finds its channels. */
  private readonly shardSlots = new Map<number, Set<string>>();

  /** Subscribes a client and returns the confirmation (subscribe/ssubscribe, channel, count). */
  subscribe(c: ClientSession, channel: string, kind: ChannelKind): Reply {
    const mine = kind === 'channel' ? c.channels : c.shardChannels;
    if (!mine.has(channel)) {
      mine.add(channel);
      _add(this._registry(kind), channel, c);
      if (kind === 'shard') this._indexShard(channel);
    }
    return push([bulk(kind === 'channel' ? 'subscribe' : 'ssubscribe'), bulk(channel), integer(_count(c, kind))]);
  }

  /** Unsubscribes a client from one channel, or from all when `channel` is null; returns the confirmations. */
  unsubscribe(c: ClientSession, channel: string | null, kind: ChannelKind): Reply[] {
    const mine = kind === 'channel' ? c.channels : c.shardChannels;
    const word = kind === 'channel' ? 'unsubscribe' : 'sunsubscribe';
    const targets = channel === null ? [...mine] : [channel];
    if (targets.length === 0) return [push([bulk(word), NIL, integer(_count(c, kind))])];
    return targets.map((ch) => {
      if (mine.delete(ch)) {
        _remove(this._registry(kind), ch, c);
        if (kind === 'shard') this._unindexShard(ch);
      }
      return push([bulk(word), bulk(ch), integer(_count(c, kind))]);
    });
  }

  /** Subscribes a client to a pattern and returns the confirmation. */
  psubscribe(c: ClientSession, pattern: string): Reply {
    if (!c.patterns.has(pattern)) {
      c.patterns.add(pattern);
      _add(this.patterns, pattern, c);
    }
    return push([bulk('psubscribe'), bulk(pattern), integer(_count(c, 'channel'))]);
  }

  /** Unsubscribes a client from one pattern, or all when null; returns the confirmations. */
  punsubscribe(c: ClientSession, pattern: string | null): Reply[] {
    const targets = pattern === null ? [...c.patterns] : [pattern];
    if (targets.length === 0) return [push([bulk('punsubscribe'), NIL, integer(_count(c, 'channel'))])];
    return targets.map((p) => {
      if (c.patterns.delete(p)) _remove(this.patterns, p, c);
      return push([bulk('punsubscribe'), bulk(p), integer(_count(c, 'channel'))]);
    });
  }

  /** Drops every subscription of a client without confirmations (disconnect, RESET). */
  dropClient(c: ClientSession): void {
    for (const ch of c.channels) _remove(this.channels, ch, c);
    for (const ch of c.shardChannels) {
      _remove(this.shardChannels, ch, c);
      this._unindexShard(ch);
    }
    for (const p of c.patterns) _remove(this.patterns, p, c);
    c.channels.clear();
    c.shardChannels.clear();
    c.patterns.clear();
  }

  /** Delivers a message to channel subscribers and, for plain channels, matching patterns; returns the receivers. */
  publish(channel: string, message: string, kind: ChannelKind): number {
    let receivers = 0;
    const subscribers = this._registry(kind).get(channel);
    if (subscribers !== undefined) {
      const msg = push([bulk(kind === 'channel' ? 'message' : 'smessage'), bulk(channel), bulk(message)]);
      for (const c of subscribers) {
        c.pushNow(msg);
        receivers++;
      }
    }
    if (kind === 'shard') return receivers;
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      const msg = push([bulk('pmessage'), bulk(pattern), bulk(channel), bulk(message)]);
      for (const c of clients) {
        c.pushNow(msg);
        receivers++;
      }
    }
    return receivers;
  }

  /** The shard channels of a slot that have subscribers, in byte order (the order of the slots_to_channels rax). */
  shardChannelsInSlot(slot: number): string[] {
    const channels = this.shardSlots.get(slot);
    return channels === undefined ? [] : [...channels].sort(_byteOrder);
  }

  /**
   * Unsubscribes every client from a shard channel (pubsubShardUnsubscribeAllClients), in subscription order; each
   * gets its `sunsubscribe` notification, counted after the removal, through `notify`.
   */
  dropShardChannel(channel: string, notify: (c: ClientSession, notification: Reply) => void): void {
    const subscribers = this.shardChannels.get(channel);
    if (subscribers === undefined) return;
    this.shardChannels.delete(channel);
    this._unindexShard(channel);
    for (const c of subscribers) {
      c.shardChannels.delete(channel);
      notify(c, push([bulk('sunsubscribe'), bulk(channel), integer(_count(c, 'shard'))]));
    }
  }

  // --- internal ---

  private _indexShard(channel: string): void {
    const slot = keyHashSlot(channel);
    let channels = this.shardSlots.get(slot);
    if (channels === undefined) this.shardSlots.set(slot, (channels = new Set()));
    channels.add(channel);
  }

  /** Drops a shard channel from the slot index once nobody subscribes to it any more. */
  private _unindexShard(channel: string): void {
    if (this.shardChannels.has(channel)) return;
    const slot = keyHashSlot(channel);
    const channels = this.shardSlots.get(slot);
    if (channels === undefined) return;
    channels.delete(channel);
    if (channels.size === 0) this.shardSlots.delete(slot);
  }

  private _registry(kind: ChannelKind): Map<string, Set<ClientSession>> {
    return kind === 'channel' ? this.channels : this.shardChannels;
  }
}

/** A client's subscription count as the confirmations report it (clientSubscriptionsCount and the shard one). */
function _count(c: ClientSession, kind: ChannelKind): number {
  return kind === 'channel' ? c.channels.size + c.patterns.size : c.shardChannels.size;
}

/** Binary (latin1) strings compare by byte, as memcmp orders rax keys. */
function _byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function _add(registry: Map<string, Set<ClientSession>>, name: string, c: ClientSession): void {
  let set = registry.get(name);
  if (set === undefined) registry.set(name, (set = new Set()));
  set.add(c);
}

function _remove(registry: Map<string, Set<ClientSession>>, name: string, c: ClientSession): void {
  const set = registry.get(name);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) registry.delete(name);
}
