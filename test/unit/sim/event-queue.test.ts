import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { TimerHandle } from '../../../src/env/env.js';
import { DEFAULT_START_TIME_MS, EventQueue } from '../../../src/sim/event-queue.js';

/** The obviously-correct reference: a flat list, searched for the earliest (time, seq) live entry on every step. */
class NaiveQueue {
  private clock: number;
  private seq = 0;
  private entries: { time: number; seq: number; task: () => void; done: boolean }[] = [];

  constructor(start: number) {
    this.clock = start;
  }

  now(): number {
    return this.clock;
  }

  schedule(delayMs: number, task: () => void): TimerHandle {
    const entry = { time: this.clock + Math.max(0, delayMs), seq: this.seq++, task, done: false };
    this.entries.push(entry);
    return { cancel: () => void (entry.done = true) };
  }

  pending(): number {
    return this.entries.filter((e) => !e.done).length;
  }

  step(bound = Infinity): boolean {
    const live = this.entries.filter((e) => !e.done && e.time <= bound);
    live.sort((a, b) => a.time - b.time || a.seq - b.seq);
    const next = live[0];
    if (next === undefined) return false;
    next.done = true;
    this.clock = next.time;
    next.task();
    return true;
  }

  runUntil(timeMs: number): number {
    let ran = 0;
    while (this.step(timeMs)) ran++;
    this.clock = timeMs;
    return ran;
  }

  runUntilIdle(_maxEvents: number): number {
    let ran = 0;
    while (this.step()) ran++;
    return ran;
  }
}

type Op =
  | { kind: 'schedule'; delay: number; child: number | null; cancelOnRun: number | null }
  | { kind: 'burst'; count: number; delay: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'cancelMany'; stride: number }
  | { kind: 'step' }
  | { kind: 'runFor'; ms: number }
  | { kind: 'runUntilIdle' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('schedule' as const),
      delay: fc.integer({ min: -5, max: 40 }),
      child: fc.option(fc.integer({ min: 0, max: 20 })),
      cancelOnRun: fc.option(fc.nat()),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      count: fc.integer({ min: 1, max: 60 }),
      delay: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cancelMany' as const), stride: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('runFor' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('runUntilIdle' as const) }) },
);

type QueueApi = Pick<EventQueue, 'now' | 'schedule' | 'pending' | 'step' | 'runUntil' | 'runUntilIdle'>;

/** Applies the ops to a queue and returns the trace of (task id, time it ran, clock and pending after each op). */
function replay(q: QueueApi, ops: Op[]): string[] {
  const trace: string[] = [];
  const handles: TimerHandle[] = [];
  let nextId = 0;
  const add = (delay: number, child: number | null, cancelOnRun: number | null): void => {
    const id = nextId++;
    handles.push(
      q.schedule(delay, () => {
        trace.push(`ran ${id} at ${q.now()}`);
        if (cancelOnRun !== null) handles[cancelOnRun % handles.length]!.cancel();
        if (child !== null) add(child, null, null);
      }),
    );
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'schedule':
        add(op.delay, op.child, op.cancelOnRun);
        break;
      case 'burst':
        for (let i = 0; i < op.count; i++) add(op.delay + (i % 5), null, null);
        break;
      case 'cancel':
        if (handles.length > 0) handles[op.pick % handles.length]!.cancel();
        break;
      case 'cancelMany':
        handles.forEach((h, i) => i % op.stride !== 0 && h.cancel());
        break;
      case 'step':
        trace.push(`step ${q.step()}`);
        break;
      case 'runFor':
        trace.push(`runFor ${q.runUntil(q.now() + op.ms)}`);
        break;
      case 'runUntilIdle':
        trace.push(`idle ${q.runUntilIdle(100_000)}`);
        break;
    }
    trace.push(`now ${q.now()} pending ${q.pending()}`);
  }
  return trace;
}

