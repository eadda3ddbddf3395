// The request protocol over TCP, byte for byte against real Redis 7.0.15: the same malformed and edge-case streams go
// to both servers, and everything each one sends back (and whether it closes) must be identical.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startRealRedis, startSimServer, type TestServer } from '../helpers/servers.js';
import { requestTokenArb } from '../helpers/protocol-arbitraries.js';

/** What a server sent back to one connection. */
interface Exchange {
  /** Everything received, as latin1 text (so a diff is readable). */
  data: string;
  /** Whether the server closed the connection before we did. */
  closed: boolean;
}

interface ExchangeOptions {
  /** Half-close our side after writing, so a server that waits for more input closes instead (default false). */
  end?: boolean;
  /** How long to wait for the server to close when we do not end (default 300 ms). */
  ms?: number;
  /** Write each byte separately, waiting a turn of the event loop between writes. */
  byteByByte?: boolean;
  /** Stop as soon as the answer ends with this text (Redis drops unsent replies when the client half-closes). */
  until?: string;
}

/** Sends `data` to a server and collects its answer until it closes or `ms` pass. */
async function exchange(port: number, data: Buffer | string, options: ExchangeOptions = {}): Promise<Exchange> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  let received = 0;
  let arrived: () => void = () => {};
  const complete = new Promise<void>((r) => (arrived = r));
  if (options.until !== undefined) {
    const suffix = Buffer.from(options.until, 'latin1');
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= suffix.length && Buffer.concat(chunks.slice(-8)).subarray(-suffix.length).equals(suffix))
        arrived();
    });
  }
  const closedPromise = new Promise<void>((r) => socket.once('close', () => ((closed = true), r())));
  await new Promise<void>((r, j) => {
    socket.once('connect', () => r());
    socket.once('error', j);
  });
  try {
    if (options.byteByByte) {
      for (let i = 0; i < bytes.length && !closed; i++) {
        socket.write(bytes.subarray(i, i + 1));
        await new Promise((r) => setImmediate(r));
      }
    } else {
      socket.write(bytes);
    }
    if (options.end) socket.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closedPromise,
      complete,
      new Promise<void>((r) => (timer = setTimeout(r, options.end ? 5000 : (options.ms ?? 300)))),
    ]);
    clearTimeout(timer);
    return { data: Buffer.concat(chunks).toString('latin1'), closed };
  } finally {
    socket.destroy();
    await closedPromise;
  }
}

const multibulk = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

let real: TestServer;
let sim: TestServer;

beforeAll(async () => {
  [real, sim] = await Promise.all([startRealRedis(), startSimServer()]);
});

afterAll(async () => {
  await Promise.all([real?.stop(), sim?.stop()]);
});

/** Sends the same bytes to both servers and expects identical answers; returns real Redis's. */
async function same(data: Buffer | string, options: ExchangeOptions = {}, servers = { real, sim }): Promise<Exchange> {
  const [fromReal, fromSim] = await Promise.all([
    exchange(servers.real.port, data, options),
    exchange(servers.sim.port, data, options),
  ]);
  expect(fromSim).toEqual(fromReal);
  return fromReal;
}

describe('protocol errors: reply, then close', () => {
  it.each([
    ['invalid multibulk length', '*abc\r\n'],
    ['multibulk length over INT_MAX', '*99999999999\r\n'],
    ['multibulk length under LLONG_MIN', '*-9223372036854775809\r\n'],
    ['multibulk length with a leading zero', '*01\r\n$4\r\nPING\r\n'],
    ['negative bulk length', '*1\r\n$-1\r\n'],
    ['non-numeric bulk length', '*1\r\n$abc\r\n'],
    ['bulk length over proto-max-bulk-len', '*1\r\n$536870913\r\n'],
    ['a bulk that does not start with $', '*1\r\nx3\r\n'],
    ['an empty bulk header line', '*1\r\n\r\n'],
    ['a bulk header starting with \\n', '*1\r\n\n\r\n'],
    ['unbalanced double quote', 'ECHO "abc\r\n'],
    ['unbalanced single quote', "ECHO 'abc\r\n"],
    ['a closing quote followed by text', 'ECHO "a"b\r\n'],
    ['an inline request over 64KB', 'x'.repeat(70_000)],
    ['an mbulk count string over 64KB', `*${'1'.repeat(70_000)}`],
    ['a bulk count string over 64KB', `*1\r\n$${'1'.repeat(70_000)}`],
    [
      'commands answered before the error',
      `${multibulk('PING')}PING\r\n*1\r\n$4\r\nECHO\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n*z\r\nPING\r\n`,
    ],
  ])('%s', async (_name, data) => {
    const result = await same(data, { ms: 2000 });
    expect(result.closed).toBe(true);
    expect(result.data).toMatch(/-ERR Protocol error: [^\r\n]*\r\n$/);
  });
});

