// `redis-sim sentinel-server <conf>` and `redis-sim server <conf> --sentinel`, run in-process: the config file is
// required (sentinelCheckConfigFile), Sentinel's defaults apply, and the file is rewritten with Sentinel's state.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeIo } from '../../helpers/fake-cli-io.js';
import { runCli } from '../../../src/cli/main.js';
import { RespClient, freePort, tempDir, waitFor } from '../../helpers/servers.js';

describe('redis-sim sentinel-server', () => {
  it('refuses to run without a config file', async () => {
    const io = new FakeIo(process.cwd());
    expect(await runCli(['sentinel-server'], io)).toBe(1);
    expect(io.stderr).toBe('redis-sim: Sentinel needs config file on disk to save state. Exiting...\n');
    const io2 = new FakeIo(process.cwd());
    expect(await runCli(['server', '--sentinel', '--port', '0'], io2)).toBe(1);
    expect(io2.stderr).toBe('redis-sim: Sentinel needs config file on disk to save state. Exiting...\n');
  });

  it('names the line of a bad sentinel directive', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const conf = join(dir, 's.conf');
      writeFileSync(conf, 'port 0\nsentinel monitor m 127.0.0.1 7000 0\n');
      const io = new FakeIo(dir);
      expect(await runCli(['sentinel-server', conf], io)).toBe(1);
      expect(io.stderr).toBe(
        `redis-sim: bad config directive 'sentinel' at line 2 of ${conf}: Quorum must be 1 or greater. (see --help)\n`,
      );
    } finally {
      cleanup();
    }
  });

  for (const form of ['sentinel-server', 'server --sentinel'] as const) {
    it(`runs as a Sentinel (${form}) and saves its state in the config file`, async () => {
      const { dir, cleanup } = tempDir();
      const port = await freePort();
      const conf = join(dir, 's.conf');
      writeFileSync(conf, `port ${port}\nsentinel monitor mymaster 127.0.0.1 1 2\n`);
      const io = new FakeIo(dir);
      const args = form === 'sentinel-server' ? ['sentinel-server', conf] : ['server', conf, '--sentinel'];
      const done = runCli(args, io);
      try {
        await waitFor(() => io.stdout.includes('# +monitor master'), { timeoutMs: 5000 });
        const client = await RespClient.connect(port);
        expect(await client.run('ROLE')).toEqual(['sentinel', ['mymaster']]);
        const info = (await client.run('INFO', 'server')) as string;
        expect(info).toContain('redis_mode:sentinel\r\n');
        expect(await client.run('CONFIG', 'GET', 'port')).toEqual({
          error: "ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' ",
        });
        const myid = (await client.run('SENTINEL', 'MYID')) as string;
        await client.close();
        const text = readFileSync(conf, 'latin1');
        expect(text).toContain(`sentinel myid ${myid}\n`);
        expect(text).toContain('protected-mode no\n');
        expect(text.startsWith(`port ${port}\nsentinel monitor mymaster 127.0.0.1 1 2\n`)).toBe(true);
        expect(io.stdout).toMatch(/X .* # Sentinel ID is [0-9a-f]{40}\n/);
        // Every line is marked X, as redis-sentinel's are.
        for (const line of io.stdout.trimEnd().split('\n')) expect(line).toMatch(/^\d+:X /);
        expect(io.stdout).toContain('# +monitor master mymaster 127.0.0.1 1 quorum 2\n');
      } finally {
        io.signal('SIGTERM');
        expect(await done).toBe(0);
        cleanup();
      }
      expect(io.stdout).toContain('# Sentinel is now ready to exit, bye bye...\n');
      expect(io.stdout).not.toContain('Saving the final RDB snapshot');
    });
  }
});
