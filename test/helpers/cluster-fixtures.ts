// Cluster acceptance fixtures: blocks of free client+bus ports, cluster nodes started the lab's way (a redis.conf in
// its own directory, one process per node, real redis-server or `redis-sim server`), and the real
// `redis-cli --cluster` commands that build and check a cluster.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, type ToolResult } from '../compat/targets.js';
import { CLI_PATH, RespClient, waitFor } from './servers.js';
import { keyHashSlot } from '../../src/cluster/key-slot.js';
import { encodeRequestString } from '../../src/protocol/request-encoder.js';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';

export { waitFor } from './servers.js';

/** Which implementation runs a node: real Redis 7.0.15 or redis-sim. */
export type NodeKind = 'real' | 'sim';

/** Loopback only: every node binds here and every tool connects here. */
export const HOST = '127.0.0.1';

/** The cluster bus port is the client port plus this (Redis's CLUSTER_PORT_INCR). */
export const BUS_PORT_OFFSET = 10_000;

/** One cluster node process started from its own directory. */
export interface NodeProcess {
  readonly kind: NodeKind;
  readonly port: number;
  /** `host:port`, as redis-cli takes it. */
  readonly address: string;
  /** Its working directory, holding redis.conf, nodes.conf and the AOF. */
  readonly dir: string;
  /** Everything the process printed since it was (re)started. */
  output(): string;
  /** True while the process runs. */
  running(): boolean;
  /** Stops the process (SIGTERM: Redis's clean shutdown by default) and keeps its directory. */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again from its directory and waits until it answers PING. */
  restart(): Promise<void>;
  /** Sends one command on a fresh connection and returns the reply as a plain value. */
  run(...args: (string | number)[]): Promise<PlainReply>;
  /** Kills the process and removes its directory. */
  stop(): Promise<void>;
}

/** Nodes started together; `stop()` stops them all. */
export interface NodeSet {
  readonly nodes: readonly NodeProcess[];
  stop(): Promise<void>;
}

/** What a node's redis.conf holds: the lab's directives, on loopback. */
export function labConfig(port: number, extra: readonly string[] = []): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    'cluster-node-timeout 5000',
    'appendonly yes',
    ...extra,
    '',
  ].join('\n');
}

/**
 * Finds `n` consecutive ports P..P+n-1 such that they and their bus ports P+10000.. are all free.
 * Blocks are drawn below the kernel's ephemeral range (32768+), so outgoing connections never take them, from a
 * slice of [12000, 22000) chosen by the vitest worker id, so parallel workers never pick the same block.
 */
export async function freePortBlock(n: number): Promise<number> {
  const pool = Number(process.env['VITEST_POOL_ID'] ?? '1');
  const sliceStart = 12_000 + ((Number.isFinite(pool) ? pool - 1 : 0) % 10) * 1000;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = sliceStart + Math.floor(Math.random() * (1000 - n));
    const ports = [];
    for (let i = 0; i < n; i++) ports.push(base + i, base + i + BUS_PORT_OFFSET);
    if (await _allFree(ports)) return base;
  }
  throw new Error(`no free block of ${n} client+bus ports`);
}

