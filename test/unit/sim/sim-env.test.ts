import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { randomHex, type Env } from '../../../src/env/env.js';
import { EventLog } from '../../../src/sim/event-log.js';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { MemoryStorage } from '../../../src/sim/memory-storage.js';
import { Prng } from '../../../src/sim/prng.js';
import { createSimEnv, SIM_EXECUTABLE } from '../../../src/sim/sim-env.js';

/** A toy scenario: nodes that wake at random intervals, log, and write to storage; returns the log hash. */
function runScenario(seed: number, nodes: number): { hash: string; lines: readonly string[] } {
  const queue = new EventQueue();
  const log = new EventLog();
  const root = new Prng(seed);
  for (let n = 0; n < nodes; n++) {
    const env = createSimEnv({ queue, rng: root.fork(`node-${n}`), log, name: `node-${n}` });
    const tick = (): void => {
      env.storage.append('appendonly.aof', Buffer.from(randomHex(env, 8)));
      env.log('notice', 'M', `tick pid=${env.pid} id=${randomHex(env, 8)}`);
      env.schedule(Math.floor(env.random() * 100), tick);
    };
    env.schedule(0, tick);
  }
  queue.runFor(2_000);
  return { hash: log.hash(), lines: log.lines() };
}

describe('createSimEnv', () => {
  it('reads time from the queue and schedules on it', () => {
    const queue = new EventQueue({ startTime: 1000 });
    const env = createSimEnv({ queue, rng: new Prng(1), name: 'n' });
    const seen: number[] = [];
    env.schedule(250, () => seen.push(env.now()));
    expect(env.now()).toBe(1000);
    expect(queue.pending()).toBe(1);
    queue.runFor(300);
    expect(seen).toEqual([1250]);
    expect(env.now()).toBe(1300);
  });

  it('draws random() from the given stream', () => {
    const env = createSimEnv({ queue: new EventQueue(), rng: new Prng(5).fork('x'), name: 'n' });
    const twin = new Prng(5).fork('x');
    for (let i = 0; i < 10; i++) expect(env.random()).toBe(twin.nextFloat());
  });

  it('derives a default pid deterministically without consuming the stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = createSimEnv({ queue: new EventQueue(), rng: new Prng(seed), name: 'n' });
        const b = createSimEnv({ queue: new EventQueue(), rng: new Prng(seed), name: 'n' });
        expect(a.pid).toBe(b.pid);
        expect(Number.isInteger(a.pid) && a.pid >= 300 && a.pid < 32768).toBe(true);
        expect(a.random()).toBe(new Prng(seed).nextFloat());
      }),
    );
    expect(createSimEnv({ queue: new EventQueue(), rng: new Prng(1), name: 'n', pid: 4242 }).pid).toBe(4242);
  });

  it('uses the given storage, or a fresh MemoryStorage per env', () => {
    const queue = new EventQueue();
    const storage = new MemoryStorage();
    expect(createSimEnv({ queue, rng: new Prng(1), name: 'n', storage }).storage).toBe(storage);
    const a = createSimEnv({ queue, rng: new Prng(1), name: 'a' }).storage;
    const b = createSimEnv({ queue, rng: new Prng(1), name: 'b' }).storage;
    expect(a).toBeInstanceOf(MemoryStorage);
    a.writeAtomic('f', Buffer.from('x'));
    expect(b.exists('f')).toBe(false);
  });

  it('logs `[name] role level-char message` lines at the virtual time, and drops them without a log', () => {
    const queue = new EventQueue({ startTime: 7 });
    const log = new EventLog();
    const env: Env = createSimEnv({ queue, rng: new Prng(1), log, name: 'node-1' });
    env.log('notice', 'M', 'Ready to accept connections tcp');
    env.log('warning', 'S', 'MASTER aborted replication');
    env.log('verbose', 'C', 'v');
    env.log('debug', 'X', 'd');
    expect(log.lines()).toEqual([
      '7 [node-1] M * Ready to accept connections tcp',
      '7 [node-1] S # MASTER aborted replication',
      '7 [node-1] C - v',
      '7 [node-1] X . d',
    ]);
    expect(() => createSimEnv({ queue, rng: new Prng(1), name: 'quiet' }).log('notice', 'M', 'x')).not.toThrow();
  });

  it('reports the simulator executable and no config file', () => {
    const env = createSimEnv({ queue: new EventQueue(), rng: new Prng(1), name: 'n' });
    expect(env.executable).toBe('/usr/local/bin/redis-sim');
    expect(SIM_EXECUTABLE).toBe(env.executable);
    expect(env.configFile).toBe('');
  });

  it('produces the same event log hash for two runs with the same seed, and a different one for another seed', () => {
    const first = runScenario(1234, 3);
    const second = runScenario(1234, 3);
    expect(first.lines.length).toBeGreaterThan(50);
    expect(second.hash).toBe(first.hash);
    expect(runScenario(1235, 3).hash).not.toBe(first.hash);
  });

  it("leaves existing nodes' streams unchanged when a node is added", () => {
    const linesOf = (lines: readonly string[], name: string): string[] => lines.filter((l) => l.includes(`[${name}]`));
    const three = runScenario(99, 3).lines;
    const four = runScenario(99, 4).lines;
    for (const name of ['node-0', 'node-1', 'node-2']) expect(linesOf(four, name)).toEqual(linesOf(three, name));
  });
});
