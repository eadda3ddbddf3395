// Binds the Env interface to the simulation runtime: the virtual clock and queue, a seeded stream, in-memory storage,
// and the shared event log. Every node in a simulation gets its own Env over the same queue and log.

import type { Env, LogLevel, Network, ProcessRunner, Storage } from '../env/env.js';
import type { EventLog } from './event-log.js';
import type { EventQueue } from './event-queue.js';
import { MemoryStorage } from './memory-storage.js';
import type { Prng } from './prng.js';

/** The executable path simulated nodes report in INFO. */
export const SIM_EXECUTABLE = '/usr/local/bin/redis-sim';

/** What a simulated node's environment is built from. */
export interface SimEnvOptions {
  /** The simulation's clock and task queue, shared by all nodes. */
  queue: EventQueue;
  /** This node's random stream (typically a fork of the simulation's root generator). */
  rng: Prng;
  /** The node's files; a fresh MemoryStorage when omitted. */
  storage?: Storage;
  /** Where log lines go, as `<time> [<name>] <role> <level char> <message>`; dropped when omitted. */
  log?: EventLog;
  /** The node's name in the event log. */
  name: string;
  /** Outbound connections (the simulated network as this node's endpoint); every connect throws when omitted. */
  net?: Network;
  /** The process id to report; derived from `rng.fork('pid')` when omitted, so it leaves `rng` itself untouched. */
  pid?: number;
  /** The node's config file, kept in memory (CONFIG REWRITE updates `text`); none when omitted. */
  configFile?: { readonly path: string; text: string | null };
  /** Simulated external programs (Sentinel scripts); none is executable when omitted. */
  processes?: ProcessRunner;
}

/** Creates the Env a simulated node runs against. */
export function createSimEnv(opts: SimEnvOptions): Env {
  const { queue, rng, log, name } = opts;
  return {
    now: () => queue.now(),
    random: () => rng.nextFloat(),
    schedule: (delayMs, task) => queue.schedule(delayMs, task),
    storage: opts.storage ?? new MemoryStorage(),
    net: opts.net ?? _NO_NETWORK,
    log: (level, role, message) => log?.record(queue.now(), name, `${role} ${_LEVEL_CHARS[level]} ${message}`),
    pid: opts.pid ?? _PID_MIN + rng.fork('pid').nextInt(_PID_MAX - _PID_MIN),
    executable: SIM_EXECUTABLE,
    configFile: opts.configFile?.path ?? '',
    readConfigFile: () => opts.configFile?.text ?? null,
    writeConfigFile(text) {
      if (opts.configFile === undefined) throw new Error('No such file or directory');
      opts.configFile.text = text;
    },
    ...(opts.processes === undefined ? {} : { processes: opts.processes }),
  };
}

// --- internal ---

const _NO_NETWORK: Network = {
  connect() {
    throw new Error('This simulated environment has no network');
  },
};

/** The character Redis prints for each level in its log lines (serverLogRaw in server.c). */
const _LEVEL_CHARS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };

/** Default pids fall in [_PID_MIN, _PID_MAX), the range of a classic Linux pid_max above the boot-time daemons. */
const _PID_MIN = 300;
const _PID_MAX = 32768;