describe('edge cases that are not errors', () => {
  it.each([
    ['empty multibulk and negative counts', '*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\nPING\r\n'],
    ['empty and blank inline lines', '\r\n\n   \r\n\t\r\nPING\r\n'],
    [
      'inline quoting and escapes',
      'ECHO "a b"\r\nECHO \'x\\\'y\'\r\nECHO "\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\"\\q"\r\nECHO ""\r\nECHO a"b c"\r\n',
    ],
    ['inline separators', 'ECHO\t\x0b  x \x0c\r\nPING\nPING\rPING\r\r\n  PING  \r\n'],
    ['binary bulk arguments', multibulk('ECHO', '\0\r\n\xff\x80') + multibulk('ECHO', '')],
    ['the byte after \\r is not checked', '*1\rx$4\rxPING\r\n*2\r\n$4\r\nECHOxx$2\r\nhixx'],
    ['NUL before a line end leaves the request waiting', 'PI\0NG\r\nPING\r\n'],
    ['NUL in a multibulk count leaves it waiting', '*1\0\r\n$4\r\nPING\r\n'],
    ['a request left incomplete', '*2\r\n$4\r\nECHO\r\n$5\r\nab'],
    ['unknown commands, inline and multibulk', `NOSUCH a b\r\n${multibulk('nosuch', 'x'.repeat(200))}`],
    ['an inline request of nearly 64KB', `ECHO ${'y'.repeat(65_000)}\r\n`],
  ])('%s', async (_name, data) => {
    await same(data, { end: true });
  });

  it('answers 1000 pipelined PINGs sent in one write, multibulk and inline', async () => {
    const result = await same(multibulk('PING').repeat(1000) + 'PING\r\n'.repeat(1000), { end: true });
    expect(result.data).toBe('+PONG\r\n'.repeat(2000));
  });

  it('handles a 4MB argument sent in one write', async () => {
    const big = 'z'.repeat(4 * 1024 * 1024);
    const result = await same(multibulk('ECHO', big) + multibulk('PING'), { until: '+PONG\r\n', ms: 20_000 });
    expect(result.data).toBe(`$${big.length}\r\n${big}\r\n+PONG\r\n`);
  });

  it('handles a command with 5461 arguments', async () => {
    const keys = Array.from({ length: 5460 }, (_, i) => `k${i + 1}`);
    await same(multibulk('PING', ...keys), { end: true });
    const result = await same(multibulk('EXISTS', ...keys), { end: true });
    expect(result.data).toBe(':0\r\n');
  });

  it('handles requests split byte by byte', async () => {
    const data = `${multibulk('ECHO', 'hello\r\nworld')}ECHO "a b"\r\n${multibulk('PING')}*1\r\n$4\r\nPINGx`;
    const result = await same(data, { byteByByte: true, ms: 300 });
    expect(result.data).toBe('$12\r\nhello\r\nworld\r\n$3\r\na b\r\n+PONG\r\n');
    await same('*1\r\n$-1\r\n', { byteByByte: true, ms: 2000 });
  });

  it('agrees on arbitrary byte streams', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestTokenArb, { maxLength: 40 }), async (tokens) => {
        await same(tokens.join(''), { end: true });
      }),
      { numRuns: 150 },
    );
  });
});

describe('limits that depend on configuration', () => {
  let realAuth: TestServer;
  let simAuth: TestServer;

  beforeAll(async () => {
    [realAuth, simAuth] = await Promise.all([
      startRealRedis(['--requirepass', 'pw', '--proto-max-bulk-len', '1048576']),
      startSimServer([
        ['requirepass', ['pw']],
        ['proto-max-bulk-len', ['1048576']],
      ]),
    ]);
  });

  afterAll(async () => {
    await Promise.all([realAuth?.stop(), simAuth?.stop()]);
  });

  it.each([
    ['unauthenticated multibulk length', '*11\r\n'],
    ['unauthenticated bulk length', '*1\r\n$16385\r\n'],
    ['proto-max-bulk-len once authenticated', `${multibulk('AUTH', 'pw')}*1\r\n$1048577\r\n`],
  ])('%s: reply, then close', async (_name, data) => {
    const result = await same(data, { ms: 2000 }, { real: realAuth, sim: simAuth });
    expect(result.closed).toBe(true);
  });

  it.each([
    ['within the unauthenticated limits', `*10\r\n${'$1\r\na\r\n'.repeat(10)}*1\r\n$16384\r\n${'b'.repeat(16384)}\r\n`],
    [
      'limits lifted by AUTH',
      `${multibulk('AUTH', 'pw')}*11\r\n${'$1\r\na\r\n'.repeat(11)}${multibulk('ECHO', 'c'.repeat(20000))}`,
    ],
    [
      'proto-max-bulk-len itself is allowed',
      `${multibulk('AUTH', 'pw')}*2\r\n$4\r\nECHO\r\n$1048576\r\n${'d'.repeat(1048576)}\r\n`,
    ],
  ])('%s', async (_name, data) => {
    await same(data, { end: true }, { real: realAuth, sim: simAuth });
  });
});
