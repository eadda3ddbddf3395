// Child processes in tests (`redis-sim …` from dist/cli/main.js, client scripts): spawned so that the test's cleanup
// kills any still running, with their output collected; and the port probe the tests use to see what still listens.

import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { CLI_PATH } from './servers.js';

/** Where a test keeps the cleanups its afterEach runs. */
export interface Cleanups {
  push(cleanup: () => Promise<void>): unknown;
}

/** Registers a cleanup that kills `child` (SIGKILL) unless it has ended, then waits for it; resolves with its exit code. */
export function trackChild(child: ChildProcess, cleanups: Cleanups): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return exited;
}

/** A `redis-sim` process of a test, its standard output and error collected together. */
export interface RedisSimProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it has printed so far. */
  output(): string;
  /** Resolves with its exit code. */
  readonly exited: Promise<number | null>;
}

/** Spawns `redis-sim <args>` (dist/cli/main.js; build first) in `cwd`; the cleanup kills it if it is still running. */
export function spawnRedisSim(args: readonly string[], cwd: string, cleanups: Cleanups): RedisSimProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: trackChild(child, cleanups) };
}

/** Whether something accepts TCP connections on the port (127.0.0.1). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
