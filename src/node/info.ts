// The INFO text of a node (server.c genRedisInfoString, Redis 7.0.15): which sections a request selects, their order,
// headers, field names and CRLF layout. Values come from the node where it keeps them; process-level figures that a
// simulator does not have (memory, CPU, fork and allocator numbers) are plausible values derived from the node's state.

import type { ClientSession } from './client-session.js';
import type { Command } from './command-table.js';
import type { RedisNode } from './node.js';
import { REDIS_VERSION } from './version.js';

/**
 * Builds the INFO reply text for `sections` (the INFO arguments; none means `default`). `caller` is the client asking:
 * when the node listens on an ephemeral port (`port 0`), `tcp_port` reports the port that client reached.
 */
export function infoText(node: RedisNode, sections: readonly string[], caller: ClientSession | null = null): string {
  const selected = new Set<string>();
  let all = false;
  if (sections.length === 0) for (const s of _DEFAULT_SECTIONS) selected.add(s);
  for (const arg of sections) {
    const name = arg.toLowerCase();
    if (name === 'default') for (const s of _DEFAULT_SECTIONS) selected.add(s);
    else if (name === 'all' || name === 'everything') all = true;
    else selected.add(name);
  }
  const parts: string[] = [];
  for (const [name, build] of _SECTIONS) {
    const wanted = all || selected.has(name) || (name === 'modules' && selected.has('module_list'));
    if (wanted) parts.push(build(node, caller));
  }
  return parts.join('\r\n');
}

/** Formats a byte count the way INFO's `*_human` fields do (bytesToHuman): `100B`, `1.04M`, `23.54G`. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  for (let i = 0; i < units.length; i++) {
    if (n < 1024 ** (i + 2)) return `${(n / 1024 ** (i + 1)).toFixed(2)}${units[i]}`;
  }
  return `${n}B`;
}

/** A node's replication ID (server.replid): it changes when replicas first attach, on promotion and full syncs. */
export function replicationId(node: RedisNode): string {
  return node.replication.replid;
}

/** INFO's `used_memory` for a node: a plausible figure from its clients and keys (see the memory section). */
export function usedMemory(node: RedisNode): number {
  return _memoryUse(node).used;
}

// --- internal ---

/** What `INFO` and `INFO default` include (genInfoSectionDict's defaults). */
const _DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

type _SectionBuilder = (node: RedisNode, caller: ClientSession | null) => string;

const _peakMemory = new WeakMap<RedisNode, number>();

/** The memory used when no key and no client exists, like a fresh redis-server's used_memory_startup. */
const _STARTUP_MEMORY = 862_704;
/** What a machine reports as total_system_memory (the simulator has no machine of its own). */
const _SYSTEM_MEMORY = 25_276_026_880;

/** Renders one section: its `# Title` header then `name:value` lines, each ending in CRLF. */
function _section(title: string, fields: readonly (readonly [string, string | number])[]): string {
  let out = `# ${title}\r\n`;
  for (const [name, value] of fields) out += `${name}:${value}\r\n`;
  return out;
}

/** A config value, or `fallback` for a directive the config table does not define (yet). */
function _config(node: RedisNode, name: string, fallback: string): string {
  return node.config.definition(name) === undefined ? fallback : node.config.get(name);
}

function _seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `%ld.%06ld` of a microsecond count, as INFO prints rusage times. */
function _cpuTime(micros: number): string {
  const whole = Math.floor(micros / 1e6);
  return `${whole}.${String(Math.floor(micros - whole * 1e6)).padStart(6, '0')}`;
}

