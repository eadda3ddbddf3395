// The directives redis-sim knows, with Redis 7.0.15's names, defaults and value rules (config.c's standardConfig
// table). Values are kept as the canonical string CONFIG GET prints.

import { ConfigError } from './config-error.js';

/** One directive. */
export interface ConfigDefinition {
  readonly name: string;
  readonly alias?: string;
  readonly defaultValue: string;
  /** Only settable from the config file or command line (IMMUTABLE_CONFIG). */
  readonly immutable?: boolean;
  /** Turns argument words into the canonical value, or throws ConfigError. */
  parse(words: readonly string[]): string;
}

const UNITS: Record<string, number> = { k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

function _one(name: string, words: readonly string[]): string {
  if (words.length !== 1) throw new ConfigError(name, 'wrong number of arguments');
  return words[0]!;
}

function _bool(name: string, defaultValue: 'yes' | 'no', extra: Partial<ConfigDefinition> = {}): ConfigDefinition {
  return {
    name,
    defaultValue,
    ...extra,
    parse(words) {
      const v = _one(name, words).toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new ConfigError(name, "argument must be 'yes' or 'no'");
      return v;
    },
  };
}

function _int(name: string, defaultValue: number, min: number, max: number, extra: Partial<ConfigDefinition> = {}): ConfigDefinition {
  return {
    name,
    defaultValue: String(defaultValue),
    ...extra,
    parse(words) {
      const v = _one(name, words);
      if (!/^-?[0-9]+$/.test(v)) throw new ConfigError(name, "argument couldn't be parsed into an integer");
      const n = Number(v);
      if (n < min || n > max) throw new ConfigError(name, `argument must be between ${min} and ${max} inclusive`);
      return String(n);
    },
  };
}

function _memory(name: string, defaultValue: number, min: number, max: number): ConfigDefinition {
  return {
    name,
    defaultValue: String(defaultValue),
    parse(words) {
      const v = _one(name, words).toLowerCase();
      const m = /^(-?[0-9]+)([a-z]*)$/.exec(v);
      const unit = m?.[2] === '' ? 1 : UNITS[m?.[2] ?? ''];
      if (m === null || unit === undefined) throw new ConfigError(name, "argument couldn't be parsed into an integer");
      const n = Number(m[1]) * unit;
      if (n < min || n > max) throw new ConfigError(name, `argument must be between ${min} and ${max} inclusive`);
      return String(n);
    },
  };
}

function _string(name: string, defaultValue: string, extra: Partial<ConfigDefinition> = {}): ConfigDefinition {
  return { name, defaultValue, ...extra, parse: (words) => _one(name, words) };
}

function _enum(name: string, defaultValue: string, values: readonly string[], extra: Partial<ConfigDefinition> = {}): ConfigDefinition {
  return {
    name,
    defaultValue,
    ...extra,
    parse(words) {
      const v = _one(name, words).toLowerCase();
      if (!values.includes(v)) throw new ConfigError(name, `argument(s) must be one of the following: ${values.join(', ')}`);
      return v;
    },
  };
}

const LONG_MAX = Number.MAX_SAFE_INTEGER;

/** Every directive, in the order CONFIG REWRITE appends new ones. */
export const CONFIG_DEFINITIONS: readonly ConfigDefinition[] = [
  _int('port', 6379, 0, 65535),
  {
    name: 'bind',
    defaultValue: '127.0.0.1 -::1',
    parse: (words) => {
      if (words.length === 0) throw new ConfigError('bind', 'wrong number of arguments');
      return words.join(' ');
    },
  },
  _bool('protected-mode', 'yes'),
  _string('dir', '', {}),
  _string('dbfilename', 'dump.rdb'),
  _bool('appendonly', 'no'),
  _string('appendfilename', 'appendonly.aof', { immutable: true }),
  _string('appenddirname', 'appendonlydir', { immutable: true }),
  _enum('appendfsync', 'everysec', ['always', 'everysec', 'no']),
  _string('requirepass', ''),
  _enum('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  _string('logfile', '', { immutable: true }),
  _int('hz', 10, 0, 2147483647),
  _enum('enable-debug-command', 'no', ['no', 'yes', 'local'], { immutable: true }),
  _int('databases', 16, 1, 2147483647, { immutable: true }),
  {
    name: 'save',
    defaultValue: '3600 1 300 100 60 10000',
    parse: (words) => {
      if (words.length === 1 && words[0] === '') return '';
      if (words.length % 2 !== 0 || words.length === 0) throw new ConfigError('save', 'Invalid save parameters');
      for (const w of words) if (!/^[0-9]+$/.test(w)) throw new ConfigError('save', 'Invalid save parameters');
      return words.map(Number).join(' ');
    },
  },
  _memory('proto-max-bulk-len', 512 * 1024 * 1024, 1024 * 1024, LONG_MAX),
  _int('maxclients', 10000, 1, 2147483647),
  _int('timeout', 0, 0, 2147483647),
  _int('tcp-keepalive', 300, 0, 2147483647),
  _bool('daemonize', 'no', { immutable: true }),
  _string('pidfile', '', { immutable: true }),
  _memory('maxmemory', 0, 0, LONG_MAX),
  _string('notify-keyspace-events', ''),
  _bool('cluster-enabled', 'no', { immutable: true }),
  _string('cluster-config-file', 'nodes.conf', { immutable: true }),
  _int('cluster-node-timeout', 15000, 0, LONG_MAX),
  _int('cluster-port', 0, 0, 65535, { immutable: true }),
  _bool('cluster-require-full-coverage', 'yes'),
  _bool('cluster-replica-no-failover', 'no', { alias: 'cluster-slave-no-failover' }),
  _int('cluster-replica-validity-factor', 10, 0, 2147483647, { alias: 'cluster-slave-validity-factor' }),
  _int('cluster-migration-barrier', 1, 0, 2147483647),
  _bool('cluster-allow-reads-when-down', 'no'),
  _bool('cluster-allow-replica-migration', 'yes'),
  _string('cluster-announce-ip', ''),
  _string('cluster-announce-hostname', ''),
  _enum('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  {
    name: 'replicaof',
    alias: 'slaveof',
    defaultValue: '',
    parse: (words) => {
      if (words.length !== 2) throw new ConfigError('replicaof', 'wrong number of arguments');
      return words.join(' ');
    },
  },
  _string('masterauth', ''),
  _string('masteruser', ''),
  _int('replica-priority', 100, 0, 2147483647, { alias: 'slave-priority' }),
  _bool('replica-read-only', 'yes', { alias: 'slave-read-only' }),
  _int('repl-ping-replica-period', 10, 1, 2147483647, { alias: 'repl-ping-slave-period' }),
  _int('repl-timeout', 60, 1, 2147483647),
  _memory('repl-backlog-size', 1024 * 1024, 1, LONG_MAX),
];
