// The simulation's virtual clock and its queue of scheduled tasks. Time only moves when the queue runs an event (or
// runUntil reaches its bound), so a run is a pure function of what was scheduled. Events are ordered by (time,
// sequence number): tasks due at the same millisecond run in the order they were scheduled, like Node's timer lists.

import type { TimerHandle } from '../env/env.js';

/** Default start of the virtual clock (2023-11-14T22:13:20Z), so simulated timestamps look like real ones. */
export const DEFAULT_START_TIME_MS = 1_700_000_000_000;

/** Options for a new event queue. */
export interface EventQueueOptions {
  /** Virtual time at the start, in milliseconds since the Unix epoch. */
  startTime?: number;
}

/** A virtual clock plus a binary min-heap of tasks keyed by (time, sequence number). */
export class EventQueue {
  private clock: number;
  private heap: _Timer[] = [];
  private nextSeq = 0;
  private live = 0;
  private running = false;
  private readonly onCancel = (): void => {
    this.live--;
    // Cancelled timers stay in the heap until they surface; rebuild it when they become the majority.
    if (this.heap.length > _COMPACT_MIN && this.live * 2 < this.heap.length) this._compact();
  };

  /** Creates a queue whose clock starts at `startTime` (default DEFAULT_START_TIME_MS). */
  constructor(options: EventQueueOptions = {}) {
    const start = options.startTime ?? DEFAULT_START_TIME_MS;
    if (!Number.isFinite(start)) throw new RangeError(`Expected \`startTime\` to be a finite number, got \`${start}\``);
    this.clock = start;
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.clock;
  }

  /** Schedules `task` to run `delayMs` after now; a negative delay runs it as soon as possible, like a timer. */
  schedule(delayMs: number, task: () => void): TimerHandle {
    if (!Number.isFinite(delayMs)) {
      throw new RangeError(`Expected \`delayMs\` to be a finite number, got \`${delayMs}\``);
    }
    const timer = new _Timer(this.clock + Math.max(0, delayMs), this.nextSeq++, task, this.onCancel);
    this.live++;
    this._push(timer);
    return timer;
  }

  /** How many scheduled tasks have neither run nor been cancelled. */
  pending(): number {
    return this.live;
  }

  /** Runs the next live event, advancing the clock to its time; false when nothing is pending. */
  step(): boolean {
    return this._runNext(Infinity);
  }

  /** Runs every event due at or before `timeMs` (including ones they schedule), then sets the clock to `timeMs`. */
  runUntil(timeMs: number): number {
    if (!Number.isFinite(timeMs) || timeMs < this.clock) {
      throw new RangeError(`Expected \`timeMs\` to be a finite time >= ${this.clock}, got \`${timeMs}\``);
    }
    let ran = 0;
    while (this._runNext(timeMs)) ran++;
    this.clock = timeMs;
    return ran;
  }

  /** Runs the next `ms` milliseconds of virtual time; returns how many events ran. */
  runFor(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`Expected \`ms\` to be a finite number >= 0, got \`${ms}\``);
    return this.runUntil(this.clock + ms);
  }

  /** Runs events until none are pending; throws if that takes more than `maxEvents` (e.g. a periodic timer). */
  runUntilIdle(maxEvents: number): number {
    if (!Number.isInteger(maxEvents) || maxEvents < 0) {
      throw new RangeError(`Expected \`maxEvents\` to be an integer >= 0, got \`${maxEvents}\``);
    }
    let ran = 0;
    while (this.live > 0) {
      if (ran >= maxEvents) {
        throw new Error(
          `Expected the event queue to go idle within ${maxEvents} events, ${this.live} still pending at ${this.clock}`,
        );
      }
      this._runNext(Infinity);
      ran++;
    }
    return ran;
  }

  // --- internal ---

  /** Pops and runs the earliest live event if it is due at or before `bound`; false when there is none. */
  private _runNext(bound: number): boolean {
    if (this.running) throw new Error('The event queue cannot be run from inside one of its own tasks');
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) return false;
      if (top.task === null) {
        this._pop();
        continue;
      }
      if (top.time > bound) return false;
      // Pop before running, so a task that throws leaves the heap valid and is not run twice.
      this._pop();
      const task = top.task;
      top.task = null;
      this.live--;
      this.clock = top.time;
      this.running = true;
      try {
        task();
      } finally {
        this.running = false;
      }
      return true;
    }
  }

  private _push(timer: _Timer): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as _Timer;
      if (!_before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  private _pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    this._siftDown(0, last);
  }

  /** Places `timer` at index `start` and moves it down until both children come after it. */
  private _siftDown(start: number, timer: _Timer): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && _before(heap[right] as _Timer, heap[child] as _Timer)) child = right;
      const c = heap[child] as _Timer;
      if (!_before(c, timer)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = timer;
  }

  /** Drops cancelled timers and restores the heap property bottom-up (Floyd's heapify). */
  private _compact(): void {
    this.heap = this.heap.filter((t) => t.task !== null);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this._siftDown(i, this.heap[i] as _Timer);
  }
}

/** Below this heap size cancelled timers are never compacted away; popping them is cheap enough. */
const _COMPACT_MIN = 64;

/** One scheduled task; it is its own cancel handle. `task` is null once it has run or been cancelled. */
class _Timer implements TimerHandle {
  constructor(
    readonly time: number,
    readonly seq: number,
    public task: (() => void) | null,
    private readonly onCancel: () => void,
  ) {}

  /** Cancels the task if it has not run yet; later calls do nothing. */
  cancel(): void {
    if (this.task === null) return;
    this.task = null;
    this.onCancel();
  }
}

/** Whether `a` runs before `b`: earlier time first, then earlier scheduling. */
function _before(a: _Timer, b: _Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
