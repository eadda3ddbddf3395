// `redis-sim sentinel --masters 1 --replicas 2 --sentinels 3 …`: the replication groups and the Sentinels monitoring
// them in this process, wired up and discovered, served in the foreground until Ctrl-C. Layout: see
// src/sentinel/sentinel-group.ts (each group's master then its replicas from --port; Sentinels from --sentinel-port).

import { resolve } from 'node:path';
import yargs from 'yargs';
import { startSentinelHost, type SentinelHost } from '../runtime/sentinel-host.js';
import {
  SENTINEL_GROUP_DEFAULTS as D,
  defaultQuorum,
  planDataNodes,
  type SentinelGroupSpec,
} from '../sentinel/sentinel-group.js';
import { CliError, type CliCommand, type CliIo } from './cli-io.js';
import { integerOption, parseCommand } from './parse-command.js';
import { portPrefixedLog, serveHost } from './serve-host.js';
import { alignColumns } from './text-table.js';

/** The `sentinel` command. */
export const sentinelCommand: CliCommand = {
  name: 'sentinel',
  usage: 'sentinel [options..]',
  describe: 'run replication groups and the Sentinels monitoring them in one process',
  run: runSentinel,
};

/** Validated `redis-sim sentinel` arguments. */
export interface SentinelArgs {
  readonly spec: SentinelGroupSpec;
  readonly dir: string;
  readonly logStdout: boolean;
  /** The control port; null: the first Sentinel port - 1, or an ephemeral one if that is taken. */
  readonly controlPort: number | null;
}

/** Parses and validates the words after `sentinel`; null with `help` printed for --help. Throws CliError. */
export async function parseSentinelArgs(args: readonly string[], io: CliIo): Promise<SentinelArgs | null> {
  const parser = yargs([...args])
    .scriptName('redis-sim sentinel')
    .usage(
      'Usage: redis-sim sentinel [options]\n\n' +
        'Runs replication groups (masters mymaster, mymaster2, …, each followed by its replicas on consecutive\n' +
        'ports from --port) and the Sentinels monitoring them (consecutive ports from --sentinel-port) in this\n' +
        'process. Each node keeps its files in <dir>/<port>/: redis.conf or sentinel.conf, written afresh at\n' +
        'start and rewritten by CONFIG REWRITE and Sentinel.',
    )
    .option('masters', { type: 'string', default: String(D.masters), describe: 'replication groups (masters)' })
    .option('replicas', { type: 'string', default: String(D.replicas), describe: 'replicas per master' })
    .option('sentinels', {
      type: 'string',
      default: String(D.sentinels),
      describe: 'Sentinels, each monitoring every master',
    })
    .option('quorum', { type: 'string', describe: 'sentinel monitor quorum; default: a majority of the Sentinels' })
    .option('port', { type: 'string', default: String(D.port), describe: 'first data node port' })
    .option('sentinel-port', { type: 'string', default: String(D.sentinelPort), describe: 'first Sentinel port' })
    .option('host', { type: 'string', default: D.host, describe: 'address every node binds and is monitored at' })
    .option('down-after', { type: 'string', default: String(D.downAfterMs), describe: 'down-after-milliseconds' })
    .option('failover-timeout', {
      type: 'string',
      default: String(D.failoverTimeoutMs),
      describe: 'failover-timeout in ms',
    })
    .option('parallel-syncs', { type: 'string', default: String(D.parallelSyncs), describe: 'parallel-syncs' })
    .option('dir', { type: 'string', default: '.', describe: 'root directory; each node uses <dir>/<port>/' })
    .option('appendonly', { type: 'string', default: 'no', describe: 'appendonly for every data node (yes|no)' })
    .option('log-stdout', {
      type: 'boolean',
      default: false,
      describe: "print every node's log here, prefixed by its port, instead of <dir>/<port>/redis.log|sentinel.log",
    })
    .option('control-port', {
      type: 'string',
      describe: 'loopback port for SIM commands (redis-sim ctl); default: the first Sentinel port - 1 (26378)',
    })
    .example('redis-sim sentinel', 'mymaster on 6379 with replicas on 6380-6381, Sentinels on 26379-26381');
  const argv = await parseCommand(parser, args, io);
  if (argv === null) return null;
  const masters = integerOption('--masters', argv.masters, 1, 100);
  const replicas = integerOption('--replicas', argv.replicas, 0, 100);
  const sentinels = integerOption('--sentinels', argv.sentinels, 1, 100);
  const quorum =
    argv.quorum === undefined ? defaultQuorum(sentinels) : integerOption('--quorum', argv.quorum, 1, sentinels);
  const port = integerOption('--port', argv.port, 0, 65535);
  const sentinelPort = integerOption('--sentinel-port', argv['sentinel-port'], 0, 65535);
  const dataCount = masters * (replicas + 1);
  if (port !== 0 && port + dataCount - 1 > 65535)
    throw new CliError(`Expected \`--port\` to leave room for ${dataCount} data nodes, got \`${port}\``, true);
  if (sentinelPort !== 0 && sentinelPort + sentinels - 1 > 65535)
    throw new CliError(
      `Expected \`--sentinel-port\` to leave room for ${sentinels} Sentinels, got \`${sentinelPort}\``,
      true,
    );
  if (port !== 0 && sentinelPort !== 0 && sentinelPort < port + dataCount && port < sentinelPort + sentinels) {
    throw new CliError(
      `Expected the Sentinel ports (${sentinelPort}-${sentinelPort + sentinels - 1}) not to overlap the data ` +
        `node ports (${port}-${port + dataCount - 1})`,
      true,
    );
  }
  const appendonly = argv.appendonly.toLowerCase();
  if (appendonly !== 'yes' && appendonly !== 'no')
    throw new CliError(`Expected \`--appendonly\` to be yes or no, got \`${argv.appendonly}\``, true);
  if (argv.host === '') throw new CliError('Expected `--host` to be an address, got ``', true);
  return {
    spec: {
      masters,
      replicas,
      sentinels,
      quorum,
      port,
      sentinelPort,
      host: argv.host,
      downAfterMs: integerOption('--down-after', argv['down-after'], 1, 2 ** 31 - 1),
      failoverTimeoutMs: integerOption('--failover-timeout', argv['failover-timeout'], 1, 2 ** 31 - 1),
      parallelSyncs: integerOption('--parallel-syncs', argv['parallel-syncs'], 1, 1000),
      appendonly: appendonly === 'yes',
    },
    dir: resolve(io.cwd, argv.dir),
    logStdout: argv['log-stdout'],
    controlPort:
      argv['control-port'] === undefined ? null : integerOption('--control-port', argv['control-port'], 0, 65535),
  };
}

