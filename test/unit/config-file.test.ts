import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Config } from '../../src/node/config.js';
import {
  ConfigFileError,
  applyConfigDirectives,
  parseConfigText,
  rewriteConfigText,
  type IncludeReader,
} from '../../src/node/config-file.js';

const noIncludes: IncludeReader = () => {
  throw new Error('No such file or directory');
};

/** Loads config text into a fresh Config, returning it or the one-line error. */
function load(text: string, readInclude: IncludeReader = noIncludes): Config | string {
  const config = new Config();
  try {
    applyConfigDirectives(config, parseConfigText(text, 'redis.conf', readInclude));
    return config;
  } catch (e) {
    if (e instanceof ConfigFileError) return e.message;
    throw e;
  }
}

function loaded(text: string, readInclude?: IncludeReader): Config {
  const config = load(text, readInclude);
  if (typeof config === 'string') throw new Error(config);
  return config;
}

describe('config file parsing', () => {
  it('reads directives with sdssplitargs quoting, comments, blank lines and any-case names', () => {
    const config = loaded(
      [
        '# comment',
        '',
        '   PORT 7000   ',
        'requirepass "p\\x41ss word"',
        "masterauth 'it\\'s'",
        'save 900 1',
        'save "300 10"',
        'notify-keyspace-events ""',
        'bind 127.0.0.1 -::1',
        'client-output-buffer-limit pubsub 64mb 16mb 90',
      ].join('\r\n'),
    );
    expect(config.get('port')).toBe('7000');
    expect(config.get('requirepass')).toBe('pAss word');
    expect(config.get('save')).toBe('900 1 300 10');
    expect(config.get('masterauth')).toBe("it's");
    expect(config.get('client-output-buffer-limit')).toContain('pubsub 67108864 16777216 90');
  });

  it('names the directive and the line of the first bad one', () => {
    expect(load('port 7000\n# x\nport abc\nfoo bar\n')).toBe(
      "bad config directive 'port' at line 3 of redis.conf: argument couldn't be parsed into an integer",
    );
    expect(load('\n\nfoo bar\n')).toBe(
      "bad config directive 'foo' at line 3 of redis.conf: Bad directive or wrong number of arguments",
    );
    expect(load('port 1 2')).toBe("bad config directive 'port' at line 1 of redis.conf: wrong number of arguments");
    expect(load('requirepass "abc')).toBe(
      'bad config line at line 1 of redis.conf: Unbalanced quotes in configuration line',
    );
    expect(load('rename-command CONFIG ""')).toBe(
      "bad config directive 'rename-command' at line 1 of redis.conf: rename-command is not supported by redis-sim",
    );
    expect(load('loadmodule /x.so')).toMatch(/modules are not supported/);
    expect(load('cluster-enabled yes\nreplicaof 127.0.0.1 6379')).toBe(
      'bad config: replicaof directive not allowed in cluster mode',
    );
    expect(load('dbfilename a/b')).toBe(
      "bad config directive 'dbfilename' at line 1 of redis.conf: dbfilename can't be a path, just a filename",
    );
    expect(load('tls-port 6380')).toBe(
      "bad config directive 'tls-port' at line 1 of redis.conf: TLS is not supported by redis-sim",
    );
  });

  it('follows includes where they appear and reports errors in the included file', () => {
    const files: Record<string, string> = { 'a.conf': 'hz 20\nmaxmemory 1mb\n', 'bad.conf': '\nport x\n' };
    const reader: IncludeReader = (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('No such file or directory');
      return [{ path, text }];
    };
    const config = loaded('hz 5\ninclude a.conf\nmaxmemory 2mb\n', reader);
    expect(config.get('hz')).toBe('20');
    expect(config.get('maxmemory')).toBe('2097152');
    expect(load('include bad.conf', reader)).toBe(
      "bad config directive 'port' at line 2 of bad.conf: argument couldn't be parsed into an integer",
    );
    expect(load('port 1\ninclude missing.conf', reader)).toBe(
      "bad config directive 'include' at line 2 of redis.conf: can't open config file 'missing.conf': No such file or directory",
    );
  });

  it('ignores the deprecated directives Redis 7 still accepts', () => {
    expect(loaded('list-max-ziplist-entries 512\nlua-replicate-commands yes\n').get('port')).toBe('6379');
    expect(load('list-max-ziplist-entries 1 2')).toMatch(/Bad directive/);
  });

  it('accepts only the default user line CONFIG REWRITE writes', () => {
    expect(loaded('user default on nopass ~* &* +@all')).toBeInstanceOf(Config);
    expect(
      loaded(
        'requirepass foo\nuser default on #2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae ~* &* +@all',
      ),
    ).toBeInstanceOf(Config);
    expect(load('user alice on >pw ~* +@all')).toMatch(
      /^bad config directive 'user' at line 1 of redis.conf: ACL users are not supported/,
    );
  });

  it("accepts every directive of Debian's and Redis's default redis.conf", () => {
    for (const path of ['/etc/redis/redis.conf']) {
      let text: string;
      try {
        text = readFileSync(path, 'latin1');
      } catch {
        continue;
      }
      const config = loaded(text.replace(/^dir .*$/m, 'dir /tmp'));
      expect(config.get('daemonize')).toBe('yes');
      expect(config.get('appendfilename')).toBe('appendonly.aof');
    }
  });
});

