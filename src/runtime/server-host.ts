// Runs one node on real sockets, timers and files: what `redis-sim server` and the library's startServer use.
// The start-up order and log lines follow redis-server's main(): banner, listen on every `bind` address, pidfile,
// "Running mode=…", then the node loads its data and is ready.

import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUS_PORT_OFFSET } from '../cluster/constants.js';
import type { LogLevel } from '../env/env.js';
import { Config, ConfigError } from '../node/config.js';
import { RedisNode, type ShutdownSave } from '../node/node.js';
import { REDIS_VERSION } from '../node/version.js';
import type { SentinelDirective } from '../sentinel/sentinel-config.js';
import { errorCode, strerror } from './os-errors.js';
import { createRealtimeEnv, type LogSink } from './realtime-env.js';
import { LinkSet, listenLinks, type LinkListener } from './tcp-link.js';
import { listenTcp, type TcpListener } from './tcp-listener.js';
import type { NodeGate } from './node-gate.js';

/** Options for a realtime server. */
export interface ServerHostOptions {
  /** A configuration already loaded (from createHostConfig); a fresh one when omitted. */
  config?: Config;
  /** Directives applied in order on top of `config`, each as its name and argument words. */
  directives?: readonly (readonly [string, readonly string[]])[];
  /** Absolute path of the config file: INFO reports it and CONFIG REWRITE rewrites it. */
  configFile?: string;
  /** Log redis-server's "no config file specified" warning instead of "Configuration loaded". */
  defaultConfig?: boolean;
  /** Receives log lines when `logfile` is not set; defaults to standard output. */
  logSink?: LogSink;
  /** Called after the node shut itself down (SHUTDOWN, or stop()) and its listeners closed. */
  onShutdown?: (exitCode: number) => void;
  /** Runs the node in sentinel mode with these `sentinel` directives (see RedisNode's NodeOptions). */
  sentinel?: readonly SentinelDirective[];
  /** Passes every event that runs the node's code through this gate (pause, kill, shaped links; the cluster host). */
  gate?: NodeGate;
}

/** A running realtime node. */
export interface ServerHost {
  readonly node: RedisNode;
  /** The first address listened on. */
  readonly host: string;
  /** The TCP port listened on (the actual one when `port 0` asked for an ephemeral port). */
  readonly port: number;
  /** The cluster bus port listened on, in cluster mode; null otherwise. */
  readonly busPort: number | null;
  /** Resolves with the exit code once the node has shut down and every listener is closed. */
  readonly closed: Promise<number>;
  /** Shuts the node down as SHUTDOWN would (saving per config) and closes the listeners; throws if saving failed. */
  stop(save?: ShutdownSave): Promise<void>;
  /**
   * Drops the node at once as SIGKILL would: no save, no more of its code runs (its gate is killed), every port, link
   * and lock is released; `closed` then resolves with 137. Needs the `gate` option.
   */
  kill(): Promise<void>;
}

/** A start-up failure outside the configuration itself (a port in use, an unwritable log file); one line. */
export class HostStartError extends Error {
  override readonly name = 'HostStartError';
}

/** A configuration whose `dir` resolves against the file system like Redis's chdir (it must exist), from `cwd`. */
export function createHostConfig(cwd = process.cwd()): Config {
  const config = new Config();
  config.resolveDir = (path) => {
    const dir = resolve(config.get('dir') || cwd, path);
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (e) {
      throw new ConfigError('dir', strerror(e));
    }
    if (!isDir) throw new ConfigError('dir', 'Not a directory');
    return dir;
  };
  return config;
}

