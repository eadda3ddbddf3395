import { describe, it, expect } from 'vitest';
import { ConfigError } from '../../../src/node/config.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { Prng } from '../../../src/sim/prng.js';
import { SimCallError, SimClient, formatReply } from '../../../src/sim/sim-client.js';
import { SimNetwork } from '../../../src/sim/sim-network.js';
import { Simulation, SimulationTimeoutError } from '../../../src/sim/simulation.js';

describe('Simulation basics', () => {
  it('runs commands from a client through the network and traces them', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a');
    const c = sim.client('a', { name: 'c1' });
    const start = sim.now();
    expect(toPlain(c.run('PING'))).toBe('PONG');
    // One millisecond each way by default; the request waits behind the handshake on the same pipe.
    expect(sim.now()).toBe(start + 2);
    expect(toPlain(c.run('ECHO', 'hi'))).toBe('hi');
    expect(sim.trace.map((call) => [call.client, call.args, call.plain()])).toEqual([
      ['c1', ['PING'], 'PONG'],
      ['c1', ['ECHO', 'hi'], 'hi'],
    ]);
    const lines = sim.eventLog.lines();
    expect(lines).toContain(`${start} [c1] -> "PING"`);
    expect(lines).toContain(`${start + 2} [c1] <- +PONG`);
    expect(lines.some((l) => l.includes('[a] M * Ready to accept connections'))).toBe(true);
  });

  it('settles call handles inside the queue at the reply time, and runs onDone there', () => {
    const sim = new Simulation({ seed: 1, latency: { fixedMs: 10, jitterMs: 0 } });
    sim.addNode('a');
    const c = sim.client('a');
    const call = c.call('PING');
    const seen: number[] = [];
    call.onDone(() => seen.push(sim.now()));
    expect(call.done).toBe(false);
    expect(() => call.value()).toThrow(SimCallError);
    sim.runFor(19);
    expect(call.done).toBe(false);
    sim.runFor(1);
    expect(call.done).toBe(true);
    expect(seen).toEqual([call.sentAt + 20]);
    expect(call.settledAt).toBe(call.sentAt + 20);
    let late = 0;
    call.onDone(() => late++);
    expect(late).toBe(1);
  });

  it('lets scenarios chain calls from callbacks at virtual times', () => {
    const sim = new Simulation({ seed: 3 });
    sim.addNode('a');
    const c = sim.client('a');
    const replies: string[] = [];
    sim.schedule(100, () => {
      c.call('ECHO', 'one').onDone((first) => {
        replies.push(`${sim.now()} ${String(first.plain())}`);
        c.call('ECHO', 'two').onDone((second) => replies.push(`${sim.now()} ${String(second.plain())}`));
      });
    });
    sim.runFor(200);
    const t0 = sim.now() - 200;
    expect(replies).toEqual([`${t0 + 102} one`, `${t0 + 104} two`]);
  });

  it('assigns ports from 6379 up unless given, and rejects clashes and bad names', () => {
    const sim = new Simulation({ seed: 1 });
    expect(sim.addNode('a').address).toBe('127.0.0.1:6379');
    expect(sim.addNode('b').address).toBe('127.0.0.1:6380');
    const c = sim.addNode('c', [['port', ['7000']]]);
    expect(c.address).toBe('127.0.0.1:7000');
    expect(c.node.config.get('port')).toBe('7000');
    expect(sim.node('b').node.config.get('port')).toBe('6380');
    expect(() => sim.addNode('d', [['port', ['7000']]])).toThrow(/7000/);
    expect(() => sim.addNode('a')).toThrow(/taken/);
    expect(() => sim.addNode('bad name')).toThrow(/endpoint name/);
    expect(() => sim.addNode('$x')).toThrow(/endpoint name/);
    expect(() => sim.addNode('e', [['no-such-directive', ['1']]])).toThrow(ConfigError);
    expect(() => sim.client('nope')).toThrow(/no-?ne|none/);
    expect(sim.nodes().map((n) => n.name)).toEqual(['a', 'b', 'c']);
  });

  it('throws SimulationTimeoutError when runUntil gives up, with the clock at the deadline', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a');
    const start = sim.now();
    expect(() => sim.runUntil(() => false, 500)).toThrow(SimulationTimeoutError);
    expect(sim.now()).toBe(start + 500);
    let flag = false;
    sim.schedule(30, () => (flag = true));
    sim.runUntil(() => flag, 500);
    expect(sim.now()).toBe(start + 530);
  });

  it('renders replies on one line for the log', () => {
    expect(formatReply({ t: 'array', items: [{ t: 'bulk', s: 'a\r\n' }, { t: 'nil' }, { t: 'int', n: 3 }] })).toBe(
      '["a\\r\\n", (nil), :3]',
    );
    expect(
      formatReply({
        t: 'map',
        items: [
          { t: 'bulk', s: 'k' },
          { t: 'bool', b: true },
        ],
      }),
    ).toBe('%{"k" => #t}');
    expect(formatReply({ t: 'bulk', s: 'x'.repeat(100) })).toMatch(/^"x{64}"\.\.\.\(100 bytes, fnv [0-9a-f]{8}\)$/);
  });
});

