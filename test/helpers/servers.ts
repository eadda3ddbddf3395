// Starts servers for integration tests on ephemeral ports — redis-sim in-process or as a `redis-sim server`
// process, and real redis-server as the oracle — and a minimal RESP client to talk to them.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReplyParser } from '../../src/protocol/reply-parser.js';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { startServerHost, type ServerHost } from '../../src/runtime/server-host.js';

/** The built CLI entry point (tests run after `npm run build`). */
export const CLI_PATH = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** A running server under test. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Its data directory. */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Returns a TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Makes a temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'redis-sim-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts redis-sim in this process on an ephemeral port. */
export async function startSimServer(
  directives: readonly (readonly [string, readonly string[]])[] = [],
): Promise<TestServer & { host: string; server: ServerHost }> {
  const { dir, cleanup } = tempDir();
  const server = await startServerHost({
    directives: [['port', ['0']], ['dir', [dir]], ['save', ['']], ...directives],
    logSink: () => {},
  });
  return {
    host: '127.0.0.1',
    port: server.port,
    dir,
    server,
    async stop() {
      await server.stop('nosave');
      cleanup();
    },
  };
}

/** A child process server (real redis-server, or `redis-sim server`). */
export interface ProcessServer extends TestServer {
  readonly process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
}

/** Starts a server process with `args` plus `--port <free>` and waits until it answers PING. */
export async function startProcessServer(
  command: string,
  args: readonly string[],
  options: { dir?: string; port?: number } = {},
): Promise<ProcessServer> {
  const port = options.port ?? (await freePort());
  const own = options.dir === undefined ? tempDir() : null;
  const dir = options.dir ?? own!.dir;
  const child = spawn(command, [...args, '--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const server: ProcessServer = {
    host: '127.0.0.1',
    port,
    dir,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      own?.cleanup();
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${command} exited early: ${output}`);
        // With requirepass, PING answers NOAUTH: the server is up all the same.
        const pong = await tryPing(port);
        return pong === 'PONG' || (pong?.startsWith('NOAUTH ') ?? false);
      },
      { timeoutMs: 10_000, message: `${command} did not start` },
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** Starts real Redis 7.0.15 (the oracle) with no persistence. */
export function startRealRedis(extraArgs: readonly string[] = []): Promise<ProcessServer> {
  return startProcessServer('redis-server', ['--save', '', '--appendonly', 'no', ...extraArgs]);
}

/** Starts a real cluster-enabled Redis: nodes.conf in its own directory, an ephemeral bus port (`cluster-port`). */
export async function startRealClusterRedis(
  extraArgs: readonly string[] = [],
): Promise<ProcessServer & { readonly busPort: number }> {
  const busPort = await freePort();
  const server = await startRealRedis(['--cluster-enabled', 'yes', '--cluster-port', String(busPort), ...extraArgs]);
  return Object.assign(server, { busPort });
}

/** Starts `redis-sim server` as a separate process. */
export function startSimProcess(
  extraArgs: readonly string[] = [],
  options: { dir?: string; port?: number } = {},
): Promise<ProcessServer> {
  // A config file must come first, as with redis-server; the options then override it.
  const file = extraArgs[0] !== undefined && !extraArgs[0].startsWith('-') ? extraArgs.slice(0, 1) : [];
  const rest = extraArgs.slice(file.length);
  return startProcessServer(process.execPath, [CLI_PATH, 'server', ...file, '--save', '', ...rest], options);
}

/** Polls `condition` until it returns true, failing with `message` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 25, message = 'condition not met' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`waitFor timed out: ${message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A minimal RESP client for tests: sends commands, returns parsed replies in order. */
export class RespClient {
  private readonly parser = new ReplyParser();
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  /** Replies that arrived with no call waiting (pushes, or replies to bytes written raw), oldest first. */
  private readonly unsolicited: Reply[] = [];
  private readonly unsolicitedWaiters: ((r: Reply) => void)[] = [];
  private readonly closedPromise: Promise<void>;
  private rawListeners: ((d: Buffer) => void)[] = [];
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const l of this.rawListeners) l(chunk);
      this.parser.push(chunk);
      for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) {
        const call = this.waiting.shift();
        if (call) call.resolve(r);
        else {
          const waiter = this.unsolicitedWaiters.shift();
          if (waiter) waiter(r);
          else this.unsolicited.push(r);
        }
      }
    });
    this.closedPromise = new Promise((r) =>
      socket.once('close', () => {
        this.isClosed = true;
        for (const call of this.waiting.splice(0)) call.reject(new Error('connection closed before the reply'));
        r();
      }),
    );
    socket.on('error', () => {});
  }

  /** Connects to a server. */
  static async connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    const socket = connect(port, host);
    await new Promise<void>((r, j) => {
      socket.once('connect', () => r());
      socket.once('error', j);
    });
    return new RespClient(socket);
  }

  /** Sends a command and resolves with its raw reply. */
  call(...args: (string | number)[]): Promise<Reply> {
    const parts = [`*${args.length}\r\n`];
    for (const a of args.map(String)) parts.push(`$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`);
    return this.callRaw(Buffer.from(parts.join(''), 'latin1'));
  }

  /** Sends a command and resolves with its reply as a plain value. */
  async run(...args: (string | number)[]): Promise<PlainReply> {
    return toPlain(await this.call(...args));
  }

  /** Sends raw bytes and resolves with the next reply. */
  callRaw(data: Buffer | string): Promise<Reply> {
    if (this.isClosed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(data);
    });
  }

  /** Resolves with the oldest reply that arrived with no call waiting for it (a push), waiting for one if needed. */
  nextUnsolicited(): Promise<Reply> {
    const queued = this.unsolicited.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.unsolicitedWaiters.push(resolve));
  }

  /** Sends raw bytes and collects every byte received until the server closes or `ms` pass. */
  async exchangeRaw(data: Buffer | string, ms = 500): Promise<Buffer> {
    const chunks: Buffer[] = [];
    this.rawListeners.push((d) => chunks.push(d));
    this.socket.write(data);
    await Promise.race([this.closedPromise, new Promise((r) => setTimeout(r, ms))]);
    return Buffer.concat(chunks);
  }

  /** Resolves when the server closes the connection. */
  closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closedPromise;
  }
}

/** Clients a test file opens, closed together in `afterAll`. */
export class ClientPool {
  private readonly open: RespClient[] = [];

  /** Connects to a server and remembers the client. */
  async connect(server: { port: number }): Promise<RespClient> {
    const client = await RespClient.connect(server.port);
    this.open.push(client);
    return client;
  }

  /** Closes every client opened so far. */
  async closeAll(): Promise<void> {
    for (const client of this.open.splice(0)) await client.close();
  }
}

/** PINGs a port once; resolves with the status or error text of the reply, or null. */
async function tryPing(port: number): Promise<string | null> {
  let client: RespClient | null = null;
  try {
    client = await RespClient.connect(port);
    const reply = await Promise.race([client.call('PING'), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
    return reply !== null && (reply.t === 'simple' || reply.t === 'error') ? reply.s : null;
  } catch {
    return null;
  } finally {
    await client?.close();
  }
}
