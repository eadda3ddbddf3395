// `redis-sim cluster --masters 3 --replicas 1 [--port 30001] …`: every node of a cluster in this process on
// consecutive ports, formed as `redis-cli --cluster create` would, served in the foreground until Ctrl-C.

import yargs from 'yargs';
import type { FormedCluster } from '../cluster/cluster-former.js';
import { startClusterHost, type ClusterHost } from '../runtime/cluster-host.js';
import { resolve } from 'node:path';
import { CliError, type CliCommand, type CliIo } from './cli-io.js';
import { integerOption, parseCommand } from './parse-command.js';
import { portPrefixedLog, serveHost } from './serve-host.js';
import { alignColumns } from './text-table.js';

/** The `cluster` command. */
export const clusterCommand: CliCommand = {
  name: 'cluster',
  usage: 'cluster [options..]',
  describe: 'run a whole Redis Cluster (masters and replicas) in one process and form it',
  run: runCluster,
};

/** Validated `redis-sim cluster` arguments. */
export interface ClusterArgs {
  readonly masters: number;
  readonly replicas: number;
  readonly port: number;
  readonly host: string;
  readonly nodeTimeout: number;
  readonly dir: string;
  readonly appendonly: boolean;
  readonly form: boolean;
  readonly logStdout: boolean;
  /** The control port; null: the first port - 1, or an ephemeral one if that is taken. */
  readonly controlPort: number | null;
}

/** Parses and validates the words after `cluster`; null with `help` printed for --help. Throws CliError. */
export async function parseClusterArgs(args: readonly string[], io: CliIo): Promise<ClusterArgs | null> {
  const parser = yargs([...args])
    .scriptName('redis-sim cluster')
    .usage('Usage: redis-sim cluster [options]\n\nRuns every node of a Redis Cluster in this process and forms it.')
    .option('masters', { type: 'string', default: '3', describe: 'master count (at least 3)' })
    .option('replicas', { type: 'string', default: '1', describe: 'replicas per master' })
    .option('port', { type: 'string', default: '30001', describe: 'first port; the nodes take consecutive ports' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address every node binds and announces' })
    .option('node-timeout', { type: 'string', default: '5000', describe: 'cluster-node-timeout in ms' })
    .option('dir', { type: 'string', default: '.', describe: 'root directory; each node uses <dir>/<port>/' })
    .option('appendonly', { type: 'string', default: 'no', describe: 'appendonly for every node (yes|no)' })
    .option('form', { type: 'boolean', default: true, describe: 'form the cluster (--no-form: leave empty nodes)' })
    .option('log-stdout', {
      type: 'boolean',
      default: false,
      describe: "print every node's log here, prefixed by its port, instead of <dir>/<port>/redis.log",
    })
    .option('control-port', {
      type: 'string',
      describe: 'loopback port for SIM commands (redis-sim ctl); default: the first port - 1 (30000), 0: ephemeral',
    })
    .example('redis-sim cluster --masters 3 --replicas 1', 'six nodes on ports 30001-30006');
  const argv = await parseCommand(parser, args, io);
  if (argv === null) return null;
  const masters = integerOption('--masters', argv.masters, 3, 1000);
  const replicas = integerOption('--replicas', argv.replicas, 0, 100);
  const port = integerOption('--port', argv.port, 0, 65535);
  const nodeTimeout = integerOption('--node-timeout', argv['node-timeout'], 1, 2 ** 31 - 1);
  const last = port + masters * (replicas + 1) - 1;
  if (port !== 0 && last > 55535) {
    throw new CliError(
      `Expected \`--port\` to leave room for ${masters * (replicas + 1)} nodes and their bus ports (the last port ` +
        `must be <= 55535), got \`${port}\``,
      true,
    );
  }
  const appendonly = argv.appendonly.toLowerCase();
  if (appendonly !== 'yes' && appendonly !== 'no')
    throw new CliError(`Expected \`--appendonly\` to be yes or no, got \`${argv.appendonly}\``, true);
  if (argv.host === '') throw new CliError('Expected `--host` to be an address, got ``', true);
  const controlPort =
    argv['control-port'] === undefined ? null : integerOption('--control-port', argv['control-port'], 0, 65535);
  return {
    masters,
    replicas,
    port,
    host: argv.host,
    nodeTimeout,
    dir: resolve(io.cwd, argv.dir),
    appendonly: appendonly === 'yes',
    form: argv.form,
    logStdout: argv['log-stdout'],
    controlPort,
  };
}

/** Starts the nodes, forms the cluster, prints the table and serves until SIGINT/SIGTERM; resolves with the exit code. */
export async function runCluster(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = await parseClusterArgs(args, io);
  if (parsed === null) return 0;
  const count = parsed.masters * (parsed.replicas + 1);
  io.out(
    `Starting ${count} nodes (${parsed.masters} masters, ${parsed.replicas} ` +
      `${parsed.replicas === 1 ? 'replica' : 'replicas'} per master) on ` +
      `${parsed.host}, node files in ${parsed.dir}\n`,
  );
  return serveHost(io, {
    start: (signal) =>
      startClusterHost({
        signal,
        masters: parsed.masters,
        replicas: parsed.replicas,
        port: parsed.port,
        host: parsed.host,
        dir: parsed.dir,
        nodeTimeout: parsed.nodeTimeout,
        appendonly: parsed.appendonly,
        form: parsed.form,
        ...(parsed.logStdout ? { logSink: portPrefixedLog(io) } : {}),
        progress: (line) => io.out(`${line}\n`),
      }),
    controlPort: parsed.controlPort,
    preferredControlPort: parsed.port === 0 ? 0 : parsed.port - 1,
    table: (host) => _table(host, parsed),
  });
}

// --- internal ---

/** The table of nodes and the line saying how to connect. */
function _table(host: ClusterHost, args: ClusterArgs): string {
  const formed: FormedCluster | null = host.formed;
  const rows: string[][] = [['PORT', 'ID', 'ROLE', 'SLOTS']];
  for (const [i, node] of host.nodes.entries()) {
    const f = formed?.nodes[i];
    const id = f?.id ?? node.node.cluster?.state.myself.name ?? '?';
    if (f === undefined) {
      rows.push([String(node.port), id, 'master', '-']);
    } else if (f.role === 'master') {
      rows.push([String(node.port), id, 'master', f.slots.map((r) => `${r.first}-${r.last}`).join(',')]);
    } else {
      const master = formed!.nodes.find((m) => m.id === f.masterId);
      rows.push([String(node.port), id, 'replica', `replicates ${master?.port ?? f.masterId}`]);
    }
  }
  const first = host.nodes[0]!;
  const status =
    formed === null
      ? `${host.nodes.length} empty cluster nodes are running (not formed: --no-form).`
      : `The cluster is ready: every node reports cluster_state:ok.`;
  const hostFlag = args.host === '127.0.0.1' ? '' : `-h ${args.host} `;
  return (
    `${alignColumns(rows)}\n${status}\n` +
    `Connect with: redis-cli -c ${hostFlag}-p ${first.port}\n` +
    'Press Ctrl-C to stop every node.\n'
  );
}
