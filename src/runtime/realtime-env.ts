// Binds the core's Env to the wall clock, real timers, Math.random, files and a log sink.

import { randomInt } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type { Env, LogLevel, Network, TimerHandle, Storage } from '../env/env.js';
import { childProcesses } from './child-processes.js';
import { FsStorage } from './fs-storage.js';
import { formatLogLine } from './log-line.js';
import { resolveHostSync } from './resolve-host.js';
import { LinkSet } from './tcp-link.js';
import { errorCode, strerror } from './os-errors.js';

/** Where log lines go: a function taking one formatted line (without the newline). */
export type LogSink = (line: string) => void;

/** Options for a realtime environment. */
export interface RealtimeEnvOptions {
  /** Directory for the node's files; a function when it can change at run time (CONFIG SET dir). */
  dir: string | (() => string);
  /** Receives formatted log lines; defaults to standard output. */
  sink?: LogSink;
  /** The least important level written (the `loglevel` directive); everything when omitted. */
  level?: () => LogLevel;
  /** Absolute path of the config file (INFO, CONFIG REWRITE); none when omitted. */
  configFile?: string;
  /** Outbound connections; the host passes a LinkSet's network so it can drop them when the node stops. */
  net?: Network;
}

/** Creates an Env for a node running on real time and real files. */
export function createRealtimeEnv(options: RealtimeEnvOptions): Env {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = options.dir;
  const configFile = options.configFile ?? '';
  const net = options.net ?? new LinkSet().network();
  // Mix a crypto seed into Math.random's stream so two nodes started in the same millisecond get different run ids.
  const salt = randomInt(0, 2 ** 31) / 2 ** 31;
  return {
    now: () => Date.now(),
    random: () => (Math.random() + salt) % 1,
    schedule: _schedule,
    storage: typeof dir === 'string' ? new FsStorage(dir) : _followingStorage(dir),
    net: { connect: (host, port) => net.connect(host, port), resolve: resolveHostSync },
    log: (level: LogLevel, role: string, message: string) => {
      if (options.level !== undefined && _LEVELS.indexOf(level) < _LEVELS.indexOf(options.level())) return;
      sink(formatLogLine(process.pid, role, new Date(), level, message));
    },
    pid: process.pid,
    executable: process.argv[1] ?? 'redis-sim',
    configFile,
    readConfigFile() {
      if (configFile === '') return null;
      try {
        return readFileSync(configFile, 'latin1');
      } catch (e) {
        if (errorCode(e) === 'ENOENT') return null;
        throw new Error(strerror(e));
      }
    },
    writeConfigFile(text) {
      _overwriteFile(configFile, text);
    },
    processes: childProcesses,
  };
}

// --- internal ---

const _LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

/** Storage rooted at whatever directory `dir()` names at the moment of each call. */
function _followingStorage(dir: () => string): Storage {
  let current: FsStorage | null = null;
  const at = (): FsStorage => {
    const d = dir();
    if (current?.dir !== d) current = new FsStorage(d);
    return current;
  };
  return {
    read: (name) => at().read(name),
    writeAtomic: (name, data) => at().writeAtomic(name, data),
    overwrite: (name, data, durable) => at().overwrite(name, data, durable),
    append: (name, data) => at().append(name, data),
    sync: (name) => at().sync(name),
    remove: (name) => at().remove(name),
    exists: (name) => at().exists(name),
  };
}

/** rewriteConfigOverwriteFile: write a temporary file next to the target, fsync, chmod 0644, rename over it. */
function _overwriteFile(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, Buffer.from(text, 'latin1'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o644);
    renameSync(temp, path);
  } catch (e) {
    if (existsSync(temp)) rmSync(temp, { force: true });
    throw new Error(strerror(e));
  }
}

/** Node's timers hold at most 2^31-1 ms; a longer delay (a BLPOP for a month) waits in steps. */
const _MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `task` after `delayMs` of wall time, however long, with a handle that cancels it. */
function _schedule(delayMs: number, task: () => void): TimerHandle {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number): void => {
    const step = Math.min(remaining, _MAX_TIMER_MS);
    timer = setTimeout(() => (remaining > step ? arm(remaining - step) : task()), step);
    timer.unref?.();
  };
  arm(Math.max(0, delayMs));
  return { cancel: () => clearTimeout(timer) };
}
