import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanTable } from '../../../src/node/types/scan-table.js';

describe('ScanTable', () => {
  it('returns every member present for a whole scan exactly once, whatever changes in between', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), member: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('remove' as const), member: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 })),
        fc.array(fc.array(op, { maxLength: 6 })),
        fc.integer({ min: 1, max: 7 }),
        (initial, between, count) => {
          const table = new ScanTable();
          for (const m of initial) table.add(`m${m}`);
          const alwaysThere = new Set(table.toArray());
          const seen = new Map<string, number>();
          let cursor = 0;
          let step = 0;
          do {
            const page = table.scan(cursor, count);
            for (const m of page.members) seen.set(m, (seen.get(m) ?? 0) + 1);
            cursor = page.cursor;
            for (const { kind, member } of between[step++ % Math.max(1, between.length)] ?? []) {
              const name = `m${member}`;
              if (kind === 'add') table.add(name);
              else if (table.remove(name)) alwaysThere.delete(name);
            }
          } while (cursor !== 0 && step < 10_000);
          for (const m of alwaysThere) expect(seen.get(m)).toBe(1);
        },
      ),
    );
  });

  it('keeps insertion order, reports membership and picks only live members', () => {
    const table = new ScanTable();
    expect(table.add('a')).toBe(true);
    expect(table.add('b')).toBe(true);
    expect(table.add('a')).toBe(false);
    table.add('c');
    expect(table.remove('b')).toBe(true);
    expect(table.remove('b')).toBe(false);
    expect(table.toArray()).toEqual(['a', 'c']);
    expect(table.size).toBe(2);
    let r = 0;
    for (let i = 0; i < 20; i++) expect(['a', 'c']).toContain(table.random(() => (r = (r + 0.37) % 1)));
    expect(table.clone().toArray()).toEqual(['a', 'c']);
  });
});