/** Starts a node: applies directives, listens, loads persisted data. Throws ConfigError or HostStartError. */
export async function startServerHost(options: ServerHostOptions = {}): Promise<ServerHost> {
  const config = options.config ?? createHostConfig();
  for (const [name, words] of options.directives ?? []) config.set(name, words, 'file');
  if (config.get('dir') === '') config.set('dir', ['.'], 'file');
  const dir = config.get('dir');
  const sink = _logSink(config, dir, options.logSink);
  // Outbound links (cluster bus, replication, MIGRATE) and accepted bus links, dropped together when the node stops.
  const links = new LinkSet();
  const gate = options.gate;
  const env = createRealtimeEnv({
    net: gate === undefined ? links.network() : gate.network(links.network()),
    dir: () => config.get('dir'),
    sink,
    level: () => config.get('loglevel') as LogLevel,
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
  });
  if (gate !== undefined) env.schedule = gate.schedule(env.schedule);
  // redis-sentinel marks every line, the start-up banner included, with X.
  const bannerRole = options.sentinel === undefined ? 'C' : 'X';
  env.log('warning', bannerRole, 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  env.log(
    'warning',
    bannerRole,
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${env.pid}, just started`,
  );
  env.log(
    'warning',
    bannerRole,
    options.defaultConfig === true
      ? 'Warning: no config file specified, using the default config. In order to specify a config file use redis-sim server /path/to/redis.conf'
      : 'Configuration loaded',
  );
  if (config.getBool('daemonize')) {
    env.log(
      'warning',
      bannerRole,
      "redis-sim does not daemonize: 'daemonize yes' is ignored and the server stays in the foreground",
    );
  }

  let listeners: TcpListener[] = [];
  let busListeners: LinkListener[] = [];
  let pidfile: string | null = null;
  let lock: NodesConfLock | null = null;
  let finish: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (finish = r));
  const releaseAll = async (): Promise<void> => {
    if (pidfile !== null) rmSync(pidfile, { force: true });
    pidfile = null;
    await Promise.all(busListeners.map((l) => l.close()));
    links.destroyAll();
    await Promise.all(listeners.map((l) => l.close()));
    lock?.release();
    lock = null;
  };
  const node = new RedisNode(env, config, {
    ...(options.sentinel === undefined ? {} : { sentinel: options.sentinel }),
    onShutdown: (code) => {
      links.destroyAll();
      void releaseAll().then(() => {
        options.onShutdown?.(code);
        finish(code);
      });
    },
  });
  const listening = await _listenAll(node, config.get('bind'), config.getNumber('port'), (host, port) =>
    listenTcp(node, host, port, gate),
  );
  listeners = listening.listeners;
  const port = listeners[0]!.port;
  // `port 0` asks for an ephemeral port (a redis-sim extension): the node announces the port it got (to its master,
  // in Sentinel hellos, on the cluster bus), and in cluster mode its bus takes an ephemeral port too unless
  // `cluster-port` names one.
  const ephemeral = config.getNumber('port') === 0;
  if (ephemeral) config.set('port', [String(port)], 'file');
  try {
    if (node.cluster !== null) {
      const cluster = node.cluster;
      lock = lockNodesConf(resolve(dir, config.get('cluster-config-file')), config.get('cluster-config-file'));
      if (lock === null) {
        const text = nodesConfLockedMessage(config.get('cluster-config-file'));
        node.log('warning', text);
        throw new HostStartError(text);
      }
      if (config.getNumber('cluster-port') === 0 && port > 65535 - BUS_PORT_OFFSET && !ephemeral) {
        const text =
          'Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis ' +
          'port. Your Redis port number must be 55535 or less.';
        node.log('warning', text);
        throw new HostStartError(text);
      }
      const busPort = ephemeral && config.getNumber('cluster-port') === 0 ? 0 : cluster.busPort;
      const bus = await _listenAll(node, config.get('bind'), busPort, (host, p) =>
        listenLinks(host, p, links, (link) =>
          gate === undefined ? cluster.acceptLink(link) : gate.run(() => cluster.acceptLink(gate.gated(link))),
        ),
      ).catch((e: unknown) => {
        node.log('warning', `Failed listening on port ${busPort} (cluster), aborting.`);
        throw e;
      });
      busListeners = bus.listeners;
      if (busPort === 0) config.set('cluster-port', [String(busListeners[0]!.port)], 'file');
    }
    if (config.get('pidfile') !== '') {
      pidfile = resolve(dir, config.get('pidfile'));
      try {
        writeFileSync(pidfile, `${env.pid}\n`);
      } catch (e) {
        node.log('warning', `Failed to write PID file: ${strerror(e)}`);
        pidfile = null;
      }
    }
    node.log('notice', `Running mode=${node.mode}, port=${port}.`);
    node.start();
  } catch (e) {
    // A node that cannot start (bus port taken, nodes.conf locked or unreadable) leaves nothing behind.
    await releaseAll();
    throw e;
  }
  return {
    node,
    host: listening.host,
    port,
    busPort: busListeners[0]?.port ?? null,
    closed,
    async stop(save = 'default') {
      if (node.running && !node.shutdown(save))
        throw new HostStartError('shutdown failed: errors trying to save the DB');
      await closed;
    },
    async kill() {
      if (gate === undefined) throw new HostStartError('kill needs a gated node');
      if (gate.dead) return closed.then(() => {});
      gate.kill();
      await releaseAll();
      finish(137);
    },
  };
}

/** The lock a node holds on its nodes.conf while it runs (clusterLockConfig). */
export interface NodesConfLock {
  /** Removes the lock file. */
  release(): void;
}

/** Redis's refusal to share a nodes.conf between two running nodes (clusterLockConfig). */
export function nodesConfLockedMessage(name: string): string {
  return (
    `Sorry, the cluster configuration file ${name} is already used by a different Redis Cluster node. Please make ` +
    'sure that different nodes use different cluster configuration files.'
  );
}

/**
 * Takes the lock on the nodes.conf at `path`, or returns null when a live node holds it. Node has no flock, so the
 * lock is a file `<path>.lock` created exclusively and holding the owner's pid; a lock left by a dead process (a
 * crash) is taken over, and one held by this very process (another node hosted here) is refused. It is removed when
 * the node stops.
 */
export function lockNodesConf(path: string, name: string): NodesConfLock | null {
  const lockPath = `${path}.lock`;
  const token = `${process.pid}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, token, { flag: 'wx' });
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          try {
            if (readFileSync(lockPath, 'latin1') === token) rmSync(lockPath, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (e) {
      if (errorCode(e) !== 'EEXIST')
        throw new HostStartError(`Can't open ${name} in order to acquire a lock: ${strerror(e)}`);
    }
    if (_lockOwnerAlive(lockPath)) return null;
    rmSync(lockPath, { force: true });
  }
  return null;
}

// --- internal ---

/** Log lines go to `logfile` (relative to `dir`, opened per line as serverLogRaw does) or to the given sink. */
function _logSink(config: Config, dir: string, fallback: LogSink | undefined): LogSink {
  const logfile = config.get('logfile');
  if (logfile === '') return fallback ?? ((line) => process.stdout.write(`${line}\n`));
  const path = resolve(dir, logfile);
  try {
    appendFileSync(path, '');
  } catch (e) {
    throw new HostStartError(`Can't open the log file: ${strerror(e)}`);
  }
  return (line) => {
    try {
      appendFileSync(path, `${line}\n`);
    } catch {
      // Like serverLogRaw, a log line that cannot be written is dropped.
    }
  };
}

/** Errors for which listenToPort skips an address: a missing optional one, or an unsupported address family. */
const _SKIPPABLE = new Set(['EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ENOPROTOOPT', 'ESOCKTNOSUPPORT', 'EPFNOSUPPORT']);

/**
 * listenToPort: every `bind` address on one port; `-addr` is optional; `*` and `::*` are the wildcards. Addresses and
 * the port are read once: CONFIG SET port/bind store the new values without rebinding (Redis's changeListenPort and
 * changeBindAddr are not mirrored), so they take effect at the next start, e.g. after CONFIG REWRITE. `unixsocket` is
 * stored but never listened on. Used for the client port and the cluster bus port alike.
 */
async function _listenAll<L extends { readonly port: number; close(): Promise<void> }>(
  node: RedisNode,
  bind: string,
  port: number,
  listenOne: (host: string, port: number) => Promise<L>,
): Promise<{ listeners: L[]; host: string }> {
  const listeners: L[] = [];
  let first: string | null = null;
  for (const entry of bind === '' ? [] : bind.split(' ')) {
    const optional = entry.startsWith('-');
    const addr = optional ? entry.slice(1) : entry;
    const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
    try {
      const listener = await listenOne(host, port);
      listeners.push(listener);
      first ??= addr === '*' ? '127.0.0.1' : addr === '::*' ? '::1' : addr;
      port = listener.port;
    } catch (e) {
      const text = `Could not create server TCP listening socket ${addr}:${port}: bind: ${strerror(e)}`;
      node.log('warning', `Warning: ${text}`);
      const code = errorCode(e) ?? '';
      if ((code === 'EADDRNOTAVAIL' && optional) || _SKIPPABLE.has(code)) continue;
      await Promise.all(listeners.map((l) => l.close()));
      throw new HostStartError(text);
    }
  }
  if (first === null) throw new HostStartError('Configured to not listen anywhere, exiting.');
  return { listeners, host: first };
}

/** Whether the pid written in a lock file belongs to a live process. */
function _lockOwnerAlive(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lockPath, 'latin1'), 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}
