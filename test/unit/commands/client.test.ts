import { describe, expect, it } from 'vitest';
import { toPlain } from '../../../src/protocol/reply-text.js';
import type { HarnessClient } from '../../helpers/node-harness.js';
import { NodeHarness } from '../../helpers/node-harness.js';

/** catClientInfoString's field names, in order (Redis 7.0.15). */
const FIELDS = [
  'id',
  'addr',
  'laddr',
  'fd',
  'name',
  'age',
  'idle',
  'flags',
  'db',
  'sub',
  'psub',
  'ssub',
  'multi',
  'qbuf',
  'qbuf-free',
  'argv-mem',
  'multi-mem',
  'rbs',
  'rbp',
  'obl',
  'oll',
  'omem',
  'tot-mem',
  'events',
  'cmd',
  'user',
  'redir',
  'resp',
];

/** Parses CLIENT LIST text into one field map per line. */
function parseList(text: string): Record<string, string>[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) =>
      Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    );
}

function drain(client: HarnessClient): unknown[] {
  const out: unknown[] = [];
  for (let r = client.nextReply(); r !== undefined; r = client.nextReply()) out.push(toPlain(r));
  return out;
}

describe('CLIENT ID, SETNAME, GETNAME', () => {
  it('names a connection, validates the name and clears it with an empty name', () => {
    const h = new NodeHarness();
    const a = h.client();
    const b = h.client();
    expect(a.run('CLIENT', 'ID')).toBe(a.session.id);
    expect(b.run('CLIENT', 'ID')).toBe(a.session.id + 1);
    expect(a.run('CLIENT', 'GETNAME')).toBe(null);
    expect(a.run('CLIENT', 'SETNAME', 'worker-1')).toBe('OK');
    expect(a.run('CLIENT', 'GETNAME')).toBe('worker-1');
    expect(a.run('CLIENT', 'SETNAME', 'has space')).toEqual({
      error: 'ERR Client names cannot contain spaces, newlines or special characters.',
    });
    expect(a.run('CLIENT', 'SETNAME', '')).toBe('OK');
    expect(a.run('CLIENT', 'GETNAME')).toBe(null);
  });

  it('checks arity per subcommand and rejects 7.2 subcommands as unknown', () => {
    const h = new NodeHarness();
    expect(h.run('CLIENT', 'ID', 'x')).toEqual({ error: "ERR wrong number of arguments for 'client|id' command" });
    expect(h.run('CLIENT', 'KILL')).toEqual({ error: "ERR wrong number of arguments for 'client|kill' command" });
    expect(h.run('CLIENT')).toEqual({ error: "ERR wrong number of arguments for 'client' command" });
    expect(h.run('CLIENT', 'SETINFO', 'lib-name', 'x')).toEqual({
      error: "ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.",
    });
    expect(h.run('CLIENT', 'NO-TOUCH', 'on')).toEqual({ error: "ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP." });
  });
});

