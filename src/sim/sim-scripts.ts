// Simulated external programs: the ProcessRunner of simulated nodes. Nothing is executed; each run is recorded in the
// event log at its virtual time and ends after a virtual duration with the exit code its script was given, so tests
// see Sentinel's notification and client-reconfig scripts run deterministically.

import type { ChildProcessHandle, ProcessRunner } from '../env/env.js';
import type { EventLog } from './event-log.js';
import type { EventQueue } from './event-queue.js';

/** How an installed script behaves. */
export interface SimScriptBehaviour {
  /** Virtual ms each run lasts; Infinity runs until killed. DEFAULT_SCRIPT_DURATION_MS when omitted. */
  durationMs?: number;
  /** Exit codes of successive runs (of any node), the last one repeating; [0] when omitted. */
  exitCodes?: readonly number[];
}

/** One run of a simulated script. */
export interface SimScriptRun {
  /** The node that started it. */
  readonly node: string;
  readonly pid: number;
  /** The script path, then its arguments. */
  readonly argv: readonly string[];
  /** Virtual time it started. */
  readonly startedAt: number;
  /** Virtual time it ended, its exit code and killing signal; null while it runs. */
  end: { at: number; code: number; signal: number } | null;
}

/** How long a script runs when its behaviour does not say. */
export const DEFAULT_SCRIPT_DURATION_MS = 10;

/** SIGKILL's number, the signal a killed run reports. */
const SIGKILL = 9;

/** The simulation's table of installed scripts and the record of every run. */
export class SimScripts {
  /** Every run, in start order. */
  readonly runs: SimScriptRun[] = [];

  private readonly installed = new Map<string, { behaviour: SimScriptBehaviour; runs: number }>();
  private nextPid = 50000;

  constructor(
    private readonly queue: EventQueue,
    private readonly log: EventLog | null,
  ) {}

  /** Makes `path` an executable script with the given behaviour (replacing an earlier one). */
  install(path: string, behaviour: SimScriptBehaviour = {}): void {
    this.installed.set(path, { behaviour, runs: 0 });
  }

  /** Removes a script: it is no longer executable, and starting it fails as execve does (exit code 2). */
  uninstall(path: string): void {
    this.installed.delete(path);
  }

  /** The ProcessRunner of node `name`. */
  runnerFor(name: string): ProcessRunner {
    return {
      canExecute: (path) => this.installed.has(path),
      spawn: (path, args) => this._spawn(name, path, args),
    };
  }

  // --- internal ---

  private _spawn(node: string, path: string, args: readonly string[]): ChildProcessHandle {
    const run: SimScriptRun = {
      node,
      pid: this.nextPid++,
      argv: [path, ...args],
      startedAt: this.queue.now(),
      end: null,
    };
    this.runs.push(run);
    this.log?.record(run.startedAt, node, `script ${run.pid} started: ${run.argv.join(' ')}`);
    const script = this.installed.get(path);
    let code = 2;
    let duration = 0;
    if (script !== undefined) {
      const codes = script.behaviour.exitCodes ?? [0];
      code = codes[Math.min(script.runs, codes.length - 1)] ?? 0;
      script.runs++;
      duration = script.behaviour.durationMs ?? DEFAULT_SCRIPT_DURATION_MS;
    }
    const handle: ChildProcessHandle = {
      pid: run.pid,
      onExit: null,
      kill: () => {
        if (run.end === null) this.queue.schedule(0, () => finish(0, SIGKILL));
      },
    };
    const finish = (exitCode: number, signal: number): void => {
      if (run.end !== null) return;
      run.end = { at: this.queue.now(), code: exitCode, signal };
      this.log?.record(run.end.at, node, `script ${run.pid} exited: code ${exitCode} signal ${signal}`);
      handle.onExit?.({ code: exitCode, signal });
    };
    if (Number.isFinite(duration)) this.queue.schedule(duration, () => finish(code, 0));
    return handle;
  }
}