describe('Simulation faults', () => {
  it('crash resets connections and fails waiting calls; restart keeps storage minus unsynced data', () => {
    const sim = new Simulation({ seed: 9 });
    const a = sim.addNode('a');
    const c = sim.client('a');
    c.run('PING');
    const firstRunId = a.node.runId;
    a.storage.append('synced.aof', Buffer.from('kept'));
    a.storage.sync('synced.aof');
    a.storage.append('synced.aof', Buffer.from('+lost'));
    a.storage.append('never-synced.aof', Buffer.from('lost'));
    const waiting = c.call('PING');
    sim.crash('a');
    expect(a.state).toBe('crashed');
    expect(() => a.node).toThrow(/crashed/);
    sim.runFor(10);
    expect(waiting.failure).toBe('reset');
    expect(c.connected).toBe(false);
    expect(c.closeReason).toBe('reset');
    expect(c.call('PING').failure).toBe('disconnected');
    expect(a.storage.read('synced.aof')?.toString()).toBe('kept');
    expect(a.storage.exists('never-synced.aof')).toBe(false);
    const refused = sim.client('a');
    sim.runFor(10);
    expect(refused.closeReason).toBe('refused');

    sim.restart('a');
    expect(a.state).toBe('running');
    expect(a.incarnation).toBe(2);
    expect(a.node.runId).not.toBe(firstRunId);
    c.reconnect();
    expect(toPlain(c.run('ECHO', 'back'))).toBe('back');
    expect(() => sim.restart('a')).toThrow(/running/);
    expect(sim.eventLog.lines().some((l) => l.endsWith('[$sim] crash a'))).toBe(true);
  });

  it('stops the crashed process’s timers; the restarted one has its own', () => {
    const sim = new Simulation({ seed: 2 });
    const a = sim.addNode('a');
    let oldFired = 0;
    a.node.env.schedule(50, () => oldFired++);
    sim.crash('a');
    sim.runFor(100);
    expect(oldFired).toBe(0);
    sim.restart('a');
    let newFired = 0;
    a.node.env.schedule(50, () => newFired++);
    sim.runFor(100);
    expect(newFired).toBe(1);
  });

  it('a paused node processes nothing until resumed: no requests, no timers', () => {
    const sim = new Simulation({ seed: 4 });
    const a = sim.addNode('a');
    const c = sim.client('a');
    c.run('PING');
    let timerRuns = 0;
    a.node.env.schedule(100, () => timerRuns++);
    const cancelled = a.node.env.schedule(100, () => timerRuns++);
    sim.pause('a');
    expect(a.paused).toBe(true);
    const call = c.call('ECHO', 'later');
    sim.runFor(1000);
    expect(call.done).toBe(false);
    expect(timerRuns).toBe(0);
    cancelled.cancel();
    const resumedAt = sim.now();
    sim.resume('a');
    sim.runFor(0);
    expect(timerRuns).toBe(1);
    expect(call.done).toBe(false);
    sim.runUntil(() => call.done, 100);
    expect(call.plain()).toBe('later');
    expect(call.settledAt).toBe(resumedAt + 1);
  });

  it('a partition holds requests and replies until healed; other clients are unaffected', () => {
    const sim = new Simulation({ seed: 5 });
    sim.addNode('a');
    const cut = sim.client('a', { name: 'cut' });
    const ok = sim.client('a', { name: 'ok' });
    cut.run('PING');
    sim.partition('cut', 'a');
    const held = cut.call('ECHO', 'held');
    expect(toPlain(ok.run('ECHO', 'free'))).toBe('free');
    sim.runFor(5000);
    expect(held.done).toBe(false);
    expect(() => cut.run('PING')).toThrow(SimulationTimeoutError);
    expect(() => sim.partition('cutt', 'a')).toThrow(/node or client name/);
    sim.heal();
    sim.runUntil(() => held.done, 100);
    expect(held.plain()).toBe('held');
  });

  it('SHUTDOWN of the node (through its API) closes clients and stops listening until restarted', () => {
    const sim = new Simulation({ seed: 6 });
    const a = sim.addNode('a');
    const c = sim.client('a');
    c.run('PING');
    a.node.shutdown('nosave');
    expect(a.state).toBe('stopped');
    sim.runFor(5);
    expect(c.closeReason).toBe('closed');
    const late = sim.client('a');
    sim.runFor(5);
    expect(late.closeReason).toBe('refused');
    sim.restart('a');
    late.reconnect();
    expect(toPlain(late.run('PING'))).toBe('PONG');
  });
});

