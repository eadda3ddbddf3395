// Differential testing against real Redis: the same command sequences run on real Redis 7.0.15 (the oracle) and on
// redis-sim (the subject), and every reply must be byte-identical, except where a per-command normaliser documents
// why the two may legitimately differ (random picks, ids, clocks). A mismatch is shrunk by fast-check and reported
// with the seed and the sequence spelled as a regressions.ts entry.

import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { parseReplies } from '../../src/protocol/reply-parser.js';
import type { Reply } from '../../src/protocol/reply.js';
import { startRealRedis, startSimServer, type TestServer } from '../helpers/servers.js';

/** One command: its name and arguments, as latin1 strings. */
export type Command = readonly string[];

/** A command sequence. */
export type Sequence = readonly Command[];

/**
 * Maps a reply (raw RESP, latin1) to the text that is compared, for commands whose replies may legitimately differ
 * between two correct servers. Error replies are never normalised.
 */
export type Normaliser = (args: Command, raw: string) => string;

/** Where the two servers first disagreed while running a sequence. */
export interface Mismatch {
  /** Index of the command in the sequence. */
  readonly index: number;
  readonly command: Command;
  /** The raw replies (latin1), or `<closed>`/`<no reply>`. */
  readonly oracle: string;
  readonly subject: string;
}

/** How to start the two servers and compare them. */
export interface DifferentialOptions {
  /** Starts the reference server; real Redis by default. */
  oracle?: () => Promise<TestServer>;
  /** Starts the server under test; in-process redis-sim by default. */
  subject?: () => Promise<TestServer>;
  /** Extra normalisers by lowercase command name (`object|idletime` for a subcommand), over the defaults. */
  normalisers?: Record<string, Normaliser>;
  /** Extra tolerances by lowercase command name: positive integer replies may differ by this much. */
  tolerances?: Record<string, number>;
  /** How long to wait for one reply (default 2000 ms). */
  replyTimeoutMs?: number;
}

/** Options for one property run. */
export interface CheckOptions {
  /** How many sequences (default 100); DIFF_RUNS in the environment overrides it. */
  numRuns?: number;
  /** The seed (default random, printed on failure); DIFF_SEED in the environment overrides it, to replay a run. */
  seed?: number;
}

/**
 * The documented exceptions to byte-for-byte equality. Commands whose *effects* are random (SPOP, SRANDMEMBER with a
 * count below the set size…) must not be generated at all: normalising their reply would not stop the data diverging.
 */
export const DEFAULT_NORMALISERS: Readonly<Record<string, Normaliser>> = {
  // Hash tables iterate in different orders; with COUNT at least the key count, one call returns everything.
  scan: (_args, raw) =>
    _shape(raw, (r) =>
      r.t === 'array' && r.items.length === 2 ? [_text(r.items[0]!), _sortedTexts(r.items[1]!)] : null,
    ),
  keys: (_args, raw) => _shape(raw, (r) => _sortedTexts(r)),
  randomkey: (_args, raw) => (raw.startsWith('$-1') || raw.startsWith('_') ? raw : '<a key>'),
  'object|idletime': (_args, raw) => _shape(raw, (r) => (r.t === 'int' ? '<idle seconds>' : raw)),
  time: () => '<time>',
  lastsave: () => '<time>',
  // Client ids count every connection, including the servers' start-up probes.
  hello: (_args, raw) => _shape(raw, (r) => (r.t === 'map' || r.t === 'array' ? _mapWithout(r.items, ['id']) : raw)),
  'client|id': () => '<client id>',
  info: () => '<info>',
};

/**
 * Clocks: the two servers run each command a moment apart, so relative expiries set and read back may differ by
 * that moment (and a TTL in seconds may round either way). Non-positive replies (-1, -2) must still match exactly.
 */
export const DEFAULT_TOLERANCES: Readonly<Record<string, number>> = {
  ttl: 1,
  expiretime: 1,
  pttl: 250,
  pexpiretime: 250,
};

