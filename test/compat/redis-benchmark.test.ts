// Real redis-benchmark 7.0.15 against redis-sim (as a process) and against real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/servers.js';
import { PROCESS_TARGETS, redisCli, runTool } from './targets.js';

/** The `-q` summary lines, by test name: `NAME: 12345.67 requests per second, p50=…`. */
function parseQuietSummary(stdout: string): Map<string, number> {
  const rates = new Map<string, number>();
  // Progress updates are separated by carriage returns; each final line ends in a newline.
  for (const line of stdout.split(/[\r\n]/)) {
    const m = /^(.+): ([\d.]+) requests per second/.exec(line.trim());
    if (m !== null) rates.set(m[1]!, Number(m[2]));
  }
  return rates;
}

describe.each(PROCESS_TARGETS)('redis-benchmark against $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs ping, set, get, incr and mset without errors', async () => {
    const args = ['-p', String(server.port), '-t', 'ping,set,get,incr,mset', '-q', '-n', '2000', '-c', '10'];
    const result = await runTool('redis-benchmark', args, { timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const rates = parseQuietSummary(result.stdout);
    expect([...rates.keys()]).toEqual(['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)']);
    for (const rate of rates.values()) expect(rate).toBeGreaterThan(0);
    // The benchmark really wrote: SET and MSET use key:__rand_int__ (rand_int stays 000000000000 without -r).
    expect((await redisCli(server.port, ['GET', 'key:__rand_int__'])).stdout).toBe('VXK\n');
    expect((await redisCli(server.port, ['GET', 'counter:__rand_int__'])).stdout).toBe('2000\n');
  });
});
