// The injected environment: the only way the deterministic core reaches time, chance, timers, storage and logs.
// The realtime runtime binds it to the wall clock, timers and files; the simulation runtime binds it to a virtual
// clock, a seeded PRNG and in-memory storage, so the same node code runs unchanged under both.

/** A scheduled task that can be cancelled before it runs. */
export interface TimerHandle {
  cancel(): void;
}

/** Log levels in Redis's order; the character is what Redis prints in its log line. */
export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** Byte storage for one node's files (nodes.conf, appendonly.aof, dump.rdb), addressed by file name. */
export interface Storage {
  /** Reads a whole file, or null when it does not exist. */
  read(name: string): Buffer | null;
  /** Replaces a file atomically (write to a temporary name, fsync, then rename), as Redis does for the RDB. */
  writeAtomic(name: string, data: Buffer): void;
  /**
   * Rewrites a file in place and truncates it to the new length, fsyncing only when `durable`, as clusterSaveConfig
   * writes nodes.conf: a power loss before the next sync may bring back the previous contents.
   */
  overwrite(name: string, data: Buffer, durable: boolean): void;
  /** Appends to a file, creating it when missing. */
  append(name: string, data: Buffer): void;
  /** Makes appended data durable (fsync); a no-op in memory. */
  sync(name: string): void;
  /** Removes a file if it exists. */
  remove(name: string): void;
  /** Whether a file exists. */
  exists(name: string): boolean;
}

/** Why a link closed: the peer closed it (FIN), it was reset (the peer died), or nobody listened at the address. */
export type LinkCloseReason = 'closed' | 'reset' | 'refused';

/**
 * A byte stream to another process (an outbound connection, or one accepted on the cluster bus). It can be written at
 * once: bytes queue until the connection is up. Failures never throw; they arrive as one `onClose` call.
 */
export interface Link {
  /** Sends bytes, in order; the link keeps the buffer until it is sent, so do not modify it afterwards. */
  write(data: Buffer): void;
  /** Closes the link once pending writes are sent; `onClose` is not called for a local close. */
  close(): void;
  /** `ip:port` of the peer. */
  readonly remoteAddress: string;
  /** `ip:port` of our end (empty until known). */
  readonly localAddress: string;
  /** Whether the peer is on this machine. */
  readonly isLocal: boolean;
  /** Whether the link is closed, locally or by the peer. */
  readonly closed: boolean;
  /**
   * Bytes written but not yet handed to the network: what piles up in the process while the peer does not read
   * (Redis's per-connection send buffer, which cluster-link-sendbuf-limit caps); 0 once closed.
   */
  readonly bufferedBytes: number;
  /** Receives bytes from the peer, in order. */
  onData: ((chunk: Buffer) => void) | null;
  /** Called once when the peer closes or resets the link, or the connection attempt fails. */
  onClose: ((reason: LinkCloseReason) => void) | null;
}

/** Outbound connections: replica → master, MIGRATE, cluster-bus links, Sentinel → monitored servers. */
export interface Network {
  /** Opens a link to `host:port`; a refusal or reset arrives later as `onClose`. */
  connect(host: string, port: number): Link;
  /** Looks a host name up as getaddrinfo does, returning its first IP or null; absent when names cannot resolve. */
  resolve?(host: string): string | null;
}

/** How a child process ended, as waitpid reports it: its exit code, and the signal that killed it (0 when none). */
export interface ProcessExit {
  readonly code: number;
  readonly signal: number;
}

/** A started child process. */
export interface ChildProcessHandle {
  /** Its process id (0 when it could not be started). */
  readonly pid: number;
  /** Called once when it ends; a program that cannot be started ends with code 2, as a failed execve child does. */
  onExit: ((exit: ProcessExit) => void) | null;
  /** Kills it with SIGKILL; its end still arrives through `onExit`. */
  kill(): void;
}

/** External programs (Sentinel's notification and client-reconfig scripts): real ones, or simulated runs. */
export interface ProcessRunner {
  /** Whether `path` names an executable file (access(path, X_OK)). */
  canExecute(path: string): boolean;
  /** Starts `path` with `args` (argv[1...]). */
  spawn(path: string, args: readonly string[]): ChildProcessHandle;
}

/** Everything time-, chance- and I/O-shaped that a node needs. */
export interface Env {
  /** Milliseconds since the Unix epoch (virtual in the simulation). */
  now(): number;
  /** A uniformly distributed float in [0, 1) from the runtime's generator (seeded in the simulation). */
  random(): number;
  /** Runs `task` after `delayMs` milliseconds of (virtual or real) time. */
  schedule(delayMs: number, task: () => void): TimerHandle;
  /** The node's file storage. */
  storage: Storage;
  /** Outbound connections. */
  net: Network;
  /** Writes one log line; the runtime adds Redis's `pid:role date level` prefix. */
  log(level: LogLevel, role: string, message: string): void;
  /** The process id Redis reports in INFO and log lines. */
  pid: number;
  /** The executable path reported by INFO (`executable:`). */
  executable: string;
  /** The config file path reported by INFO (`config_file:`), empty when none. */
  configFile: string;
  /** The config file's text (it lives outside the data dir), or null when it does not exist; throws if unreadable. */
  readConfigFile(): string | null;
  /** Replaces the config file atomically (CONFIG REWRITE); throws an Error whose message is the reason (strerror). */
  writeConfigFile(text: string): void;
  /** Child processes (Sentinel scripts); when absent no program counts as executable. */
  processes?: ProcessRunner;
}

/** Returns `count` random lowercase hex characters drawn from env.random(), as Redis's getRandomHexChars does. */
export function randomHex(env: Pick<Env, 'random'>, count: number): string {
  const digits = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < count; i++) out += digits[Math.floor(env.random() * 16)];
  return out;
}
