// Sentinel's user scripts (the script half of sentinel.c): the queue of notification and client-reconfig script
// runs, started at most SCRIPT_MAX_RUNNING at a time from the timer, retried on exit code 1 or a signal with a
// doubling delay, killed after script-max-runtime. Processes are started through env.processes, so the simulation
// records runs where the realtime runtime spawns real programs.

import type { ChildProcessHandle, ProcessExit, ProcessRunner } from '../env/env.js';

/** Most jobs the queue holds; the oldest not running is dropped beyond it (SENTINEL_SCRIPT_MAX_QUEUE). */
export const SCRIPT_MAX_QUEUE = 256;
/** Most scripts running at once (SENTINEL_SCRIPT_MAX_RUNNING). */
export const SCRIPT_MAX_RUNNING = 16;
/** Most attempts of one job (SENTINEL_SCRIPT_MAX_RETRY). */
export const SCRIPT_MAX_RETRY = 10;

/** One queued script execution (sentinelScriptJob). */
export interface ScriptJob {
  /** The script path, then its arguments. */
  readonly argv: readonly string[];
  running: boolean;
  /** When it started while running; when it may run again after a failed attempt; 0 before the first run. */
  startTime: number;
  /** The running process id, 0 when not running. */
  pid: number;
  /** Attempts started so far. */
  retryNum: number;
}

/** What the queue needs from its Sentinel: time, the timing knobs, events and the process runner. */
export interface ScriptHost {
  now(): number;
  /** SENTINEL DEBUG's script-max-runtime and script-retry-delay, read at each use. */
  readonly timings: { readonly scriptMaxRuntime: number; readonly scriptRetryDelay: number };
  /** Emits an event with no instance (sentinelEvent(level, type, NULL, ...)). */
  event(level: 'debug' | 'warning', type: string, message: string): void;
  /** Writes a log line. */
  log(message: string): void;
  /** The runner scripts start through; none means nothing can start. */
  processes(): ProcessRunner | undefined;
}

/** The queue of script jobs (sentinel.scripts_queue with running_scripts). */
export class ScriptQueue {
  /** Jobs in the order scheduled, running or waiting. */
  readonly jobs: ScriptJob[] = [];
  /** How many jobs are running (sentinel.running_scripts). */
  running = 0;

  private readonly children = new Map<ScriptJob, ChildProcessHandle>();
  /** Ends reported by the runner, collected at the next timer run as waitpid would return them. */
  private readonly ended: { pid: number; exit: ProcessExit }[] = [];

  constructor(private readonly host: ScriptHost) {}

  /** Queues a run of `path` with `args` (sentinelScheduleScriptExecution). */
  schedule(path: string, args: readonly string[]): void {
    this.jobs.push({ argv: [path, ...args], running: false, startTime: 0, pid: 0, retryNum: 0 });
    if (this.jobs.length <= SCRIPT_MAX_QUEUE) return;
    const oldest = this.jobs.findIndex((job) => !job.running);
    if (oldest !== -1) this.jobs.splice(oldest, 1);
  }

  /** The timer's three script steps, in sentinelTimer's order. */
  tick(): void {
    this.runPending();
    this.collectTerminated();
    this.killTimedOut();
  }

  /** Starts waiting jobs, oldest first, while fewer than SCRIPT_MAX_RUNNING run (sentinelRunPendingScripts). */
  runPending(): void {
    const now = this.host.now();
    for (const job of this.jobs) {
      if (this.running >= SCRIPT_MAX_RUNNING) break;
      if (job.running) continue;
      if (job.startTime !== 0 && job.startTime > now) continue;
      job.running = true;
      job.startTime = now;
      job.retryNum++;
      const runner = this.host.processes();
      if (runner === undefined) {
        // A fork that fails is reported as signal 99 (sentinelRunPendingScripts).
        this.host.event('warning', '-script-error', `${job.argv[0]} 99 0`);
        job.running = false;
        job.pid = 0;
        continue;
      }
      const child = runner.spawn(job.argv[0]!, job.argv.slice(1));
      this.running++;
      job.pid = child.pid;
      this.children.set(job, child);
      child.onExit = (exit) => this.ended.push({ pid: child.pid, exit });
      this.host.event('debug', '+script-child', String(child.pid));
    }
  }

  /**
   * Handles the scripts that ended (sentinelCollectTerminatedScripts): exit code 1 or a signal retries after a
   * doubling delay until SCRIPT_MAX_RETRY attempts; anything else removes the job, with `-script-error` unless 0.
   */
  collectTerminated(): void {
    while (this.ended.length > 0) {
      const { pid, exit } = this.ended.shift()!;
      this.host.event('debug', '-script-child', `${pid} ${exit.code} ${exit.signal}`);
      const index = this.jobs.findIndex((job) => job.running && job.pid === pid);
      if (index === -1) {
        this.host.log(`waitpid() returned a pid (${pid}) we can't find in our scripts execution queue!`);
        continue;
      }
      const job = this.jobs[index]!;
      this.children.delete(job);
      if ((exit.signal !== 0 || exit.code === 1) && job.retryNum !== SCRIPT_MAX_RETRY) {
        job.running = false;
        job.pid = 0;
        job.startTime = this.host.now() + this.retryDelay(job.retryNum);
      } else {
        if (exit.signal !== 0 || exit.code !== 0)
          this.host.event('warning', '-script-error', `${job.argv[0]} ${exit.signal} ${exit.code}`);
        this.jobs.splice(index, 1);
      }
      this.running--;
    }
  }

  /** Kills running scripts older than script-max-runtime (sentinelKillTimedoutScripts); they end as signalled. */
  killTimedOut(): void {
    const now = this.host.now();
    for (const job of this.jobs) {
      if (!job.running || now - job.startTime <= this.host.timings.scriptMaxRuntime) continue;
      this.host.event('warning', '-script-timeout', `${job.argv[0]} ${job.pid}`);
      this.children.get(job)?.kill();
    }
  }

  /** The delay before attempt `retryNum + 1`: script-retry-delay, doubled for each attempt after the first. */
  retryDelay(retryNum: number): number {
    let delay = this.host.timings.scriptRetryDelay;
    for (let n = retryNum; n > 1; n--) delay *= 2;
    return delay;
  }

  /** Forgets the queue when the Sentinel stops; running scripts are left to finish alone, as a dead parent's would. */
  clear(): void {
    for (const child of this.children.values()) child.onExit = null;
    this.children.clear();
    this.jobs.length = 0;
    this.ended.length = 0;
    this.running = 0;
  }
}
