import { describe, expect, it } from 'vitest';
import { COMMAND_META } from '../../../src/node/command-meta.js';
import { commandSummary } from '../../../src/node/command-summaries.js';
import type { Reply } from '../../../src/protocol/reply.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { NodeHarness } from '../../helpers/node-harness.js';

/** Every implemented command and subcommand name. */
function implemented(h: NodeHarness): string[] {
  const names: string[] = [];
  for (const cmd of h.node.commands.all()) {
    names.push(cmd.fullName);
    for (const sub of cmd.subcommands?.values() ?? []) names.push(sub.fullName);
  }
  return names;
}

/** The reply kinds of a reply tree, for checking RESP3 shapes. */
function kinds(r: Reply): unknown {
  return 'items' in r ? [r.t, r.items.map(kinds)] : r.t;
}

describe('COMMAND, COMMAND COUNT, COMMAND INFO', () => {
  it('describes every implemented command with the 10-element entry', () => {
    const h = new NodeHarness();
    const all = h.run('COMMAND') as unknown[][];
    expect(all).toHaveLength(h.node.commands.size);
    expect(h.run('COMMAND', 'COUNT')).toBe(h.node.commands.size);
    for (const entry of all) expect(entry).toHaveLength(10);
    const get = all.find((e) => e[0] === 'get');
    expect(get).toEqual([
      'get',
      2,
      ['readonly', 'fast'],
      1,
      1,
      1,
      ['@read', '@string', '@fast'],
      [],
      [
        [
          'flags',
          ['RO', 'access'],
          'begin_search',
          ['type', 'index', 'spec', ['index', 1]],
          'find_keys',
          ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]],
        ],
      ],
      [],
    ]);
  });

  it('answers COMMAND INFO per name, null for unknown ones, subcommands by container|sub', () => {
    const h = new NodeHarness();
    const reply = h.run('COMMAND', 'INFO', 'GET', 'nosuch', 'client|id', 'get|x', '') as unknown[];
    expect(reply).toHaveLength(5);
    expect((reply[0] as unknown[])[0]).toBe('get');
    expect(reply[1]).toBe(null);
    expect((reply[2] as unknown[]).slice(0, 2)).toEqual(['client|id', 2]);
    expect(reply[3]).toBe(null);
    expect(reply[4]).toBe(null);
    const client = (h.run('COMMAND', 'INFO', 'client') as unknown[][])[0]!;
    const subs = (client[9] as unknown[][]).map((s) => s[0]);
    expect(subs).toContain('client|list');
    expect(subs).not.toContain('client|setinfo');
  });

  it('uses sets, maps and statuses in RESP3 exactly where Redis does', () => {
    const h = new NodeHarness();
    const a = h.client();
    a.run('HELLO', '3');
    const reply = a.raw('COMMAND', 'INFO', 'get');
    expect(kinds(reply)).toEqual([
      'array',
      [
        [
          'array',
          [
            'bulk',
            'int',
            ['set', ['simple', 'simple']],
            'int',
            'int',
            'int',
            ['set', ['simple', 'simple', 'simple']],
            ['set', []],
            [
              'set',
              [
                [
                  'map',
                  [
                    'bulk',
                    ['set', ['simple', 'simple']],
                    'bulk',
                    ['map', ['bulk', 'bulk', 'bulk', ['map', ['bulk', 'int']]]],
                    'bulk',
                    ['map', ['bulk', 'bulk', 'bulk', ['map', ['bulk', 'int', 'bulk', 'int', 'bulk', 'int']]]],
                  ],
                ],
              ],
            ],
            ['set', []],
          ],
        ],
      ],
    ]);
  });

  it('counts only top-level commands and lists subcommands in COMMAND LIST', () => {
    const h = new NodeHarness();
    const list = h.run('COMMAND', 'LIST') as string[];
    expect(list.sort()).toEqual(implemented(h).sort());
    expect(h.run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|*')).toEqual(
      implemented(h).filter((n) => n.startsWith('client|')),
    );
    const connection = h.run('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'CONNECTION') as string[];
    expect(connection).toContain('ping');
    expect(connection).not.toContain('get');
    expect(h.run('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nosuch')).toEqual([]);
    expect(h.run('COMMAND', 'LIST', 'FILTERBY', 'module', 'x')).toEqual([]);
    expect(h.run('COMMAND', 'LIST', 'FILTERBY', 'other', 'x')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('COMMAND', 'LIST', 'FILTERBY', 'pattern')).toEqual({ error: 'ERR syntax error' });
  });
});

