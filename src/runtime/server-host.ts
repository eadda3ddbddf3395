// Runs one node on real sockets, timers and files: what `redis-sim server` and the library's startServer use.
// The start-up order and log lines follow redis-server's main(): banner, listen on every `bind` address, pidfile,
// "Running mode=…", then the node loads its data and is ready.

import { appendFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogLevel } from '../env/env.js';
import { Config, ConfigError } from '../node/config.js';
import { RedisNode, type ShutdownSave } from '../node/node.js';
import { REDIS_VERSION } from '../node/version.js';
import { errorCode, strerror } from './os-errors.js';
import { createRealtimeEnv, type LogSink } from './realtime-env.js';
import { listenTcp, type TcpListener } from './tcp-listener.js';

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
}

/** A running realtime node. */
export interface ServerHost {
  readonly node: RedisNode;
  /** The first address listened on. */
  readonly host: string;
  /** The TCP port listened on (the actual one when `port 0` asked for an ephemeral port). */
  readonly port: number;
  /** Resolves with the exit code once the node has shut down and every listener is closed. */
  readonly closed: Promise<number>;
  /** Shuts the node down as SHUTDOWN would (saving per config) and closes the listeners; throws if saving failed. */
  stop(save?: ShutdownSave): Promise<void>;
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
  const env = createRealtimeEnv({
    dir: () => config.get('dir'),
    sink,
    level: () => config.get('loglevel') as LogLevel,
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
  });
  env.log('warning', 'C', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  env.log(
    'warning',
    'C',
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${env.pid}, just started`,
  );
  env.log(
    'warning',
    'C',
    options.defaultConfig === true
      ? 'Warning: no config file specified, using the default config. In order to specify a config file use redis-sim server /path/to/redis.conf'
      : 'Configuration loaded',
  );
  if (config.getBool('daemonize')) {
    env.log(
      'warning',
      'C',
      "redis-sim does not daemonize: 'daemonize yes' is ignored and the server stays in the foreground",
    );
  }

  let listeners: TcpListener[] = [];
  let pidfile: string | null = null;
  let finish: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (finish = r));
  const node = new RedisNode(env, config, {
    onShutdown: (code) => {
      if (pidfile !== null) rmSync(pidfile, { force: true });
      void Promise.all(listeners.map((l) => l.close())).then(() => {
        options.onShutdown?.(code);
        finish(code);
      });
    },
  });
  const listening = await _listenAll(node, config.get('bind'), config.getNumber('port'));
  listeners = listening.listeners;
  const port = listeners[0]!.port;
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
  return {
    node,
    host: listening.host,
    port,
    closed,
    async stop(save = 'default') {
      if (node.running && !node.shutdown(save))
        throw new HostStartError('shutdown failed: errors trying to save the DB');
      await closed;
    },
  };
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
 * stored but never listened on.
 */
async function _listenAll(
  node: RedisNode,
  bind: string,
  port: number,
): Promise<{ listeners: TcpListener[]; host: string }> {
  const listeners: TcpListener[] = [];
  let first: string | null = null;
  for (const entry of bind === '' ? [] : bind.split(' ')) {
    const optional = entry.startsWith('-');
    const addr = optional ? entry.slice(1) : entry;
    const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
    try {
      const listener = await listenTcp(node, host, port);
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
