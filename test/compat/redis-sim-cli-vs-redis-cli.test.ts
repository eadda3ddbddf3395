// `redis-sim cli` against Debian's redis-cli: the same command lines, in every output mode, sent to two real
// redis-server instances in the same state; stdout, stderr and exit codes must be identical byte for byte.

import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/main.js';
import { encodeRequestString } from '../../src/protocol/request-encoder.js';
import { startCluster, type StartedCluster } from '../../src/index.js';
import { CLI_PATH, startRealRedis, type ProcessServer } from '../helpers/servers.js';

/** What one program run printed. */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with `input` on stdin; output is read as latin1 so binary bytes compare exactly. */
function runWithInput(command: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(Buffer.from(input, 'latin1'));
  });
}

/** `redis-sim cli args…` run in this process (as the bin runs it, with standard output not a terminal). */
async function simCli(args: readonly string[], input = ''): Promise<Run> {
  const run: Run = { code: null, stdout: '', stderr: '' };
  const io: CliIo = {
    cwd: process.cwd(),
    stdoutIsTty: false,
    out: (text) => (run.stdout += Buffer.from(text, 'utf8').toString('latin1')),
    outBytes: (bytes) => (run.stdout += bytes.toString('latin1')),
    err: (text) => (run.stderr += Buffer.from(text, 'utf8').toString('latin1')),
    onSignal: () => () => {},
    readStdin: () => Promise.resolve(input),
    stdin: Readable.from([Buffer.from(input, 'latin1')]),
  };
  run.code = await runCli(['cli', ...args], io);
  return run;
}

/** The same command line through redis-cli (to `real`) and redis-sim cli (to `twin`). */
async function both(real: number, twin: number, args: readonly string[], input = ''): Promise<[Run, Run]> {
  const expected = await runWithInput('redis-cli', ['-p', String(real), ...args], input);
  const actual = await simCli(['-p', String(twin), ...args], input);
  return [expected, actual];
}

const MODES: readonly (readonly string[])[] = [['--no-raw'], [], ['--csv'], ['-3', '--no-raw'], ['-3']];