/** Starts one node per entry of `kinds` on consecutive free ports, each from its own directory and redis.conf. */
export async function startNodes(
  kinds: readonly NodeKind[],
  { extraConfig = [] }: { extraConfig?: readonly string[] } = {},
): Promise<NodeSet> {
  const base = await freePortBlock(kinds.length);
  const nodes: NodeProcess[] = [];
  const set: NodeSet = {
    nodes,
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
  try {
    for (const [i, kind] of kinds.entries()) nodes.push(await startNode(kind, base + i, extraConfig));
  } catch (e) {
    await set.stop();
    throw e;
  }
  return set;
}

/** Starts `n` real redis-server 7.0.15 cluster nodes. */
export function startRealNodes(n: number, options?: { extraConfig?: readonly string[] }): Promise<NodeSet> {
  return startNodes(Array<NodeKind>(n).fill('real'), options);
}

/** Starts `n` redis-sim cluster nodes, each as `node dist/cli/main.js server redis.conf`. */
export function startSimNodes(n: number, options?: { extraConfig?: readonly string[] }): Promise<NodeSet> {
  return startNodes(Array<NodeKind>(n).fill('sim'), options);
}

/** Starts `n` nodes of one kind. */
export function startKindNodes(kind: NodeKind, n: number, options?: { extraConfig?: readonly string[] }) {
  return startNodes(Array<NodeKind>(n).fill(kind), options);
}

/** Three masters of one kind and three replicas of another; the all-real case first, as the oracle. */
export const MIXED_CASES: readonly { name: string; masters: NodeKind; replicas: NodeKind }[] = [
  { name: 'real masters, real replicas (oracle)', masters: 'real', replicas: 'real' },
  { name: 'real masters, sim replicas', masters: 'real', replicas: 'sim' },
  { name: 'sim masters, real replicas', masters: 'sim', replicas: 'real' },
];

/** The node kinds of a mixed case, masters first as `--cluster create` takes them. */
export function mixedKinds(masters: NodeKind, replicas: NodeKind): NodeKind[] {
  return [masters, masters, masters, replicas, replicas, replicas];
}

/** Starts one node of `kind` on `port` from a fresh directory holding the lab's redis.conf. */
export async function startNode(kind: NodeKind, port: number, extraConfig: readonly string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), `redis-sim-cluster-${kind}-${port}-`));
  writeFileSync(join(dir, 'redis.conf'), labConfig(port, extraConfig));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const [command, args] =
      kind === 'real' ? ['redis-server', ['redis.conf']] : [process.execPath, [CLI_PATH, 'server', 'redis.conf']];
    const proc = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise<void>((r) => proc.once('exit', () => r()));
    await waitFor(
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${kind} node exited early: ${output}`);
        return (await _tryPing(port)) === 'PONG';
      },
      { timeoutMs: 15_000, message: `${kind} node on port ${port} did not start: ${output}` },
    );
  };

  const isRunning = (): boolean => child !== null && child.exitCode === null && child.signalCode === null;
  const node: NodeProcess = {
    kind,
    port,
    address: `${HOST}:${port}`,
    dir,
    output: () => output,
    running: isRunning,
    async halt(signal: NodeJS.Signals = 'SIGTERM') {
      if (isRunning()) child!.kill(signal);
      await exited;
    },
    restart: launch,
    async run(...args) {
      const client = await RespClient.connect(port, HOST);
      try {
        return toPlain(await _withTimeout(client.call(...args), 10_000, `${args.join(' ')} on ${port}`));
      } finally {
        await client.close();
      }
    },
    async stop() {
      await node.halt('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await launch();
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

/** Runs `redis-cli --cluster <subcommand> <args…>` (stdin `input`); stdout comes back without colour escapes. */
export async function clusterTool(
  subcommand: string,
  args: readonly string[],
  { input = '', timeoutMs = 60_000 }: { input?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const result = await runTool('redis-cli', ['--cluster', subcommand, ...args], { input, timeoutMs });
  return { ...result, stdout: stripAnsi(result.stdout) };
}

/** A tool run's output for a failure message: the `Moving slot` lines of a reshard elided, and at most the end. */
export function shown(result: ToolResult, max = 4000): string {
  const text = `${result.stdout}${result.stderr}`.replace(/^\s*Moving slot .*\n/gm, '');
  return text.length <= max ? text : `…${text.slice(-max)}`;
}

/** Removes the colour escapes redis-cli --cluster prints even when its output is not a terminal. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** `redis-cli --cluster create <every node> --cluster-replicas R --cluster-yes`. */
export function createCluster(
  nodes: readonly NodeProcess[],
  replicas: number,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<ToolResult> {
  const addresses = nodes.map((node) => node.address);
  return clusterTool('create', [...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeoutMs });
}

/** Like createCluster, for a test's setup: throws, showing the tool's output, unless it exited 0. */
export async function createClusterOrThrow(nodes: readonly NodeProcess[], replicas: number): Promise<ToolResult> {
  const create = await createCluster(nodes, replicas);
  if (create.code !== 0) throw new Error(`--cluster create exited ${create.code}:\n${shown(create)}`);
  return create;
}

/** `redis-cli --cluster check <seed>`: its exit code and output. */
export function clusterCheck(seed: NodeProcess, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}) {
  return clusterTool('check', [seed.address], { timeoutMs });
}

/** True when a `--cluster check` run came back clean: exit 0, every slot covered, no warnings or errors. */
export function checkIsClean(result: ToolResult): boolean {
  return (
    result.code === 0 &&
    result.stdout.includes('[OK] All nodes agree about slots configuration.') &&
    result.stdout.includes('[OK] All 16384 slots covered.') &&
    !result.stdout.includes('[WARNING]') &&
    !result.stdout.includes('[ERR]')
  );
}

/**
 * Waits the way a user would until the cluster has settled: `--cluster check` from `seed` is clean and every node
 * in `nodes` reports cluster_state:ok and knows all of `nodes`. Returns the last check's output.
 */
export async function waitForClusterOk(
  seed: NodeProcess,
  nodes: readonly NodeProcess[],
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<ToolResult> {
  const deadline = Date.now() + timeoutMs;
  let last: ToolResult | null = null;
  let why = '';
  for (;;) {
    try {
      why = await _unsettled(nodes);
      if (why === '') {
        last = await clusterCheck(seed);
        // An open slot (left MIGRATING/IMPORTING) never closes by itself: no use waiting for it.
        if (last.stdout.includes('[WARNING] The following slots are open:')) break;
        if (checkIsClean(last)) return last;
        why = 'check is not clean';
      }
    } catch (e) {
      why = String(e); // a node that does not answer yet
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `cluster did not settle (${why || 'open slots'})\nlast check:\n${last === null ? '(none)' : shown(last)}`,
  );
}

/** Parses CLUSTER INFO (or any `field:value` CRLF text) into a record. */
export function clusterInfoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** One line of CLUSTER NODES, split into its fields. */
export interface NodesLine {
  readonly id: string;
  readonly address: string;
  readonly flags: readonly string[];
  readonly master: string;
  readonly pingSent: string;
  readonly pongRecv: string;
  readonly configEpoch: string;
  readonly linkState: string;
  readonly slots: readonly string[];
}

/** Splits a CLUSTER NODES reply into its lines' fields (every line, the last included, ends in `\n`). */
export function parseClusterNodes(text: string): NodesLine[] {
  if (!text.endsWith('\n')) throw new Error(`CLUSTER NODES does not end in a newline: ${JSON.stringify(text)}`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const [id, address, flags, master, pingSent, pongRecv, configEpoch, linkState, ...slots] = line.split(' ');
      if (linkState === undefined) throw new Error(`short CLUSTER NODES line: ${line}`);
      return {
        id: id!,
        address: address!,
        flags: flags!.split(','),
        master: master!,
        pingSent: pingSent!,
        pongRecv: pongRecv!,
        configEpoch: configEpoch!,
        linkState,
        slots,
      };
    });
}

/** The node id a NodeProcess has (CLUSTER MYID). */
export async function nodeId(node: NodeProcess): Promise<string> {
  return String(await node.run('CLUSTER', 'MYID'));
}

/** Finds the node in `nodes` listening on `address`'s port. */
export function nodeAt(nodes: readonly NodeProcess[], address: string): NodeProcess {
  const port = Number(address.slice(address.lastIndexOf(':') + 1).split('@')[0]);
  const node = nodes.find((n) => n.port === port);
  if (node === undefined) throw new Error(`no node at ${address}`);
  return node;
}

/** The address of the master that, per `seed`'s CLUSTER SLOTS, serves `slot`. */
export async function slotOwner(seed: NodeProcess, slot: number): Promise<string> {
  const slots = (await seed.run('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  for (const [from, to, [ip, port]] of slots) if (slot >= from && slot <= to) return `${ip}:${port}`;
  throw new Error(`slot ${slot} is not served`);
}

/** Which master port serves each slot, per `seed`'s CLUSTER SLOTS (index = slot). */
export async function slotMap(seed: NodeProcess): Promise<number[]> {
  const map = Array<number>(16_384).fill(0);
  const slots = (await seed.run('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  for (const [from, to, [, port]] of slots) map.fill(port, from, to + 1);
  return map;
}

/** Groups keys by the port of the master that serves them. */
export async function routeKeys(seed: NodeProcess, keys: readonly string[]): Promise<Map<number, string[]>> {
  const map = await slotMap(seed);
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const port = map[keyHashSlot(key)]!;
    if (port === 0) throw new Error(`slot of ${key} is not served`);
    let group = groups.get(port);
    if (group === undefined) groups.set(port, (group = []));
    group.push(key);
  }
  return groups;
}

/** Loads `key → value` pairs straight into their masters with `redis-cli --pipe` (one run per master). */
export async function pipeLoad(seed: NodeProcess, entries: ReadonlyMap<string, string>): Promise<void> {
  for (const [port, keys] of await routeKeys(seed, [...entries.keys()])) {
    const input = keys.map((k) => encodeRequestString(['SET', k, entries.get(k)!])).join('');
    const result = await runTool('redis-cli', ['-p', String(port), '--pipe'], { input, timeoutMs: 60_000 });
    if (result.code !== 0 || !result.stdout.includes(`errors: 0, replies: ${keys.length}`))
      throw new Error(`redis-cli --pipe into ${port} failed: ${result.stdout}${result.stderr}`);
  }
}

/**
 * Reads every key of `entries` from the master that now serves it (pipelined GETs, no redirections) and returns
 * the keys whose value is not the expected one (missing keys included).
 */
export async function unreadableKeys(seed: NodeProcess, entries: ReadonlyMap<string, string>): Promise<string[]> {
  const wrong: string[] = [];
  for (const [port, keys] of await routeKeys(seed, [...entries.keys()])) {
    const client = await RespClient.connect(port, HOST);
    try {
      for (let i = 0; i < keys.length; i += 10_000) {
        const chunk = keys.slice(i, i + 10_000);
        const replies = await Promise.all(chunk.map((k) => client.call('GET', k)));
        replies.forEach((reply, j) => {
          const key = chunk[j]!;
          if (toPlain(reply) !== entries.get(key)) wrong.push(key);
        });
      }
    } finally {
      await client.close();
    }
  }
  return wrong;
}

/** `n` distinct keys under `prefix`, each with its own value. */
export function makeEntries(prefix: string, n: number): Map<string, string> {
  const entries = new Map<string, string>();
  for (let i = 0; i < n; i++) entries.set(`${prefix}:${i}`, `${prefix}-value-${i}`);
  return entries;
}

// --- internal ---

/**
 * Why the nodes have not settled, or '' when they have: every node must be ok, know everyone, and see the same roles
 * with every link up (replicas show up as slaves only once gossip has carried their REPLICATE, after
 * `--cluster create` or add-node has returned).
 */
async function _unsettled(nodes: readonly NodeProcess[]): Promise<string> {
  let roles: string | null = null;
  for (const node of nodes) {
    const info = clusterInfoFields(String(await node.run('CLUSTER', 'INFO')));
    if (info['cluster_state'] !== 'ok') return `${node.address} is ${info['cluster_state']}`;
    if (info['cluster_known_nodes'] !== String(nodes.length))
      return `${node.address} knows ${info['cluster_known_nodes']} nodes`;
    const lines = parseClusterNodes(String(await node.run('CLUSTER', 'NODES')));
    if (lines.some((l) => l.linkState !== 'connected' || l.flags.some((f) => _UNSETTLED_FLAGS.has(f))))
      return `${node.address} sees a node down or joining`;
    const mine = lines
      .map((l) => `${l.id} ${l.flags.includes('slave') ? l.master : 'master'}`)
      .sort()
      .join();
    if (roles !== null && roles !== mine) return `${node.address} sees other roles`;
    roles = mine;
  }
  return '';
}

/** Flags that mean gossip has not settled yet. */
const _UNSETTLED_FLAGS = new Set(['fail?', 'fail', 'handshake', 'noaddr']);

/** True when every port can be bound on the loopback address right now. */
async function _allFree(ports: readonly number[]): Promise<boolean> {
  for (const port of ports) if (!(await _canBind(port))) return false;
  return true;
}

/** Binds and releases one port. */
function _canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** PINGs a port once; resolves with the status or error text of the reply, or null. */
async function _tryPing(port: number): Promise<string | null> {
  let client: RespClient | null = null;
  try {
    client = await RespClient.connect(port, HOST);
    const reply = await _withTimeout(client.call('PING'), 1000, 'PING');
    return reply.t === 'simple' || reply.t === 'error' ? reply.s : null;
  } catch {
    return null;
  } finally {
    await client?.close();
  }
}

/** Resolves as `promise` does, or rejects if it takes longer than `ms`. */
async function _withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply to ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