describe('EventQueue', () => {
  it('starts its clock at a realistic time by default, or at the given start', () => {
    expect(new EventQueue().now()).toBe(DEFAULT_START_TIME_MS);
    expect(DEFAULT_START_TIME_MS).toBe(1_700_000_000_000);
    expect(new EventQueue({ startTime: 5 }).now()).toBe(5);
  });

  it('matches a naive sorted-list model for arbitrary schedules, cancellations and runs', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300, size: 'max' }), (ops) => {
        const naiveTrace = replay(new NaiveQueue(1000), ops);
        expect(replay(new EventQueue({ startTime: 1000 }), ops)).toEqual(naiveTrace);
      }),
      { numRuns: 300 },
    );
  });

  it('runs every event in (time, insertion) order when drained', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 20 }), cancel: fc.boolean() }), {
          maxLength: 400,
          size: 'max',
        }),
        (specs) => {
          const q = new EventQueue({ startTime: 0 });
          const ran: number[] = [];
          const handles = specs.map((s, i) => q.schedule(s.delay, () => ran.push(i)));
          specs.forEach((s, i) => s.cancel && handles[i]!.cancel());
          expect(q.pending()).toBe(specs.filter((s) => !s.cancel).length);
          const expected = specs
            .map((s, i) => ({ ...s, i }))
            .filter((s) => !s.cancel)
            .sort((a, b) => a.delay - b.delay || a.i - b.i)
            .map((s) => s.i);
          expect(q.runUntilIdle(specs.length)).toBe(expected.length);
          expect(ran).toEqual(expected);
          expect(q.pending()).toBe(0);
        },
      ),
    );
  });

  it('never runs an event past the runUntil bound and leaves the clock exactly at the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 50, size: 'max' }),
        fc.integer({ min: 0, max: 120 }),
        (delays, bound) => {
          const q = new EventQueue({ startTime: 0 });
          const ranAt: number[] = [];
          for (const d of delays) {
            q.schedule(d, () => {
              ranAt.push(q.now());
              q.schedule(d % 7, () => ranAt.push(q.now()));
            });
          }
          const ran = q.runUntil(bound);
          expect(q.now()).toBe(bound);
          expect(ranAt.length).toBe(ran);
          expect(ranAt.every((t) => t <= bound)).toBe(true);
          expect([...ranAt].sort((a, b) => a - b)).toEqual(ranAt);
          // Everything left is due after the bound.
          const before = ranAt.length;
          q.step();
          if (ranAt.length > before) expect(ranAt[before]!).toBeGreaterThan(bound);
        },
      ),
    );
  });

  it('runs tasks due at the same time in insertion order, including ones scheduled by a task at that time', () => {
    const q = new EventQueue({ startTime: 0 });
    const order: string[] = [];
    q.schedule(10, () => {
      order.push('a');
      q.schedule(0, () => order.push('a-child'));
    });
    q.schedule(10, () => order.push('b'));
    q.schedule(5, () => order.push('first'));
    q.schedule(10, () => order.push('c'));
    q.runFor(10);
    expect(order).toEqual(['first', 'a', 'b', 'c', 'a-child']);
    expect(q.now()).toBe(10);
  });

  it('advances the clock to each event as step() runs it', () => {
    const q = new EventQueue({ startTime: 100 });
    const seen: number[] = [];
    q.schedule(30, () => seen.push(q.now()));
    q.schedule(-10, () => seen.push(q.now()));
    expect(q.step()).toBe(true);
    expect(q.now()).toBe(100);
    expect(q.step()).toBe(true);
    expect(q.now()).toBe(130);
    expect(q.step()).toBe(false);
    expect(seen).toEqual([100, 130]);
  });

  it('makes cancel a no-op after the task ran or was already cancelled', () => {
    const q = new EventQueue({ startTime: 0 });
    let runs = 0;
    const h1 = q.schedule(1, () => runs++);
    const h2 = q.schedule(2, () => runs++);
    h2.cancel();
    h2.cancel();
    expect(q.pending()).toBe(1);
    q.runFor(5);
    h1.cancel();
    expect(runs).toBe(1);
    expect(q.pending()).toBe(0);
  });

  it('keeps order when most timers are cancelled and the heap is compacted', () => {
    const q = new EventQueue({ startTime: 0 });
    const ran: number[] = [];
    const handles = Array.from({ length: 1000 }, (_, i) => q.schedule((i * 7919) % 101, () => ran.push(i)));
    const kept = new Set<number>();
    handles.forEach((h, i) => (i % 10 === 3 ? kept.add(i) : h.cancel()));
    expect(q.pending()).toBe(kept.size);
    q.runUntilIdle(kept.size);
    const expected = [...kept].sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101) || a - b);
    expect(ran).toEqual(expected);
  });

  it('stays usable after a task throws: the throwing task is gone and the rest still run in order', () => {
    const q = new EventQueue({ startTime: 0 });
    const ran: string[] = [];
    q.schedule(1, () => ran.push('a'));
    q.schedule(2, () => {
      throw new Error('boom');
    });
    q.schedule(2, () => ran.push('b'));
    q.schedule(3, () => ran.push('c'));
    expect(() => q.runUntil(10)).toThrow('boom');
    expect(q.now()).toBe(2);
    expect(q.pending()).toBe(2);
    expect(q.runUntil(10)).toBe(2);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(q.now()).toBe(10);
  });

  it('refuses to be run from inside its own task, and recovers afterwards', () => {
    const q = new EventQueue({ startTime: 0 });
    q.schedule(1, () => q.step());
    q.schedule(2, () => undefined);
    expect(() => q.step()).toThrow('cannot be run from inside one of its own tasks');
    expect(q.step()).toBe(true);
    expect(q.now()).toBe(2);
  });

  it('throws from runUntilIdle when a periodic timer keeps the queue busy', () => {
    const q = new EventQueue({ startTime: 0 });
    const tick = (): void => void q.schedule(100, tick);
    tick();
    expect(() => q.runUntilIdle(50)).toThrow(
      'Expected the event queue to go idle within 50 events, 1 still pending at 5000',
    );
  });

  it('validates its arguments', () => {
    const q = new EventQueue({ startTime: 10 });
    expect(() => new EventQueue({ startTime: NaN })).toThrow(RangeError);
    expect(() => q.schedule(NaN, () => undefined)).toThrow(RangeError);
    expect(() => q.schedule(Infinity, () => undefined)).toThrow(RangeError);
    expect(() => q.runUntil(9)).toThrow('Expected `timeMs` to be a finite time >= 10, got `9`');
    expect(() => q.runUntil(Infinity)).toThrow(RangeError);
    expect(() => q.runFor(-1)).toThrow(RangeError);
    expect(() => q.runUntilIdle(1.5)).toThrow(RangeError);
    expect(q.runFor(0)).toBe(0);
    expect(q.now()).toBe(10);
  });
});