/** Command lines covering every reply type, nesting, errors, empty aggregates and the raw-printed commands. */
const LINES: readonly (readonly string[])[] = [
  ['PING'],
  ['SET', 'str', 'a "quoted"\tvalue\\'],
  ['GET', 'str'],
  ['GET', 'missing'],
  ['INCRBYFLOAT', 'float', '1.5'],
  ['RPUSH', 'list', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'],
  ['LRANGE', 'list', '0', '-1'],
  ['LRANGE', 'missing', '0', '-1'],
  ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3'],
  ['HGETALL', 'hash'],
  ['HGETALL', 'missing'],
  ['SADD', 'set', 'x'],
  ['SMEMBERS', 'set'],
  ['ZADD', 'zset', '1.5', 'm1', '2', 'm2', '-inf', 'm0'],
  ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES'],
  ['ZSCORE', 'zset', 'm1'],
  ['COMMAND', 'INFO', 'get', 'set'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['LPOS', 'list', 'z'],
  ['SCAN', '0', 'MATCH', 'nothing*'],
  ['EXISTS', 'str', 'list', 'nope'],
  ['NOSUCHCOMMAND', 'x'],
  ['GET'],
  ['LPUSH', 'str', 'x'],
  ['CLIENT', 'NO-EVICT', 'maybe'],
  ['INFO', 'keyspace'],
  ['MEMORY', 'DOCTOR'],
  ['HELLO', '3', 'SETNAME', 'x'],
];

describe('redis-sim cli prints replies as redis-cli does', () => {
  let real: ProcessServer;
  let twin: ProcessServer;

  beforeAll(async () => {
    real = await startRealRedis();
    twin = await startRealRedis();
  });
  afterAll(async () => {
    await real?.stop();
    await twin?.stop();
  });

  it('in the standard, raw and CSV modes, in RESP2 and RESP3', async () => {
    for (const line of LINES) {
      for (const mode of MODES) {
        const [expected, actual] = await both(real.port, twin.port, [...mode, ...line]);
        // HELLO's reply carries the connection id, which depends on how many connections each server has had.
        if (line[0] === 'HELLO') {
          for (const run of [expected, actual]) run.stdout = run.stdout.replace(/(id\D*)\d+/, '$1N');
        }
        expect(actual, `${mode.join(' ')} ${line.join(' ')}`).toEqual(expected);
      }
    }
  }, 180_000);

  it('for binary values read with -x, and with -r, -n, -a, -e and connection errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), async (bytes) => {
        const value = Buffer.from(bytes).toString('latin1');
        const [setReal, setTwin] = await both(real.port, twin.port, ['-x', 'SET', 'bin'], value);
        expect(setTwin).toEqual(setReal);
        for (const mode of MODES.slice(0, 3)) {
          const [expected, actual] = await both(real.port, twin.port, [...mode, 'GET', 'bin']);
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 30 },
    );
    const lines: readonly (readonly string[])[] = [
      ['-r', '3', 'INCR', 'counter'],
      ['-n', '2', 'SET', 'db2', 'v'],
      ['-n', '2', 'DBSIZE'],
      ['-n', '99', 'PING'],
      ['-a', 'secret', 'PING'],
      ['-a', 'secret', '--no-auth-warning', '--user', 'nobody', 'PING'],
      ['-e', 'GET'],
      ['-e', '--no-raw', 'INCR', 'str'],
      ['--bogus', 'PING'],
    ];
    for (const line of lines) {
      const [expected, actual] = await both(real.port, twin.port, line);
      expect(actual, line.join(' ')).toEqual(expected);
    }
    const refused = await runWithInput('redis-cli', ['-p', '1', 'PING']);
    expect(await runWithInput(process.execPath, [CLI_PATH, 'cli', '-p', '1', 'PING'])).toEqual(refused);
  }, 120_000);

  it('--pipe sends raw protocol and counts the replies; --scan lists the keys', async () => {
    let protocol = '';
    for (let i = 0; i < 500; i++) protocol += encodeRequestString(['SET', `piped:${i}`, `v${i}`]);
    protocol += encodeRequestString(['LPUSH', 'piped:1', 'x']) + encodeRequestString(['DBSIZE']);
    const [expected, actual] = await both(real.port, twin.port, ['--pipe'], protocol);
    expect(expected.stdout).toContain('errors: 1, replies: 502');
    expect(actual).toEqual(expected);
    for (const args of [['--scan'], ['--scan', '--pattern', 'piped:1*'], ['--no-raw', '--scan', '--pattern', '*:4?']]) {
      const [scanned, listed] = await both(real.port, twin.port, args);
      // SCAN's order follows each server's hash table; the keys listed must be the same.
      const sorted = (run: Run): string[] => run.stdout.split('\n').sort();
      expect(listed.code).toBe(scanned.code);
      expect(sorted(listed)).toEqual(sorted(scanned));
      expect(scanned.stdout.length).toBeGreaterThan(0);
    }
  });

  it('reads commands from standard input without a command (interactive mode), line by line: quoting, repeats, SELECT, MULTI, errors, quit', async () => {
    const session = [
      'SET a 1',
      'GET a',
      'SELECT 2',
      'SET b "x y\\n"',
      'GET b',
      '3 INCR c',
      '0 INCR c',
      'MULTI',
      'INCR c',
      'EXEC',
      'NOPE',
      '',
      '"unbalanced',
      'HGETALL missing',
      'quit',
      'PING',
    ].join('\n');
    for (const mode of MODES) {
      const [expected, actual] = await both(real.port, twin.port, [...mode], `${session}\n`);
      expect(expected.stdout).toContain('Invalid argument(s)');
      expect(actual, mode.join(' ')).toEqual(expected);
    }
  });
});

describe('redis-sim cli -c in a cluster', () => {
  let cluster: StartedCluster | null = null;

  afterAll(async () => {
    await cluster?.stop();
  });

  it('follows MOVED to the owner as redis-cli -c does, and prints the error without -c', async () => {
    cluster = await startCluster({ masters: 3 });
    let redirected = 0;
    for (const node of cluster.nodes) {
      for (const args of [
        ['-c', 'SET', 'foo', 'bar'],
        ['-c', 'GET', 'foo'],
        ['GET', 'foo'],
        ['-c', 'MGET', 'a', 'b'],
      ]) {
        const port = String(node.port);
        const expected = await runWithInput('redis-cli', ['-p', port, ...args]);
        const actual = await runWithInput(process.execPath, [CLI_PATH, 'cli', '-p', port, ...args]);
        expect(actual, `${port} ${args.join(' ')}`).toEqual(expected);
      }
      // Interactive, -c prints where each redirection leads.
      const session = 'SET foo bar\nGET foo\nSET other 1\nGET foo\n';
      const expected = await runWithInput('redis-cli', ['-c', '-p', String(node.port)], session);
      const actual = await runWithInput(process.execPath, [CLI_PATH, 'cli', '-c', '-p', String(node.port)], session);
      expect(actual).toEqual(expected);
      if (expected.stdout.includes('-> Redirected to slot')) redirected++;
    }
    expect(redirected).toBeGreaterThan(0);
  }, 60_000);
});
