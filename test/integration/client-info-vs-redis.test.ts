// CLIENT, INFO and COMMAND of redis-sim against real Redis 7.0.15: field names and order, byte-exact COMMAND INFO
// entries, and real tools (redis-cli, redis-py) reading them.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputBuffer } from '../../src/protocol/output-buffer.js';
import { encodeReply, type RespVersion } from '../../src/protocol/reply-encoder.js';
import { bulk, type Reply } from '../../src/protocol/reply.js';
import { RespClient, startRealRedis, startSimServer, type ProcessServer } from '../helpers/servers.js';

/**
 * INFO fields redis-sim deliberately leaves out, by section. Empty: every field real Redis 7.0.15 prints in these
 * sections is printed, in the same order (values are simulated where the simulator has no such thing).
 */
const MISSING_INFO_FIELDS: Readonly<Record<string, readonly string[]>> = {};

let sim: Awaited<ReturnType<typeof startSimServer>>;
let real: ProcessServer;
let simClient: RespClient;
let realClient: RespClient;

beforeAll(async () => {
  [sim, real] = await Promise.all([startSimServer(), startRealRedis()]);
  [simClient, realClient] = await Promise.all([RespClient.connect(sim.port), RespClient.connect(real.port)]);
});

afterAll(async () => {
  await Promise.all([simClient?.close(), realClient?.close()]);
  await Promise.all([sim?.stop(), real?.stop()]);
});

/** Sends a command and returns both the raw reply bytes and the parsed reply. */
async function rawCall(client: RespClient, ...args: string[]): Promise<{ bytes: Buffer; reply: Reply }> {
  const chunks: Buffer[] = [];
  const listener = (d: Buffer) => chunks.push(d);
  client.socket.on('data', listener);
  try {
    const reply = await client.call(...args);
    return { bytes: Buffer.concat(chunks), reply };
  } finally {
    client.socket.off('data', listener);
  }
}

function encode(reply: Reply, resp: RespVersion): string {
  const out = new OutputBuffer();
  encodeReply(reply, resp, out);
  return out.take().toString('latin1');
}

/** Drops the prose `notes` pair from every key spec of a COMMAND INFO entry (command-meta.json does not keep it). */
function withoutNotes(entry: Reply): Reply {
  if (entry.t !== 'array') return entry;
  const items = [...entry.items];
  const specs = items[8]!;
  if (specs.t === 'array' || specs.t === 'set') {
    items[8] = {
      t: specs.t,
      items: specs.items.map((spec) => {
        if (spec.t !== 'array' && spec.t !== 'map') return spec;
        const kv = [...spec.items];
        for (let i = 0; i < kv.length; i += 2) {
          const k = kv[i]!;
          if (k.t === 'bulk' && k.s === 'notes') kv.splice(i, 2);
        }
        return { ...spec, items: kv };
      }),
    };
  }
  const subs = items[9]!;
  if (subs.t === 'array') items[9] = { t: 'array', items: subs.items.map(withoutNotes) };
  return { t: 'array', items };
}

/** Orders an entry's subcommands by name: Redis lists them in hash order, which changes per process. */
function sortedSubcommands(entry: Reply): Reply {
  if (entry.t !== 'array') return entry;
  const items = [...entry.items];
  const subs = items[9]!;
  if (subs.t === 'array') {
    const name = (r: Reply) => (r.t === 'array' && r.items[0]!.t === 'bulk' ? r.items[0]!.s : '');
    items[9] = { t: 'array', items: [...subs.items].sort((a, b) => name(a).localeCompare(name(b))) };
  }
  return { t: 'array', items };
}

/** Field names of each CLIENT LIST line. */
function clientFieldNames(text: string): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split(' ').map((kv) => kv.slice(0, kv.indexOf('='))));
}

/** INFO text → section title → field names, in order. */
function infoFieldNames(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of text.replace(/\r\n$/, '').split('\r\n\r\n')) {
    const [header, ...lines] = block.split('\r\n');
    out.set(
      header!,
      lines.map((l) => l.slice(0, l.indexOf(':'))),
    );
  }
  return out;
}

