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
  migrateKeysNeedEmptyKey: () =>
    error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string'),
  migrateConnect: () => error('IOERR error or timeout connecting to the client'),
  migrateIo: (what: 'reading' | 'writing') => error(`IOERR error or timeout ${what} to target instance`),
  /** The target's error line as Redis read it into a 1024-byte buffer: at most 1022 bytes after the '-'. */
  migrateTargetError: (text: string) => error(`ERR Target instance replied with error: ${text.slice(0, 1022)}`),
  /** redis-sim's own: Redis stops the whole server inside EXEC until the target answers; we cannot wait there. */
  migrateInTransaction: () =>
    error('ERR MIGRATE cannot wait for its target inside MULTI/EXEC in redis-sim; send it outside the transaction'),
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
  // --- replication (replication.c, server.c) ---
  readonlyReplica: () => error("READONLY You can't write against a read only replica."),
  noGoodReplicas: () => error('NOREPLICAS Not enough good replicas to write.'),
  masterDown: () => error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
  replicaofInCluster: () => error('ERR REPLICAOF not allowed in cluster mode.'),
  replicaofWhileFailingOver: () => error('ERR REPLICAOF not allowed while failing over.'),
  commandInvalidForReplica: () => error('ERR Command is not valid when client is a replica.'),
  invalidMasterPort: () => error('ERR Invalid master port'),
  waitOnReplica: () =>
    error(
      'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is ' +
        'configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
    ),
  waitTimeoutNotInteger: () => error('ERR timeout is not an integer or out of range'),
  unblockedByRoleChange: () =>
    error('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)'),
  syncWithoutMasterLink: () => error("NOMASTERLINK Can't SYNC while not connected with my master"),
  psyncFailoverToMaster: () => error("ERR PSYNC FAILOVER can't be sent to a master."),
  psyncFailoverReplid: () => error('ERR PSYNC FAILOVER replid must match my replid.'),
  syncWhileFailingOver: () => error("NOMASTERLINK Can't SYNC while failing over"),
  // --- FAILOVER (replication.c failoverCommand) ---
  failoverInCluster: () => error('ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.'),
  noFailoverInProgress: () => error('ERR No failover in progress.'),
  failoverTimeoutNotPositive: () => error('ERR FAILOVER timeout must be greater than 0'),
  failoverAlreadyInProgress: () => error('ERR FAILOVER already in progress.'),
  failoverOnReplica: () => error('ERR FAILOVER is not valid when server is a replica.'),
  failoverWithoutReplicas: () => error('ERR FAILOVER requires connected replicas.'),
  failoverForceNeedsTimeoutAndTarget: () =>
    error('ERR FAILOVER with force option requires both a timeout and target HOST and IP.'),
  failoverTargetNotReplica: () => error('ERR FAILOVER target HOST and PORT is not a replica.'),
  failoverTargetNotOnline: () => error('ERR FAILOVER target replica is not online.'),
  bgsaveForReplicationFailed: () => error("ERR BGSAVE failed, replication can't continue"),
  replconfUnrecognized: (option: string) => error(`ERR Unrecognized REPLCONF option: ${_cString(option)}`),
  replconfIpTooLong: (length: number) =>
    error(`ERR REPLCONF ip-address provided by replica instance is too long: ${length} bytes`),
  valueOutOfRange: (min: number, max: number) =>
    error(`ERR value is out of range, value must between ${min} and ${max}`),
  rdbFilterUnsupported: (option: string) => error(`ERR Unsupported rdb-filter-only option: ${option}`),
  // --- cluster (cluster.c clusterCommand, getNodeByQuery, clusterRedirectClient) ---
  clusterDisabled: () => error('ERR This instance has cluster support disabled'),
  crossSlot: () => error("CROSSSLOT Keys in request don't hash to the same slot"),
  tryAgain: () => error('TRYAGAIN Multiple keys request during rehashing of slot'),
  clusterDown: () => error('CLUSTERDOWN The cluster is down'),
  clusterDownReadOnly: () => error('CLUSTERDOWN The cluster is down and only accepts read commands'),
  slotNotServed: () => error('CLUSTERDOWN Hash slot not served'),
  moved: (slot: number, endpoint: string) => error(`MOVED ${slot} ${endpoint}`),
  ask: (slot: number, endpoint: string) => error(`ASK ${slot} ${endpoint}`),
  invalidSlot: () => error('ERR Invalid or out of range slot'),
  slotAlreadyUnassigned: (slot: number) => error(`ERR Slot ${slot} is already unassigned`),
  slotBusy: (slot: number) => error(`ERR Slot ${slot} is already busy`),
  slotSpecifiedTwice: (slot: number) => error(`ERR Slot ${slot} specified multiple times`),
  slotRangeInverted: (start: number, end: number) =>
    error(`ERR start slot number ${start} is greater than end slot number ${end}`),
  flushSlotsNotEmpty: () => error('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.'),
  setSlotOnReplica: () => error('ERR Please use SETSLOT only with masters.'),
  notSlotOwner: (slot: number) => error(`ERR I'm not the owner of hash slot ${slot}`),
  alreadySlotOwner: (slot: number) => error(`ERR I'm already the owner of hash slot ${slot}`),
  setSlotUnknownNode: (name: string) => error(`ERR I don't know about node ${_cString(name)}`),
  targetNotMaster: () => error('ERR Target node is not a master'),
  unknownNode: (name: string) => error(`ERR Unknown node ${_cString(name)}`),
  slotStillHasKeys: (slot: number) =>
    error(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`),
  setSlotSyntax: () => error('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP'),
  clusterSaveConfigFailed: (reason: string) => error(`ERR error saving the cluster node config: ${reason}`),
  invalidSlotNumber: () => error('ERR Invalid slot'),
  invalidSlotOrKeyCount: () => error('ERR Invalid slot or number of keys'),
  forgetMyself: () => error("ERR I tried hard but I can't forget myself..."),
  forgetMyMaster: () => error("ERR Can't forget my master!"),
  replicateMyself: () => error("ERR Can't replicate myself"),
  replicateReplica: () => error('ERR I can only replicate a master, not a replica.'),
  replicateNotEmpty: () => error('ERR To set a master the node must be empty and without assigned slots.'),
  nodeNotMaster: () => error('ERR The specified node is not a master'),
  invalidConfigEpoch: (epoch: bigint) => error(`ERR Invalid config epoch specified: ${epoch}`),
  configEpochOthersKnown: () =>
    error('ERR The user can assign a config epoch only when the node does not know any other node.'),
  configEpochNonZero: () => error('ERR Node config epoch is already non-zero'),
  failoverOnMaster: () => error('ERR You should send CLUSTER FAILOVER to a replica'),
  failoverMasterUnknown: () => error("ERR I'm a replica but my master is unknown to me"),
  failoverMasterDown: () => error('ERR Master is down or failed, please use CLUSTER FAILOVER FORCE'),
  resetWithKeys: () => error("ERR CLUSTER RESET can't be called with master nodes containing keys"),
  meetInvalidPort: (port: string) => error(`ERR Invalid TCP base port specified: ${_cString(port)}`),
  meetInvalidBusPort: (port: string) => error(`ERR Invalid TCP bus port specified: ${_cString(port)}`),
  meetInvalidAddress: (ip: string, port: string) =>
    error(`ERR Invalid node address specified: ${_cString(ip)}:${_cString(port)}`),
  // Sentinel (sentinel.c)
  sentinelNoSuchMaster: () => error('ERR No such master with that name'),
  sentinelFailoverInProgress: () => error('INPROG Failover already in progress'),
  sentinelNoGoodReplica: () => error('NOGOODSLAVE No suitable replica to promote'),
  sentinelNoQuorum: (text: string) => error(`NOQUORUM ${text}`),
  sentinelInvalidQuorum: () => error('ERR Invalid quorum'),
  sentinelInvalidPort: () => error('ERR Invalid port'),
  sentinelQuorumTooSmall: () => error('ERR Quorum must be 1 or greater.'),
  sentinelInvalidAddress: () => error('ERR Invalid IP address or hostname specified'),
  sentinelCreateFailed: (reason: string) => error(`ERR ${reason}`),
  sentinelSaveFailed: () => error('ERR Failed to save config file. Check server logs.'),
  sentinelConfigUsage: () => error('ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.'),
  sentinelConfigSetInvalidArgument: (option: string) =>
    error(`ERR Invalid argument '${_cString(option)}' to SENTINEL CONFIG SET`),
  sentinelConfigSetInvalidValue: (value: string, option: string) =>
    error(`ERR Invalid value '${_cString(value)}' to SENTINEL CONFIG SET '${_cString(option)}'`),
  sentinelSetUnknownOption: (option: string) =>
    error(`ERR Unknown option or number of arguments for SENTINEL SET '${_cString(option)}'`),
  sentinelSetInvalidArgument: (value: string, option: string) =>
    error(`ERR Invalid argument '${_cString(value)}' for SENTINEL SET '${_cString(option)}'`),
  sentinelScriptsReconfigDenied: () =>
    error(
      'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration',
    ),
  sentinelNotificationScriptNotExecutable: () => error('ERR Notification script seems non existing or non executable'),
  sentinelReconfigScriptNotExecutable: () =>
    error('ERR Client reconfiguration script seems non existing or non executable'),
  sentinelDebugUnknownOption: (option: string) =>
    error(`ERR Unknown option or number of arguments for SENTINEL DEBUG '${_cString(option)}'`),
  sentinelDebugInvalidArgument: (value: string, option: string) =>
    error(`ERR Invalid argument '${_cString(value)}' for SENTINEL DEBUG '${_cString(option)}'`),
  sentinelUnknownFailureSimulation: () => error('ERR Unknown failure simulation specified'),
  sentinelPublishNotHello: () => error('ERR Only HELLO messages are accepted by Sentinel instances.'),
} as const;