describe('CLIENT LIST and CLIENT INFO', () => {
  it('prints every field of catClientInfoString in order, one newline-terminated line per client', () => {
    const h = new NodeHarness();
    const a = h.client();
    h.client();
    const text = a.run('CLIENT', 'LIST') as string;
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.split(' ').map((kv) => kv.slice(0, kv.indexOf('=')))).toEqual(FIELDS);
    const [me] = parseList(text);
    expect(me).toMatchObject({
      id: String(a.session.id),
      addr: '127.0.0.1:50000',
      laddr: '127.0.0.1:6379',
      name: '',
      flags: 'N',
      db: '0',
      multi: '-1',
      qbuf: '26',
      'argv-mem': '10',
      cmd: 'client|list',
      user: 'default',
      redir: '-1',
      resp: '2',
    });
  });

  it('answers CLIENT INFO with the caller alone', () => {
    const h = new NodeHarness();
    const a = h.client();
    a.run('SELECT', '3');
    a.run('CLIENT', 'SETNAME', 'me');
    const info = a.run('CLIENT', 'INFO') as string;
    const [line] = parseList(info);
    expect(info.split('\n')).toHaveLength(2);
    expect(line).toMatchObject({ id: String(a.session.id), name: 'me', db: '3', cmd: 'client|info' });
  });

  it('shows flags, subscriptions, queued commands and the last command of other clients', () => {
    const h = new NodeHarness();
    const sub = h.client();
    const tx = h.client();
    const watcher = h.client();
    const observer = h.client();
    sub.send(['SUBSCRIBE', 'a', 'b']);
    sub.send(['PSUBSCRIBE', 'p*']);
    tx.run('MULTI');
    tx.run('SET', 'x', 'yyyyyyy');
    tx.run('GET', 'x');
    watcher.run('WATCH', 'k');
    observer.run('SET', 'k', 'changed');
    observer.run('CLIENT', 'NO-EVICT', 'on');
    const byId = new Map(parseList(observer.run('CLIENT', 'LIST') as string).map((f) => [Number(f.id), f]));
    expect(byId.get(sub.session.id)).toMatchObject({ flags: 'P', sub: '2', psub: '1', ssub: '0', cmd: 'psubscribe' });
    expect(byId.get(tx.session.id)).toMatchObject({ flags: 'x', multi: '2', 'multi-mem': '55', cmd: 'get' });
    expect(byId.get(watcher.session.id)).toMatchObject({ flags: 'd', cmd: 'watch' });
    expect(byId.get(observer.session.id)).toMatchObject({ flags: 'e' });
  });

  it('names in cmd= the command last looked up: NULL when unknown, the rejected one, EXEC after a transaction', () => {
    const h = new NodeHarness();
    const unknown = h.client();
    const rejected = h.client();
    const tx = h.client();
    const observer = h.client();
    unknown.run('SET', 'k', 'v');
    unknown.run('NOSUCH');
    rejected.run('GET');
    tx.run('MULTI');
    tx.run('SET', 'x', '1');
    tx.run('EXEC');
    const byId = new Map(parseList(observer.run('CLIENT', 'LIST') as string).map((f) => [Number(f.id), f.cmd]));
    expect(byId.get(unknown.session.id)).toBe('NULL');
    expect(byId.get(rejected.session.id)).toBe('get');
    expect(byId.get(tx.session.id)).toBe('exec');
    expect(byId.get(observer.session.id)).toBe('client|list');
  });

  it('filters by TYPE and by ID, and rejects bad filters as Redis does', () => {
    const h = new NodeHarness();
    const sub = h.client();
    const a = h.client();
    sub.send(['SUBSCRIBE', 'a']);
    const pubsub = parseList(a.run('CLIENT', 'LIST', 'TYPE', 'pubsub') as string);
    expect(pubsub.map((f) => Number(f.id))).toEqual([sub.session.id]);
    expect(parseList(a.run('CLIENT', 'LIST', 'TYPE', 'NORMAL') as string).map((f) => Number(f.id))).toEqual([
      a.session.id,
    ]);
    expect(a.run('CLIENT', 'LIST', 'TYPE', 'replica')).toBe('');
    expect(a.run('CLIENT', 'LIST', 'TYPE', 'slave')).toBe('');
    expect(a.run('CLIENT', 'LIST', 'TYPE', 'master')).toBe('');
    const ids = parseList(a.run('CLIENT', 'LIST', 'ID', String(a.session.id), '999', String(sub.session.id)) as string);
    expect(ids.map((f) => Number(f.id))).toEqual([a.session.id, sub.session.id]);
    expect(a.run('CLIENT', 'LIST', 'ID', '999')).toBe('');
    expect(a.run('CLIENT', 'LIST', 'ID', 'abc')).toEqual({ error: 'ERR Invalid client ID' });
    expect(a.run('CLIENT', 'LIST', 'TYPE', 'foo')).toEqual({ error: "ERR Unknown client type 'foo'" });
    expect(a.run('CLIENT', 'LIST', 'ID')).toEqual({ error: 'ERR syntax error' });
    expect(a.run('CLIENT', 'LIST', 'TYPE', 'normal', 'x')).toEqual({ error: 'ERR syntax error' });
  });

  it('is a verbatim string in RESP3', () => {
    const h = new NodeHarness();
    const a = h.client();
    a.run('HELLO', '3');
    expect(a.raw('CLIENT', 'INFO').t).toBe('verbatim');
    expect(a.raw('CLIENT', 'LIST').t).toBe('verbatim');
  });
});

