import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeEnv } from '../../src/runtime/realtime-env.js';

describe('realtime env timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the full delay even past the 2^31-1 ms limit of Node timers', () => {
    vi.useFakeTimers();
    const env = createRealtimeEnv({ dir: '.', sink: () => {} });
    const fired: number[] = [];
    const month = 30 * 24 * 3600 * 1000;
    env.schedule(month, () => fired.push(1));
    vi.advanceTimersByTime(2 ** 31);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(month - 2 ** 31 + 1);
    expect(fired).toEqual([1]);
  });

  it('cancels a long delay in any of its steps', () => {
    vi.useFakeTimers();
    const env = createRealtimeEnv({ dir: '.', sink: () => {} });
    const fired: number[] = [];
    const handle = env.schedule(2 ** 32, () => fired.push(1));
    vi.advanceTimersByTime(2 ** 31 + 5);
    handle.cancel();
    vi.advanceTimersByTime(2 ** 32);
    expect(fired).toEqual([]);
  });
});
