// Real redis-cli 7.0.15 against redis-sim (as a process) and against real Redis: every expectation below holds for both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/servers.js';
import { PROCESS_TARGETS, redisCli, type ToolResult } from './targets.js';

/** `SET key:i val:i` for i in [0, n), as RESP multibulk (what `--pipe` expects on stdin). */
function massInsertion(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `key:${i}`;
    const value = `val:${i}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
  }
  return parts.join('');
}

/** Asserts a clean exit and returns stdout. */
function ok(result: ToolResult): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe.each(PROCESS_TARGETS)('redis-cli against $name', (target) => {
  let server: TestServer;
  let port: number;
  const cli = (args: readonly string[], input?: string) => redisCli(port, args, input);

  beforeAll(async () => {
    server = await target.start();
    port = server.port;
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('one-shot', () => {
    it('SET then GET', async () => {
      expect(ok(await cli(['SET', 'oneshot:k', 'v']))).toBe('OK\n');
      expect(ok(await cli(['GET', 'oneshot:k']))).toBe('v\n');
      expect(ok(await cli(['--no-raw', 'GET', 'oneshot:k']))).toBe('"v"\n');
      expect(ok(await cli(['--no-raw', 'GET', 'oneshot:missing']))).toBe('(nil)\n');
    });

    it('INCR counts up', async () => {
      expect(ok(await cli(['INCR', 'oneshot:n']))).toBe('1\n');
      expect(ok(await cli(['--no-raw', 'INCR', 'oneshot:n']))).toBe('(integer) 2\n');
    });

    it('prints an unknown command error', async () => {
      expect(ok(await cli(['--no-raw', 'FOO']))).toBe(
        "(error) ERR unknown command 'FOO', with args beginning with: \n",
      );
      expect(ok(await cli(['--no-raw', 'FOO', 'bar', 'baz']))).toBe(
        "(error) ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \n",
      );
    });

    it('-x reads the last argument from stdin, binary-safe', async () => {
      expect(ok(await cli(['-x', 'SET', 'oneshot:x'], 'hello\x00world'))).toBe('OK\n');
      expect(ok(await cli(['--no-raw', 'GET', 'oneshot:x']))).toBe('"hello\\x00world"\n');
    });

    it('-r repeats the command', async () => {
      expect(ok(await cli(['-r', '3', 'INCR', 'oneshot:r']))).toBe('1\n2\n3\n');
    });

    it('prints INFO with the version', async () => {
      const info = ok(await cli(['INFO']));
      expect(info).toMatch(/^# Server\r\n/);
      expect(info).toContain('redis_version:7.0.15\r\n');
      expect(info).toContain('cluster_enabled:0\r\n');
      expect(info).toMatch(/\r\nrun_id:[0-9a-f]{40}\r\n/);
      const server = ok(await cli(['INFO', 'server']));
      expect(server).toContain('redis_version:7.0.15\r\n');
      expect(server).not.toContain('# Clients');
    });
  });

  describe('interactive through a pipe', () => {
    const script = [
      'SET i:a 1',
      'GET i:a',
      'INCR i:a',
      'APPEND i:a xyz',
      'GET i:a',
      'INCR i:a',
      'MSET i:k1 "hello world" i:k2 v2',
      'MGET i:k1 i:k2 i:nope',
      'DEL i:k1 i:k2 i:nope',
      'EXISTS i:a',
      'FOO bar',
      'GET',
      'PING',
      '',
    ].join('\n');

    it('prints raw replies', async () => {
      expect(ok(await cli([], script))).toBe(
        [
          'OK',
          '1',
          '2',
          '4',
          '2xyz',
          'ERR value is not an integer or out of range',
          '',
          'OK',
          'hello world',
          'v2',
          '',
          '2',
          '1',
          "ERR unknown command 'FOO', with args beginning with: 'bar' ",
          '',
          "ERR wrong number of arguments for 'get' command",
          '',
          'PONG',
          '',
        ].join('\n'),
      );
    });

    it('prints formatted replies with --no-raw', async () => {
      expect(ok(await cli(['--no-raw'], script))).toBe(
        [
          'OK',
          '"1"',
          '(integer) 2',
          '(integer) 4',
          '"2xyz"',
          '(error) ERR value is not an integer or out of range',
          'OK',
          '1) "hello world"',
          '2) "v2"',
          '3) (nil)',
          '(integer) 2',
          '(integer) 1',
          "(error) ERR unknown command 'FOO', with args beginning with: 'bar' ",
          "(error) ERR wrong number of arguments for 'get' command",
          'PONG',
          '',
        ].join('\n'),
      );
    });

    it('round-trips binary values written with escapes', async () => {
      const out = ok(await cli(['--no-raw'], 'SET i:bin "a\\x00\\xffb\\n"\nGET i:bin\nSTRLEN i:bin\n'));
      expect(out).toBe('OK\n"a\\x00\\xffb\\n"\n(integer) 5\n');
      const raw = await cli(['--raw', 'GET', 'i:bin']);
      expect(Buffer.from(raw.stdout, 'latin1')).toEqual(Buffer.from([0x61, 0x00, 0xff, 0x62, 0x0a, 0x0a]));
    });
  });

  it('--raw prints bare values, one per line', async () => {
    ok(await cli(['MSET', 'raw:a', 'x y', 'raw:b', '']));
    expect(ok(await cli(['--raw', 'MGET', 'raw:a', 'raw:missing', 'raw:b']))).toBe('x y\n\n\n');
    expect(ok(await cli(['--raw', 'INCR', 'raw:n']))).toBe('1\n');
    // One-shot error replies are followed by an empty line when not formatted for a terminal.
    expect(ok(await cli(['--raw', 'FOO']))).toBe("ERR unknown command 'FOO', with args beginning with: \n\n");
  });

  it('-n selects the database on connect', async () => {
    expect(ok(await cli(['-n', '2', 'SET', 'db:k', 'in-two']))).toBe('OK\n');
    expect(ok(await cli(['-n', '2', 'GET', 'db:k']))).toBe('in-two\n');
    expect(ok(await cli(['GET', 'db:k']))).toBe('\n');
    expect(ok(await cli(['-n', '2'], 'GET db:k\nSELECT 0\nGET db:k\n'))).toBe('in-two\nOK\n\n');
  });

  it('-3 switches to RESP3 with HELLO 3', async () => {
    expect(ok(await cli(['-3', 'CLIENT', 'INFO']))).toMatch(/ resp=3\n$/);
    expect(ok(await cli(['CLIENT', 'INFO']))).toMatch(/ resp=2\n$/);
    // CONFIG GET is a map in RESP3, a flat array in RESP2.
    expect(ok(await cli(['-3', '--no-raw', 'CONFIG', 'GET', 'maxmemory']))).toBe('1# "maxmemory" => "0"\n');
    expect(ok(await cli(['--no-raw', 'CONFIG', 'GET', 'maxmemory']))).toBe('1) "maxmemory"\n2) "0"\n');
    const hello = ok(await cli(['-3', '--no-raw', 'HELLO', '3']));
    expect(hello.replace(/\(integer\) \d+\n5#/, '(integer) ID\n5#')).toBe(
      [
        '1# "server" => "redis"',
        '2# "version" => "7.0.15"',
        '3# "proto" => (integer) 3',
        '4# "id" => (integer) ID',
        '5# "mode" => "standalone"',
        '6# "role" => "master"',
        '7# "modules" => (empty array)',
        '',
      ].join('\n'),
    );
  });

  it('--pipe mass-inserts 10000 keys', async () => {
    const result = await cli(['-n', '1', '--pipe'], massInsertion(10_000));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('errors: 0, replies: 10000');
    expect(ok(await cli(['-n', '1', 'DBSIZE']))).toBe('10000\n');
    expect(ok(await cli(['-n', '1', 'GET', 'key:9999']))).toBe('val:9999\n');
    // SCAN cursors differ from Redis's, but the set of keys visited must be the same.
    const scanned = ok(await cli(['-n', '1', '--scan', '--pattern', 'key:1*'])).split('\n');
    expect(scanned.pop()).toBe('');
    const expected = ['key:1'];
    for (let i = 10; i < 10_000; i++) if (String(i).startsWith('1')) expected.push(`key:${i}`);
    expect(scanned.sort()).toEqual(expected.sort());
  });

  it('--bigkeys summarizes string keys', async () => {
    ok(await cli(['-n', '4', 'MSET', 'big:a', '1', 'big:bb', '12345', 'big:ccc', 'xyz']));
    const out = ok(await cli(['-n', '4', '--bigkeys']));
    expect(out).toContain('Sampled 3 keys in the keyspace!\n');
    expect(out).toContain('Total key length in bytes is 18 (avg len 6.00)\n');
    expect(out).toContain(`Biggest string found '"big:bb"' has 5 bytes\n`);
    expect(out).toContain('3 strings with 9 bytes (100.00% of keys, avg size 3.00)\n');
    expect(out).toContain('0 lists with 0 items (00.00% of keys, avg size 0.00)\n');
  });
});

describe.each(PROCESS_TARGETS)('redis-cli -a against $name with requirepass', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start([['requirepass', 'pass']]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('authenticates on connect', async () => {
    expect(ok(await redisCli(server.port, ['-a', 'pass', '--no-auth-warning', 'SET', 'k', 'v']))).toBe('OK\n');
    expect(ok(await redisCli(server.port, ['-a', 'pass', '--no-auth-warning', 'GET', 'k']))).toBe('v\n');
    expect(
      ok(await redisCli(server.port, ['--user', 'default', '--pass', 'pass', '--no-auth-warning', 'GET', 'k'])),
    ).toBe('v\n');
  });

  it('is refused without or with a wrong password', async () => {
    expect(ok(await redisCli(server.port, ['GET', 'k']))).toBe('NOAUTH Authentication required.\n\n');
    const wrong = await redisCli(server.port, ['-a', 'wrong', '--no-auth-warning', 'GET', 'k']);
    expect(wrong.stderr).toBe('AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n');
    expect(wrong.stdout).toBe('NOAUTH Authentication required.\n\n');
    expect(ok(await redisCli(server.port, [], 'GET k\nAUTH pass\nGET k\n'))).toBe(
      'NOAUTH Authentication required.\n\nOK\nv\n',
    );
  });
});
