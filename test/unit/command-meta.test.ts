// Spot checks of the command metadata captured from real Redis 7.0.15 (src/node/command-meta.json).
import { describe, it, expect } from 'vitest';
import raw from '../../src/node/command-meta.json' with { type: 'json' };
import { COMMAND_META, COMMAND_META_OMITTED_PROSE, type CommandMeta } from '../../src/node/command-meta.js';

/** Every command and subcommand, keyed by full name. */
function allEntries(): [string, CommandMeta][] {
  const out: [string, CommandMeta][] = [];
  for (const [name, meta] of Object.entries(COMMAND_META)) {
    out.push([name, meta]);
    for (const [subName, sub] of Object.entries(meta.subcommands ?? {})) out.push([subName, sub]);
  }
  return out;
}

/** Collects every object key used anywhere in a JSON value. */
function collectKeys(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectKeys(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      collectKeys(inner, into);
    }
  }
  return into;
}

describe('command-meta.json', () => {
  it('records where it came from', () => {
    expect(raw._source).toBe('captured from redis-server 7.0.15 by scripts/capture-command-meta.mjs');
    expect(raw._server).toBe('7.0.15');
  });

  it('has GET with arity 2 and keys 1/1/1', () => {
    const get = COMMAND_META['get'];
    expect(get).toMatchObject({ arity: 2, firstKey: 1, lastKey: 1, step: 1 });
    expect(get?.flags).toEqual(['readonly', 'fast']);
    expect(get?.aclCategories).toEqual(['@read', '@string', '@fast']);
    expect(get?.keySpecs[0]?.[0]).toBe('flags');
    expect(get?.docs).toMatchObject({ group: 'string', since: '1.0.0' });
  });

  it('has SET with arity -3', () => {
    expect(COMMAND_META['set']?.arity).toBe(-3);
  });

  it('has MSET with step 2 and lastKey -1', () => {
    expect(COMMAND_META['mset']).toMatchObject({ firstKey: 1, lastKey: -1, step: 2 });
  });

  it('nests CONFIG GET under CONFIG with its full name', () => {
    const configGet = COMMAND_META['config']?.subcommands?.['config|get'];
    expect(configGet?.arity).toBe(-3);
    expect(configGet?.docs.group).toBe('server');
    expect(COMMAND_META['config|get']).toBeUndefined();
  });

  it('has CLUSTER subcommands including cluster|nodes', () => {
    const subs = Object.keys(COMMAND_META['cluster']?.subcommands ?? {});
    expect(subs).toContain('cluster|nodes');
    expect(subs.every((name) => name.startsWith('cluster|'))).toBe(true);
  });

  it('gives every command and subcommand a docs group and since', () => {
    expect(Object.keys(COMMAND_META).length).toBe(240);
    for (const [name, meta] of allEntries()) {
      expect(typeof meta.docs.group, name).toBe('string');
      expect(typeof meta.docs.since, name).toBe('string');
    }
  });

  it('sorts command and subcommand names', () => {
    const names = Object.keys(COMMAND_META);
    expect(names).toEqual([...names].sort());
    for (const meta of Object.values(COMMAND_META)) {
      const subs = Object.keys(meta.subcommands ?? {});
      expect(subs).toEqual([...subs].sort());
    }
  });

  it('stores no prose fields', () => {
    const keys = collectKeys(COMMAND_META, new Set());
    for (const prose of ['summary', 'complexity', 'notes']) expect(keys.has(prose), prose).toBe(false);
    for (const [, meta] of allEntries()) {
      for (const spec of meta.keySpecs) expect(spec).not.toContain('notes');
    }
    expect(COMMAND_META_OMITTED_PROSE.commandsWithoutComplexity).toContain('monitor');
  });
});
