// redis-cli's `--pipe` and `--scan` modes for `redis-sim cli` (pipeMode, scanMode): mass insertion of raw protocol
// read from standard input, and listing keys with SCAN.

import { randomBytes } from 'node:crypto';
import type { Reply } from '../protocol/reply.js';
import type { CliIo } from './cli-io.js';
import { CliConnection, CliConnectionError } from './cli-connection.js';
import { repr, type CliOutput } from './reply-format.js';

/**
 * Sends standard input as it is, counting replies and printing error replies, then an ECHO of 20 random bytes whose
 * reply proves every earlier reply arrived (the ECHO starts with CRLF so that a truncated input cannot swallow it).
 * Resolves with 1 if any reply was an error or replies stopped for `timeoutS` seconds (0: wait forever).
 */
export async function pipeMode(connection: CliConnection, io: CliIo, timeoutS: number): Promise<number> {
  const magic = randomBytes(20).toString('latin1');
  let errors = 0;
  let replies = 0;
  let eof = false;
  let lastReply = Date.now();
  let lost = false;
  const reading = (async () => {
    for (;;) {
      let reply: Reply;
      try {
        reply = await connection.read();
      } catch (e) {
        if (!(e instanceof CliConnectionError)) throw e;
        lost = true;
        return;
      }
      lastReply = Date.now();
      replies++;
      if (reply.t === 'error') {
        io.err(`${reply.s}\n`);
        errors++;
      } else if (eof && reply.t === 'bulk' && reply.s === magic) {
        io.out('Last reply received from server.\n');
        replies--;
        return;
      }
    }
  })();
  for await (const chunk of io.stdin ?? []) {
    await connection.writeRaw(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  eof = true;
  await connection.writeRaw(Buffer.from(`\r\n*2\r\n$4\r\nECHO\r\n$20\r\n${magic}\r\n`, 'latin1'));
  io.out('All data transferred. Waiting for the last reply...\n');
  let timedOut = false;
  let timer: NodeJS.Timeout | null = null;
  if (timeoutS > 0) {
    const silence = new Promise<void>((resolve) => {
      const check = (): void => {
        if (Date.now() - lastReply > timeoutS * 1000) {
          timedOut = true;
          resolve();
        } else timer = setTimeout(check, 200);
      };
      check();
    });
    await Promise.race([reading, silence]);
    if (timer !== null) clearTimeout(timer);
  } else {
    await reading;
  }
  if (lost) return 1;
  if (timedOut) {
    io.err(`No replies for ${timeoutS} seconds: exiting.\n`);
    errors++;
  }
  io.out(`errors: ${errors}, replies: ${replies}\n`);
  return errors > 0 ? 1 : 0;
}

/** Lists every key (matching `pattern`) with SCAN, one per line: quoted in the standard output mode, raw otherwise. */
export async function scanMode(
  connection: CliConnection,
  io: CliIo,
  options: { pattern: string | null; output: CliOutput; intervalMs: number },
): Promise<number> {
  let cursor = '0';
  do {
    const request = ['SCAN', cursor];
    if (options.pattern !== null) request.push('MATCH', options.pattern);
    let reply: Reply;
    try {
      reply = await connection.call(request);
    } catch (e) {
      if (!(e instanceof CliConnectionError)) throw e;
      io.err('\nI/O error\n');
      return 1;
    }
    if (reply.t === 'error') {
      io.err(`SCAN error: ${reply.s}\n`);
      return 1;
    }
    if (reply.t !== 'array') {
      io.err('Non ARRAY response from SCAN!\n');
      return 1;
    }
    const [next, keys] = reply.items;
    if (reply.items.length !== 2 || next?.t !== 'bulk' || keys?.t !== 'array') {
      io.err('Invalid element count from SCAN!\n');
      return 1;
    }
    let out = '';
    for (const key of keys.items) {
      const name = key.t === 'bulk' ? key.s : '';
      // redis-cli prints the raw key as a C string: it stops at the first NUL byte.
      out += options.output === 'standard' ? `${repr(name)}\n` : `${name.split('\0')[0]}\n`;
    }
    if (io.outBytes !== undefined) io.outBytes(Buffer.from(out, 'latin1'));
    else io.out(out);
    cursor = next.s;
    if (options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  } while (cursor !== '0');
  return 0;
}
