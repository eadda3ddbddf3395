// `redis-sim cli`: redis-cli's one-command mode for people who have no redis-cli. It connects (AUTH, SELECT, HELLO 3
// as redis-cli's cliConnect does), sends the command `-r` times, follows MOVED/ASK with `-c`, keeps reading for
// MONITOR and SUBSCRIBE, and prints every reply byte for byte as redis-cli 7.0 does (src/cli/reply-format.ts).

import { REDIS_VERSION } from '../node/version.js';
import type { Reply } from '../protocol/reply.js';
import { CliError, type CliCommand, type CliIo } from './cli-io.js';
import { CliConnection, CliConnectionError } from './cli-connection.js';
import {
  parseRedisCliOptions,
  REDIS_CLI_USAGE,
  RedisCliUsageError,
  type RedisCliOptions,
} from './redis-cli-options.js';
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
  if (options.command.length === 0) {
    throw new CliError('a command is required, e.g. `redis-sim cli -p 6379 PING` (no interactive mode yet)', true);
  }
  if (options.password !== null && !options.noAuthWarning) {
    io.err("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
  }
  // Command-line words are UTF-8; the protocol layer speaks bytes as latin1 strings.
  const command = options.command.map((word) => Buffer.from(word, 'utf8').toString('latin1'));
  if (options.stdinLastArg) command.push((await io.readStdin?.()) ?? '');
  return new _Session(options, io).run(command);
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

/** One run: the connection (replaced on a redirection) and where the command goes. */
class _Session {
  private connection: CliConnection | null = null;
  private host: string;
  private port: number;

  constructor(
    private readonly options: RedisCliOptions,
    private readonly io: CliIo,
  ) {
    this.host = options.host;
    this.port = options.port;
  }

  async run(command: readonly string[]): Promise<number> {
    try {
      return await this._run(command);
    } finally {
      this.connection?.close();
    }
  }

  private async _run(command: readonly string[]): Promise<number> {
    const name = command[0]!.toLowerCase();
    const rawStrings = _printsRaw(command);
    const streaming = name === 'monitor' || name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe';
    let asking = false;
    for (let sent = 0; this.options.repeat < 0 || sent < this.options.repeat;) {
      if (this.connection === null && !(await this._connect())) return 1;
      const connection = this.connection!;
      let reply: Reply;
      try {
        if (asking) {
          asking = false;
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
        // SHUTDOWN closes the connection on success: that is its answer.
        if (name === 'shutdown') return 0;
        this.io.err(`Error: ${e.message}\n`);
        return 1;
      }
      const redirect =
        this.options.cluster && reply.t === 'error' ? /^(MOVED|ASK) \d+ (.+):(\d+)$/.exec(reply.s) : null;
      if (redirect !== null) {
        // Reissue at the node named (cliReadReply); a redirection does not count as a repeat.
        connection.close();
        this.connection = null;
        this.host = redirect[2]!;
        this.port = Number(redirect[3]);
        asking = redirect[1] === 'ASK';
        continue;
      }
      if (reply.t === 'error' && this.options.exitOnError) {
        this.io.err(`${reply.s}\n`);
        return 1;
      }
      this._print(reply, rawStrings);
      if (streaming && reply.t !== 'error') return this._stream(connection, rawStrings);
      sent++;
      if (this.options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
    return 0;
  }

  /** MONITOR and SUBSCRIBE: prints every further reply until the connection ends. */
  private async _stream(connection: CliConnection, rawStrings: boolean): Promise<number> {
    for (;;) {
      let reply: Reply;
      try {
        reply = await connection.read();
      } catch (e) {
        if (!(e instanceof CliConnectionError)) throw e;
        this.io.err(`Error: ${e.message}\n`);
        return 1;
      }
      this._print(reply, rawStrings);
    }
  }

  /** Connects and sets the session up (cliConnect); false after printing why it could not connect. */
  private async _connect(): Promise<boolean> {
    let connection: CliConnection;
    try {
      connection = await CliConnection.open(this.host, this.port);
    } catch (e) {
      if (!(e instanceof CliConnectionError)) throw e;
      this.io.err(`Could not connect to Redis at ${this.host}:${this.port}: ${e.message}\n`);
      return false;
    }
    this.connection = connection;
    const { password, user, db, resp } = this.options;
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
      }
      if (resp === 3) {
        const hello = await connection.call(['HELLO', '3']);
        if (hello.t === 'error') this.io.err(`HELLO 3 failed: ${hello.s}\n`);
      }
    } catch (e) {
      if (!(e instanceof CliConnectionError)) throw e;
      this.io.err(`Error: ${e.message}\n`);
      return false;
    }
    return true;
  }

  private _print(reply: Reply, rawStrings: boolean): void {
    const text = formatCliReply(reply, this.options.output, rawStrings);
    if (this.io.outBytes !== undefined) this.io.outBytes(Buffer.from(text, 'latin1'));
    else this.io.out(text);
  }
}