/** Runs sequences on an oracle and a subject server and compares their replies. */
export class Differential {
  private constructor(
    readonly oracle: TestServer,
    readonly subject: TestServer,
    private readonly normalisers: Readonly<Record<string, Normaliser>>,
    private readonly tolerances: Readonly<Record<string, number>>,
    private readonly replyTimeoutMs: number,
  ) {}

  /** Starts both servers (once per test file: call in beforeAll, and stop() in afterAll). */
  static async start(options: DifferentialOptions = {}): Promise<Differential> {
    const [oracle, subject] = await Promise.all([
      (options.oracle ?? (() => startRealRedis()))(),
      (options.subject ?? (() => startSimServer()))(),
    ]);
    return new Differential(
      oracle,
      subject,
      { ...DEFAULT_NORMALISERS, ...options.normalisers },
      { ...DEFAULT_TOLERANCES, ...options.tolerances },
      options.replyTimeoutMs ?? 2000,
    );
  }

  /** Stops both servers. */
  async stop(): Promise<void> {
    await Promise.all([this.oracle.stop(), this.subject.stop()]);
  }

  /**
   * Runs one sequence on fresh connections to both servers after FLUSHALL, in lock step, and returns the first
   * mismatch, or null when every reply agreed. With `exact`, normalisers and tolerances are off: for sequences whose
   * replies are deterministic even where the command's usually are not (expiry set with absolute times).
   */
  async run(sequence: Sequence, { exact = false }: { exact?: boolean } = {}): Promise<Mismatch | null> {
    const [a, b] = await Promise.all([RawClient.connect(this.oracle.port), RawClient.connect(this.subject.port)]);
    try {
      for (const [client, server] of [
        [a, 'oracle'],
        [b, 'subject'],
      ] as const) {
        const reset = await client.call(['FLUSHALL'], this.replyTimeoutMs);
        if (reset !== '+OK\r\n') throw new Error(`FLUSHALL on the ${server} answered ${JSON.stringify(reset)}`);
      }
      for (let index = 0; index < sequence.length; index++) {
        const command = sequence[index]!;
        const [ra, rb] = await Promise.all([
          a.call(command, this.replyTimeoutMs),
          b.call(command, this.replyTimeoutMs),
        ]);
        if (ra !== rb && (exact || !this._agree(command, ra, rb))) return { index, command, oracle: ra, subject: rb };
        if (ra === '<closed>') return null;
      }
      return null;
    } finally {
      a.close();
      b.close();
    }
  }

  /**
   * Checks that every sequence from `arbitrary` agrees; on a mismatch fast-check shrinks the sequence, and the error
   * names the seed and the shrunk sequence ready to paste into regressions.ts.
   */
  async check(arbitrary: fc.Arbitrary<Sequence>, options: CheckOptions = {}): Promise<void> {
    const numRuns = _envNumber('DIFF_RUNS') ?? options.numRuns ?? 100;
    const seed = _envNumber('DIFF_SEED') ?? options.seed;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (sequence) => {
        const mismatch = await this.run(sequence);
        if (mismatch !== null) throw new Error(formatMismatch(sequence, mismatch));
      }),
      { numRuns, ...(seed === undefined ? {} : { seed }) },
    );
  }

  // --- internal ---

  private _agree(command: Command, a: string, b: string): boolean {
    if (a === b) return true;
    if (a.startsWith('-') || b.startsWith('-') || a.startsWith('<') || b.startsWith('<')) return false;
    const name = (command[0] ?? '').toLowerCase();
    const tolerance = this.tolerances[name];
    if (tolerance !== undefined && _within(a, b, tolerance)) return true;
    const normaliser =
      (command.length > 1 ? this.normalisers[`${name}|${command[1]!.toLowerCase()}`] : undefined) ??
      this.normalisers[name];
    return normaliser !== undefined && normaliser(command, a) === normaliser(command, b);
  }
}