describe('COMMAND DOCS', () => {
  it('maps names to docs with a summary, since and group first, and skips unknown names', () => {
    const h = new NodeHarness();
    const docs = h.run('COMMAND', 'DOCS', 'get', 'nosuch') as unknown[];
    expect(docs[0]).toBe('get');
    expect(docs).toHaveLength(2);
    const get = docs[1] as unknown[];
    expect(get.slice(0, 6)).toEqual(['summary', commandSummary('get'), 'since', '1.0.0', 'group', 'string']);
    expect(get).toContain('arguments');
  });

  it('nests subcommand docs under containers and sends history as [version, description] pairs', () => {
    const h = new NodeHarness();
    const docs = h.run('COMMAND', 'DOCS', 'client') as unknown[];
    const client = docs[1] as unknown[];
    const subs = client[client.indexOf('subcommands') + 1] as unknown[];
    expect(subs).toContain('client|list');
    const list = subs[subs.indexOf('client|list') + 1] as unknown[];
    const history = list[list.indexOf('history') + 1] as unknown[][];
    expect(history[0]).toEqual(['2.8.12', '']);
  });

  it('has a summary of our own for every command Redis 7.0.15 has', () => {
    for (const [name, meta] of Object.entries(COMMAND_META)) {
      for (const full of [name, ...Object.keys(meta.subcommands ?? {})]) {
        expect(commandSummary(full), full).not.toMatch(/^Runs the /);
      }
    }
  });
});

describe('COMMAND GETKEYS and GETKEYSANDFLAGS', () => {
  it('finds keys from index/range key specs', () => {
    const h = new NodeHarness();
    expect(h.run('COMMAND', 'GETKEYS', 'GET', 'k')).toEqual(['k']);
    expect(h.run('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(h.run('COMMAND', 'GETKEYSANDFLAGS', 'MSET', 'a', '1')).toEqual([['a', ['OW', 'update']]]);
  });

  it("uses the command's own extraction for variable flags (SET ... GET)", () => {
    const h = new NodeHarness();
    expect(h.run('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b')).toEqual([['a', ['OW', 'update']]]);
    expect(h.run('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get')).toEqual([['a', ['RW', 'access', 'update']]]);
  });

  it('rejects unknown commands, bad arity and keyless commands with Redis error texts', () => {
    const h = new NodeHarness();
    expect(h.run('COMMAND', 'GETKEYS', 'nosuch', 'a')).toEqual({ error: 'ERR Invalid command specified' });
    expect(h.run('COMMAND', 'GETKEYS', 'get', 'a', 'b')).toEqual({
      error: 'ERR Invalid number of arguments specified for command',
    });
    expect(h.run('COMMAND', 'GETKEYS', 'ping', 'x')).toEqual({ error: 'ERR The command has no key arguments' });
    expect(h.run('COMMAND', 'GETKEYS', 'client', 'list')).toEqual({ error: 'ERR The command has no key arguments' });
    expect(h.run('COMMAND', 'GETKEYS', 'get')).toEqual({
      error: "ERR wrong number of arguments for 'command|getkeys' command",
    });
  });

  it('answers COMMAND HELP with a framed status array', () => {
    const h = new NodeHarness();
    const lines = h.run('COMMAND', 'HELP') as string[];
    expect(lines[0]).toBe('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(lines.at(-2)).toBe('HELP');
    expect(toPlain(h.client().raw('command', 'foo'))).toEqual({
      error: "ERR unknown subcommand 'foo'. Try COMMAND HELP.",
    });
  });
});
