import { describe, expect, it } from 'vitest';
import { bytesToHuman } from '../../../src/node/info.js';
import { NodeHarness } from '../../helpers/node-harness.js';

/** Splits INFO text into sections: title → [field, value] pairs. Checks the CRLF layout on the way. */
function sections(text: string): Map<string, [string, string][]> {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const out = new Map<string, [string, string][]>();
  const blocks = text.slice(0, -2).split('\r\n\r\n');
  for (const block of blocks) {
    const [header, ...lines] = block.split('\r\n');
    expect(header).toMatch(/^# [A-Z][A-Za-z]+$/);
    out.set(
      header!.slice(2),
      lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
  }
  return out;
}

function field(text: string, name: string): string | undefined {
  for (const fields of sections(text).values()) for (const [k, v] of fields) if (k === name) return v;
  return undefined;
}

describe('INFO section selection', () => {
  it('gives the default sections in Redis order with no argument or `default`', () => {
    const h = new NodeHarness();
    const expected = [
      'Server',
      'Clients',
      'Memory',
      'Persistence',
      'Stats',
      'Replication',
      'CPU',
      'Modules',
      'Errorstats',
      'Cluster',
      'Keyspace',
    ];
    expect([...sections(h.run('INFO') as string).keys()]).toEqual(expected);
    expect([...sections(h.run('INFO', 'default') as string).keys()]).toEqual(expected);
  });

  it('adds commandstats and latencystats for `all` and `everything`', () => {
    const h = new NodeHarness();
    const expected = [
      'Server',
      'Clients',
      'Memory',
      'Persistence',
      'Stats',
      'Replication',
      'CPU',
      'Modules',
      'Commandstats',
      'Errorstats',
      'Latencystats',
      'Cluster',
      'Keyspace',
    ];
    expect([...sections(h.run('INFO', 'all') as string).keys()]).toEqual(expected);
    expect([...sections(h.run('INFO', 'EVERYTHING') as string).keys()]).toEqual(expected);
  });

  it('picks named sections case-insensitively, in Redis order, and answers unknown ones with nothing', () => {
    const h = new NodeHarness();
    expect([...sections(h.run('INFO', 'keyspace', 'SERVER', 'nope') as string).keys()]).toEqual(['Server', 'Keyspace']);
    expect(h.run('INFO', 'nope')).toBe('');
    expect(h.run('INFO', 'modules')).toBe('# Modules\r\n');
  });

  it('is a verbatim string in RESP3 and a bulk string in RESP2', () => {
    const h = new NodeHarness();
    const a = h.client();
    expect(a.raw('INFO', 'server').t).toBe('bulk');
    a.run('HELLO', '3');
    expect(a.raw('INFO', 'server').t).toBe('verbatim');
  });
});

describe('INFO values', () => {
  it('reports the server identity from the node and its environment', () => {
    const h = new NodeHarness();
    const text = h.run('INFO', 'server') as string;
    const names = sections(text)
      .get('Server')!
      .map(([k]) => k);
    expect(names).toEqual([
      'redis_version',
      'redis_git_sha1',
      'redis_git_dirty',
      'redis_build_id',
      'redis_mode',
      'os',
      'arch_bits',
      'monotonic_clock',
      'multiplexing_api',
      'atomicvar_api',
      'gcc_version',
      'process_id',
      'process_supervised',
      'run_id',
      'tcp_port',
      'server_time_usec',
      'uptime_in_seconds',
      'uptime_in_days',
      'hz',
      'configured_hz',
      'lru_clock',
      'executable',
      'config_file',
      'io_threads_active',
    ]);
    expect(field(text, 'redis_version')).toBe('7.0.15');
    expect(field(text, 'redis_mode')).toBe('standalone');
    expect(field(text, 'run_id')).toBe(h.node.runId);
    expect(field(text, 'run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(field(text, 'tcp_port')).toBe('6379');
    expect(field(text, 'process_id')).toBe(String(h.node.env.pid));
    expect(field(text, 'arch_bits')).toBe('64');
    h.advance(3000);
    expect(field(h.run('INFO', 'server') as string, 'uptime_in_seconds')).toBe('3');
  });

  it('counts clients, commands, errors and keyspace hits', () => {
    const h = new NodeHarness();
    const a = h.client();
    h.client();
    a.run('SET', 'k', 'v');
    a.run('GET', 'k');
    a.run('GET', 'missing');
    a.run('NOSUCHCOMMAND');
    a.run('GET');
    const text = a.run('INFO') as string;
    expect(field(text, 'connected_clients')).toBe('2');
    expect(field(text, 'keyspace_hits')).toBe('1');
    expect(field(text, 'keyspace_misses')).toBe('1');
    expect(field(text, 'total_error_replies')).toBe('2');
    expect(field(text, 'errorstat_ERR')).toBe('count=2');
    expect(field(text, 'total_commands_processed')).toBe('3');
    expect(field(text, 'rdb_changes_since_last_save')).toBe('1');
  });

  it('lists command stats with subcommands as container|sub', () => {
    const h = new NodeHarness();
    h.run('SET', 'k', 'v');
    h.run('SET', 'k', 'v');
    h.run('GET');
    h.run('CLIENT', 'ID');
    const text = h.run('INFO', 'commandstats') as string;
    expect(field(text, 'cmdstat_set')).toBe('calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0');
    expect(field(text, 'cmdstat_get')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(field(text, 'cmdstat_client|id')).toBe('calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0');
  });

  it('shows a master without replicas in the replication section', () => {
    const h = new NodeHarness();
    const repl = new Map(sections(h.run('INFO', 'replication') as string).get('Replication'));
    expect(repl.get('role')).toBe('master');
    expect(repl.get('connected_slaves')).toBe('0');
    expect(repl.get('master_failover_state')).toBe('no-failover');
    expect(repl.get('master_replid')).toMatch(/^[0-9a-f]{40}$/);
    expect(repl.get('master_replid')).not.toBe(h.node.runId);
    expect(repl.get('master_replid2')).toBe('0'.repeat(40));
    expect(repl.get('master_repl_offset')).toBe('0');
    expect(repl.get('second_repl_offset')).toBe('-1');
    expect(repl.get('repl_backlog_active')).toBe('0');
    expect(repl.get('repl_backlog_size')).toBe('1048576');
  });

  it('lists only non-empty databases in the keyspace section, with expiries and their average TTL', () => {
    const h = new NodeHarness();
    expect(h.run('INFO', 'keyspace')).toBe('# Keyspace\r\n');
    h.run('SET', 'a', '1');
    h.run('SET', 'b', '1', 'PX', '10000');
    h.run('SELECT', '2');
    h.run('SET', 'c', '1');
    expect(h.run('INFO', 'keyspace')).toBe(
      '# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=10000\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n',
    );
  });

  it('reports cluster_enabled from the mode', () => {
    expect(new NodeHarness().run('INFO', 'cluster')).toBe('# Cluster\r\ncluster_enabled:0\r\n');
  });

  it('formats human byte counts like bytesToHuman', () => {
    expect(bytesToHuman(0)).toBe('0B');
    expect(bytesToHuman(1023)).toBe('1023B');
    expect(bytesToHuman(1089152)).toBe('1.04M');
    expect(bytesToHuman(25276026880)).toBe('23.54G');
    expect(bytesToHuman(32768)).toBe('32.00K');
  });

  it('keeps memory figures consistent with each other as keys are added', () => {
    const h = new NodeHarness();
    const before = Number(field(h.run('INFO', 'memory') as string, 'used_memory'));
    for (let i = 0; i < 100; i++) h.run('SET', `k${i}`, 'v');
    const text = h.run('INFO', 'memory') as string;
    const used = Number(field(text, 'used_memory'));
    expect(used).toBeGreaterThan(before);
    expect(Number(field(text, 'used_memory_overhead')) + Number(field(text, 'used_memory_dataset'))).toBe(used);
    expect(Number(field(text, 'used_memory_peak'))).toBeGreaterThanOrEqual(used);
    expect(field(text, 'maxmemory_policy')).toBe('noeviction');
  });
});
