// The replication backlog: addressing by offset, trimming to its size, resizing.

import { describe, expect, it } from 'vitest';
import { ReplBacklog } from '../../../src/node/replication/backlog.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('ReplBacklog', () => {
  it('keeps the last `size` bytes, addressed by replication offset', () => {
    const backlog = new ReplBacklog(1, 10);
    backlog.append(b('abcdef'));
    backlog.append(b('ghij'));
    expect([backlog.offset, backlog.histlen]).toEqual([1, 10]);
    backlog.append(b('klm'));
    expect([backlog.offset, backlog.histlen]).toEqual([4, 10]);
    expect(backlog.readFrom(4).toString()).toBe('defghijklm');
    expect(backlog.readFrom(9).toString()).toBe('ijklm');
    expect(backlog.readFrom(14).toString()).toBe('');
    expect(backlog.covers(3)).toBe(false);
    expect(backlog.covers(4)).toBe(true);
    expect(backlog.covers(14)).toBe(true);
    expect(backlog.covers(15)).toBe(false);
  });

  it('trims when resized smaller, and many small appends stay correct', () => {
    const backlog = new ReplBacklog(101, 1000);
    let all = '';
    for (let i = 0; i < 5000; i++) {
      const piece = `${i % 10}`.repeat((i % 7) + 1);
      all += piece;
      backlog.append(b(piece));
    }
    expect(backlog.histlen).toBe(1000);
    expect(backlog.offset).toBe(101 + all.length - 1000);
    expect(backlog.readFrom(backlog.offset).toString()).toBe(all.slice(-1000));
    backlog.resize(10);
    expect(backlog.readFrom(backlog.offset).toString()).toBe(all.slice(-10));
  });
});
