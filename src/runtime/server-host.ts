// Runs one node on real sockets, timers and files: what `redis-sim server` and the library's startServer use.

import { resolve } from 'node:path';
import { Config } from '../node/config.js';
import { RedisNode } from '../node/node.js';
import { createRealtimeEnv, type LogSink } from './realtime-env.js';
import { listenTcp, type TcpListener } from './tcp-listener.js';

/** Options for a realtime server. */
export interface ServerHostOptions {
  /** Directives in order, each as its name and argument words (from a config file and command-line flags). */
  directives?: readonly (readonly [string, readonly string[]])[];
  /** The config file path INFO reports. */
  configFile?: string;
  /** Receives log lines; defaults to standard output. */
  logSink?: LogSink;
  /** Called after the node shut itself down (SHUTDOWN). */
  onShutdown?: (exitCode: number) => void;
}

/** A running realtime node. */
export interface ServerHost {
  readonly node: RedisNode;
  readonly host: string;
  readonly port: number;
  /** Shuts the node down as SHUTDOWN would (saving per config) and closes the listener. */
  stop(save?: 'default' | 'save' | 'nosave'): Promise<void>;
}

/** Starts a node: applies directives, loads persisted data, listens. Throws ConfigError for bad directives. */
export async function startServerHost(options: ServerHostOptions = {}): Promise<ServerHost> {
  const config = new Config();
  for (const [name, words] of options.directives ?? []) config.set(name, words, 'file');
  const dir = resolve(config.get('dir') || '.');
  config.set('dir', [dir], 'file');
  const env = createRealtimeEnv({ dir, sink: options.logSink, configFile: options.configFile });
  let listener: TcpListener | null = null;
  let closed: Promise<void> | null = null;
  const closeListener = () => (closed ??= listener?.close() ?? Promise.resolve());
  const node = new RedisNode(env, config, {
    onShutdown: (code) => {
      void closeListener().then(() => options.onShutdown?.(code));
    },
  });
  node.start();
  const host = _bindAddress(config.get('bind'));
  listener = await listenTcp(node, host, config.getNumber('port'));
  return {
    node,
    host,
    port: listener.port,
    async stop(save = 'default') {
      if (node.running) node.shutdown(save);
      await closeListener();
    },
  };
}

/** The first address of `bind`, mapping Redis's `*` wildcard to all interfaces. */
function _bindAddress(bind: string): string {
  const first = bind.split(' ')[0] ?? '127.0.0.1';
  return first === '*' ? '0.0.0.0' : first.replace(/^-/, '');
}
