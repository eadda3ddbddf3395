// `redis-sim cli`: redis-cli for people who have none, one command or interactive. It connects (AUTH, SELECT, HELLO 3
// as redis-cli's cliConnect does), sends a command `-r` times, follows MOVED/ASK with `-c`, keeps reading for MONITOR
// and SUBSCRIBE, and prints every reply byte for byte as redis-cli 7.0 does (src/cli/reply-format.ts).

import { createInterface } from 'node:readline';
import { REDIS_VERSION } from '../node/version.js';
import { splitArgs } from '../protocol/split-args.js';
import type { Reply } from '../protocol/reply.js';
import { CliError, type CliCommand, type CliIo } from './cli-io.js';
import { CliConnection, CliConnectionError } from './cli-connection.js';
import {
  parseRedisCliOptions,
  REDIS_CLI_USAGE,
  RedisCliUsageError,
  type RedisCliOptions,
} from './redis-cli-options.js';
import { pipeMode, scanMode } from './redis-cli-modes.js';
import { formatCliReply } from './reply-format.js';

/** The `cli` command. */
export const redisCliCommand: CliCommand = {
  name: 'cli',
  usage: 'cli [options..] [command..]',
  describe: 'send one command to a server and print the reply as redis-cli does (-c follows redirections)',
  run: runRedisCli,
};

