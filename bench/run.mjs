// Throughput of redis-sim against real redis-server, measured in one run on the same machine with redis-benchmark:
// SET and GET, 50 clients, unpipelined and with 16 commands per pipeline (the goals), then redis-benchmark's whole
// default suite at both depths. Prints tables of ops/s and the ratio sim/real, and appends the run to
// bench/RESULTS.md. Run with `npm run bench` (which builds first).
//
// Environment: BENCH_REQUESTS (SET/GET requests, default 200000), BENCH_SUITE_REQUESTS (per test of the default
// suite, default 20000), BENCH_REPEAT (runs per cell, the best is kept; default 1), BENCH_NO_APPEND=1 (print only).

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, machine, machineLines, markdownTable, publish } from './kit.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const SUITE_REQUESTS = Number(process.env.BENCH_SUITE_REQUESTS ?? 20_000);
const CLIENTS = 50;
/** Goals from the project brief: sim/real ratio per pipeline depth. */
const GOALS = { 1: 0.8, 16: 0.5 };

/** Finds a TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves true when the server at `port` answers PING with +PONG. */
function pings(port) {
  return new Promise((resolvePing) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (d) => done(d.toString('latin1') === '+PONG\r\n'));
  });
}

/** Starts a server process and waits until it answers PING. */
async function startServer(name, command, args, port) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', r));
  const deadline = Date.now() + 15_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start (${command} ${args.join(' ')}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs redis-benchmark (SET and GET, or with `suite` the whole default suite) and returns ops/s per test name. */
function benchmark(port, pipeline, suite = false) {
  const tests = suite ? [] : ['-t', 'set,get'];
  const requests = suite ? SUITE_REQUESTS : REQUESTS;
  const args = ['-p', String(port), ...tests, '-n', String(requests), '-c', String(CLIENTS), '-q', '--csv'];
  if (pipeline > 1) args.push('-P', String(pipeline));
  const out = execFileSync('redis-benchmark', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const rps = {};
  for (const line of out.trim().split('\n')) {
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    if (cells[0] === 'test') continue;
    rps[cells[0]] = Number(cells[1]);
  }
  return { rps, command: `redis-benchmark ${args.join(' ').replace(`-p ${port}`, '-p <port>')}` };
}

/** CPU time (user + system) a process has used so far, in microseconds; null where /proc is not available. */
function cpuMicros(pid) {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return null;
  // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Runs every cell against both servers, alternating between them so that both see the same machine load, and keeps
 * the best of BENCH_REPEAT runs per cell. Also records the server's CPU time per request, which a busy machine
 * disturbs far less than throughput.
 */
function measure(servers) {
  const results = Object.fromEntries(servers.map((s) => [s.name, {}]));
  const commands = {};
  for (let i = 0; i < REPEAT; i++) {
    for (const pipeline of [1, 16]) {
      for (const server of servers) {
        const before = cpuMicros(server.pid);
        const { rps, command } = benchmark(server.port, pipeline);
        const after = cpuMicros(server.pid);
        commands[pipeline] = command;
        for (const [test, value] of Object.entries(rps)) {
          const key = `${test} -P ${pipeline}`;
          results[server.name][key] = Math.max(results[server.name][key] ?? 0, value);
        }
        if (before !== null && after !== null) {
          const key = `cpu -P ${pipeline}`;
          const perRequest = (after - before) / (2 * REQUESTS);
          results[server.name][key] = Math.min(results[server.name][key] ?? Infinity, perRequest);
        }
      }
    }
  }
  return { results, commands };
}

/** Runs the whole default suite against both servers at both depths: ops/s per `test -P n`, and the commands. */
function measureSuite(servers) {
  const results = Object.fromEntries(servers.map((s) => [s.name, {}]));
  const commands = {};
  for (const pipeline of [1, 16]) {
    for (const server of servers) {
      const { rps, command } = benchmark(server.port, pipeline, true);
      commands[pipeline] = command;
      for (const [test, value] of Object.entries(rps)) results[server.name][`${test} -P ${pipeline}`] = value;
    }
  }
  return { results, commands };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'redis-sim-bench-'));
  const info = machine();
  let real;
  let sim;
  let measured;
  try {
    const [realPort, simPort] = [await freePort(), await freePort()];
    real = await startServer(
      'redis-server',
      'redis-server',
      ['--port', String(realPort), '--save', '', '--appendonly', 'no', '--dir', dir],
      realPort,
    );
    sim = await startServer(
      'redis-sim',
      process.execPath,
      [CLI, 'server', '--port', String(simPort), '--save', '', '--dir', dir],
      simPort,
    );
    measured = measure([real, sim]);
    measured.suite = measureSuite([real, sim]);
  } finally {
    await real?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const realResults = measured.results['redis-server'];
  const simResults = measured.results['redis-sim'];

  const rows = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['SET', 'GET']) {
      const key = `${test} -P ${pipeline}`;
      const ratio = simResults[key] / realResults[key];
      const goal = GOALS[pipeline];
      rows.push([
        test,
        String(pipeline),
        _fmt(realResults[key]),
        _fmt(simResults[key]),
        ratio.toFixed(2),
        `≥ ${goal}`,
        ratio >= goal ? 'met' : 'MISSED',
      ]);
    }
  }
  const header = ['test', 'pipeline', 'redis-server ops/s', 'redis-sim ops/s', 'sim/real', 'goal', ''];
  const table = markdownTable(header, rows);
  const cpuRows = [1, 16]
    .filter((p) => realResults[`cpu -P ${p}`] !== undefined && simResults[`cpu -P ${p}`] !== undefined)
    .map((p) => {
      const [r, s] = [realResults[`cpu -P ${p}`], simResults[`cpu -P ${p}`]];
      return [String(p), r.toFixed(2), s.toFixed(2), (r / s).toFixed(2)];
    });
  const cpuHeader = [
    'pipeline',
    'redis-server CPU µs/request',
    'redis-sim CPU µs/request',
    'real/sim (throughput bound)',
  ];
  const cpuTable = markdownTable(cpuHeader, cpuRows);
  const suiteReal = measured.suite.results['redis-server'];
  const suiteSim = measured.suite.results['redis-sim'];
  const suiteHeader = [
    'test',
    'redis-server -P 1',
    'redis-sim -P 1',
    'sim/real',
    'redis-server -P 16',
    'redis-sim -P 16',
    'sim/real',
  ];
  const suiteRows = Object.keys(suiteReal)
    .filter((k) => k.endsWith(' -P 1'))
    .map((k) => k.slice(0, -' -P 1'.length))
    .map((test) => {
      const cells = [test];
      for (const p of [1, 16]) {
        const [r, s] = [suiteReal[`${test} -P ${p}`], suiteSim[`${test} -P ${p}`]];
        cells.push(_fmt(r), s === undefined ? 'failed' : _fmt(s), s === undefined ? '-' : (s / r).toFixed(2));
      }
      return cells;
    });
  const suiteTable = markdownTable(suiteHeader, suiteRows);
  const report = [
    `## ${new Date().toISOString()}`,
    '',
    ...machineLines(info),
    `- Servers: \`redis-server --port <port> --save '' --appendonly no\` and \`node dist/cli/main.js server --port <port> --save ''\`, benchmarked alternately`,
    `- Commands: \`${measured.commands[1]}\` and \`${measured.commands[16]}\`${REPEAT > 1 ? ` (best of ${REPEAT} runs per cell)` : ''}`,
    '',
    table,
    '',
    'Server CPU time per request (SET and GET together, user + system, from /proc; the ratio is the throughput',
    'ratio the sim would reach if both servers were CPU-bound on an otherwise idle core):',
    '',
    cpuTable,
    '',
    `The whole default suite: \`${measured.suite.commands[1]}\` and \`${measured.suite.commands[16]}\`:`,
    '',
    suiteTable,
    '',
  ].join('\n');
  publish(report);
}

function _fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

await main();
