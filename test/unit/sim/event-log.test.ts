import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { EventLog } from '../../../src/sim/event-log.js';

const entryArb = fc.record({ time: fc.nat(), source: fc.string({ maxLength: 8 }), text: fc.string({ maxLength: 30 }) });

function fill(entries: { time: number; source: string; text: string }[]): EventLog {
  const log = new EventLog();
  for (const e of entries) log.record(e.time, e.source, e.text);
  return log;
}

describe('EventLog', () => {
  it('records one `<time> [<source>] <text>` line per event, in order', () => {
    const log = new EventLog();
    log.record(1_700_000_000_000, 'node-1', 'M * Ready to accept connections');
    log.record(1_700_000_000_100, 'net', 'drop node-1 -> node-2');
    expect(log.lines()).toEqual([
      '1700000000000 [node-1] M * Ready to accept connections',
      '1700000000100 [net] drop node-1 -> node-2',
    ]);
  });

  it('escapes line breaks and backslashes so every entry stays one distinct line', () => {
    const log = new EventLog();
    log.record(1, 'a\nb', 'x\r\ny\\n');
    expect(log.lines()).toEqual(['1 [a\\nb] x\\r\\ny\\\\n']);
    const other = new EventLog();
    other.record(1, 'a\nb', 'x\r\ny\n');
    expect(other.hash()).not.toBe(log.hash());
  });

  it('hashes the log as a text file of its lines', () => {
    expect(new EventLog().hash()).toBe(createHash('sha256').update('').digest('hex'));
    const log = new EventLog();
    log.record(5, 's', 'hello');
    expect(log.hash()).toBe(createHash('sha256').update('5 [s] hello\n').digest('hex'));
    expect(log.hash()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives two identical runs the same hash', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 40 }), (entries) => {
        expect(fill(entries).hash()).toBe(fill(entries).hash());
      }),
    );
  });

  it('changes the hash when any line differs, or a line is added', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 5 }),
        (entries, pick, extra) => {
          const i = pick % entries.length;
          const changed = entries.map((e, j) => (j === i ? { ...e, text: e.text + extra } : e));
          const base = fill(entries).hash();
          expect(fill(changed).hash()).not.toBe(base);
          expect(fill([...entries, entries[i]!]).hash()).not.toBe(base);
        },
      ),
    );
  });
});
