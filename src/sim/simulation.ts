// A simulated world: nodes and clients on one virtual clock, joined by a simulated network, every random draw taken
// from one seed, and every request, reply, log line and fault recorded in one event log. Running a scenario twice with
// the same seed gives the same log byte for byte (DESIGN.md), so the log's hash identifies the run.
//
// Each node runs in a host that models its process: a crash kills the process (its timers stop, its links reset, its
// storage loses whatever was never synced), a restart starts a new RedisNode on the same storage and directives, and a
// pause stops the process like SIGSTOP (its timers and incoming bytes wait; time keeps moving and it catches up on
// resume).

import type { Env, Network, TimerHandle } from '../env/env.js';
import { Config } from '../node/config.js';
import { applyConfigDirectives, parseConfigText } from '../node/config-file.js';
import { SENTINEL_PORT } from '../sentinel/sentinel.js';
import type { SentinelDirective } from '../sentinel/sentinel-config.js';
import { RedisNode } from '../node/node.js';
import { EventLog } from './event-log.js';
import { EventQueue } from './event-queue.js';
import { MemoryStorage } from './memory-storage.js';
import { Prng } from './prng.js';
import { SimClient, type SimCall } from './sim-client.js';
import { createSimEnv } from './sim-env.js';
import { SimNetwork, type Latency, type LinkEnd } from './sim-network.js';
import { SimScripts } from './sim-scripts.js';

/** Config directives in order, each as its name and argument words (as in redis.conf). */
export type Directives = readonly (readonly [string, readonly string[]])[];

/** Options for a new simulation. */
export interface SimulationOptions {
  /** The root seed, an integer in [0, 2^32); every random stream in the run is forked from it. */
  seed: number;
  /** Latency of every link unless changed through `network`; DEFAULT_LATENCY when omitted. */
  latency?: Latency;
  /** Virtual time at the start, in ms since the Unix epoch; DEFAULT_START_TIME_MS when omitted. */
  startTime?: number;
}

/** Options for a simulated node. */
export interface SimNodeOptions {
  /** The IP the node listens on; 127.0.0.1 when omitted. The port is the `port` directive, else the first free from 6379. */
  host?: string;
  /**
   * Runs the node as a Sentinel (redis-server --sentinel): `sentinel ...` directives are allowed, the default port
   * is the first free from 26379, and the directives become its config file (`/sim/<name>/sentinel.conf`), which
   * Sentinel rewrites and a restart reads back.
   */
  sentinel?: boolean;
}

/** Options for a simulated client. */
export interface SimClientCreateOptions {
  /** Its endpoint name; `client-<n>` when omitted. */
  name?: string;
  /** Virtual milliseconds run() waits for a reply (default 10 000). */
  timeoutMs?: number;
}

/** Whether a node's process is up, killed (crash) or exited (SHUTDOWN). */
export type SimNodeState = 'running' | 'crashed' | 'stopped';

/** A simulated node's host: the process around a RedisNode, which survives crashes and restarts. */
export interface SimNode {
  /** Its endpoint name. */
  readonly name: string;
  /** The `host:port` clients connect to. */
  readonly address: string;
  /** The directives every (re)start applies. */
  readonly directives: Directives;
  /** Its files; they survive restarts, minus unsynced data after a crash. */
  readonly storage: MemoryStorage;
  /** Whether the process is up. */
  readonly state: SimNodeState;
  /** Whether the process is stopped by pause(). */
  readonly paused: boolean;
  /** 1 for the first start, one more per restart. */
  readonly incarnation: number;
  /** The running RedisNode; throws while the node is crashed or stopped. */
  readonly node: RedisNode;
  /** A Sentinel's config file, as it rewrites it; null for other nodes. */
  readonly configFile: { readonly path: string; readonly text: string | null } | null;
}

/** Thrown by runUntil when its condition does not hold within the allowed virtual time. */
export class SimulationTimeoutError extends Error {
  override readonly name = 'SimulationTimeoutError';
}

/** A deterministic world of simulated nodes and clients. */
export class Simulation {
  /** The root seed. */
  readonly seed: number;
  /** The virtual clock and task queue. */
  readonly queue: EventQueue;
  /** The root random stream; nodes get `rng.fork(name)`, the network `rng.fork('$network')`. */
  readonly rng: Prng;
  /** Everything that happened, one line per event; `eventLog.hash()` fingerprints the run. */
  readonly eventLog = new EventLog();
  /** The links between endpoints, with latency and fault controls. */
  readonly network: SimNetwork;
  /** Every call made by every client, in the order sent (each settles when its reply arrives). */
  readonly trace: SimCall[] = [];
  /** The scripts nodes can run (Sentinel's notification and client-reconfig scripts), with every run recorded. */
  readonly scripts: SimScripts;

