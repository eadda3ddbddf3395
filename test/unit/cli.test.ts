import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { FakeIo, runCliInProcess } from '../helpers/fake-cli-io.js';
import { RespClient, tempDir, waitFor } from '../helpers/servers.js';

const run = runCliInProcess;

describe('runCli', () => {
  it('prints the version and the command list', async () => {
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.io.stdout).toMatch(/^redis-sim \d+\.\d+\.\d+ \(Redis 7\.0\.15 compatible\)\n$/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.io.stdout).toContain('redis-sim server [config-file] [options..]');
    expect((await run(['server', '--version'])).io.stdout).toBe(version.io.stdout);
    expect((await run(['server', '--help'])).io.stdout).toContain(
      'Usage: redis-sim server [/path/to/redis.conf] [options]',
    );
  });

  it('fails with one line and status 1 on usage errors', async () => {
    for (const [args, line] of [
      [[], 'redis-sim: no command given (see --help)\n'],
      [['nosuch'], 'redis-sim: Unknown command: nosuch (see --help)\n'],
      [
        ['server', '--foo', 'bar'],
        "redis-sim: bad config directive 'foo' in command-line option '--foo': Bad directive or wrong number of arguments (see --help)\n",
      ],
      [
        ['server', '--port', '70000'],
        "redis-sim: bad config directive 'port' in command-line option '--port': argument must be between 0 and 65535 inclusive (see --help)\n",
      ],
      [
        ['server', '/nonexistent/redis.conf'],
        "redis-sim: Fatal error, can't open config file '/nonexistent/redis.conf': No such file or directory\n",
      ],
      [
        ['server', '--dir', '/nonexistent'],
        "redis-sim: bad config directive 'dir' in command-line option '--dir': No such file or directory (see --help)\n",
      ],
    ] as const) {
      const { code, io } = await run([...args]);
      expect(code, args.join(' ')).toBe(1);
      expect(io.stderr).toBe(line);
      expect(io.stdout).toBe('');
    }
  });

  it('names the file and line of a bad config directive', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'redis.conf'), '# test\nsave ""\nport nope\n');
      const { code, io } = await run(['server', 'redis.conf'], dir);
      expect(code).toBe(1);
      expect(io.stderr).toBe(
        "redis-sim: bad config directive 'port' at line 3 of redis.conf: argument couldn't be parsed into an integer (see --help)\n",
      );
    } finally {
      cleanup();
    }
  });

  it('serves until SIGTERM, logging like Redis, then exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const io = new FakeIo(dir);
    const done = runCli(['server', '--port', '0', '--save', '', '--dir', dir], io);
    try {
      await waitFor(() => /Ready to accept connections/.test(io.stdout), { message: 'server did not start' });
      const port = Number(/Running mode=standalone, port=(\d+)\./.exec(io.stdout)![1]);
      const client = await RespClient.connect(port);
      expect(await client.run('PING')).toBe('PONG');
      expect(await client.run('CONFIG', 'GET', 'save')).toEqual(['save', '']);
      await client.close();
      io.signal('SIGTERM');
      expect(await done).toBe(0);
      const lines = io.stdout.trimEnd().split('\n');
      for (const line of lines)
        expect(line).toMatch(/^\d+:[CM] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] /);
      expect(lines[0]).toMatch(/# oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo$/);
      expect(io.stdout).toContain('# Received SIGTERM scheduling shutdown...');
      expect(lines.at(-1)).toMatch(/# Redis is now ready to exit, bye bye\.\.\.$/);
      expect(io.stderr).toBe('');
    } finally {
      io.signal('SIGTERM');
      await done;
      cleanup();
    }
  });

  it('fails with one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { dir, cleanup } = tempDir();
    try {
      const port = (blocker.address() as { port: number }).port;
      const { code, io } = await run(
        ['server', '--port', String(port), '--save', '', '--dir', dir, '--bind', '127.0.0.1'],
        dir,
      );
      expect(code).toBe(1);
      expect(io.stderr).toBe(
        `redis-sim: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use\n`,
      );
    } finally {
      await new Promise((r) => blocker.close(r));
      cleanup();
    }
  });
});
