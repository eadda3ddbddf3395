// node-redis 4 and 5 (RESP2, and v5 with RESP3) against redis-sim and against real Redis.
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/servers.js';
import { CLIENT_TARGETS } from './targets.js';

/** The part of both majors' client API these tests use. */
interface Client {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  on(event: 'error', listener: (e: Error) => void): unknown;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  multi(): { set(key: string, value: string): unknown; exec(): Promise<unknown> };
  disconnect(): Promise<void>;
  destroy?(): void;
}

/** A client flavour: library major and protocol, and how it says goodbye. */
interface Flavour {
  readonly name: string;
  readonly resp: 2 | 3;
  create(port: number): Client;
  /** Closes gracefully (QUIT in v4; v5's close() waits for pending replies and closes). */
  quit(client: Client): Promise<unknown>;
}

// No reconnects: a server that drops the connection must fail the test, not loop.
const socket = (port: number) => ({ host: '127.0.0.1', port, reconnectStrategy: false as const });

const FLAVOURS: readonly Flavour[] = [
  {
    name: 'node-redis 4',
    resp: 2,
    create: (port) => createClient4({ socket: socket(port) }) as unknown as Client,
    quit: (client) => (client as unknown as ReturnType<typeof createClient4>).quit(),
  },
  {
    name: 'node-redis 5',
    resp: 2,
    create: (port) => createClient5({ socket: socket(port) }) as unknown as Client,
    quit: (client) => (client as unknown as ReturnType<typeof createClient5>).close(),
  },
  {
    name: 'node-redis 5 RESP3',
    resp: 3,
    create: (port) => createClient5({ socket: socket(port), RESP: 3 }) as unknown as Client,
    quit: (client) => (client as unknown as ReturnType<typeof createClient5>).close(),
  },
];

const CASES = CLIENT_TARGETS.flatMap((target) => FLAVOURS.map((flavour) => ({ target, flavour })));

describe.each(CASES)('$flavour.name against $target.name', ({ target, flavour }) => {
  let server: TestServer;
  let client: Client;
  const opened: Client[] = [];
  const errors: Error[] = [];

  /** Opens a client that afterAll closes. */
  async function connect(): Promise<Client> {
    const c = flavour.create(server.port);
    c.on('error', (e) => errors.push(e));
    opened.push(c);
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    server = await target.start();
    client = await connect();
  });
  afterAll(async () => {
    for (const c of opened) if (c.isReady) await c.disconnect();
    await server?.stop();
  });

  it('connects without errors, on the expected protocol', async () => {
    expect(client.isReady).toBe(true);
    expect(errors).toEqual([]);
    expect(await client.sendCommand(['CLIENT', 'INFO'])).toMatch(new RegExp(` resp=${flavour.resp}\\n$`));
  });

  it('sets and gets', async () => {
    expect(await client.set('nr:k', 'v')).toBe('OK');
    expect(await client.get('nr:k')).toBe('v');
    expect(await client.get('nr:missing')).toBeNull();
  });

  it('sends raw commands', async () => {
    expect(await client.sendCommand(['PING'])).toBe('PONG');
    expect(await client.sendCommand(['INCRBY', 'nr:n', '5'])).toBe(5);
    expect(await client.sendCommand(['MGET', 'nr:n', 'nr:missing'])).toEqual(['5', null]);
    await expect(client.sendCommand(['FOO', 'bar'])).rejects.toThrow(
      "ERR unknown command 'FOO', with args beginning with: 'bar' ",
    );
  });

  it('runs MULTI/EXEC', async () => {
    const multi = client.multi();
    multi.set('nr:m', 'x');
    (multi as unknown as { get(key: string): unknown }).get('nr:m');
    expect(await multi.exec()).toEqual(['OK', 'x']);
  });

  it('quits, and disconnects', async () => {
    const quitting = await connect();
    await flavour.quit(quitting);
    expect(quitting.isReady).toBe(false);
    const dropping = await connect();
    await dropping.disconnect();
    expect(dropping.isReady).toBe(false);
    expect(errors).toEqual([]);
  });
});