/** Runs a program with `input` on stdin; resolves with its exit code and output. */
function run(
  command: string,
  args: readonly string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('CLIENT LIST and CLIENT INFO match Redis 7.0.15 field names and order', () => {
  it('has the same fields in the same order on every line', async () => {
    const [simList, realList] = await Promise.all([simClient.run('CLIENT', 'LIST'), realClient.run('CLIENT', 'LIST')]);
    const realNames = clientFieldNames(realList as string)[0]!;
    expect(realNames).toContain('ssub');
    for (const names of clientFieldNames(simList as string)) expect(names).toEqual(realNames);
    const [simInfo, realInfo] = await Promise.all([simClient.run('CLIENT', 'INFO'), realClient.run('CLIENT', 'INFO')]);
    expect(clientFieldNames(simInfo as string)).toEqual(clientFieldNames(realInfo as string));
  });

  it('really closes the connections CLIENT KILL TYPE pubsub / normal names, on both servers', async () => {
    for (const port of [sim.port, real.port]) {
      const [subscriber, bystander, killer] = await Promise.all([
        RespClient.connect(port),
        RespClient.connect(port),
        RespClient.connect(port),
      ]);
      try {
        await subscriber.call('SUBSCRIBE', 'news');
        await bystander.call('PING');
        expect(await killer.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
        await subscriber.closed();
        // The killer itself is spared (SKIPME yes), the other normal clients are closed.
        expect(await killer.run('CLIENT', 'KILL', 'TYPE', 'normal')).toBeGreaterThanOrEqual(1);
        await bystander.closed();
        expect(await killer.run('PING')).toBe('PONG');
      } finally {
        await Promise.all([subscriber.close(), bystander.close(), killer.close()]);
      }
    }
    // The shared clients were normal clients too: reconnect them for the tests below.
    [simClient, realClient] = await Promise.all([RespClient.connect(sim.port), RespClient.connect(real.port)]);
  });

  it('answers the same errors for bad CLIENT requests', async () => {
    const requests = [
      ['CLIENT', 'SETINFO', 'lib-name', 'x'],
      ['CLIENT', 'NO-TOUCH', 'on'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'MAXAGE', '10'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '10', 'foo'],
      ['CLIENT', 'REPLY', 'foo'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'ID', 'x'],
    ];
    for (const request of requests) {
      const [a, b] = await Promise.all([simClient.run(...request), realClient.run(...request)]);
      expect(a, request.join(' ')).toEqual(b);
    }
  });
});

describe('INFO matches Redis 7.0.15 section layout and field names', () => {
  it('prints the same sections, in order, for INFO, INFO all and INFO everything', async () => {
    for (const args of [
      ['INFO'],
      ['INFO', 'all'],
      ['INFO', 'everything'],
      ['INFO', 'nosuch'],
      ['INFO', 'keyspace', 'server'],
    ]) {
      const [a, b] = await Promise.all([simClient.run(...args), realClient.run(...args)]);
      expect([...infoFieldNames(a as string).keys()], args.join(' ')).toEqual([...infoFieldNames(b as string).keys()]);
    }
  });

  it('prints the same fields in each section (minus documented exceptions)', async () => {
    for (const c of [simClient, realClient]) {
      await c.run('SET', 'info-key', 'v');
      await c.run('NOSUCHCOMMAND');
    }
    const [a, b] = await Promise.all([simClient.run('INFO', 'everything'), realClient.run('INFO', 'everything')]);
    const simFields = infoFieldNames(a as string);
    const realFields = infoFieldNames(b as string);
    for (const section of [
      '# Server',
      '# Clients',
      '# Memory',
      '# Persistence',
      '# Stats',
      '# Replication',
      '# CPU',
      '# Errorstats',
      '# Cluster',
      '# Keyspace',
    ]) {
      const missing = MISSING_INFO_FIELDS[section] ?? [];
      const expected = realFields.get(section)!.filter((f) => !missing.includes(f));
      expect(simFields.get(section), section).toEqual(expected);
    }
    expect(simFields.get('# Keyspace')).toEqual(['db0']);
    expect(simFields.get('# Errorstats')).toEqual(['errorstat_ERR']);
    expect(simFields.get('# Commandstats')).toContain('cmdstat_set');
    expect(simFields.get('# Commandstats')).toContain('cmdstat_client|list');
  });
});

describe('COMMAND matches Redis 7.0.15', () => {
  for (const resp of [2, 3] as const) {
    it(`sends byte-identical COMMAND INFO entries for GET and MSET (RESP${resp})`, async () => {
      const [s, r] = await Promise.all([RespClient.connect(sim.port), RespClient.connect(real.port)]);
      try {
        if (resp === 3) await Promise.all([s.call('HELLO', '3'), r.call('HELLO', '3')]);
        for (const name of ['get', 'mset']) {
          const [a, b] = await Promise.all([rawCall(s, 'COMMAND', 'INFO', name), rawCall(r, 'COMMAND', 'INFO', name)]);
          expect(a.bytes.toString('latin1'), name).toBe(b.bytes.toString('latin1'));
        }
      } finally {
        await Promise.all([s.close(), r.close()]);
      }
    });

    it(`sends SET (minus key-spec notes) and CONFIG (subcommands in name order) like Redis (RESP${resp})`, async () => {
      const [s, r] = await Promise.all([RespClient.connect(sim.port), RespClient.connect(real.port)]);
      try {
        if (resp === 3) await Promise.all([s.call('HELLO', '3'), r.call('HELLO', '3')]);
        for (const name of ['set', 'config']) {
          const [a, b] = await Promise.all([rawCall(s, 'COMMAND', 'INFO', name), rawCall(r, 'COMMAND', 'INFO', name)]);
          const [ours] = a.reply.t === 'array' ? a.reply.items : [];
          const [theirs] = b.reply.t === 'array' ? b.reply.items : [];
          expect(encode(a.reply, resp)).toBe(a.bytes.toString('latin1'));
          expect(encode(sortedSubcommands(ours!), resp), name).toBe(
            encode(sortedSubcommands(withoutNotes(theirs!)), resp),
          );
        }
      } finally {
        await Promise.all([s.close(), r.close()]);
      }
    });
  }

  it('describes every implemented command as Redis does (its implemented subcommands only)', async () => {
    const names = [...sim.server.node.commands.all()].map((c) => c.fullName);
    const [a, b] = await Promise.all([
      simClient.call('COMMAND', 'INFO', ...names),
      realClient.call('COMMAND', 'INFO', ...names),
    ]);
    const ours = a.t === 'array' ? a.items : [];
    const theirs = b.t === 'array' ? b.items : [];
    expect(ours).toHaveLength(names.length);
    names.forEach((name, i) => {
      let expected = withoutNotes(theirs[i]!);
      const implemented = sim.server.node.commands.get(name)!.subcommands;
      if (implemented !== null && expected.t === 'array') {
        const subs = expected.items[9]!;
        const kept =
          subs.t === 'array'
            ? subs.items.filter(
                (s) => s.t === 'array' && s.items[0]!.t === 'bulk' && implemented.has(s.items[0]!.s.split('|')[1]!),
              )
            : [];
        expected = { t: 'array', items: [...expected.items.slice(0, 9), { t: 'array', items: kept }] };
      }
      expect(encode(sortedSubcommands(ours[i]!), 2), name).toBe(encode(sortedSubcommands(expected), 2));
    });
  });

  it('counts exactly the implemented commands', async () => {
    expect(await simClient.run('COMMAND', 'COUNT')).toBe(sim.server.node.commands.size);
    expect(((await simClient.run('COMMAND')) as unknown[]).length).toBe(sim.server.node.commands.size);
  });

  it('extracts keys and flags like Redis', async () => {
    const requests = [
      ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v'],
      ['COMMAND', 'GETKEYS', 'GET', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'PING'],
      ['COMMAND', 'GETKEYS', 'CONFIG', 'GET', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'],
      ['COMMAND', 'INFO', 'nosuch', 'get|x', 'config|get'],
    ];
    for (const request of requests) {
      const [a, b] = await Promise.all([simClient.run(...request), realClient.run(...request)]);
      expect(a, request.join(' ')).toEqual(b);
    }
  });

  it('gives COMMAND DOCS entries the shape Redis gives them', async () => {
    const [a, b] = await Promise.all([
      rawCall(simClient, 'COMMAND', 'DOCS', 'get'),
      rawCall(realClient, 'COMMAND', 'DOCS', 'get'),
    ]);
    // Same keys in the same order except complexity (prose we do not send); the summary is our own wording.
    const keys = (r: Reply) => {
      const docs = r.t === 'array' || r.t === 'map' ? r.items[1]! : r;
      return docs.t === 'array' || docs.t === 'map'
        ? docs.items.filter((_, i) => i % 2 === 0).map((k) => (k.t === 'bulk' ? k.s : '?'))
        : [];
    };
    expect(keys(a.reply)).toEqual(keys(b.reply).filter((k) => k !== 'complexity'));
    const args = (r: Reply) => {
      const docs = r.t === 'array' ? r.items[1]! : r;
      const items = docs.t === 'array' ? docs.items : [];
      const at = items.findIndex((x) => x.t === 'bulk' && x.s === 'arguments');
      return encode(items[at + 1] ?? bulk(''), 2);
    };
    expect(args(a.reply)).toBe(args(b.reply));
  });
});

/**
 * A COMMAND DOCS map reduced to the facts redis-sim keeps: no summary or complexity prose, history versions without
 * their descriptions, subcommands restricted to `keep` and sorted by name.
 */
function docFacts(docs: Reply, keep: (fullName: string) => boolean): Reply {
  if (docs.t !== 'array' && docs.t !== 'map') return docs;
  const items: Reply[] = [];
  for (let i = 0; i < docs.items.length; i += 2) {
    const key = docs.items[i]!;
    let value = docs.items[i + 1]!;
    const name = key.t === 'bulk' ? key.s : '';
    if (name === 'summary' || name === 'complexity') continue;
    if (name === 'history' && (value.t === 'array' || value.t === 'set')) {
      value = { t: value.t, items: value.items.map((h) => (h.t === 'array' ? h.items[0]! : h)) };
    }
    if (name === 'subcommands' && (value.t === 'array' || value.t === 'map')) {
      const pairs: [string, Reply][] = [];
      for (let j = 0; j < value.items.length; j += 2) {
        const sub = value.items[j]!;
        const subName = sub.t === 'bulk' ? sub.s : '';
        if (keep(subName)) pairs.push([subName, docFacts(value.items[j + 1]!, keep)]);
      }
      pairs.sort(([x], [y]) => x.localeCompare(y));
      value = { t: value.t, items: pairs.flatMap(([n, d]) => [bulk(n), d]) };
    }
    items.push(key, value);
  }
  return { t: docs.t, items };
}

describe('COMMAND DOCS matches Redis 7.0.15 apart from prose', () => {
  for (const resp of [2, 3] as const) {
    it(`documents every implemented command with Redis's fields, arguments and flags (RESP${resp})`, async () => {
      const [s, r] = await Promise.all([RespClient.connect(sim.port), RespClient.connect(real.port)]);
      try {
        if (resp === 3) await Promise.all([s.call('HELLO', '3'), r.call('HELLO', '3')]);
        const table = sim.server.node.commands;
        const names = [...table.all()].map((c) => c.fullName);
        const [a, b] = await Promise.all([s.call('COMMAND', 'DOCS', ...names), r.call('COMMAND', 'DOCS', ...names)]);
        const implemented = (full: string) =>
          table.get(full.split('|')[0]!)?.subcommands?.has(full.split('|')[1]!) ?? false;
        const byName = (reply: Reply) => {
          const out = new Map<string, Reply>();
          const items = reply.t === 'array' || reply.t === 'map' ? reply.items : [];
          for (let i = 0; i < items.length; i += 2) out.set((items[i] as { s: string }).s, items[i + 1]!);
          return out;
        };
        const ours = byName(a);
        const theirs = byName(b);
        expect([...ours.keys()].sort()).toEqual([...names].sort());
        for (const name of names) {
          expect(encode(docFacts(ours.get(name)!, implemented), resp), name).toBe(
            encode(docFacts(theirs.get(name)!, implemented), resp),
          );
        }
      } finally {
        await Promise.all([s.close(), r.close()]);
      }
    });
  }
});

describe('real tools read CLIENT, INFO and COMMAND from redis-sim', () => {
  it('redis-cli interactive help and commands work', async () => {
    const script = 'help set\nset a 1\nget a\nhelp client list\n';
    const [ours, theirs] = await Promise.all([
      run('redis-cli', ['-p', String(sim.port)], script),
      run('redis-cli', ['-p', String(real.port)], script),
    ]);
    expect(ours.code).toBe(0);
    expect(ours.stderr).toBe('');
    // The usage lines come from COMMAND DOCS arguments; the summaries are our own words.
    const usage = (out: string) => out.split('\n').filter((l) => l.includes('\x1b[90m'));
    expect(usage(ours.stdout)).toEqual(usage(theirs.stdout));
    expect(usage(ours.stdout)).toHaveLength(2);
    expect(ours.stdout).toContain('summary:');
    expect(ours.stdout).toContain('group:\x1b[0m string');
    expect(ours.stdout).toMatch(/\nOK\n1\n/);
  });

  it('redis-py parses COMMAND and initialises a CommandsParser', async () => {
    const script = [
      'import sys, redis',
      'from redis.commands import CommandsParser',
      'r = redis.Redis(port=int(sys.argv[1]))',
      'cmds = r.command()',
      'assert cmds["get"]["arity"] == 2, cmds["get"]',
      'p = CommandsParser(r)',
      'print(len(cmds), p.get_keys(r, "MSET", "a", "1", "b", "2"))',
      'info = r.info("everything")',
      'print(info["redis_version"], "db0" in info or "no-keys")',
      'print(len(r.client_list()) >= 1, r.client_info()["id"] == r.client_id())',
    ].join('\n');
    const result = await run('/usr/bin/python3', ['-c', script, String(sim.port)], '');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${sim.server.node.commands.size} ['a', 'b']`);
    expect(lines[1]).toMatch(/^7\.0\.15 /);
    expect(lines[2]).toBe('True True');
  });
});
