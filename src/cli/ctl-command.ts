// `redis-sim ctl [--port N] <command…>`: the command-line front of a `redis-sim cluster` control port. It sends one
// `SIM <command…>` request (`nodes`, `kill 30001`, `partition 30001 '|' 30002 30003`, …) and prints the reply readably:
// one line per item, errors on standard error with exit code 1.

import { connect } from 'node:net';
import yargs from 'yargs';
import { ReplyParseError, ReplyParser } from '../protocol/reply-parser.js';
import { toPlain, type PlainReply } from '../protocol/reply-text.js';
import { encodeRequest } from '../protocol/request-encoder.js';
import type { Reply } from '../protocol/reply.js';
import { errorCode, strerror } from '../runtime/os-errors.js';
import { CliError, type CliCommand, type CliIo } from './cli-io.js';
import { parseCommand } from './parse-command.js';

/** The control port `redis-sim ctl` talks to by default: the one `redis-sim cluster` opens with its default ports. */
export const DEFAULT_CONTROL_PORT = 30000;

/** How long ctl waits for a reply (a restart loads the node's files first). */
const _REPLY_TIMEOUT_MS = 60_000;

/** The `ctl` command. */
export const ctlCommand: CliCommand = {
  name: 'ctl',
  usage: 'ctl [options..] [command..]',
  describe:
    'send a SIM command (nodes, kill, restart, pause, resume, partition, heal, latency) to a cluster or Sentinel group',
  run: runCtl,
};

/** Sends the command to the control port and prints the reply; resolves with 0, or 1 for an error reply. */
export async function runCtl(args: readonly string[], io: CliIo): Promise<number> {
  const parser = yargs([...args])
    .scriptName('redis-sim ctl')
    .usage(
      'Usage: redis-sim ctl [--port N] <command…>\n\n' +
        'Sends SIM <command…> to the control port of a running `redis-sim cluster` or `redis-sim sentinel`\n' +
        'and prints the reply.\n' +
        'Commands: nodes | kill <port> | restart <port> | pause <port> [ms] | resume <port> |\n' +
        "          partition <port…> '|' <port…> [...] | heal | latency <ms> [<port>] | help | ping",
    )
    .option('port', { type: 'string', default: String(DEFAULT_CONTROL_PORT), describe: 'the control port' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'the control port address (loopback)' })
    .parserConfiguration({ 'halt-at-non-option': true })
    .example('redis-sim ctl nodes', 'list the nodes with their roles and states')
    .example("redis-sim ctl partition 30001 '|' 30002 30003", 'cut 30001 off from 30002 and 30003');
  const argv = await parseCommand(parser, args, io);
  if (argv === null) return 0;
  const port = /^\d+$/.test(argv.port) ? Number(argv.port) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new CliError(`Expected \`--port\` to be a port in 1-65535, got \`${argv.port}\``, true);
  let words = argv._.map(String);
  if (words[0]?.toLowerCase() === 'sim') words = words.slice(1);
  if (words.length === 0) throw new CliError('Expected a command, e.g. `redis-sim ctl nodes`', true);
  const request = words[0]!.toLowerCase() === 'ping' ? words : ['SIM', ...words];
  const reply = await _request(argv.host, port, request);
  const plain = toPlain(reply);
  if (reply.t === 'error') {
    io.err(`redis-sim ctl: ${reply.s}\n`);
    return 1;
  }
  io.out(_readable(plain));
  return 0;
}

// --- internal ---

/** Sends one request and resolves with its reply; throws CliError when the port cannot be reached. */
function _request(host: string, port: number, args: readonly string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const parser = new ReplyParser();
    const fail = (text: string): void => {
      socket.destroy();
      reject(new CliError(text));
    };
    const timer = setTimeout(
      () => fail(`No reply from the control port ${host}:${port} within 60 s`),
      _REPLY_TIMEOUT_MS,
    );
    const done = (reply: Reply): void => {
      clearTimeout(timer);
      socket.end();
      resolve(reply);
    };
    socket.on('connect', () => socket.write(encodeRequest(args)));
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.push(chunk);
        const reply = parser.next();
        if (reply !== undefined) done(reply);
      } catch (e) {
        clearTimeout(timer);
        fail(`Unexpected bytes from ${host}:${port}: ${e instanceof ReplyParseError ? e.message : String(e)}`);
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      const why =
        errorCode(e) === 'ECONNREFUSED'
          ? 'Connection refused (is `redis-sim cluster` or `redis-sim sentinel` running? It prints its control port)'
          : strerror(e);
      fail(`Could not reach the control port ${host}:${port}: ${why}`);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new CliError(`The control port ${host}:${port} closed the connection without a reply`));
    });
  });
}

/** A reply as lines of text: arrays one item per line, nested arrays indented. */
function _readable(plain: PlainReply, indent = ''): string {
  if (Array.isArray(plain))
    return plain.map((item) => _readable(item, Array.isArray(item) ? `${indent}  ` : indent)).join('');
  if (plain === null) return `${indent}(nil)\n`;
  if (typeof plain === 'object') return `${indent}(error) ${plain.error}\n`;
  return `${indent}${String(plain)}\n`;
}
