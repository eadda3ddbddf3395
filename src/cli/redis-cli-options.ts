// The command line of `redis-sim cli`, read as redis-cli 7.0's parseOptions reads its own: options first, each
// matched exactly, the first word that is not an option starts the command, and an unknown option ends the run with
// redis-cli's message. Only the options `redis-sim cli` implements are accepted.

import type { CliOutput } from './reply-format.js';

/** What the options of one `redis-sim cli` run ask for. */
export interface RedisCliOptions {
  host: string;
  port: number;
  password: string | null;
  user: string | null;
  db: number;
  resp: 2 | 3 | null;
  output: CliOutput;
  cluster: boolean;
  /** `-e`: an error reply ends the run with exit code 1 (config.set_errcode). */
  exitOnError: boolean;
  noAuthWarning: boolean;
  /** `-x`: the last argument is read from standard input. */
  stdinLastArg: boolean;
  repeat: number;
  intervalMs: number;
  /** `--pipe`: standard input is raw protocol to send (pipeMode). */
  pipe: boolean;
  pipeTimeoutS: number;
  /** `--scan [--pattern p]`: lists keys with SCAN (scanMode). */
  scan: boolean;
  pattern: string | null;
  help: boolean;
  version: boolean;
  /** The command and its arguments. */
  command: string[];
}

/** A command line redis-cli itself refuses; `message` is its text (without the newline). */
export class RedisCliUsageError extends Error {
  override readonly name = 'RedisCliUsageError';
}

/** Parses `args` (the words after `cli`); `stdoutIsTty` picks the default output, as redis-cli's isatty check. */
export function parseRedisCliOptions(args: readonly string[], stdoutIsTty: boolean): RedisCliOptions {
  const options: RedisCliOptions = {
    host: '127.0.0.1',
    port: 6379,
    password: null,
    user: null,
    db: 0,
    resp: null,
    output: stdoutIsTty ? 'standard' : 'raw',
    cluster: false,
    exitOnError: false,
    noAuthWarning: false,
    stdinLastArg: false,
    repeat: 1,
    intervalMs: 0,
    pipe: false,
    pipeTimeoutS: 30,
    scan: false,
    pattern: null,
    help: false,
    version: false,
    command: [],
  };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    const hasValue = i < args.length - 1;
    const value = (): string => args[++i]!;
    if (arg === '-h' && hasValue) options.host = value();
    else if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg === '-p' && hasValue) options.port = _atoi(value());
    else if (arg === '-n' && hasValue) options.db = _atoi(value());
    else if ((arg === '-a' || arg === '--pass') && hasValue) options.password = value();
    else if (arg === '--user' && hasValue) options.user = value();
    else if (arg === '-r' && hasValue) options.repeat = _atoi(value());
    else if (arg === '-i' && hasValue) options.intervalMs = (Number.parseFloat(value()) || 0) * 1000;
    else if (arg === '-x') options.stdinLastArg = true;
    else if (arg === '--pipe') options.pipe = true;
    else if (arg === '--pipe-timeout' && hasValue) options.pipeTimeoutS = _atoi(value());
    else if (arg === '--scan') options.scan = true;
    else if (arg === '--pattern' && hasValue) options.pattern = value();
    else if (arg === '--no-auth-warning') options.noAuthWarning = true;
    else if (arg === '--raw') options.output = 'raw';
    else if (arg === '--no-raw') options.output = 'standard';
    else if (arg === '--csv') options.output = 'csv';
    else if (arg === '-c') options.cluster = true;
    else if (arg === '-e') options.exitOnError = true;
    else if (arg === '-2') options.resp = 2;
    else if (arg === '-3') options.resp = 3;
    else if (arg === '-v' || arg === '--version') options.version = true;
    else if (arg.startsWith('-'))
      throw new RedisCliUsageError(`Unrecognized option or bad number of args for: '${arg}'`);
    else break;
  }
  options.command = args.slice(i);
  return options;
}

/** The `--help` text: the options `redis-sim cli` has (a subset of redis-cli's, with the same meaning). */
export const REDIS_CLI_USAGE = `Usage: redis-sim cli [options] [command [arguments...]]
Sends a command to a server and prints the reply as redis-cli 7.0 prints it. Without a command, reads commands
line by line (a prompt on a terminal; \`N command\` repeats it; connect <host> <port>, clear, quit).

  -h <host>          server address (default 127.0.0.1)
  -p <port>          server port (default 6379)
  -a <password>      authenticate with AUTH <password>
  --pass <password>  the same as -a
  --user <name>      authenticate as this ACL user (with -a)
  --no-auth-warning  do not warn about a password given on the command line
  -n <db>            SELECT this database first
  -2, -3             speak RESP2 / RESP3 (HELLO 3)
  -c                 cluster mode: follow MOVED and ASK redirections
  -e                 exit with code 1 when the reply is an error
  -r <count>         send the command <count> times
  -i <seconds>       with -r, wait this long after each reply
  -x                 read the last argument from standard input
  --raw              print replies raw (the default when output is not a terminal)
  --no-raw           print replies formatted even when output is not a terminal
  --csv              print replies as CSV
  --pipe             send standard input (raw RESP) and count the replies
  --pipe-timeout <s> with --pipe, give up after this long without a reply (default 30; 0: never)
  --scan             list the keys with SCAN
  --pattern <glob>   with --scan, only the keys matching this pattern
  -v, --version      print the version
  --help             print this help

Not in redis-sim cli yet: command hints, completion and the history file of the prompt, and redis-cli's other
modes (--cluster, --stat, --latency, --bigkeys, ...); use Debian's redis-cli for those.

Examples:
  redis-sim cli -p 7000 CLUSTER INFO
  redis-sim cli -c -p 7000 SET foo bar
  redis-sim cli -r 100 INCR counter
`;

// --- internal ---

/** C's atoi: the leading integer of `s`, 0 when there is none. */
function _atoi(s: string): number {
  const match = /^\s*[+-]?\d+/.exec(s);
  return match === null ? 0 : Number.parseInt(match[0], 10);
}
