// redis-py 4.3.4 (Debian's python3-redis) against redis-sim (as a process) and against real Redis.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/servers.js';
import { PROCESS_TARGETS, runTool } from './targets.js';

/** Debian's interpreter: the `python3` on PATH may lack the redis module. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, 'redis-py-client.py');

describe.each(PROCESS_TARGETS)('redis-py against $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs commands, pipelines, and parses INFO, COMMAND, CLIENT LIST and CONFIG GET', async () => {
    const result = await runTool(PYTHON, [SCRIPT, String(server.port)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      ping: true,
      set: true,
      get: 'v',
      get_missing: null,
      incr: [1, 11],
      setex_ttl: [true, 100],
      mget: ['v', null, '11'],
      pipeline: [true, 2, '2', 1],
      transaction: [true, 3, 'abc'],
      unknown: "unknown command 'FOO', with args beginning with: 'bar' ",
      info: {
        redis_version: '7.0.15',
        redis_mode: 'standalone',
        cluster_enabled: 0,
        role: 'master',
        loading: 0,
        db0: { keys: 4, expires: 1, avg_ttl: expect.any(Number) },
      },
      info_all_sections: ['cmdstat_set', 'connected_clients', 'db0', 'errorstat_ERR', 'redis_version', 'used_memory'],
      info_cmdstat_set: ['calls', 'failed_calls', 'rejected_calls', 'usec', 'usec_per_call'],
      command_get: {
        name: 'get',
        arity: 2,
        flags: ['readonly', 'fast'],
        first_key_pos: 1,
        last_key_pos: 1,
        step_count: 1,
        tips: [],
        subcommands: [],
      },
      command_count: true,
      keys_mset: ['a', 'b'],
      keys_get: ['py:k'],
      setname: true,
      client_list: {
        count: 1,
        fields: [
          'addr',
          'age',
          'argv-mem',
          'cmd',
          'db',
          'events',
          'fd',
          'flags',
          'id',
          'idle',
          'laddr',
          'multi',
          'multi-mem',
          'name',
          'obl',
          'oll',
          'omem',
          'psub',
          'qbuf',
          'qbuf-free',
          'rbp',
          'rbs',
          'redir',
          'resp',
          'ssub',
          'sub',
          'tot-mem',
          'user',
        ],
      },
      client_id: true,
      config: { maxmemory: '0', databases: '16', appendonly: 'no', save: '' },
      config_size: true,
      config_set: [true, { 'maxmemory-policy': 'allkeys-lru' }],
      scan: ['py:e', 'py:k', 'py:n', 'py:t'],
      dbsize: 4,
    });
  });
});
