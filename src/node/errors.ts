// Every Redis-visible error text the node sends, built in one place. Texts are Redis 7.0.15's, observed or read.

import { error, type ErrorReply } from '../protocol/reply.js';

/** Thrown by argument parsers and helpers deep inside a command; dispatch turns it into its error reply. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly reply: ErrorReply) {
    super(reply.s);
  }
}

/** Throws the given error reply from inside a command handler. */
export function fail(reply: ErrorReply): never {
  throw new CommandError(reply);
}

/** Formats up to 128 bytes of arguments the way Redis quotes them in unknown-command errors (processCommand). */
function _quotedArgs(args: readonly string[]): string {
  let out = '';
  for (let i = 1; i < args.length && out.length < 128; i++) out += `'${_cString(args[i]!, 128 - out.length)}' `;
  return out;
}

/**
 * An argument as Redis's `%.Ns` prints it (commandCheckExistence, addReplySubcommandSyntaxError): a C string, so it
 * ends at its first NUL byte, and at most `max` bytes of it.
 */
function _cString(s: string, max = Infinity): string {
  const nul = s.indexOf('\0');
  const end = nul === -1 ? max : Math.min(nul, max);
  return end >= s.length ? s : s.slice(0, end);
}

/** The Redis error replies, by meaning. */
export const Errors = {
  syntax: () => error('ERR syntax error'),
  notInteger: () => error('ERR value is not an integer or out of range'),
  notFloat: () => error('ERR value is not a valid float'),
  wrongType: () => error('WRONGTYPE Operation against a key holding the wrong kind of value'),
  noSuchKey: () => error('ERR no such key'),
  outOfRange: (what = 'index') => error(`ERR ${what} out of range`),
  overflow: () => error('ERR increment or decrement would overflow'),
  wrongArity: (name: string) => error(`ERR wrong number of arguments for '${name}' command`),
  unknownCommand: (args: readonly string[]) =>
    error(`ERR unknown command '${_cString(args[0]!, 128)}', with args beginning with: ${_quotedArgs(args)}`),
  unknownSubcommand: (container: string, sub: string) =>
    error(`ERR unknown subcommand '${_cString(sub, 128)}'. Try ${_cString(container).toUpperCase()} HELP.`),
  subcommandSyntax: (args: readonly string[]) =>
    error(
      `ERR unknown subcommand or wrong number of arguments for '${_cString(args[1]!, 128)}'. Try ${_cString(args[0]!).toUpperCase()} HELP.`,
    ),
  noAuth: () => error('NOAUTH Authentication required.'),
  wrongPass: () => error('WRONGPASS invalid username-password pair or user is disabled.'),
  authNotConfigured: () =>
    error(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    ),
  invalidDb: () => error('ERR DB index is out of range'),
  selectNotInteger: () => error('ERR value is not an integer or out of range'),
  invalidExpire: (name: string) => error(`ERR invalid expire time in '${name}' command`),
  timeoutNotFloat: () => error('ERR timeout is not a float or out of range'),
  timeoutNegative: () => error('ERR timeout is negative'),
  bitOffset: () => error('ERR bit offset is not an integer or out of range'),
  bitValue: () => error('ERR bit is not an integer or out of range'),
  stringTooLong: () => error('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  offsetOutOfRange: () => error('ERR offset is out of range'),
  decrementOverflow: () => error('ERR decrement would overflow'),
  floatNanOrInfinity: () => error('ERR increment would produce NaN or Infinity'),
  lcsNotStrings: () => error('ERR The specified keys must contain string values'),
  lcsLenAndIdx: () => error('ERR If you want both the length and indexes, please just use IDX.'),
  lcsTooLong: () => error('ERR String too long for LCS'),
  lcsMemory: () => error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  bitArgument: () => error('ERR The bit argument must be 1 or 0.'),
  bitopNotSingleKey: () => error('ERR BITOP NOT must be called with a single source key.'),
  bitfieldType: () =>
    error('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.'),
  bitfieldOverflowType: () => error('ERR Invalid OVERFLOW type specified'),
  bitfieldRoWrite: () => error('ERR BITFIELD_RO only supports the GET subcommand'),
  nestedMulti: () => error('ERR MULTI calls can not be nested'),
  execWithoutMulti: () => error('ERR EXEC without MULTI'),
  discardWithoutMulti: () => error('ERR DISCARD without MULTI'),
  watchInMulti: () => error('ERR WATCH inside MULTI is not allowed'),
  execAbort: () => error('EXECABORT Transaction discarded because of previous errors.'),
  notAllowedInMulti: () => error('ERR Command not allowed inside a transaction'),
  debugDisabled: () =>
    error(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a ' +
        'local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    ),
  protectedConfig: (name: string) =>
    error(`ERR CONFIG SET failed (possibly related to argument '${name}') - can't set protected config`),
  configSetFailed: (name: string, reason: string) =>
    error(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`),
  configUnknownOption: (name: string) => error(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`),
  noConfigFile: () => error('ERR The server is running without a config file'),
  configRewriteFailed: (reason: string) => error(`ERR Rewriting config file: ${reason}`),
  protectedMode: () =>
    error(
      'DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the ' +
        'default user. In this mode connections are only accepted from the loopback interface. If you want to connect ' +
        'from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode ' +
        "sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the " +
        'same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do ' +
        'so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected ' +
        "mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then " +
        "restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' " +
        'option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the ' +
        'above things in order for the server to start accepting connections from the outside.',
    ),
} as const;