describe('CONFIG REWRITE text', () => {
  it('keeps comments and unknown lines, rewrites in place, blanks leftovers, appends under the signature', () => {
    const old = [
      '# my config',
      'port 7000',
      'save 900 1',
      'save 300 10',
      'maxmemory 100mb',
      'slave-priority 50',
      'include other.conf',
      'bogus 1',
      '',
    ].join('\n');
    const config = loaded('port 7000\nsave 900 1\nsave 300 10\nmaxmemory 100mb\nslave-priority 50');
    config.setMany(
      [
        ['maxmemory', '200mb'],
        ['save', '60 5'],
        ['notify-keyspace-events', 'Kx'],
        ['client-output-buffer-limit', 'pubsub 1mb 0 0'],
        ['maxmemory-clients', '5%'],
      ],
      { allowProtected: true },
    );
    config.set('dir', ['/data']);
    expect(rewriteConfigText(old, config)).toBe(
      [
        '# my config',
        'port 7000',
        'save 60 5',
        '',
        'maxmemory 200mb',
        'replica-priority 50',
        'include other.conf',
        '# ??? bogus 1',
        '',
        '# Generated by CONFIG REWRITE',
        'maxmemory-clients 5%',
        'dir "/data"',
        'client-output-buffer-limit pubsub 1mb 0 0',
        'notify-keyspace-events "xK"',
        'latency-tracking-info-percentiles 50 99 99.9',
        'user default on nopass ~* &* +@all',
        '',
      ].join('\n'),
    );
  });

  it('writes a file that loads back to the same values', () => {
    const config = loaded(
      'port 7001\nrequirepass "a b\\n"\nsave ""\nbind * -::*\nunixsocketperm 700\noom-score-adj-values 0 100 900',
    );
    config.setMany(
      [
        ['maxmemory', '123456'],
        ['shutdown-on-sigint', 'nosave now'],
      ],
      { allowProtected: false },
    );
    const text = rewriteConfigText(null, config);
    expect(text).toContain('save ""');
    expect(text).toContain('bind * -::*');
    expect(text).toContain('unixsocketperm 700');
    const back = loaded(text);
    for (const def of config.definitions())
      expect(back.get(def.name), def.name).toBe(config.get(def.name) || back.get(def.name));
    expect(back.get('requirepass')).toBe('a b\n');
    expect(back.get('bind')).toBe('* -::*');
    // Like Redis, a rewrite keeps the file's trailing newline as one blank line, and is then stable.
    const again = rewriteConfigText(text, back);
    expect(again).toBe(`${text}\n`);
    expect(rewriteConfigText(again, back)).toBe(again);
  });
});