/** Runs one `redis-sim cli` command line; resolves with redis-cli's exit code. */
export async function runRedisCli(args: readonly string[], io: CliIo): Promise<number> {
  let options: RedisCliOptions;
  try {
    options = parseRedisCliOptions(args, io.stdoutIsTty === true || process.env['FAKETTY'] !== undefined);
  } catch (e) {
    if (!(e instanceof RedisCliUsageError)) throw e;
    io.err(`${e.message}\n`);
    return 1;
  }
  if (options.help) {
    io.out(REDIS_CLI_USAGE);
    return 0;
  }
  if (options.version) {
    io.out(`redis-sim cli ${REDIS_VERSION}\n`);
    return 0;
  }
  if (options.password !== null && !options.noAuthWarning) {
    io.err("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
  }
  if (options.pipe || options.scan) {
    const session = new _Session(options, io, false);
    try {
      const connection = await session.open();
      if (connection === null) return 1;
      if (options.pipe) return await pipeMode(connection, io, options.pipeTimeoutS);
      return await scanMode(connection, io, options);
    } finally {
      session.close();
    }
  }
  if (options.command.length === 0) return _repl(new _Session(options, io, true), io);
  // Command-line words are UTF-8; the protocol layer speaks bytes as latin1 strings.
  const command = options.command.map((word) => Buffer.from(word, 'utf8').toString('latin1'));
  if (options.stdinLastArg) command.push((await io.readStdin?.()) ?? '');
  const session = new _Session(options, io, false);
  try {
    return await session.issue(command, options.repeat);
  } finally {
    session.close();
  }
}

// --- internal ---

/** Commands whose replies redis-cli prints raw even in the formatted mode (cliSendCommand's output_raw). */
function _printsRaw(command: readonly string[]): boolean {
  const [name = '', sub = ''] = command.map((w) => w.toLowerCase());
  const argc = command.length;
  if (name === 'info' || name === 'lolwut') return true;
  if (argc >= 2 && name === 'debug' && ['htstats', 'htstats-key', 'client-eviction'].includes(sub)) return true;
  if (argc >= 2 && name === 'memory' && (sub === 'malloc-stats' || sub === 'doctor')) return true;
  if (argc === 2 && name === 'cluster' && (sub === 'nodes' || sub === 'info')) return true;
  if (argc >= 2 && name === 'client' && (sub === 'list' || sub === 'info')) return true;
  if (argc === 3 && name === 'latency' && sub === 'graph') return true;
  if (argc === 2 && name === 'latency' && sub === 'doctor') return true;
  return false;
}

/**
 * The interactive mode (repl): a prompt on a terminal (`127.0.0.1:6379[1](TX)> `, `not connected> `), plain lines
 * otherwise; `N command` repeats, quit/exit, connect <host> <port>, clear; replies of 0.5 s or more are timed.
 */
async function _repl(session: _Session, io: CliIo): Promise<number> {
  if (io.stdin === undefined) throw new CliError('the interactive mode needs standard input', true);
  const terminal = io.stdinIsTty === true;
  const lines = createInterface({ input: io.stdin, output: terminal ? process.stdout : undefined, terminal });
  lines.on('SIGINT', () => lines.close());
  // The iterator buffers lines from now on: lines read while the connection opens are not lost.
  const input = lines[Symbol.asyncIterator]();
  await session.connect();
  try {
    if (terminal) {
      lines.setPrompt(session.prompt());
      lines.prompt();
    }
    for (let next = await input.next(); next.done !== true; next = await input.next()) {
      const text = next.value;
      await _replLine(session, io, Buffer.from(text, 'utf8').toString('latin1'));
      if (session.quit) break;
      if (terminal) {
        lines.setPrompt(session.prompt());
        lines.prompt();
      }
    }
  } finally {
    lines.close();
    session.close();
  }
  return 0;
}

/** One line typed at the prompt (repl's loop body). */
async function _replLine(session: _Session, io: CliIo, line: string): Promise<void> {
  if (line === '') return;
  const words = splitArgs(line);
  if (words === null) {
    io.out('Invalid argument(s)\n');
    return;
  }
  if (words.length === 0) return;
  let repeat = 1;
  if (words.length > 1 && /^[+-]?\d+$/.test(words[0]!)) {
    repeat = Number(words.shift());
    if (!(repeat > 0 && repeat <= Number.MAX_SAFE_INTEGER)) {
      io.out('Invalid redis-cli repeat command option value.\n');
      return;
    }
  }
  const name = words[0]!.toLowerCase();
  if (name === 'quit' || name === 'exit') {
    session.quit = true;
  } else if (name === 'connect' && words.length === 3) {
    session.moveTo(words[1]!, Number.parseInt(words[2]!, 10) || 0);
    await session.connect();
  } else if (name === 'clear' && words.length === 1) {
    io.out('\x1b[H\x1b[2J');
  } else {
    const started = Date.now();
    await session.issue(words, repeat);
    const elapsed = Date.now() - started;
    if (elapsed >= 500 && session.output === 'standard') io.out(`(${(elapsed / 1000).toFixed(2)}s)\n`);
  }
}

/** The connection (replaced on a redirection) and the state the prompt shows. */
class _Session {
  /** Set by quit/exit. */
  quit = false;
  private connection: CliConnection | null = null;
  private host: string;
  private port: number;
  private db = 0;
  private inMulti = false;
  private dbBeforeMulti = 0;
  private asking = false;

  constructor(
    private readonly options: RedisCliOptions,
    private readonly io: CliIo,
    private readonly interactive: boolean,
  ) {
    this.host = options.host;
    this.port = options.port;
  }

  get output(): RedisCliOptions['output'] {
    return this.options.output;
  }

  /** The prompt (cliRefreshPrompt). */
  prompt(): string {
    if (this.connection === null) return 'not connected> ';
    const address = this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
    return `${address}${this.db !== 0 ? `[${this.db}]` : ''}${this.inMulti ? '(TX)' : ''}> `;
  }

  /** Points the session at another server (the `connect` line); the old connection is dropped. */
  moveTo(host: string, port: number): void {
    this.close();
    this.host = host;
    this.port = port;
  }

  /** Sends `command` `repeat` times (a negative repeat: forever) and prints the replies; resolves with the exit code. */
  async issue(command: readonly string[], repeat: number): Promise<number> {
    const name = command[0]!.toLowerCase();
    const rawStrings = _printsRaw(command);
    const streaming = name === 'monitor' || name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe';
    for (let sent = 0; repeat < 0 || sent < repeat;) {
      if (this.connection === null && !(await this.connect())) return 1;
      const connection = this.connection!;
      let reply: Reply;
      try {
        if (this.asking) {
          this.asking = false;
          const answer = await connection.call(['ASKING']);
          if (answer.t === 'error') {
            this.io.err(`ASKING failed: ${answer.s}\n`);
            return 1;
          }
        }
        connection.send(command);
        if (streaming && name !== 'monitor' && this.options.output !== 'raw') {
          this.io.out('Reading messages... (press Ctrl-C to quit)\n');
        }
        reply = await connection.read();
      } catch (e) {
        if (!(e instanceof CliConnectionError)) throw e;
        this.close();
        // SHUTDOWN closes the connection on success: that is its answer.
        if (name === 'shutdown') return 0;
        this.io.err(`Error: ${e.message}\n`);
        return 1;
      }
      const redirect =
        this.options.cluster && reply.t === 'error' ? /^(MOVED|ASK) (\d+) (.+):(\d+)$/.exec(reply.s) : null;
      if (redirect !== null) {
        // Reissue at the node named (cliReadReply); a redirection does not count as a repeat.
        this.moveTo(redirect[3]!, Number(redirect[4]));
        this.asking = redirect[1] === 'ASK';
        if (this.interactive) {
          this.io.out(`-> Redirected to slot [${redirect[2]}] located at ${this.host}:${this.port}\n`);
        }
        continue;
      }
      if (reply.t === 'error' && this.options.exitOnError && !this.interactive) {
        this.io.err(`${reply.s}\n`);
        return 1;
      }
      this._print(reply, rawStrings);
      this._track(command, reply);
      if (streaming && reply.t !== 'error') return this._stream(connection, rawStrings);
      sent++;
      if (this.options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
    return 0;
  }

  /** Connects and sets the session up (cliConnect); false after printing why it could not connect. */
  async connect(): Promise<boolean> {
    let connection: CliConnection;
    try {
      connection = await CliConnection.open(this.host, this.port);
    } catch (e) {
      if (!(e instanceof CliConnectionError)) throw e;
      this.io.err(`Could not connect to Redis at ${this.host}:${this.port}: ${e.message}\n`);
      return false;
    }
    this.connection = connection;
    const { password, user, resp } = this.options;
    const db = this.interactive ? this.db || this.options.db : this.options.db;
    try {
      // A failed step is reported and the command is still sent, as redis-cli does (the server then answers it).
      if (password !== null) {
        const auth = await connection.call(user === null ? ['AUTH', password] : ['AUTH', user, password]);
        if (auth.t === 'error') {
          this.io.err(`AUTH failed: ${auth.s}\n`);
          return true;
        }
      }
      if (db !== 0) {
        const selected = await connection.call(['SELECT', String(db)]);
        if (selected.t === 'error') {
          this.io.err(`SELECT ${db} failed: ${selected.s}\n`);
          return true;
        }
        this.db = db;
      }
      if (resp === 3) {
        const hello = await connection.call(['HELLO', '3']);
        if (hello.t === 'error') this.io.err(`HELLO 3 failed: ${hello.s}\n`);
      }
    } catch (e) {
      if (!(e instanceof CliConnectionError)) throw e;
      this.close();
      this.io.err(`Error: ${e.message}\n`);
      return false;
    }
    return true;
  }

  /** Connects (cliConnect) and returns the connection; null after printing why it could not connect. */
  async open(): Promise<CliConnection | null> {
    return (await this.connect()) ? this.connection : null;
  }

  close(): void {
    this.connection?.close();
    this.connection = null;
  }

  /** MONITOR and SUBSCRIBE: prints every further reply until the connection ends. */
  private async _stream(connection: CliConnection, rawStrings: boolean): Promise<number> {
    for (;;) {
      let reply: Reply;
      try {
        reply = await connection.read();
      } catch (e) {
        if (!(e instanceof CliConnectionError)) throw e;
        this.close();
        this.io.err(`Error: ${e.message}\n`);
        return 1;
      }
      this._print(reply, rawStrings);
    }
  }

  /** Keeps the prompt's database and transaction state (cliSendCommand after a reply). */
  private _track(command: readonly string[], reply: Reply): void {
    const name = command[0]!.toLowerCase();
    const ok = reply.t !== 'error';
    if (name === 'select' && command.length === 2 && ok) {
      this.db = Number.parseInt(command[1]!, 10) || 0;
    } else if (name === 'multi' && command.length === 1 && ok) {
      this.inMulti = true;
      this.dbBeforeMulti = this.db;
    } else if (name === 'exec' && command.length === 1 && this.inMulti) {
      this.inMulti = false;
      if (reply.t === 'error' || reply.t === 'nil' || reply.t === 'nilarray') this.db = this.dbBeforeMulti;
    } else if (name === 'discard' && command.length === 1 && ok) {
      this.inMulti = false;
      this.db = this.dbBeforeMulti;
    } else if (name === 'reset' && command.length === 1 && ok) {
      this.inMulti = false;
      this.db = 0;
    }
  }

  private _print(reply: Reply, rawStrings: boolean): void {
    const text = formatCliReply(reply, this.options.output, rawStrings);
    if (this.io.outBytes !== undefined) this.io.outBytes(Buffer.from(text, 'latin1'));
    else this.io.out(text);
  }
}
