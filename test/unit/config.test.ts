import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Config, ConfigError } from '../../src/node/config.js';
import type { Connection } from '../../src/node/connection.js';
import { RedisNode } from '../../src/node/node.js';
import { ReplyParser } from '../../src/protocol/reply-parser.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { EventQueue } from '../../src/sim/event-queue.js';
import { Prng } from '../../src/sim/prng.js';
import { createSimEnv } from '../../src/sim/sim-env.js';
import { NodeHarness } from '../helpers/node-harness.js';

/** Runs CONFIG SET on a fresh config and returns Redis's error line, or 'OK'. */
function configSet(config: Config, ...args: string[]): string {
  const pairs: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) pairs.push([args[i]!, args[i + 1]!]);
  try {
    config.setMany(pairs, { allowProtected: false });
    return 'OK';
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.kind === 'unknown'
      ? `ERR Unknown option or number of arguments for CONFIG SET - '${e.directive}'`
      : `ERR CONFIG SET failed (possibly related to argument '${e.directive}') - ${e.message}`;
  }
}

describe('Config table', () => {
  it('starts from Redis 7.0.15 defaults, reachable by name or alias in any case', () => {
    const config = new Config();
    expect(config.get('save')).toBe('3600 1 300 100 60 10000');
    expect(config.get('client-output-buffer-limit')).toBe(
      'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    );
    expect(config.get('proto-max-bulk-len')).toBe('536870912');
    expect(config.get('SLAVE-PRIORITY')).toBe('100');
    expect(config.get('unixsocketperm')).toBe('0');
    expect(config.get('latency-tracking-info-percentiles')).toBe('50 99 99.9');
    expect(config.get('bind')).toBe('127.0.0.1 -::1');
    expect(config.getNumber('hz')).toBe(10);
    expect(config.getBool('protected-mode')).toBe(true);
  });

  it('parses memory units, percentages and octal like numericParseString', () => {
    const config = new Config();
    expect(configSet(config, 'maxmemory', '100mb', 'maxmemory-clients', '10%', 'hash-max-listpack-value', '1KB')).toBe(
      'OK',
    );
    expect(config.get('maxmemory')).toBe('104857600');
    expect(config.get('maxmemory-clients')).toBe('10%');
    expect(config.get('hash-max-ziplist-value')).toBe('1024');
    expect(configSet(config, 'maxmemory', '2g')).toBe('OK');
    expect(config.get('maxmemory')).toBe('2000000000');
    expect(configSet(config, 'maxmemory', '')).toBe('OK');
    expect(config.get('maxmemory')).toBe('0');
    expect(configSet(config, 'maxmemory', '99999999999999999999')).toBe('OK');
    expect(config.get('maxmemory')).toBe('18446744073709551615');
    config.set('unixsocketperm', ['700']);
    expect(config.get('unixsocketperm')).toBe('700');
  });

  it('answers CONFIG SET errors with 7.0.15 texts', () => {
    const cases: [string[], string][] = [
      [['foo', 'bar'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
      [
        ['port', 'abc'],
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer",
      ],
      [
        ['PORT', 'abc'],
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer",
      ],
      [
        ['SLAVE-priority', 'x'],
        "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer",
      ],
      [
        ['DAEMONIZE', 'yes'],
        "ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config",
      ],
      [['dir', '/tmp'], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
      [['port', '1', 'port', '2'], "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter"],
      [
        ['maxmemory', '-1'],
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
      ],
      [
        ['maxmemory-clients', '200%'],
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100",
      ],
      [
        ['maxclients', '-1'],
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
      ],
      [
        ['slowlog-max-len', '-1'],
        "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive",
      ],
      [
        ['port', '99999'],
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive",
      ],
      [
        ['loglevel', 'foo'],
        "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning",
      ],
      [
        ['appendonly', 'maybe'],
        "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'",
      ],
      [['save', '1 2 3'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
      [['save', '0 1'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
      [
        ['notify-keyspace-events', 'Q'],
        "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
      ],
      [
        ['client-output-buffer-limit', 'master 1 2 3'],
        "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.",
      ],
      [
        ['shutdown-on-sigint', 'save nosave'],
        "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously",
      ],
      [
        ['tls-port', '6380'],
        "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs.",
      ],
      // The first problem wins: an unknown name after an immutable one is not reported.
      [
        ['daemonize', 'no', 'foo', 'bar'],
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
      ],
      [['foo', 'bar', 'daemonize', 'no'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    ];
    for (const [args, expected] of cases) expect(configSet(new Config(), ...args), args.join(' ')).toBe(expected);
  });

  it('applies a multi-argument CONFIG SET atomically', () => {
    const config = new Config();
    const changes: string[] = [];
    config.onChange((name, value) => changes.push(`${name}=${value}`));
    expect(configSet(config, 'maxmemory', '1mb', 'port', 'nope')).toMatch(/argument 'port'/);
    expect(config.get('maxmemory')).toBe('0');
    expect(changes).toEqual([]);
    expect(configSet(config, 'maxmemory', '1mb', 'hz', '1000', 'save', '')).toBe('OK');
    expect([config.get('maxmemory'), config.get('hz'), config.get('save')]).toEqual(['1048576', '500', '']);
    expect(changes).toEqual(['maxmemory=1048576', 'hz=500', 'save=']);
  });

  it('keeps getNumber in step with every change, including a CONFIG SET rolled back', () => {
    const config = new Config();
    expect(config.getNumber('proto-max-bulk-len')).toBe(536870912);
    config.set('proto-max-bulk-len', ['1mb']);
    expect(config.getNumber('proto-max-bulk-len')).toBe(1048576);
    expect(configSet(config, 'proto-max-bulk-len', '2mb')).toBe('OK');
    expect(config.getNumber('proto-max-bulk-len')).toBe(2097152);
    expect(config.getNumber('PROTO-MAX-BULK-LEN')).toBe(2097152);
    expect(configSet(config, 'proto-max-bulk-len', '4mb', 'port', 'nope')).toMatch(/argument 'port'/);
    expect(config.getNumber('proto-max-bulk-len')).toBe(2097152);
    expect(configSet(config, 'maxmemory-clients', '10%')).toBe('OK');
    expect(config.getNumber('maxmemory-clients')).toBeNaN();
    expect(configSet(config, 'maxmemory-clients', '0')).toBe('OK');
    expect(config.getNumber('maxmemory-clients')).toBe(0);
  });

  it('spells special values canonically', () => {
    const config = new Config();
    configSet(config, 'notify-keyspace-events', 'KEA');
    expect(config.get('notify-keyspace-events')).toBe('AKE');
    configSet(config, 'oom-score-adj', 'relative');
    expect(config.get('oom-score-adj')).toBe('yes');
    configSet(config, 'shutdown-on-sigterm', 'now save');
    expect(config.get('shutdown-on-sigterm')).toBe('save now');
    configSet(config, 'client-output-buffer-limit', 'replica 1mb 2 3');
    expect(config.get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 1048576 2 3 pubsub 33554432 8388608 60');
    configSet(config, 'latency-tracking-info-percentiles', '50.5000 99');
    expect(config.get('latency-tracking-info-percentiles')).toBe('50.5 99');
    configSet(config, 'save', '100 0');
    expect(config.get('save')).toBe('100 0');
  });

  it('accumulates save lines from a file and resets on save ""', () => {
    const config = new Config();
    config.set('save', ['900', '1']);
    config.set('save', ['300 10']);
    expect(config.get('save')).toBe('900 1 300 10');
    config.set('save', ['']);
    config.set('save', ['60', '5']);
    expect(config.get('save')).toBe('60 5');
  });

  it('enforces single-word directives in files', () => {
    const config = new Config();
    expect(() => config.set('port', ['1', '2'])).toThrow('wrong number of arguments');
    expect(() => config.set('nosuch', ['1'])).toThrow('Bad directive or wrong number of arguments');
    config.set('replicaof', ['127.0.0.1', '6380']);
    expect(config.get('slaveof')).toBe('127.0.0.1 6380');
    config.set('slaveof', ['no', 'one']);
    expect(config.get('replicaof')).toBe('');
  });

  it('matches CONFIG GET patterns case-insensitively, names and aliases, never hidden directives', () => {
    const config = new Config();
    expect(config.matching(['PORT'])).toEqual([['PORT', '6379']]);
    expect(config.matching(['PO*'])).toEqual([['port', '6379']]);
    expect(config.matching(['slave-pr*']).map(([n]) => n)).toEqual(['slave-priority']);
    expect(config.matching(['*priority*']).map(([n]) => n)).toEqual(['replica-priority', 'slave-priority']);
    expect(config.matching(['rdb-key-save-delay'])).toEqual([['rdb-key-save-delay', '0']]);
    expect(config.matching(['rdb-key*'])).toEqual([]);
    expect(config.matching(['save', 'save', 'sav?'])).toEqual([['save', '3600 1 300 100 60 10000']]);
  });

  it('round-trips every directive through its own CONFIG GET value', () => {
    const config = new Config();
    for (const def of config.definitions()) {
      if (def.immutable === true || def.protected === true) continue;
      const before = config.get(def.name);
      expect(configSet(config, def.name, before), def.name).toBe('OK');
      expect(config.get(def.name), def.name).toBe(before);
    }
  });

  it('accepts any in-range integer and rejects anything else (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (s) => {
        const config = new Config();
        const ok = /^(0|[1-9][0-9]*)$/.test(s) && Number(s) <= 65535;
        expect(configSet(config, 'port', s) === 'OK').toBe(ok);
        if (ok) expect(config.get('port')).toBe(String(Number(s)));
      }),
    );
  });
});

describe('CONFIG command', () => {
  it('GET replies with pairs, a map in RESP3', () => {
    const h = new NodeHarness();
    expect(h.run('CONFIG', 'GET', 'save')).toEqual(['save', '3600 1 300 100 60 10000']);
    expect(h.run('CONFIG', 'GET', 'appendonly', 'port')).toEqual(['appendonly', 'no', 'port', '6379']);
    expect((h.run('CONFIG', 'GET', '*') as string[]).length).toBe(2 * 192);
    const c = h.client();
    c.run('HELLO', '3');
    expect(c.raw('CONFIG', 'GET', 'port').t).toBe('map');
  });

  it('SET changes values and answers errors', () => {
    const h = new NodeHarness();
    expect(h.run('CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(h.run('CONFIG', 'GET', 'maxmemory*')).toEqual(
      expect.arrayContaining(['maxmemory', '10485760', 'maxmemory-policy', 'allkeys-lru']),
    );
    expect(h.run('CONFIG', 'SET', 'port', '1', 'port')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('CONFIG', 'SET', 'port')).toEqual({ error: "ERR wrong number of arguments for 'config|set' command" });
    expect(h.run('CONFIG', 'SET', 'foo', 'bar')).toEqual({
      error: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
    });
  });

  it('SET of protected configs follows enable-protected-configs', () => {
    const h = new NodeHarness({ directives: [['enable-protected-configs', ['yes']]] });
    expect(h.run('CONFIG', 'SET', 'dbfilename', 'other.rdb')).toBe('OK');
    expect(h.run('CONFIG', 'SET', 'dbfilename', 'a/b.rdb')).toEqual({
      error:
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename",
    });
  });

  it('HELP, RESETSTAT and REWRITE without a config file', () => {
    const h = new NodeHarness();
    expect((h.run('CONFIG', 'HELP') as string[])[0]).toBe(
      'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    );
    h.run('SET', 'k', 'v');
    h.run('GET', 'k');
    h.run('NOSUCHCOMMAND');
    expect(h.node.stats.totalCommands).toBeGreaterThan(0);
    expect(h.run('CONFIG', 'RESETSTAT')).toBe('OK');
    expect(h.node.stats.keyspaceHits).toBe(0);
    expect(h.node.stats.errorCodes.size).toBe(0);
    expect(h.node.commands.get('set')!.stats.calls).toBe(0);
    expect(h.node.commands.get('config')!.subcommands!.get('resetstat')!.stats.calls).toBe(1);
    expect(h.run('CONFIG', 'REWRITE')).toEqual({ error: 'ERR The server is running without a config file' });
  });

  it('REWRITE updates the simulated config file in place', () => {
    const file = {
      path: '/etc/redis/sim.conf',
      text: '# lab\nport 7000\nsave 900 1\nsave 300 10\nslave-priority 5\n' as string | null,
    };
    const env = createSimEnv({ queue: new EventQueue(), rng: new Prng(1), name: 'n', configFile: file });
    const config = new Config();
    for (const line of ['port 7000', 'save 900 1', 'save 300 10', 'slave-priority 5']) {
      const [name, ...words] = line.split(' ');
      config.set(name!, words);
    }
    const node = new RedisNode(env, config);
    node.start();
    const parser = new ReplyParser();
    const conn: Connection = {
      write: (d) => parser.push(d),
      close: () => {},
      remoteAddress: '127.0.0.1:1',
      localAddress: '127.0.0.1:7000',
      isLocal: true,
    };
    const session = node.connect(conn);
    const send = (...args: string[]) => {
      session.receive(
        Buffer.from(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1'),
      );
      return toPlain(parser.next()!);
    };
    expect(send('CONFIG', 'SET', 'save', '60 5', 'maxmemory', '1gb', 'replica-priority', '7')).toBe('OK');
    expect(send('CONFIG', 'REWRITE')).toBe('OK');
    expect(file.text).toBe(
      [
        '# lab',
        'port 7000',
        'save 60 5',
        '',
        'replica-priority 7',
        '',
        '# Generated by CONFIG REWRITE',
        'maxmemory 1gb',
        'dir ""',
        'latency-tracking-info-percentiles 50 99 99.9',
        'user default on nopass ~* &* +@all',
        '',
      ].join('\n'),
    );
  });

  it('protected mode turns away non-loopback clients when no password is set', () => {
    for (const [directives, denied] of [
      [[], true],
      [[['protected-mode', ['no']]], false],
      [[['requirepass', ['secret']]], false],
    ] as const) {
      const h = new NodeHarness({ directives });
      const parser = new ReplyParser();
      let closed = false;
      const remote: Connection = {
        write: (d) => parser.push(d),
        close: () => (closed = true),
        remoteAddress: '10.0.0.7:50000',
        localAddress: '10.0.0.1:6379',
        isLocal: false,
      };
      const session = h.node.connect(remote);
      const first = parser.next();
      if (denied) {
        expect(first?.t).toBe('error');
        expect(first?.t === 'error' && first.s).toMatch(
          /^DENIED Redis is running in protected mode because protected mode is enabled/,
        );
        expect(closed).toBe(true);
        expect(h.node.stats.rejectedConnections).toBe(1);
      } else {
        expect(first).toBeUndefined();
        expect(closed).toBe(false);
        session.receive(Buffer.from('PING\r\n'));
        expect(parser.next()).toBeDefined();
      }
    }
  });
});