/** Replaces the characters INFO cannot carry inside a field name (getSafeInfoString). */
function _safe(name: string): string {
  return name.replace(/[#:\r\n]/g, '_');
}

function _serverSection(node: RedisNode, caller: ClientSession | null): string {
  const now = node.now();
  const uptime = _seconds(now - node.startedAt);
  let port = node.config.getNumber('port');
  if (port === 0 && caller?.connection != null) {
    const local = caller.connection.localAddress;
    port = Number(local.slice(local.lastIndexOf(':') + 1)) || 0;
  }
  const hz = node.config.getNumber('hz');
  return _section('Server', [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'a2f6b9e1d4c07385'],
    ['redis_mode', node.mode],
    ['os', 'Linux 6.1.0 x86_64'],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '12.2.0'],
    ['process_id', node.env.pid],
    ['process_supervised', 'no'],
    ['run_id', node.runId],
    ['tcp_port', port],
    ['server_time_usec', Math.floor(now * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    // The LRU clock: seconds, wrapped to 24 bits (LRU_CLOCK_MAX), as getLRUClock computes it.
    ['lru_clock', _seconds(now) & 0xffffff],
    ['executable', node.env.executable],
    ['config_file', node.env.configFile],
    ['io_threads_active', 0],
  ]);
}

function _clientsSection(node: RedisNode): string {
  let blocked = 0;
  let maxInput = 0;
  for (const c of node.clients.values()) {
    if (c.hold === 'blocked') blocked++;
    maxInput = Math.max(maxInput, c.queryBufferLength);
  }
  return _section('Clients', [
    // Replicas are not counted as clients (listLength(server.clients) - listLength(server.slaves)).
    ['connected_clients', node.clients.size - node.replication.master.replicas.length],
    // Two bus links per known node other than myself (getClusterConnectionsCount), whether they are up or not.
    ['cluster_connections', node.cluster === null ? 0 : (node.cluster.state.nodes.size - 1) * 2],
    ['maxclients', node.config.getNumber('maxclients')],
    ['client_recent_max_input_buffer', maxInput],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', blocked],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', blocked],
  ]);
}

/** A plausible memory picture: a startup baseline, per-client buffers and per-key overhead and payload. */
function _memoryUse(node: RedisNode): { used: number; overhead: number; clients: number } {
  let keys = 0;
  let expires = 0;
  for (const db of node.databases) {
    keys += db.size;
    expires += db.volatileCount;
  }
  const clients = node.clients.size * 20_496;
  const overhead = _STARTUP_MEMORY + clients + keys * 56 + expires * 32;
  return { used: overhead + keys * 64, overhead, clients };
}

function _memorySection(node: RedisNode): string {
  const { used, overhead, clients: clientsMemory } = _memoryUse(node);
  const peak = Math.max(used, _peakMemory.get(node) ?? 0);
  _peakMemory.set(node, peak);
  const allocated = used + 964_192;
  const active = Math.round(allocated * 1.09);
  const resident = Math.round(active * 2.2);
  const rss = Math.round(resident * 1.5);
  const net = used - _STARTUP_MEMORY;
  const maxmemory = node.config.getNumber('maxmemory');
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  return _section('Memory', [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${((used * 100) / peak).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', _STARTUP_MEMORY],
    ['used_memory_dataset', used - overhead],
    ['used_memory_dataset_perc', `${net > 0 ? (((used - overhead) * 100) / net).toFixed(2) : '0.00'}%`],
    ['allocator_allocated', allocated],
    ['allocator_active', active],
    ['allocator_resident', resident],
    ['total_system_memory', _SYSTEM_MEMORY],
    ['total_system_memory_human', bytesToHuman(_SYSTEM_MEMORY)],
    ['used_memory_lua', 32768],
    ['used_memory_vm_eval', 32768],
    ['used_memory_lua_human', bytesToHuman(32768)],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 32768],
    ['used_memory_vm_total', 65536],
    ['used_memory_vm_total_human', bytesToHuman(65536)],
    ['used_memory_functions', 184],
    ['used_memory_scripts', 184],
    ['used_memory_scripts_human', bytesToHuman(184)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', _config(node, 'maxmemory-policy', 'noeviction')],
    ['allocator_frag_ratio', ratio(active, allocated)],
    ['allocator_frag_bytes', active - allocated],
    ['allocator_rss_ratio', ratio(resident, active)],
    ['allocator_rss_bytes', resident - active],
    ['rss_overhead_ratio', ratio(rss, resident)],
    ['rss_overhead_bytes', rss - resident],
    ['mem_fragmentation_ratio', ratio(rss, used)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsMemory],
    ['mem_cluster_links', node.cluster?.linksMemory ?? 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'jemalloc-5.3.0'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ]);
}

/** The persistence section: its fields come from the node's Persistence, which knows its save and AOF history. */
function _persistenceSection(node: RedisNode): string {
  return _section('Persistence', node.persistence.infoFields());
}

function _statsSection(node: RedisNode): string {
  const s = node.stats;
  return _section('Stats', [
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.totalCommands],
    ['instantaneous_ops_per_sec', s.instantaneousOps],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', node.replication.stats.netInputBytes],
    ['total_net_repl_output_bytes', node.replication.stats.netOutputBytes],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', node.replication.stats.syncFull],
    ['sync_partial_ok', node.replication.stats.syncPartialOk],
    ['sync_partial_err', node.replication.stats.syncPartialErr],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', s.keyspaceHits],
    ['keyspace_misses', s.keyspaceMisses],
    ['pubsub_channels', node.pubsub.channels.size],
    ['pubsub_patterns', node.pubsub.patterns.size],
    ['pubsubshard_channels', node.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', node.migrateConnections.size],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    // Every command arrives in some read and answers in some write; pipelining would make these smaller.
    ['total_reads_processed', s.totalCommands],
    ['total_writes_processed', s.totalCommands],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ]);
}

/** The replication section, for either role (node.replication keeps the fields). */
function _replicationSection(node: RedisNode): string {
  return _section('Replication', node.replication.infoFields());
}

/** Plausible CPU times: a little per second of uptime and per command. */
function _cpuSection(node: RedisNode): string {
  const uptimeMs = node.now() - node.startedAt;
  const user = uptimeMs * 1.2 + node.stats.totalCommands * 4;
  const sys = uptimeMs * 0.9 + node.stats.totalCommands * 3;
  return _section('CPU', [
    ['used_cpu_sys', _cpuTime(sys)],
    ['used_cpu_user', _cpuTime(user)],
    ['used_cpu_sys_children', _cpuTime(0)],
    ['used_cpu_user_children', _cpuTime(0)],
    ['used_cpu_sys_main_thread', _cpuTime(sys * 0.95)],
    ['used_cpu_user_main_thread', _cpuTime(user * 0.95)],
  ]);
}

/** Every command and subcommand in the table, containers before their subcommands. */
function _allCommands(node: RedisNode): Command[] {
  const out: Command[] = [];
  for (const cmd of node.commands.all()) {
    out.push(cmd);
    if (cmd.subcommands !== null) out.push(...cmd.subcommands.values());
  }
  return out;
}

function _commandstatsSection(node: RedisNode): string {
  let out = '# Commandstats\r\n';
  for (const cmd of _allCommands(node)) {
    const s = cmd.stats;
    if (s.calls === 0 && s.failedCalls === 0 && s.rejectedCalls === 0) continue;
    const perCall = s.calls === 0 ? 0 : s.usec / s.calls;
    out +=
      `cmdstat_${_safe(cmd.fullName)}:calls=${s.calls},usec=${s.usec},usec_per_call=${perCall.toFixed(2)}` +
      `,rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}\r\n`;
  }
  return out;
}

function _errorstatsSection(node: RedisNode): string {
  let out = '# Errorstats\r\n';
  const codes = [...node.stats.errorCodes.keys()].sort();
  for (const code of codes) out += `errorstat_${_safe(code)}:count=${node.stats.errorCodes.get(code)}\r\n`;
  return out;
}

/**
 * Latency percentiles per command that has run. The node keeps no latency histograms, so every percentile is the
 * command's mean time per call (at least 1 µs, the histogram's resolution).
 */
function _latencystatsSection(node: RedisNode): string {
  let out = '# Latencystats\r\n';
  if (_config(node, 'latency-tracking', 'yes') !== 'yes') return out;
  const percentiles = _config(node, 'latency-tracking-info-percentiles', '50 99 99.9')
    .split(' ')
    .filter((p) => p !== '');
  for (const cmd of _allCommands(node)) {
    if (cmd.stats.calls === 0) continue;
    const value = Math.max(1, cmd.stats.usec / cmd.stats.calls).toFixed(3);
    out += `latency_percentiles_usec_${_safe(cmd.fullName)}:${percentiles.map((p) => `p${Number(p)}=${value}`).join(',')}\r\n`;
  }
  return out;
}

function _clusterSection(node: RedisNode): string {
  return _section('Cluster', [['cluster_enabled', node.mode === 'cluster' ? 1 : 0]]);
}

/**
 * One line per non-empty database. avg_ttl is an estimate in Redis too (sampled by the expire cycle): here, the mean
 * remaining TTL of the keys with an expiry among the first 10000 entries.
 */
function _keyspaceSection(node: RedisNode): string {
  let out = '# Keyspace\r\n';
  const now = node.now();
  for (const db of node.databases) {
    if (db.size === 0 && db.volatileCount === 0) continue;
    let total = 0;
    let counted = 0;
    if (db.volatileCount > 0) {
      let visited = 0;
      for (const [, entry] of db.rawEntries()) {
        if (++visited > 10_000) break;
        if (entry.expiresAt === 0) continue;
        total += Math.max(0, entry.expiresAt - now);
        counted++;
      }
    }
    out += `db${db.id}:keys=${db.size},expires=${db.volatileCount},avg_ttl=${counted === 0 ? 0 : Math.floor(total / counted)}\r\n`;
  }
  return out;
}

/** The sections in the order genRedisInfoString emits them. */
const _SECTIONS: readonly (readonly [string, _SectionBuilder])[] = [
  ['server', _serverSection],
  ['clients', _clientsSection],
  ['memory', _memorySection],
  ['persistence', _persistenceSection],
  ['stats', _statsSection],
  ['replication', _replicationSection],
  ['cpu', _cpuSection],
  ['modules', () => '# Modules\r\n'],
  ['commandstats', _commandstatsSection],
  ['errorstats', _errorstatsSection],
  ['latencystats', _latencystatsSection],
  ['cluster', _clusterSection],
  ['keyspace', _keyspaceSection],
];
