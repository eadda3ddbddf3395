// The realtime ProcessRunner: Sentinel scripts run as real child processes (fork + execve in sentinel.c), sharing our
// standard output and error, and reported back with their exit code or killing signal as waitpid gives them.

import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ChildProcessHandle, ProcessExit, ProcessRunner } from '../env/env.js';

/** Starts real programs. */
export const childProcesses: ProcessRunner = {
  canExecute(path) {
    try {
      accessSync(path, fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  spawn(path, args) {
    const child = spawn(path, [...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    // A running script must not keep the process alive, as Redis's children never hold the server up.
    child.unref();
    const handle: ChildProcessHandle = {
      pid: child.pid ?? 0,
      onExit: null,
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
    let reported = false;
    const report = (exit: ProcessExit): void => {
      if (reported) return;
      reported = true;
      handle.onExit?.(exit);
    };
    // execve failing in the forked child ends it with exit code 2 (sentinelRunPendingScripts).
    child.on('error', () => report({ code: 2, signal: 0 }));
    child.on('exit', (code, signal) =>
      report({ code: code ?? 0, signal: signal === null ? 0 : (osConstants.signals[signal] ?? 0) }),
    );
    return handle;
  },
};