describe('SimClient reply routing', () => {
  /** A client of a scripted server that answers each request (by its first word) with fixed bytes. */
  function scripted(answers: Record<string, string>) {
    const queue = new EventQueue({ startTime: 0 });
    const network = new SimNetwork({ queue, rng: new Prng(1) });
    network.listen('srv', '127.0.0.1:6379', (end) => {
      end.onData = (chunk) => {
        const word = /\$\d+\r\n([^\r]*)/.exec(chunk.toString('latin1'))?.[1] ?? '';
        end.write(Buffer.from(answers[word] ?? '-ERR unscripted\r\n', 'latin1'));
      };
    });
    const client = new SimClient({ name: 'c', network, address: '127.0.0.1:6379', now: () => queue.now() });
    return { queue, client };
  }

  it('sends RESP3 pushes out of band and settles a subscribe with its confirmation push', () => {
    const { queue, client } = scripted({
      GET: '>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n$1\r\nv\r\n',
      SUBSCRIBE: '>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n',
      PING: '+PONG\r\n',
    });
    const get = client.call('GET', 'k');
    const sub = client.call('SUBSCRIBE', 'a', 'b');
    const ping = client.call('PING');
    queue.runFor(10);
    expect(get.plain()).toBe('v');
    expect(sub.plain()).toEqual(['subscribe', 'a', 1]);
    expect(ping.plain()).toBe('PONG');
    expect(client.pushes.map(formatReply)).toEqual(['>["invalidate", ["k"]]', '>["subscribe", "b", :2]']);
  });

  it('in RESP2, takes message arrays out of band once subscribed, and extra confirmations too', () => {
    const { queue, client } = scripted({
      LRANGE: '*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\ny\r\n',
      SUBSCRIBE:
        '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n' +
        '*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n',
      PING: '*2\r\n$4\r\npong\r\n$0\r\n\r\n',
    });
    // Before subscribing, an array that merely looks like a message is an ordinary reply.
    const lrange = client.call('LRANGE', 'l', '0', '-1');
    queue.runFor(10);
    expect(lrange.plain()).toEqual(['message', 'x', 'y']);
    expect(client.pushes).toEqual([]);
    const sub = client.call('SUBSCRIBE', 'a', 'b');
    const ping = client.call('PING');
    queue.runFor(10);
    expect(sub.plain()).toEqual(['subscribe', 'a', 1]);
    expect(ping.plain()).toEqual(['pong', '']);
    expect(client.pushes.map(formatReply)).toEqual(['["subscribe", "b", :2]', '["message", "a", "hi"]']);
  });
});
