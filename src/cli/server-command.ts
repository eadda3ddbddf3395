// `redis-sim server [config-file] [--directive value ...]`: one node, started like redis-server. The arguments are
// read by server-args.ts rather than yargs because redis-server's rules (`--bind 127.0.0.1 -::1`, `--save ""`)
// are not yargs's.

import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ClusterConfigError } from '../cluster/cluster.js';
import { applyConfigDirectives, parseConfigText, type ConfigDirective } from '../node/config-file.js';
import { globMatch } from '../node/glob.js';
import { strerror } from '../runtime/os-errors.js';
import { createHostConfig, startServerHost } from '../runtime/server-host.js';
import { SENTINEL_PORT } from '../sentinel/sentinel.js';
import type { SentinelDirective } from '../sentinel/sentinel-config.js';
import { CliError, versionText, type CliCommand, type CliIo, type CliSignal } from './cli-io.js';
import { parseServerArgs } from './server-args.js';

/** The `server` command. */
export const serverCommand: CliCommand = {
  name: 'server',
  usage: 'server [config-file] [options..]',
  describe: 'run one Redis 7.0.15-compatible node, invoked like redis-server',
  run: runServer,
};

/** The `sentinel-server` command: `server` in sentinel mode, as redis-sentinel is redis-server --sentinel. */
export const sentinelServerCommand: CliCommand = {
  name: 'sentinel-server',
  usage: 'sentinel-server [config-file] [options..]',
  describe: 'run one Redis 7.0.15-compatible Sentinel, invoked like redis-sentinel',
  run: (args, io) => runServer(args, io, { sentinel: true }),
};

/**
 * Loads the configuration, starts the node and serves until it shuts down; resolves with the exit code. `--sentinel`
 * anywhere in the arguments (or `options.sentinel`) runs it as a Sentinel: port 26379 and protected-mode off unless
 * configured, `sentinel` directives allowed, and a writable config file required (sentinelCheckConfigFile).
 */
export async function runServer(
  rawArgs: readonly string[],
  io: CliIo,
  runOptions: { sentinel?: boolean } = {},
): Promise<number> {
  const sentinelMode = runOptions.sentinel === true || rawArgs.includes('--sentinel');
  const args = rawArgs.filter((a) => a !== '--sentinel');
  const parsed = parseServerArgs(args);
  if (parsed.kind === 'version') {
    io.out(`${versionText()}\n`);
    return 0;
  }
  if (parsed.kind === 'help') {
    io.out(SERVER_USAGE);
    return 0;
  }
  const { configFile, options } = parsed;
  const configPath = configFile === null ? null : resolve(io.cwd, configFile);
  const config = createHostConfig(io.cwd);
  function* directives(): Generator<ConfigDirective> {
    if (configFile !== null)
      yield* parseConfigText(_readConfig(resolve(io.cwd, configFile)), configFile, (p) => _readInclude(io.cwd, p));
    yield* options;
  }
  let sentinel: SentinelDirective[] | undefined;
  if (sentinelMode) {
    if (configPath === null) throw new CliError('Sentinel needs config file on disk to save state. Exiting...');
    try {
      accessSync(configPath, constants.W_OK);
    } catch (e) {
      throw new CliError(`Sentinel config file ${configPath} is not writable: ${strerror(e)}. Exiting...`);
    }
    // initSentinelConfig: Sentinel's own defaults, before the file is read.
    config.set('port', [String(SENTINEL_PORT)], 'file');
    config.set('protected-mode', ['no'], 'file');
    const all = [...directives()];
    sentinel = all
      .filter((d) => d.name === 'sentinel' && d.words.length > 0)
      .map((d) => ({ words: d.words, where: d.where }));
    applyConfigDirectives(
      config,
      all.filter((d) => d.name !== 'sentinel'),
    );
  } else {
    applyConfigDirectives(config, directives());
  }
  let host: Awaited<ReturnType<typeof startServerHost>>;
  try {
    host = await startServerHost({
      ...(sentinel === undefined ? {} : { sentinel }),
      config,
      ...(configPath !== null ? { configFile: configPath } : {}),
      defaultConfig: args.length === 0,
      logSink: (line) => io.out(`${line}\n`),
    });
  } catch (e) {
    // A bad nodes.conf is already in the log as Redis logs it (clusterLoadConfig); Redis then exits 1, saying no more.
    if (e instanceof ClusterConfigError) return 1;
    throw e;
  }
  const stopSignals = io.onSignal((signal) => _onSignal(host.node, signal));
  try {
    return await host.closed;
  } finally {
    stopSignals();
  }
}

/** `redis-sim server --help`, after redis-server's usage(). */
export const SERVER_USAGE = `Usage: redis-sim server [/path/to/redis.conf] [options]
       redis-sim server -v or --version
       redis-sim server -h or --help

Any redis.conf directive can be given as an option after the (optional) config file,
and overrides the file: --port 7000 --cluster-enabled yes --save "" --save "900 1"

Examples:
       redis-sim server (run the server with default conf)
       redis-sim server /etc/redis/6379.conf
       redis-sim server --port 7777
       redis-sim server --port 7777 --replicaof 127.0.0.1 8888
       redis-sim server /etc/myredis.conf --loglevel verbose
`;

// --- internal ---

type _Node = Awaited<ReturnType<typeof startServerHost>>['node'];

/** SIGINT/SIGTERM: shut down as `shutdown-on-sigint`/`-sigterm` say (default: save if save points are set). */
function _onSignal(node: _Node, signal: CliSignal): void {
  if (!node.running) return;
  node.log('warning', `Received ${signal} scheduling shutdown...`);
  const flags = node.config.get(signal === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm').split(' ');
  const save = flags.includes('nosave') ? 'nosave' : flags.includes('save') ? 'save' : 'default';
  if (node.shutdown(save)) return;
  if (flags.includes('force') && node.shutdown('nosave')) return;
  node.log(
    'warning',
    `${signal} received but errors trying to shut down the server, check the logs for more information`,
  );
}

function _readConfig(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    throw new CliError(`Fatal error, can't open config file '${path}': ${strerror(e)}`);
  }
}

/** `include` paths resolve against the working directory; a wildcard in the file name may match nothing. */
function _readInclude(cwd: string, path: string): { path: string; text: string }[] {
  const full = resolve(cwd, path);
  if (!/[*?[]/.test(path)) {
    try {
      return [{ path, text: readFileSync(full, 'latin1') }];
    } catch (e) {
      throw new Error(strerror(e));
    }
  }
  const dir = dirname(full);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => globMatch(basename(full), name))
    .sort()
    .map((name) => {
      try {
        return { path: join(dir, name), text: readFileSync(join(dir, name), 'latin1') };
      } catch (e) {
        throw new Error(strerror(e));
      }
    });
}
