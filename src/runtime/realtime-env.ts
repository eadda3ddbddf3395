// Binds the core's Env to the wall clock, real timers, Math.random, files and a log sink.

import { randomInt } from 'node:crypto';
import type { Env, LogLevel } from '../env/env.js';
import { FsStorage } from './fs-storage.js';
import { formatLogLine } from './log-line.js';

/** Where log lines go: a function taking one formatted line. */
export type LogSink = (line: string) => void;

/** Options for a realtime environment. */
export interface RealtimeEnvOptions {
  /** Directory for the node's files. */
  dir: string;
  /** Receives formatted log lines; defaults to standard output. */
  sink?: LogSink;
  /** The config file path INFO reports. */
  configFile?: string;
}

/** Creates an Env for a node running on real time and real files. */
export function createRealtimeEnv(options: RealtimeEnvOptions): Env {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Mix a crypto seed into Math.random's stream so two nodes started in the same millisecond get different run ids.
  const salt = randomInt(0, 2 ** 31) / 2 ** 31;
  return {
    now: () => Date.now(),
    random: () => (Math.random() + salt) % 1,
    schedule(delayMs, task) {
      const timer = setTimeout(task, delayMs);
      timer.unref?.();
      return { cancel: () => clearTimeout(timer) };
    },
    storage: new FsStorage(options.dir),
    log: (level: LogLevel, role: string, message: string) => sink(formatLogLine(process.pid, role, new Date(), level, message)),
    pid: process.pid,
    executable: process.argv[1] ?? 'redis-sim',
    configFile: options.configFile ?? '',
  };
}
