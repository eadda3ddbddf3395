import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EventLog } from '../../../src/sim/event-log.js';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { Prng } from '../../../src/sim/prng.js';
import { SimNetwork, type CloseReason, type Latency, type LinkEnd } from '../../../src/sim/sim-network.js';

/** A network with one listener `srv` at 10.0.0.1:6379 whose accepted ends record what they receive. */
function world(latency: Latency = { fixedMs: 5, jitterMs: 0 }, seed = 1) {
  const queue = new EventQueue({ startTime: 0 });
  const log = new EventLog();
  const net = new SimNetwork({ queue, rng: new Prng(seed), log, latency });
  const accepted: LinkEnd[] = [];
  const serverGot: { at: number; text: string }[] = [];
  const serverClosed: CloseReason[] = [];
  net.listen('srv', '10.0.0.1:6379', (end) => {
    accepted.push(end);
    end.onData = (chunk) => serverGot.push({ at: queue.now(), text: chunk.toString('latin1') });
    end.onClose = (reason) => serverClosed.push(reason);
  });
  return { queue, log, net, accepted, serverGot, serverClosed };
}

/** Opens a client end that records what it receives and why it closed. */
function dial(net: SimNetwork, queue: EventQueue, name = 'cli', address = '10.0.0.1:6379') {
  const end = net.connect(name, address);
  const got: { at: number; text: string }[] = [];
  const closed: { at: number; reason: CloseReason }[] = [];
  end.onData = (chunk) => got.push({ at: queue.now(), text: chunk.toString('latin1') });
  end.onClose = (reason) => closed.push({ at: queue.now(), reason });
  return { end, got, closed };
}

describe('SimNetwork links', () => {
  it('accepts after the handshake latency and delivers bytes after the one-way latency', () => {
    const { queue, net, accepted, serverGot } = world();
    const { end, got } = dial(net, queue);
    end.write(Buffer.from('ping'));
    expect(accepted).toHaveLength(0);
    queue.runFor(4);
    expect(accepted).toHaveLength(0);
    queue.runFor(1);
    expect(accepted).toHaveLength(1);
    expect(serverGot).toEqual([{ at: 5, text: 'ping' }]);
    accepted[0]!.write(Buffer.from('pong'));
    queue.runFor(10);
    expect(got).toEqual([{ at: 10, text: 'pong' }]);
    expect(accepted[0]!.remoteAddress).toBe(end.localAddress);
    expect(accepted[0]!.localAddress).toBe('10.0.0.1:6379');
    expect(accepted[0]!.isLocal).toBe(true);
    expect(accepted[0]!.peer).toBe('cli');
    expect(end.peer).toBe('srv');
  });

  it('preserves write order per direction whatever the jitter draws', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.string({ minLength: 1, maxLength: 4 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (seed, fixedMs, jitterMs, writes) => {
          const { queue, net, serverGot } = world({ fixedMs, jitterMs }, seed);
          const { end } = dial(net, queue);
          let t = 0;
          const sentAt: number[] = [];
          for (const [gap, text] of writes) {
            t += gap;
            queue.schedule(t - queue.now(), () => {
              sentAt.push(queue.now());
              end.write(Buffer.from(text, 'latin1'));
            });
          }
          queue.runFor(t + fixedMs + jitterMs + 1);
          expect(serverGot.map((g) => g.text)).toEqual(writes.map(([, text]) => text));
          for (let i = 0; i < serverGot.length; i++) {
            const g = serverGot[i]!;
            expect(g.at).toBeGreaterThanOrEqual(sentAt[i]! + fixedMs);
            if (i > 0) expect(g.at).toBeGreaterThanOrEqual(serverGot[i - 1]!.at);
          }
        },
      ),
    );
  });

  it('closes gracefully: pending bytes first, then the peer hears `closed`', () => {
    const { queue, net, serverGot, serverClosed } = world();
    const { end } = dial(net, queue);
    end.write(Buffer.from('last words'));
    end.close();
    expect(end.closed).toBe(true);
    end.write(Buffer.from('ignored'));
    queue.runFor(10);
    expect(serverGot.map((g) => g.text)).toEqual(['last words']);
    expect(serverClosed).toEqual(['closed']);
    expect(net.openLinks()).toBe(0);
  });

  it('refuses a link when nobody listens at the address', () => {
    const { queue, net, serverGot } = world();
    const { end, closed } = dial(net, queue, 'cli', '10.0.0.9:1234');
    end.write(Buffer.from('hello?'));
    queue.runFor(9);
    expect(closed).toEqual([]);
    queue.runFor(1);
    expect(closed).toEqual([{ at: 10, reason: 'refused' }]);
    expect(end.closed).toBe(true);
    expect(serverGot).toEqual([]);
    net.stopListening('10.0.0.1:6379');
    const second = dial(net, queue);
    queue.runFor(10);
    expect(second.closed.map((c) => c.reason)).toEqual(['refused']);
  });

  it('refuses to listen twice on one address', () => {
    const { net } = world();
    expect(() => net.listen('other', '10.0.0.1:6379', () => {})).toThrow(/srv listens there/);
  });
});

