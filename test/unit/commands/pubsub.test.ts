import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import type { HarnessClient } from '../../helpers/node-harness.js';
import { NodeHarness } from '../../helpers/node-harness.js';

/** Every reply a client has received so far, as plain values. */
function drain(client: HarnessClient): unknown[] {
  const out: unknown[] = [];
  for (let r = client.nextReply(); r !== undefined; r = client.nextReply()) out.push(toPlain(r));
  return out;
}

describe('pub/sub', () => {
  it('confirms each subscription with a running count and delivers messages and pattern messages', () => {
    const h = new NodeHarness();
    const sub = h.client();
    const pub = h.client();
    sub.send(['SUBSCRIBE', 'news', 'sport']);
    sub.send(['PSUBSCRIBE', 'n*']);
    expect(drain(sub)).toEqual([
      ['subscribe', 'news', 1],
      ['subscribe', 'sport', 2],
      ['psubscribe', 'n*', 3],
    ]);
    expect(pub.run('PUBLISH', 'news', 'hello')).toBe(2);
    expect(drain(sub)).toEqual([
      ['message', 'news', 'hello'],
      ['pmessage', 'n*', 'news', 'hello'],
    ]);
    expect(pub.run('PUBLISH', 'nobody', 'x')).toBe(1);
    expect(pub.run('PUBLISH', 'other', 'x')).toBe(0);
  });

  it('restricts RESP2 subscribers to the subscribe family, PING, QUIT and RESET', () => {
    const h = new NodeHarness();
    const sub = h.client();
    sub.send(['SUBSCRIBE', 'c']);
    drain(sub);
    expect(sub.run('GET', 'k')).toEqual({
      error:
        "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    });
    expect(sub.run('PING')).toEqual(['pong', '']);
    sub.send(['UNSUBSCRIBE']);
    expect(drain(sub)).toEqual([['unsubscribe', 'c', 0]]);
    expect(sub.run('PING')).toBe('PONG');
  });

  it('answers UNSUBSCRIBE with no subscriptions with a null channel', () => {
    const h = new NodeHarness();
    const c = h.client();
    c.send(['UNSUBSCRIBE']);
    c.send(['PUNSUBSCRIBE']);
    expect(drain(c)).toEqual([
      ['unsubscribe', null, 0],
      ['punsubscribe', null, 0],
    ]);
  });

  it('reports channels and counts through PUBSUB and forgets disconnected subscribers', () => {
    const h = new NodeHarness();
    const a = h.client();
    const b = h.client();
    a.send(['SUBSCRIBE', 'x', 'y']);
    b.send(['SUBSCRIBE', 'x']);
    b.send(['PSUBSCRIBE', 'p*']);
    expect((h.run('PUBSUB', 'CHANNELS') as string[]).sort()).toEqual(['x', 'y']);
    expect(h.run('PUBSUB', 'CHANNELS', 'y*')).toEqual(['y']);
    expect(h.run('PUBSUB', 'NUMSUB', 'x', 'y', 'z')).toEqual(['x', 2, 'y', 1, 'z', 0]);
    expect(h.run('PUBSUB', 'NUMPAT')).toBe(1);
    b.session.disconnected();
    expect(h.run('PUBSUB', 'NUMSUB', 'x')).toEqual(['x', 1]);
    expect(h.run('PUBSUB', 'NUMPAT')).toBe(0);
  });

  it('sends RESP3 subscribers push messages and lets them run other commands', () => {
    const h = new NodeHarness();
    const sub = h.client();
    sub.run('HELLO', '3');
    sub.send(['SUBSCRIBE', 'c']);
    const confirmation = sub.nextReply();
    expect(confirmation?.t).toBe('push');
    expect(sub.run('ECHO', 'still here')).toBe('still here');
    h.run('PUBLISH', 'c', 'm');
    const message = sub.nextReply();
    expect(message?.t).toBe('push');
    expect(toPlain(message!)).toEqual(['message', 'c', 'm']);
  });

  it('publishes keyspace notifications for enabled classes', () => {
    const h = new NodeHarness({ directives: [['notify-keyspace-events', ['KEA']]] });
    const sub = h.client();
    sub.send(['PSUBSCRIBE', '__key*__:*']);
    drain(sub);
    h.run('SET', 'k', 'v', 'PX', '10');
    h.advance(1000);
    const events = drain(sub).map((m) => (m as string[]).slice(2));
    expect(events).toContainEqual(['__keyspace@0__:k', 'set']);
    expect(events).toContainEqual(['__keyevent@0__:set', 'k']);
    expect(events).toContainEqual(['__keyevent@0__:expired', 'k']);
  });

  it('keeps new-key events on with KEAn although CONFIG GET spells it AKE, as Redis does', () => {
    const h = new NodeHarness();
    h.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
    expect(h.run('CONFIG', 'GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'AKE']);
    const sub = h.client();
    sub.send(['SUBSCRIBE', '__keyevent@0__:new']);
    drain(sub);
    h.run('SET', 'fresh', '1');
    h.run('SET', 'fresh', '2');
    expect(drain(sub)).toEqual([['message', '__keyevent@0__:new', 'fresh']]);
  });
});