/** Starts the group, prints the table and serves until SIGINT/SIGTERM; resolves with the exit code. */
export async function runSentinel(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = await parseSentinelArgs(args, io);
  if (parsed === null) return 0;
  const { spec } = parsed;
  io.out(
    `Starting ${spec.masters * (spec.replicas + 1)} data nodes (${spec.masters} ` +
      `${spec.masters === 1 ? 'master' : 'masters'}, ${spec.replicas} ${spec.replicas === 1 ? 'replica' : 'replicas'} ` +
      `per master) and ${spec.sentinels} ${spec.sentinels === 1 ? 'Sentinel' : 'Sentinels'} (quorum ` +
      `${spec.quorum}) on ${spec.host}, node files in ${parsed.dir}\n`,
  );
  return serveHost(io, {
    start: (signal) =>
      startSentinelHost({
        spec,
        dir: parsed.dir,
        signal,
        ...(parsed.logStdout ? { logSink: portPrefixedLog(io) } : {}),
      }),
    controlPort: parsed.controlPort,
    preferredControlPort: spec.sentinelPort === 0 ? 0 : spec.sentinelPort - 1,
    table: (host) => _table(host, spec),
  });
}

// --- internal ---

/** The table of nodes (role, port, name: the master name, or a Sentinel's ID) and the lines saying how to connect. */
function _table(host: SentinelHost, spec: SentinelGroupSpec): string {
  const plan = planDataNodes(spec);
  const rows: string[][] = [['ROLE', 'PORT', 'NAME']];
  for (const [i, node] of host.dataNodes.entries()) rows.push([plan[i]!.role, String(node.port), plan[i]!.group]);
  for (const s of host.sentinels) rows.push(['sentinel', String(s.port), s.server.node.sentinel?.myid ?? '?']);
  const hostFlag = spec.host === '127.0.0.1' ? '' : `-h ${spec.host} `;
  return (
    `${alignColumns(rows)}\n` +
    'The group is ready: every Sentinel knows every replica and the other Sentinels.\n' +
    `Connect with: redis-cli ${hostFlag}-p ${host.sentinels[0]!.port} SENTINEL get-master-addr-by-name mymaster\n` +
    'Press Ctrl-C to stop every node.\n'
  );
}