describe('SimNetwork faults', () => {
  it('delivers nothing across a partition until it heals, then everything in order', () => {
    const { queue, net, accepted, serverGot } = world();
    const { end, got } = dial(net, queue);
    queue.runFor(5);
    expect(accepted).toHaveLength(1);
    net.partition('cli', 'srv');
    expect(net.isPartitioned('srv', 'cli')).toBe(true);
    end.write(Buffer.from('a'));
    end.write(Buffer.from('b'));
    accepted[0]!.write(Buffer.from('x'));
    queue.runFor(1000);
    expect(serverGot).toEqual([]);
    expect(got).toEqual([]);
    net.heal();
    end.write(Buffer.from('c'));
    queue.runFor(0);
    expect(serverGot.map((g) => g.text)).toEqual(['a', 'b']);
    expect(got.map((g) => g.text)).toEqual(['x']);
    queue.runFor(5);
    expect(serverGot.map((g) => g.text)).toEqual(['a', 'b', 'c']);
  });

  it('holds the handshake of a new link across a partition, and heals only the named pair', () => {
    const { queue, net, accepted } = world();
    net.partition(['cli', 'cli2'], 'srv');
    dial(net, queue, 'cli');
    dial(net, queue, 'cli2');
    queue.runFor(100);
    expect(accepted).toHaveLength(0);
    net.heal('cli2', 'srv');
    queue.runFor(1);
    expect(accepted.map((e) => e.peer)).toEqual(['cli2']);
    expect(net.isPartitioned('cli', 'srv')).toBe(true);
  });

  it('holds deliveries to a paused endpoint until it resumes; its own writes still flow', () => {
    const { queue, net, accepted, serverGot } = world();
    const { end, got } = dial(net, queue);
    queue.runFor(5);
    net.pause('srv');
    expect(net.isPaused('srv')).toBe(true);
    end.write(Buffer.from('held'));
    accepted[0]!.write(Buffer.from('in flight'));
    queue.runFor(500);
    expect(serverGot).toEqual([]);
    expect(got.map((g) => g.text)).toEqual(['in flight']);
    net.resume('srv');
    queue.runFor(0);
    expect(serverGot).toEqual([{ at: 505, text: 'held' }]);
  });

  it('resets every link of a crashed endpoint: in-flight bytes vanish and peers hear `reset`', () => {
    const { queue, net, accepted } = world();
    const a = dial(net, queue, 'a');
    const b = dial(net, queue, 'b');
    queue.runFor(5);
    accepted[0]!.write(Buffer.from('never arrives'));
    a.end.write(Buffer.from('never processed'));
    net.reset('srv');
    expect(accepted.every((e) => e.closed)).toBe(true);
    queue.runFor(5);
    expect(a.got).toEqual([]);
    expect(a.closed).toEqual([{ at: 10, reason: 'reset' }]);
    expect(b.closed).toEqual([{ at: 10, reason: 'reset' }]);
    const c = dial(net, queue, 'c');
    queue.runFor(10);
    expect(c.closed.map((x) => x.reason)).toEqual(['refused']);
    expect(net.openLinks()).toBe(0);
  });

  it('drops a reset of a client that the server never accepted without a trace on the server', () => {
    const { queue, net, accepted, serverClosed } = world();
    dial(net, queue, 'a');
    net.reset('a');
    queue.runFor(50);
    expect(accepted).toHaveLength(0);
    expect(serverClosed).toEqual([]);
  });

  it('loses writes at the drop rate, reproducibly per seed', () => {
    const run = (seed: number) => {
      const { queue, net, serverGot, log } = world({ fixedMs: 1, jitterMs: 0 }, seed);
      const { end } = dial(net, queue);
      net.setDropRate(0.5, ['cli', 'srv']);
      for (let i = 0; i < 200; i++) end.write(Buffer.from(`${i};`));
      queue.runFor(10);
      return {
        got: serverGot.map((g) => g.text).join(''),
        drops: log.lines().filter((l) => l.includes(' drop ')).length,
      };
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    expect(first.drops).toBeGreaterThan(50);
    expect(first.drops).toBeLessThan(150);
    expect(first.got.split(';').length - 1).toBe(200 - first.drops);
    expect(run(8).got).not.toBe(first.got);
  });

  it('applies per-pair latency over the default', () => {
    const { queue, net, serverGot } = world({ fixedMs: 5, jitterMs: 0 });
    net.setLatency({ fixedMs: 50, jitterMs: 0 }, ['srv', 'slow']);
    const fast = dial(net, queue, 'fast');
    const slow = dial(net, queue, 'slow');
    slow.end.write(Buffer.from('slow'));
    fast.end.write(Buffer.from('fast'));
    queue.runFor(100);
    expect(serverGot).toEqual([
      { at: 5, text: 'fast' },
      { at: 50, text: 'slow' },
    ]);
    expect(() => net.setLatency({ fixedMs: -1, jitterMs: 0 })).toThrow(RangeError);
    expect(() => net.setDropRate(2)).toThrow(RangeError);
  });
});
