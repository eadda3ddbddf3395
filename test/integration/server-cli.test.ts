// `redis-sim server` as a process (dist/cli/main.js; build first): start-up, logs, signals, one-line failures,
// and CONFIG REWRITE surviving a restart.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import {
  CLI_PATH,
  RespClient,
  freePort,
  startSimProcess,
  tempDir,
  waitFor,
  type ProcessServer,
} from '../helpers/servers.js';

const LOG_LINE = /^\d+:[CM] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] \S/;

/** Runs the CLI to completion (for start-up failures), with a time limit. */
function runToExit(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-sim ${args.join(' ')} did not exit: ${stdout}${stderr}`));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Sends SIGTERM and resolves with the exit code. */
function terminate(server: ProcessServer): Promise<number | null> {
  return new Promise((resolve) => {
    server.process.once('exit', (code) => resolve(code));
    server.process.kill('SIGTERM');
  });
}

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function scratch(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('redis-sim server (process)', () => {
  it('serves a config file, logs in Redis format, writes its pidfile and exits 0 on SIGTERM', async () => {
    const dir = scratch();
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, `# lab\nmaxmemory 64mb\npidfile ${join(dir, 'redis.pid')}\nloglevel verbose\n`);
    const server = await startSimProcess([conf], { dir });
    cleanups.push(() => server.stop());
    const client = await RespClient.connect(server.port);
    expect(await client.run('PING')).toBe('PONG');
    expect(await client.run('CONFIG', 'GET', 'port')).toEqual(['port', String(server.port)]);
    expect(await client.run('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', '67108864']);
    await client.close();
    expect(readFileSync(join(dir, 'redis.pid'), 'utf8')).toBe(`${server.process.pid}\n`);
    expect(await terminate(server)).toBe(0);
    const lines = server.output().trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(LOG_LINE);
    expect(lines[2]).toMatch(/# Configuration loaded$/);
    expect(server.output()).toContain(`* Running mode=standalone, port=${server.port}.`);
    expect(server.output()).toMatch(/# Server initialized\n/);
    expect(server.output()).toMatch(/\* Ready to accept connections\n/);
    expect(server.output()).toMatch(/# Received SIGTERM scheduling shutdown\.\.\.\n/);
    expect(existsSync(join(dir, 'redis.pid'))).toBe(false);
  });

  it('writes its log to logfile instead of stdout, honouring loglevel', async () => {
    const dir = scratch();
    const server = await startSimProcess(['--logfile', 'server.log', '--loglevel', 'warning'], { dir });
    cleanups.push(() => server.stop());
    expect(await terminate(server)).toBe(0);
    expect(server.output()).toBe('');
    const log = readFileSync(join(dir, 'server.log'), 'latin1');
    expect(log).toMatch(/# Server initialized\n/);
    expect(log).not.toContain('Ready to accept connections');
    for (const line of log.trimEnd().split('\n')) expect(line).toMatch(LOG_LINE);
  });

  it('exits 1 with one line for a bad config line, an unknown option and a port in use', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.conf'), 'port 7000\n\nappendfsync sometimes\n');
    const bad = await runToExit(['server', 'bad.conf'], dir);
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "redis-sim: bad config directive 'appendfsync' at line 3 of bad.conf: argument(s) must be one of the following: everysec, always, no (see --help)\n",
    });
    const unknown = await runToExit(['server', '--port', String(await freePort()), '--foo', 'bar'], dir);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "redis-sim: bad config directive 'foo' in command-line option '--foo': Bad directive or wrong number of arguments (see --help)\n",
    });
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as { port: number }).port;
    const taken = await runToExit(['server', '--port', String(port), '--save', '', '--dir', dir], dir);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      `redis-sim: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use\n`,
    );
  });

  it('keeps CONFIG SET values across a restart through CONFIG REWRITE', async () => {
    const dir = scratch();
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, '# my lab\nsave 900 1\nslave-priority 50\n');
    const port = await freePort();
    const first = await startSimProcess([conf], { dir, port });
    cleanups.push(() => first.stop());
    const a = await RespClient.connect(port);
    expect(await a.run('CONFIG', 'SET', 'maxmemory', '2mb', 'slave-priority', '7', 'save', '60 5 30 10')).toBe('OK');
    expect(await a.run('CONFIG', 'REWRITE')).toBe('OK');
    await a.close();
    expect(await terminate(first)).toBe(0);
    const text = readFileSync(conf, 'latin1');
    expect(text.startsWith('# my lab\nsave 60 5\nreplica-priority 7\n')).toBe(true);
    expect(text).toContain('# Generated by CONFIG REWRITE\n');
    expect(text).toContain('\nsave 30 10\n');
    expect(text).toContain('maxmemory 2mb\n');
    const second = await runAgain(conf, dir);
    const b = await RespClient.connect(second.port);
    expect(await b.run('CONFIG', 'GET', 'maxmemory', 'replica-priority', 'save')).toEqual([
      'maxmemory',
      '2097152',
      'replica-priority',
      '7',
      'save',
      '60 5 30 10',
    ]);
    await b.close();
    expect(await terminate(second)).toBe(0);
  });
});

/** Restarts from a rewritten file alone (it already holds port and dir). */
async function runAgain(conf: string, dir: string): Promise<ProcessServer> {
  const child = spawn(process.execPath, [CLI_PATH, 'server', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const server: ProcessServer = {
    host: '127.0.0.1',
    port: 0,
    dir,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  cleanups.push(() => server.stop());
  await waitFor(() => /Ready to accept connections/.test(output) || child.exitCode !== null, {
    timeoutMs: 10_000,
    message: 'restart',
  });
  const port = Number(/Running mode=standalone, port=(\d+)\./.exec(output)?.[1]);
  if (!(port > 0)) throw new Error(`restart failed: ${output}`);
  return { ...server, port };
}
