// One client connection of `redis-sim cli`: send a command, then read replies one at a time, as hiredis's blocking
// context does for redis-cli (redisAppendCommandArgv + redisGetReply).

import { connect, type Socket } from 'node:net';
import { ReplyParseError, ReplyParser } from '../protocol/reply-parser.js';
import { encodeRequest } from '../protocol/request-encoder.js';
import type { Reply } from '../protocol/reply.js';
import { errorCode, strerror } from '../runtime/os-errors.js';

/** A connection that failed; `message` is hiredis's errstr ("Connection refused", "Server closed the connection"). */
export class CliConnectionError extends Error {
  override readonly name = 'CliConnectionError';
}

/** A connected socket with a reply queue. */
export class CliConnection {
  private readonly parser = new ReplyParser();
  private readonly replies: Reply[] = [];
  private waiter: (() => void) | null = null;
  private failure: CliConnectionError | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.push(chunk);
        for (let reply = this.parser.next(); reply !== undefined; reply = this.parser.next()) this.replies.push(reply);
      } catch (e) {
        this._fail(`Protocol error: ${e instanceof ReplyParseError ? e.message : String(e)}`);
        socket.destroy();
      }
      this._wake();
    });
    socket.on('error', (e) => this._fail(strerror(e)));
    socket.on('close', () => this._fail('Server closed the connection'));
  }

  /** Connects to `host:port`; rejects with hiredis's reason. */
  static open(host: string, port: number): Promise<CliConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      // An unknown host name fails in getaddrinfo, which hiredis reports with gai_strerror's text.
      const onError = (e: Error): void =>
        reject(new CliConnectionError(errorCode(e) === 'ENOTFOUND' ? 'Name or service not known' : strerror(e)));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new CliConnection(socket));
      });
    });
  }

  /** Sends one command. */
  send(args: readonly string[]): void {
    if (this.failure === null) this.socket.write(encodeRequest(args));
  }

  /** Writes raw bytes (`--pipe`); resolves once the socket can take more. */
  writeRaw(bytes: Buffer): Promise<void> {
    if (this.failure !== null || this.socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** The next reply; rejects once the connection has failed and no reply is left. */
  async read(): Promise<Reply> {
    for (;;) {
      const reply = this.replies.shift();
      if (reply !== undefined) return reply;
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Sends one command and reads its reply. */
  async call(args: readonly string[]): Promise<Reply> {
    this.send(args);
    return this.read();
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }

  private _fail(reason: string): void {
    this.failure ??= new CliConnectionError(reason);
    this._wake();
  }

  private _wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