  private readonly hosts = new Map<string, _Host>();
  private readonly endpoints = new Set<string>();
  private nextClient = 1;

  /** Creates an empty world on a fresh virtual clock. */
  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.rng = new Prng(options.seed);
    this.queue = new EventQueue(options.startTime === undefined ? {} : { startTime: options.startTime });
    this.network = new SimNetwork({
      queue: this.queue,
      rng: this.rng.fork('$network'),
      log: this.eventLog,
      ...(options.latency === undefined ? {} : { latency: options.latency }),
    });
    this.scripts = new SimScripts(this.queue, this.eventLog);
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.queue.now();
  }

  /** Adds and starts a node; throws ConfigError for a bad directive, Error for a taken name or address. */
  addNode(name: string, directives: Directives = [], options: SimNodeOptions = {}): SimNode {
    this._claimName(name);
    const ip = options.host ?? '127.0.0.1';
    const sentinel = options.sentinel === true;
    const explicitPort = directives.some(([directive]) => directive.toLowerCase() === 'port');
    let port = sentinel && !explicitPort ? SENTINEL_PORT : _configFrom(_withoutSentinel(directives)).getNumber('port');
    const taken = new Set([...this.hosts.values()].map((h) => h.address));
    if (!explicitPort) while (taken.has(`${ip}:${port}`)) port++;
    const address = `${ip}:${port}`;
    if (taken.has(address)) throw new Error(`Expected \`${address}\` to be free for ${name}, but another node has it`);
    const host = new _Host(name, address, explicitPort ? directives : [...directives, ['port', [String(port)]]]);
    if (sentinel) host.configFile = { path: `/sim/${name}/sentinel.conf`, text: _configText(host.directives) };
    this.endpoints.add(name);
    this.hosts.set(name, host);
    this._start(host);
    return host;
  }

  /** The node called `name`; throws if there is none. */
  node(name: string): SimNode {
    return this._host(name);
  }

  /** Every node, in the order added. */
  nodes(): SimNode[] {
    return [...this.hosts.values()];
  }

  /** Connects a new client to a node (by name) or to any `host:port`. */
  client(target: string, options: SimClientCreateOptions = {}): SimClient {
    const address = this.hosts.get(target)?.address ?? (target.includes(':') ? target : this._host(target).address);
    let name = options.name;
    if (name === undefined) {
      do name = `client-${this.nextClient++}`;
      while (this.endpoints.has(name));
    }
    this._claimName(name);
    this.endpoints.add(name);
    return new SimClient({
      name,
      network: this.network,
      address,
      log: this.eventLog,
      trace: this.trace,
      now: () => this.queue.now(),
      runUntil: (predicate, maxMs) => this.runUntil(predicate, maxMs),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /**
   * Claims a new endpoint name (`tool-<n>` when omitted) and returns its outbound network, for code that talks to
   * nodes the way an outside process would (the cluster former); the name can be partitioned like a client's.
   */
  endpoint(name?: string): { readonly name: string; readonly net: Network } {
    let claimed = name;
    if (claimed === undefined) {
      do claimed = `tool-${this.nextClient++}`;
      while (this.endpoints.has(claimed));
    }
    this._claimName(claimed);
    this.endpoints.add(claimed);
    const from = claimed;
    return { name: from, net: { connect: (host, port) => this.network.connect(from, `${host}:${port}`) } };
  }

  /** Runs `task` after `delayMs` of virtual time, inside the event queue (how scenarios script their steps). */
  schedule(delayMs: number, task: () => void): TimerHandle {
    return this.queue.schedule(delayMs, task);
  }

  /** Runs the next `ms` of virtual time. */
  runFor(ms: number): void {
    this.queue.runFor(ms);
  }

  /** Runs events until `predicate` holds (checked before the first and after every event); throws after `maxMs`. */
  runUntil(predicate: () => boolean, maxMs: number): void {
    if (predicate()) return;
    let expired = false;
    const guard = this.queue.schedule(maxMs, () => {
      expired = true;
    });
    try {
      for (;;) {
        this.queue.step();
        if (predicate()) return;
        if (expired) {
          throw new SimulationTimeoutError(`Condition not met within ${maxMs} ms of virtual time (now ${this.now()})`);
        }
      }
    } finally {
      guard.cancel();
    }
  }

  /** Kills a running node's process: timers stop, links reset, storage loses unsynced data (MemoryStorage.crash). */
  crash(name: string): void {
    const host = this._host(name);
    if (host.state !== 'running')
      throw new Error(`Expected node ${name} to be running to crash it, but it is ${host.state}`);
    this._record(`crash ${name}`);
    host.state = 'crashed';
    host.current = null;
    host.paused = false;
    host.deferred = [];
    this.network.reset(name);
    host.storage.crash();
  }

  /** Starts a crashed or stopped node again: a new process on the same storage, directives and address. */
  restart(name: string): void {
    const host = this._host(name);
    if (host.state === 'running') throw new Error(`Expected node ${name} to be down to restart it, but it is running`);
    this._record(`restart ${name}`);
    this._start(host);
  }

  /** Stops a node's process like SIGSTOP: no timers run and no bytes reach it until resume(). */
  pause(name: string): void {
    const host = this._host(name);
    if (host.paused) return;
    host.paused = true;
    this.network.pause(name);
  }

  /** Continues a paused node: timers that came due run first, in order, then held bytes arrive. */
  resume(name: string): void {
    const host = this._host(name);
    if (!host.paused) return;
    host.paused = false;
    const due = host.deferred;
    host.deferred = [];
    for (const timer of due) this.queue.schedule(0, () => this._fire(host, host.incarnation, timer));
    this.network.resume(name);
  }

  /** Cuts every endpoint (node or client name) on one side off from every endpoint on the other. */
  partition(a: string | readonly string[], b: string | readonly string[]): void {
    this._checkEndpoints(a, b);
    this.network.partition(a, b);
  }

  /** Heals every partition, or only those between the two sides. */
  heal(a?: string | readonly string[], b?: string | readonly string[]): void {
    if (a !== undefined && b !== undefined) this._checkEndpoints(a, b);
    this.network.heal(a, b);
  }

  // --- internal ---

  private _host(name: string): _Host {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`Expected a node called \`${name}\`, but there is none`);
    return host;
  }

  /** Throws for a name that is neither a node nor a client, so a typo cannot make a partition silently cut nothing. */
  private _checkEndpoints(...sides: (string | readonly string[])[]): void {
    for (const side of sides) {
      for (const name of typeof side === 'string' ? [side] : side) {
        if (!this.endpoints.has(name)) throw new Error(`Expected a node or client name, got \`${name}\``);
      }
    }
  }

  private _claimName(name: string): void {
    if (!_NAME.test(name))
      throw new Error(`Expected an endpoint name of letters, digits, '_', '.' or '-', got \`${name}\``);
    if (this.endpoints.has(name)) throw new Error(`Expected a new endpoint name, but \`${name}\` is taken`);
  }

  /** Starts a new process for the host: a fresh Env over the shared clock and log, and a RedisNode from the directives. */
  private _start(host: _Host): void {
    const incarnation = ++host.incarnation;
    const base = this.rng.fork(host.name);
    const rng = incarnation === 1 ? base : base.fork(`restart-${incarnation - 1}`);
    const ip = host.address.slice(0, host.address.lastIndexOf(':'));
    const net = {
      connect: (toHost: string, toPort: number) => this.network.connect(host.name, `${toHost}:${toPort}`, { host: ip }),
    };
    const simEnv = createSimEnv({
      queue: this.queue,
      rng,
      storage: host.storage,
      log: this.eventLog,
      name: host.name,
      net,
      ...(host.configFile === null ? {} : { configFile: host.configFile }),
      processes: this.scripts.runnerFor(host.name),
    });
    const env: Env = { ...simEnv, schedule: (delayMs, task) => this._schedule(host, incarnation, delayMs, task) };
    let config: Config;
    let sentinel: SentinelDirective[] | undefined;
    if (host.configFile !== null) {
      // A Sentinel starts from its (possibly rewritten) config file, as redis-sentinel does after a restart.
      const parsed = [...parseConfigText(host.configFile.text ?? '', host.configFile.path, () => [])];
      sentinel = parsed
        .filter((d) => d.name === 'sentinel' && d.words.length > 0)
        .map((d) => ({ words: d.words, where: d.where }));
      // initSentinelConfig's defaults first; the file (with CONFIG REWRITE's `user` line) may override them.
      config = _configFrom([['protected-mode', ['no']]]);
      applyConfigDirectives(
        config,
        parsed.filter((d) => d.name !== 'sentinel'),
      );
    } else {
      config = _configFrom(host.directives);
    }
    const node = new RedisNode(env, config, {
      onShutdown: () => this._stopped(host, incarnation),
      ...(sentinel === undefined ? {} : { sentinel }),
    });
    host.state = 'running';
    host.current = node;
    node.start();
    if (host.incarnation !== incarnation || host.state !== 'running') return;
    this.network.listen(host.name, host.address, (end) => this._accept(host, incarnation, end));
    // A cluster node also listens on its bus port (clusterInit); accepted links go to the cluster, not the node.
    const cluster = node.cluster;
    if (cluster !== null) {
      host.busAddress = `${ip}:${cluster.busPort}`;
      this.network.listen(host.name, host.busAddress, (end) => {
        if (host.current !== node || host.incarnation !== incarnation) end.close();
        else cluster.acceptLink(end);
      });
    }
  }

  /** Hands an accepted link to the node as a client connection. */
  private _accept(host: _Host, incarnation: number, end: LinkEnd): void {
    const node = host.current;
    if (node === null || host.incarnation !== incarnation) {
      end.close();
      return;
    }
    const session = node.connect(end);
    end.onData = (chunk) => session.receive(chunk);
    end.onClose = () => session.disconnected();
  }

  /** The node exited by itself (SHUTDOWN): it stops listening; its timers die with it. */
  private _stopped(host: _Host, incarnation: number): void {
    if (host.incarnation !== incarnation || host.state !== 'running') return;
    this._record(`exit ${host.name}`);
    host.state = 'stopped';
    host.current = null;
    host.deferred = [];
    this.network.stopListening(host.address);
    if (host.busAddress !== null) this.network.stopListening(host.busAddress);
  }

  /** env.schedule for one incarnation: a timer that never fires once the process is gone and waits while it is paused. */
  private _schedule(host: _Host, incarnation: number, delayMs: number, task: () => void): TimerHandle {
    const timer = new _GatedTimer(task);
    timer.handle = this.queue.schedule(delayMs, () => this._fire(host, incarnation, timer));
    return timer;
  }

  private _fire(host: _Host, incarnation: number, timer: _GatedTimer): void {
    if (timer.task === null || host.incarnation !== incarnation || host.state !== 'running') return;
    if (host.paused) {
      host.deferred.push(timer);
      return;
    }
    const task = timer.task;
    timer.task = null;
    task();
  }

  private _record(text: string): void {
    this.eventLog.record(this.queue.now(), '$sim', text);
  }
}

// --- internal ---

/** Endpoint names: letters, digits, `_`, `.`, `-` (no `:`, so a name never looks like an address; no `$`). */
const _NAME = /^[A-Za-z0-9_.-]+$/;

/** The directives that are not `sentinel` lines. */
function _withoutSentinel(directives: Directives): Directives {
  return directives.filter(([name]) => name.toLowerCase() !== 'sentinel');
}

/** A config file holding the directives, one per line, words quoted when needed. */
function _configText(directives: Directives): string {
  const word = (w: string) => (/^[^\s"'\\]+$/.test(w) ? w : JSON.stringify(w));
  return directives.map(([name, words]) => [name, ...words].map(word).join(' ') + '\n').join('');
}

/** Builds a Config from directives; throws ConfigError for a bad one. */
function _configFrom(directives: Directives): Config {
  const config = new Config();
  for (const [name, words] of directives) config.set(name, words, 'file');
  return config;
}

/** The process state behind a SimNode. */
class _Host implements SimNode {
  state: SimNodeState = 'running';
  paused = false;
  incarnation = 0;
  current: RedisNode | null = null;
  /** The cluster bus address of the current (or last) incarnation, in cluster mode. */
  busAddress: string | null = null;
  /** A Sentinel's config file (rewritten by it, read again on restart); null for other nodes. */
  configFile: { readonly path: string; text: string | null } | null = null;
  /** Timers that came due while the process was paused, in the order they came due. */
  deferred: _GatedTimer[] = [];
  readonly storage = new MemoryStorage();

  constructor(
    readonly name: string,
    readonly address: string,
    readonly directives: Directives,
  ) {}

  get node(): RedisNode {
    if (this.current === null) throw new Error(`Expected node ${this.name} to be running, but it is ${this.state}`);
    return this.current;
  }
}

/** A node's timer: cancelling it also stops it from firing after a pause deferred it. */
class _GatedTimer implements TimerHandle {
  handle: TimerHandle | null = null;

  constructor(public task: (() => void) | null) {}

  cancel(): void {
    this.task = null;
    this.handle?.cancel();
  }
}
