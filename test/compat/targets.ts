// The servers every compat test runs against — real redis-server 7.0.15 (the oracle, proving each expectation) and
// redis-sim — plus a runner for the real command-line tools (redis-cli, redis-benchmark, python3).

import { spawn } from 'node:child_process';
import { startRealRedis, startSimProcess, startSimServer, type TestServer } from '../helpers/servers.js';

/** A server flavour a compat test is parametrized over. */
export interface Target {
  readonly name: string;
  /** Starts the server with extra config directives, given as `[name, value]` pairs. */
  start(directives?: readonly (readonly [string, string])[]): Promise<TestServer>;
}

/** Real Redis 7.0.15 as a process. */
export const REAL_REDIS: Target = {
  name: 'redis-server 7.0.15',
  start: (directives = []) => startRealRedis(_toFlags(directives)),
};

/** `redis-sim server` as a separate process (what users run). */
export const SIM_PROCESS: Target = {
  name: 'redis-sim server (process)',
  start: (directives = []) => startSimProcess(_toFlags(directives)),
};

/** redis-sim in this process (faster to start; used where the process boundary adds nothing). */
export const SIM_IN_PROCESS: Target = {
  name: 'redis-sim (in-process)',
  start: (directives = []) => startSimServer(directives.map(([name, value]) => [name, [value]] as const)),
};

/** The oracle and redis-sim as a process: for tests driving external tools. */
export const PROCESS_TARGETS: readonly Target[] = [REAL_REDIS, SIM_PROCESS];

/** The oracle and in-process redis-sim: for tests driving Node clients. */
export const CLIENT_TARGETS: readonly Target[] = [REAL_REDIS, SIM_IN_PROCESS];

/** What a finished tool run printed. */
export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args…`, feeding `input` on stdin, and resolves when it exits; rejects after `timeoutMs`. */
export function runTool(
  command: string,
  args: readonly string[],
  { input = '', timeoutMs = 20_000 }: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out; stdout so far: ${Buffer.concat(out).toString()}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
    // A tool that exits before reading all of stdin (an error path) must not fail the test with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs redis-cli against `port` with `args`. */
export function redisCli(port: number, args: readonly string[], input?: string | Buffer): Promise<ToolResult> {
  return runTool('redis-cli', ['-p', String(port), ...args], { input });
}

// --- internal ---

/** Directives as `--name value` command-line flags (accepted by both redis-server and `redis-sim server`). */
function _toFlags(directives: readonly (readonly [string, string])[]): string[] {
  return directives.flatMap(([name, value]) => [`--${name}`, value]);
}
