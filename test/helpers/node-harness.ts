// Runs commands against one in-process node under the simulation runtime: no sockets, virtual time.
// The fastest way to unit-test a command family.

import { Config } from '../../src/node/config.js';
import type { ClientSession } from '../../src/node/client-session.js';
import type { Connection } from '../../src/node/connection.js';
import { RedisNode } from '../../src/node/node.js';
import { ReplyParser } from '../../src/protocol/reply-parser.js';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { EventQueue } from '../../src/sim/event-queue.js';
import { MemoryStorage } from '../../src/sim/memory-storage.js';
import { Prng } from '../../src/sim/prng.js';
import { createSimEnv } from '../../src/sim/sim-env.js';

/** A client of a harness node that records what the node sent it. */
export class HarnessClient {
  readonly session: ClientSession;
  private readonly parser = new ReplyParser();
  closed = false;

  constructor(node: RedisNode) {
    const conn: Connection = {
      write: (data) => this.parser.push(data),
      close: () => {
        this.closed = true;
      },
      remoteAddress: '127.0.0.1:50000',
      localAddress: '127.0.0.1:6379',
      isLocal: true,
    };
    this.session = node.connect(conn);
  }

  /** Sends one command and returns its raw reply (throws if the node answered nothing). */
  raw(...args: (string | number)[]): Reply {
    this.send(args.map(String));
    const reply = this.parser.next();
    if (reply === undefined) throw new Error(`no reply to ${args.join(' ')}`);
    return reply;
  }

  /** Sends one command and returns its reply as a plain value. */
  run(...args: (string | number)[]): PlainReply {
    return toPlain(this.raw(...args));
  }

  /** Sends a command without reading a reply. */
  send(args: readonly string[]): void {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`);
    this.session.receive(Buffer.from(parts.join(''), 'latin1'));
  }

  /** Sends raw bytes (for protocol tests). */
  sendBytes(data: Buffer | string): void {
    this.session.receive(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next reply already received, if any. */
  nextReply(): Reply | undefined {
    return this.parser.next();
  }
}

/** Options for a harness node. */
export interface HarnessOptions {
  seed?: number;
  directives?: readonly (readonly [string, readonly string[]])[];
  storage?: MemoryStorage;
}

/** One simulated node plus its clock. */
export class NodeHarness {
  readonly queue = new EventQueue();
  readonly node: RedisNode;
  readonly storage: MemoryStorage;
  private defaultClient: HarnessClient | null = null;

  constructor(options: HarnessOptions = {}) {
    const config = new Config();
    for (const [name, words] of options.directives ?? []) config.set(name, words, 'file');
    this.storage = options.storage ?? new MemoryStorage();
    const env = createSimEnv({
      queue: this.queue,
      rng: new Prng(options.seed ?? 1),
      storage: this.storage,
      name: 'node',
    });
    this.node = new RedisNode(env, config);
    this.node.start();
  }

  /** A new client connection. */
  client(): HarnessClient {
    return new HarnessClient(this.node);
  }

  /** Runs a command on the default client, returning a plain value. */
  run(...args: (string | number)[]): PlainReply {
    this.defaultClient ??= this.client();
    return this.defaultClient.run(...args);
  }

  /** Advances virtual time, running timers (cron, expiry, pauses). */
  advance(ms: number): void {
    this.queue.runFor(ms);
  }
}

/** A harness plus what its commands propagate (as handed to `node.propagate`) and the keyspace events they fire. */
export function recordingHarness(directives: HarnessOptions['directives'] = []): {
  h: NodeHarness;
  fed: string[][];
  events: string[];
} {
  const h = new NodeHarness({ directives });
  const fed: string[][] = [];
  const events: string[] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  const notify = h.node.notify.bind(h.node);
  h.node.notify = (cls, event, key, dbId) => {
    events.push(`${cls}:${event}:${key}`);
    notify(cls, event, key, dbId);
  };
  return { h, fed, events };
}
