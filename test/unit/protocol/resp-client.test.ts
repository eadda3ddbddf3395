import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReplyParseError, ReplyParser } from '../../../src/protocol/reply-parser.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import type { Reply } from '../../../src/protocol/reply.js';
import { RespClient } from '../../../src/protocol/resp-client.js';
import { Simulation } from '../../../src/sim/simulation.js';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { Prng } from '../../../src/sim/prng.js';
import { SimNetwork, type LinkEnd } from '../../../src/sim/sim-network.js';

/** A simulation with one node, and a RespClient from a second endpoint to it. */
function world() {
  const sim = new Simulation({ seed: 3 });
  const node = sim.addNode('a');
  const link = sim.network.connect('tester', node.address);
  return { sim, client: new RespClient(link) };
}

/** A bare network whose only listener answers with scripted bytes. */
function scripted(answer: (end: LinkEnd, chunk: Buffer) => void) {
  const queue = new EventQueue({ startTime: 0 });
  const net = new SimNetwork({ queue, rng: new Prng(1) });
  net.listen('srv', '10.0.0.1:1', (end) => (end.onData = (chunk) => answer(end, chunk)));
  return { queue, client: new RespClient(net.connect('cli', '10.0.0.1:1')) };
}

describe('RespClient', () => {
  it('matches pipelined replies to their callbacks in order', () => {
    const { sim, client } = world();
    const got: unknown[] = [];
    client.send(['SET', 'k', 'v'], (r) => got.push(toPlain(r!)));
    client.send(['GET', 'k'], (r) => got.push(toPlain(r!)));
    client.send(['NOSUCH'], (r) => got.push(toPlain(r!)));
    sim.runUntil(() => got.length === 3, 1000);
    expect(got[0]).toBe('OK');
    expect(got[1]).toBe('v');
    expect(got[2]).toEqual({ error: expect.stringContaining("unknown command 'NOSUCH'") });
    expect(client.pending).toBe(0);
  });

  it('fails waiting callbacks with null when the peer dies, then reports the close once', () => {
    const { sim, client } = world();
    const got: (Reply | null)[] = [];
    const closes: string[] = [];
    client.onClose = (reason) => closes.push(reason);
    client.send(['BLPOP', 'nokey', '0'], (r) => got.push(r));
    sim.runFor(2);
    sim.crash('a');
    sim.runFor(50);
    expect(got).toEqual([null]);
    expect(closes).toEqual(['reset']);
    const late: (Reply | null)[] = [];
    client.send(['PING'], (r) => late.push(r));
    expect(late).toEqual([null]);
  });

  it('reports a refused connection', () => {
    const sim = new Simulation({ seed: 1 });
    const client = new RespClient(sim.network.connect('tester', '127.0.0.1:1'));
    const got: (Reply | null)[] = [];
    let reason = '';
    client.onClose = (r) => (reason = r);
    client.send(['PING'], (r) => got.push(r));
    sim.runFor(10);
    expect(got).toEqual([null]);
    expect(reason).toBe('refused');
  });

  it('hands the bytes after a reply to raw mode, including those in the same chunk', () => {
    const { queue, client } = scripted((end) => end.write(Buffer.from('+FULLRESYNC abc 0\r\n$5\r\nREDIS*1\r\n')));
    const raw: string[] = [];
    client.send(['PSYNC', '?', '-1'], (r) => {
      expect(toPlain(r!)).toBe('FULLRESYNC abc 0');
      client.takeRaw((chunk) => raw.push(chunk.toString('latin1')));
    });
    queue.runFor(10);
    expect(raw.join('')).toBe('$5\r\nREDIS*1\r\n');
  });

  it('closes the link on a reply it cannot parse', () => {
    const { queue, client } = scripted((end) => end.write(Buffer.from('!garbage\r\n')));
    let reason = '';
    const got: (Reply | null)[] = [];
    client.onClose = (r) => (reason = r);
    client.send(['PING'], (r) => got.push(r));
    queue.runFor(10);
    expect(reason).toBe('protocol');
    expect(got).toEqual([null]);
  });

  it('passes replies that answer no request to onPush', () => {
    const { queue, client } = scripted((end) => end.write(Buffer.from('+OK\r\n>2\r\n$7\r\nmessage\r\n$1\r\nx\r\n')));
    const pushes: unknown[] = [];
    const got: unknown[] = [];
    client.onPush = (r) => pushes.push(toPlain(r));
    client.send(['X'], (r) => got.push(toPlain(r!)));
    queue.runFor(10);
    expect(got).toEqual(['OK']);
    expect(pushes).toEqual([['message', 'x']]);
  });
});

describe('ReplyParser on hostile bytes', () => {
  it('either parses, waits for more, or throws ReplyParseError, and always makes progress', () => {
    const token = fc.oneof(
      fc.constantFrom('+', '-', ':', '$', '*', '%', '~', '>', '!', '=', '(', ',', '#', '_', '\r\n', '\r', '\n'),
      fc.constantFrom('-1', '0', '1', '3', 'x', '99999999999', '-', '+5', 'abc'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        const parser = new ReplyParser();
        parser.push(Buffer.from(parts.join(''), 'latin1'));
        // Every successful next() consumes at least one token, so this many calls must reach the end.
        for (let i = 0; i <= parts.join('').length + 1; i++) {
          try {
            if (parser.next() === undefined) return;
          } catch (e) {
            expect(e).toBeInstanceOf(ReplyParseError);
            return;
          }
        }
        throw new Error('the parser kept returning replies without consuming input');
      }),
    );
  });
});