describe('CLIENT KILL', () => {
  it('closes pub/sub and normal clients by TYPE, sparing the caller unless SKIPME no', () => {
    const h = new NodeHarness();
    const sub = h.client();
    const other = h.client();
    const me = h.client();
    sub.send(['SUBSCRIBE', 'a']);
    expect(me.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    expect(sub.closed).toBe(true);
    expect(h.node.clients.has(sub.session.id)).toBe(false);
    expect(me.run('CLIENT', 'KILL', 'TYPE', 'normal')).toBe(1);
    expect(other.closed).toBe(true);
    expect(me.closed).toBe(false);
    expect(me.run('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no')).toBe(1);
    expect(me.closed).toBe(true);
  });

  it('kills by ID and answers the old ip:port form with OK or an error', () => {
    const h = new NodeHarness();
    const victim = h.client();
    const me = h.client();
    expect(me.run('CLIENT', 'KILL', 'ID', String(victim.session.id))).toBe(1);
    expect(victim.closed).toBe(true);
    expect(me.run('CLIENT', 'KILL', 'ID', '12345')).toBe(0);
    expect(me.run('CLIENT', 'KILL', '10.0.0.1:1')).toEqual({ error: 'ERR No such client' });
    expect(me.run('CLIENT', 'KILL', 'LADDR', '127.0.0.1:6379', 'SKIPME', 'yes')).toBe(0);
    // The old form may kill the caller: it still gets its reply first.
    expect(me.run('CLIENT', 'KILL', '127.0.0.1:50000')).toBe('OK');
    expect(me.closed).toBe(true);
  });

  it('rejects bad filters with Redis error texts', () => {
    const h = new NodeHarness();
    expect(h.run('CLIENT', 'KILL', 'ID', '0')).toEqual({ error: 'ERR client-id should be greater than 0' });
    expect(h.run('CLIENT', 'KILL', 'ID', 'abc')).toEqual({ error: 'ERR client-id should be greater than 0' });
    expect(h.run('CLIENT', 'KILL', 'TYPE', 'x')).toEqual({ error: "ERR Unknown client type 'x'" });
    expect(h.run('CLIENT', 'KILL', 'USER', 'bob')).toEqual({ error: "ERR No such user 'bob'" });
    expect(h.run('CLIENT', 'KILL', 'SKIPME', 'maybe')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('CLIENT', 'KILL', 'MAXAGE', '10')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('CLIENT', 'KILL', 'ID', '1', 'TYPE')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('CLIENT', 'KILL', 'USER', 'default')).toBe(0);
  });
});

describe('CLIENT PAUSE and UNPAUSE', () => {
  it('validates mode before timeout, as Redis does', () => {
    const h = new NodeHarness();
    expect(h.run('CLIENT', 'PAUSE', 'abc')).toEqual({ error: 'ERR timeout is not an integer or out of range' });
    expect(h.run('CLIENT', 'PAUSE', '-1')).toEqual({ error: 'ERR timeout is negative' });
    expect(h.run('CLIENT', 'PAUSE', 'abc', 'foo')).toEqual({ error: 'ERR CLIENT PAUSE mode must be WRITE or ALL' });
    expect(h.run('CLIENT', 'PAUSE', '10', 'foo')).toEqual({ error: 'ERR CLIENT PAUSE mode must be WRITE or ALL' });
  });

  it('holds writes during a WRITE pause until UNPAUSE, and lets reads through', () => {
    const h = new NodeHarness();
    const admin = h.client();
    const writer = h.client();
    expect(admin.run('CLIENT', 'PAUSE', '10000', 'WRITE')).toBe('OK');
    expect(writer.run('GET', 'k')).toBe(null);
    writer.send(['SET', 'k', 'v']);
    expect(writer.nextReply()).toBeUndefined();
    expect(admin.run('CLIENT', 'UNPAUSE')).toBe('OK');
    expect(drain(writer)).toEqual(['OK']);
  });

  it('ends a pause when its timeout passes and keeps the later end and stricter mode when paused again', () => {
    const h = new NodeHarness();
    const admin = h.client();
    const other = h.client();
    expect(admin.run('CLIENT', 'PAUSE', '1000', 'WRITE')).toBe('OK');
    expect(admin.run('CLIENT', 'PAUSE', '100', 'ALL')).toBe('OK');
    other.send(['GET', 'k']);
    h.advance(500);
    expect(other.nextReply()).toBeUndefined();
    h.advance(600);
    expect(drain(other)).toEqual([null]);
  });
});

describe('CLIENT REPLY', () => {
  it('OFF silences everything including itself until ON; SKIP drops only the next reply', () => {
    const h = new NodeHarness();
    const a = h.client();
    a.send(['CLIENT', 'REPLY', 'OFF']);
    a.send(['SET', 'k', '1']);
    expect(a.nextReply()).toBeUndefined();
    expect(a.run('CLIENT', 'REPLY', 'ON')).toBe('OK');
    a.send(['CLIENT', 'REPLY', 'SKIP']);
    a.send(['INCR', 'k']);
    expect(a.nextReply()).toBeUndefined();
    expect(a.run('GET', 'k')).toBe('2');
    expect(a.run('CLIENT', 'REPLY', 'MAYBE')).toEqual({ error: 'ERR syntax error' });
  });
});

describe('CLIENT NO-EVICT and HELP', () => {
  it('toggles the no-evict flag and rejects other values', () => {
    const h = new NodeHarness();
    expect(h.run('CLIENT', 'NO-EVICT', 'on')).toBe('OK');
    expect(parseList(h.run('CLIENT', 'INFO') as string)[0]!.flags).toBe('e');
    expect(h.run('CLIENT', 'NO-EVICT', 'off')).toBe('OK');
    expect(parseList(h.run('CLIENT', 'INFO') as string)[0]!.flags).toBe('N');
    expect(h.run('CLIENT', 'NO-EVICT', 'x')).toEqual({ error: 'ERR syntax error' });
  });

  it('answers HELP with status lines framed like addReplyHelp', () => {
    const h = new NodeHarness();
    const a = h.client();
    const reply = a.raw('client', 'help');
    expect(reply.t).toBe('array');
    const items = reply.t === 'array' ? reply.items : [];
    expect(items.every((r) => r.t === 'simple')).toBe(true);
    const lines = toPlain(reply) as string[];
    expect(lines[0]).toBe('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(lines.slice(-2)[0]).toBe('HELP');
    expect(lines).toContain('PAUSE <timeout> [WRITE|ALL]');
  });
});
