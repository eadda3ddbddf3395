// Hosts a Sentinel group in this process: the data nodes of every replication group and the Sentinels monitoring
// them, each a full realtime node (its own port, directory, config file, timers and log) started by startServerHost.
// Every node starts from a config file in its directory (redis.conf, or sentinel.conf for a Sentinel), which CONFIG
// REWRITE and Sentinel rewrite and a restart reads back. What `redis-sim sentinel` and startSentinelGroup run.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyConfigDirectives, parseConfigText, type ConfigDirective } from '../node/config-file.js';
import type { SentinelDirective } from '../sentinel/sentinel-config.js';
import {
  dataNodeDirectives,
  directivesText,
  planDataNodes,
  sentinelDirectives,
  sentinelKnowsGroup,
  sentinelPortOf,
  type GroupDirectives,
  type PlannedDataNode,
  type SentinelGroupSpec,
} from '../sentinel/sentinel-group.js';
import { SENTINEL_PORT } from '../sentinel/sentinel.js';
import type { FaultTarget } from '../sim/faults.js';
import type { HostedNode } from './cluster-host.js';
import { HostFabric, HostedMember, hostFaults } from './hosted-members.js';
import { HostLifecycle } from './host-lifecycle.js';
import { strerror } from './os-errors.js';
import { HostStartError, createHostConfig } from './server-host.js';

/** Options for a hosted Sentinel group. */
export interface SentinelHostOptions {
  /** The group's shape, ports and Sentinel tuning. */
  spec: SentinelGroupSpec;
  /** Root directory; each node keeps its files in `<dir>/<port>/` (`node-<i>/`, `sentinel-<i>/` with ephemeral ports). */
  dir: string;
  /** More directives for every data node, written after the planned ones. */
  directives?: GroupDirectives;
  /** Receives each node's log lines; when omitted they go to redis.log / sentinel.log in the node's directory. */
  logSink?: (port: number, line: string) => void;
  /** How long the group may take to be ready. Default 60 000 ms. */
  readyTimeoutMs?: number;
  /** Aborting it during start-up stops waiting; the started nodes are shut down and the start rejects. */
  signal?: AbortSignal;
}

/** A running hosted Sentinel group. */
export interface SentinelHost {
  /** Every node: the data nodes (in plan order), then the Sentinels. */
  readonly members: readonly HostedNode[];
  /** The data nodes, in plan order (each group's master first). */
  readonly dataNodes: readonly HostedNode[];
  /** What each data node was planned as (its group and starting role), index for index with `dataNodes`. */
  readonly plan: readonly PlannedDataNode[];
  /** The Sentinels. */
  readonly sentinels: readonly HostedNode[];
  /** Resolves once stop() has finished, or once every node has exited by SHUTDOWN. */
  readonly closed: Promise<void>;
  /** Faults on the hosted nodes (data nodes and Sentinels), each named by its port (the control port's SIM commands). */
  readonly faults: FaultTarget<number, Promise<void>>;
  /** Shuts every running node down as SHUTDOWN would and closes every port. */
  stop(): Promise<void>;
}

/**
 * Starts the data nodes (replicas pointing at their masters), waits until every replica's link is up, starts the
 * Sentinels and waits until each knows every replica and every other Sentinel. Throws HostStartError (or the
 * ConfigFileError of a bad directive), leaving nothing running.
 */