/** Spells a mismatch for a failure message: the sequence as a regressions.ts entry, then where it diverged. */
export function formatMismatch(sequence: Sequence, mismatch: Mismatch): string {
  const upTo = sequence.slice(0, mismatch.index + 1);
  return [
    `redis-sim disagrees with real Redis at command #${mismatch.index}: ${_spell(mismatch.command)}`,
    `  real Redis: ${JSON.stringify(mismatch.oracle)}`,
    `  redis-sim:  ${JSON.stringify(mismatch.subject)}`,
    'As a regressions.ts entry:',
    `  { note: '…', commands: [${upTo.map(_spell).join(', ')}] },`,
  ].join('\n');
}

/** A RESP client that returns each reply as its raw bytes (latin1), for byte-exact comparison. */
export class RawClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  /** Connects to a server on localhost. */
  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Sends a command and resolves with its raw reply, or `<closed>` / `<no reply>` after `timeoutMs`. */
  async call(command: Command, timeoutMs = 2000): Promise<string> {
    if (this.closed && this.buffer.length === 0) return '<closed>';
    this.socket.write(_encodeCommand(command));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = replyEnd(this.buffer, 0);
      if (end !== -1) {
        const raw = this.buffer.toString('latin1', 0, end);
        this.buffer = this.buffer.subarray(end);
        return raw;
      }
      if (this.closed) return '<closed>';
      const left = deadline - Date.now();
      if (left <= 0) return '<no reply>';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }
}

/** Returns the offset just past the RESP2/RESP3 value starting at `pos`, or -1 when it is not complete yet. */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const cr = buf.indexOf('\r\n', pos + 1);
  if (cr === -1) return -1;
  const type = String.fromCharCode(buf[pos]!);
  const end = cr + 2;
  switch (type) {
    case '$':
    case '=':
    case '!': {
      const length = Number(buf.toString('latin1', pos + 1, cr));
      if (length < 0) return end;
      return buf.length >= end + length + 2 ? end + length + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const count = Number(buf.toString('latin1', pos + 1, cr));
      let at = end;
      for (let i = 0; i < (type === '%' || type === '|' ? count * 2 : count); i++) {
        at = replyEnd(buf, at);
        if (at === -1) return -1;
      }
      // An attribute is followed by the value it annotates.
      return type === '|' ? replyEnd(buf, at) : at;
    }
    default:
      return end;
  }
}

// --- internal ---

function _encodeCommand(command: Command): Buffer {
  const parts = [`*${command.length}\r\n`];
  for (const a of command) parts.push(`$${a.length}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** A command as a TypeScript array literal. */
function _spell(command: Command): string {
  return `[${command.map((a) => JSON.stringify(a).replaceAll("'", "\\'").replace(/^"|"$/g, "'")).join(', ')}]`;
}

/** Whether two integer replies are both positive and at most `tolerance` apart (exactly, in 64 bits). */
function _within(a: string, b: string, tolerance: number): boolean {
  const ma = /^:(\d+)\r\n$/.exec(a);
  const mb = /^:(\d+)\r\n$/.exec(b);
  if (ma === null || mb === null || ma[1] === '0' || mb[1] === '0') return false;
  const delta = BigInt(ma[1]!) - BigInt(mb[1]!);
  return (delta < 0n ? -delta : delta) <= BigInt(tolerance);
}

/** Applies `f` to the single parsed reply in `raw`; returns raw itself when it does not parse as one reply. */
function _shape(raw: string, f: (reply: Reply) => unknown): string {
  let replies: Reply[];
  try {
    replies = parseReplies(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
  if (replies.length !== 1) return raw;
  const shaped = f(replies[0]!);
  return shaped === null ? raw : JSON.stringify(shaped);
}

function _text(reply: Reply): string | null {
  return reply.t === 'bulk' || reply.t === 'simple' || reply.t === 'verbatim' ? reply.s : null;
}

function _sortedTexts(reply: Reply): (string | null)[] | null {
  return 'items' in reply ? reply.items.map(_text).sort() : null;
}

/** A map's (or RESP2 flat array's) pairs as text, minus the named fields. */
function _mapWithout(items: readonly Reply[], omit: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = _text(items[i]!) ?? '';
    if (!omit.includes(key)) pairs.push(`${key}=${JSON.stringify(items[i + 1])}`);
  }
  return pairs.join(',');
}

function _envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}
