import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MemoryStorage } from '../../../src/sim/memory-storage.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('MemoryStorage', () => {
  it('reads null for missing files and copies for existing ones', () => {
    const st = new MemoryStorage();
    expect(st.read('nodes.conf')).toBeNull();
    expect(st.exists('nodes.conf')).toBe(false);
    const input = b('abc');
    st.writeAtomic('nodes.conf', input);
    input[0] = 0x7a;
    const out = st.read('nodes.conf')!;
    expect(out.toString('latin1')).toBe('abc');
    out[1] = 0x7a;
    expect(st.read('nodes.conf')!.toString('latin1')).toBe('abc');
    expect(st.exists('nodes.conf')).toBe(true);
  });

  it('appends, creating the file when missing, and copies appended data', () => {
    const st = new MemoryStorage();
    const chunk = b('SET');
    st.append('appendonly.aof', chunk);
    chunk[0] = 0x78;
    st.append('appendonly.aof', b(' k v\r\n'));
    st.append('appendonly.aof', Buffer.alloc(0));
    expect(st.read('appendonly.aof')!.toString('latin1')).toBe('SET k v\r\n');
    st.append('appendonly.aof', b('+'));
    expect(st.read('appendonly.aof')!.toString('latin1')).toBe('SET k v\r\n+');
  });

  it('removes files, and ignores removing a missing one', () => {
    const st = new MemoryStorage();
    st.writeAtomic('dump.rdb', b('REDIS'));
    st.remove('dump.rdb');
    st.remove('dump.rdb');
    expect(st.exists('dump.rdb')).toBe(false);
    expect(st.read('dump.rdb')).toBeNull();
  });

  it('counts sync calls per file and in total', () => {
    const st = new MemoryStorage();
    st.append('a', b('x'));
    st.sync('a');
    st.sync('a');
    st.sync('b');
    expect(st.syncCount('a')).toBe(2);
    expect(st.syncCount('b')).toBe(1);
    expect(st.syncCount('c')).toBe(0);
    expect(st.syncCount()).toBe(3);
  });

  it('keeps atomically written and synced bytes across a crash and loses the rest', () => {
    const st = new MemoryStorage();
    st.writeAtomic('nodes.conf', b('v1'));
    st.append('nodes.conf', b('-unsynced'));
    st.append('appendonly.aof', b('one;'));
    st.sync('appendonly.aof');
    st.append('appendonly.aof', b('two;'));
    st.append('temp.aof', b('never synced'));
    st.crash();
    expect(st.read('nodes.conf')!.toString('latin1')).toBe('v1');
    expect(st.read('appendonly.aof')!.toString('latin1')).toBe('one;');
    expect(st.exists('temp.aof')).toBe(false);
    // A second crash changes nothing, and the file keeps growing from its durable length.
    st.crash();
    st.append('appendonly.aof', b('three;'));
    expect(st.read('appendonly.aof')!.toString('latin1')).toBe('one;three;');
  });

  it('models appendfsync always vs no: synced appends survive a crash, unsynced ones do not', () => {
    const always = new MemoryStorage();
    const no = new MemoryStorage();
    no.writeAtomic('appendonly.aof', Buffer.alloc(0));
    for (const cmd of ['a;', 'b;', 'c;']) {
      always.append('appendonly.aof', b(cmd));
      always.sync('appendonly.aof');
      no.append('appendonly.aof', b(cmd));
    }
    always.crash();
    no.crash();
    expect(always.read('appendonly.aof')!.toString('latin1')).toBe('a;b;c;');
    expect(no.read('appendonly.aof')!.toString('latin1')).toBe('');
  });

  it('matches a simple model of contents and durable lengths for arbitrary operations', () => {
    const nameArb = fc.constantFrom('a', 'b', 'c');
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), name: nameArb, data: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('append' as const), name: nameArb, data: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('sync' as const), name: nameArb }),
      fc.record({ kind: fc.constant('remove' as const), name: nameArb }),
      fc.record({ kind: fc.constant('crash' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60, size: 'max' }), (ops) => {
        const st = new MemoryStorage();
        const model = new Map<string, { data: string; durable: string | null }>();
        for (const op of ops) {
          switch (op.kind) {
            case 'write':
              st.writeAtomic(op.name, b(op.data));
              model.set(op.name, { data: op.data, durable: op.data });
              break;
            case 'append': {
              st.append(op.name, b(op.data));
              const f = model.get(op.name);
              if (f === undefined) model.set(op.name, { data: op.data, durable: null });
              else f.data += op.data;
              break;
            }
            case 'sync': {
              st.sync(op.name);
              const f = model.get(op.name);
              if (f !== undefined) f.durable = f.data;
              break;
            }
            case 'remove':
              st.remove(op.name);
              model.delete(op.name);
              break;
            case 'crash':
              st.crash();
              for (const [name, f] of model) {
                if (f.durable === null) model.delete(name);
                else f.data = f.durable;
              }
              break;
          }
          for (const name of ['a', 'b', 'c']) {
            expect(st.read(name)?.toString('latin1') ?? null).toBe(model.get(name)?.data ?? null);
          }
        }
      }),
    );
  });
});

describe('MemoryStorage non-durable overwrites', () => {
  it('bring back the last durable contents on a crash, until synced', () => {
    const storage = new MemoryStorage();
    storage.writeAtomic('nodes.conf', Buffer.from('v1'));
    storage.overwrite('nodes.conf', Buffer.from('v2'), false);
    storage.overwrite('nodes.conf', Buffer.from('v3'), false);
    expect(storage.read('nodes.conf')?.toString()).toBe('v3');
    storage.crash();
    expect(storage.read('nodes.conf')?.toString()).toBe('v1');
    storage.overwrite('nodes.conf', Buffer.from('v4'), false);
    storage.sync('nodes.conf');
    storage.crash();
    expect(storage.read('nodes.conf')?.toString()).toBe('v4');
  });

  it('lose a file that never had durable contents', () => {
    const storage = new MemoryStorage();
    storage.overwrite('new.conf', Buffer.from('x'), false);
    storage.crash();
    expect(storage.exists('new.conf')).toBe(false);
  });
});