export async function startSentinelHost(options: SentinelHostOptions): Promise<SentinelHost> {
  const { spec } = options;
  const plan = planDataNodes(spec);
  const count = plan.length + spec.sentinels;
  const members: HostedMember[] = [];
  const fabric = new HostFabric();
  const lifecycle = new HostLifecycle(members, fabric, count, options.logSink);
  const startMember = async (m: HostedMember): Promise<void> => {
    const file = _configPath(m, plan.length);
    const loaded = _loadConfig(file, m.dir, m.index >= plan.length);
    await lifecycle.start(m, {
      config: loaded.config,
      configFile: file,
      ...(loaded.sentinel === null ? {} : { sentinel: loaded.sentinel }),
      // A restarted node keeps the port its peers know it by, even when it was ephemeral.
      directives: m.port === 0 ? [] : [['port', [String(m.port)]]],
    });
  };
  const addMember = async (port: number, dir: string, directives: GroupDirectives, sentinel: boolean) => {
    const member = new HostedMember(members.length, port, resolve(dir));
    const lines: GroupDirectives = [
      ['bind', [spec.host]],
      ['dir', [member.dir]],
      ...(options.logSink === undefined ? [['logfile', [sentinel ? 'sentinel.log' : 'redis.log']] as const] : []),
      ...directives,
    ];
    try {
      mkdirSync(member.dir, { recursive: true });
      writeFileSync(_configPath(member, plan.length), directivesText(lines));
    } catch (e) {
      throw new HostStartError(`Can't write the config file of the node in ${member.dir}: ${strerror(e)}`);
    }
    await startMember(member);
    members.push(member);
    return member;
  };
  try {
    const masterPorts = new Map<string, number>();
    for (const planned of plan) {
      const dir = join(options.dir, planned.port === 0 ? `node-${planned.index}` : String(planned.port));
      const own = [
        ...dataNodeDirectives(spec, planned, masterPorts.get(planned.group) ?? 0),
        ...(options.directives ?? []),
      ];
      const member = await addMember(planned.port, dir, own, false);
      if (planned.role === 'master') masterPorts.set(planned.group, member.port);
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    const replicas = members.filter((_, i) => plan[i]!.role === 'replica');
    await _waitUntil(
      () => replicas.every((m) => _masterLinkUp(m)),
      deadline,
      options.signal,
      'every replica to finish its first sync',
    );
    const masters = [...masterPorts].map(([name, port]) => ({ name, port }));
    for (let i = 0; i < spec.sentinels; i++) {
      const port = sentinelPortOf(spec, i);
      const dir = join(options.dir, port === 0 ? `sentinel-${i}` : String(port));
      await addMember(port, dir, sentinelDirectives(spec, port, masters), true);
    }
    const sentinels = members.slice(plan.length);
    await _waitUntil(
      () => sentinels.every((m) => sentinelKnowsGroup(m.server.node.sentinel!, spec)),
      deadline,
      options.signal,
      'every Sentinel to know every replica and the other Sentinels',
    );
    return {
      members,
      dataNodes: members.slice(0, plan.length),
      plan,
      sentinels,
      closed: lifecycle.closed,
      faults: hostFaults(members, fabric, (m) => startMember(m), 'Sentinel group'),
      stop: () => lifecycle.stopAll(),
    };
  } catch (e) {
    await lifecycle.stopAll();
    throw e;
  }
}

// --- internal ---

/** The config file of a member: `sentinel.conf` for a Sentinel (index at or past `dataCount`), else `redis.conf`. */
function _configPath(m: HostedMember, dataCount: number): string {
  return join(m.dir, m.index >= dataCount ? 'sentinel.conf' : 'redis.conf');
}

/** Reads a node's config file as redis-server / redis-sentinel would: Sentinel's defaults first, `sentinel` lines apart. */
function _loadConfig(
  path: string,
  dir: string,
  sentinel: boolean,
): { config: ReturnType<typeof createHostConfig>; sentinel: SentinelDirective[] | null } {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    throw new HostStartError(`Fatal error, can't open config file '${path}': ${strerror(e)}`);
  }
  const config = createHostConfig(dir);
  const all: ConfigDirective[] = [...parseConfigText(text, path, () => [])];
  if (!sentinel) {
    applyConfigDirectives(config, all);
    return { config, sentinel: null };
  }
  // initSentinelConfig: Sentinel's own defaults, before the file is read.
  config.set('port', [String(SENTINEL_PORT)], 'file');
  config.set('protected-mode', ['no'], 'file');
  applyConfigDirectives(
    config,
    all.filter((d) => d.name !== 'sentinel'),
  );
  return {
    config,
    sentinel: all
      .filter((d) => d.name === 'sentinel' && d.words.length > 0)
      .map((d) => ({ words: d.words, where: d.where })),
  };
}

/** Whether a running replica reports `master_link_status:up`. */
function _masterLinkUp(m: HostedMember): boolean {
  if (m.state !== 'running') return false;
  return m.server.node.replication.infoFields().some(([k, v]) => k === 'master_link_status' && v === 'up');
}

/** Polls `condition` every 50 ms until it holds; throws HostStartError at `deadline` or when `signal` aborts. */
async function _waitUntil(
  condition: () => boolean,
  deadline: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<void> {
  while (!condition()) {
    if (signal?.aborted === true) throw new HostStartError(`Interrupted while waiting for ${what}`);
    if (Date.now() >= deadline) throw new HostStartError(`Gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
