// The Sentinel subsystem of a node in sentinel mode (sentinel.c): the monitored masters with their replicas and the
// other Sentinels, the epochs, TILT, the timer that drives monitoring and failover, and sentinel.conf persistence.
// It reaches monitored instances only as a RESP client through env.net, so it can watch simulated or real servers.

import { randomHex, type LogLevel, type TimerHandle } from '../env/env.js';
import { normalizeIp } from '../cluster/ip-address.js';
import { rewriteConfigText } from '../node/config-file.js';
import type { RedisNode } from '../node/node.js';
import { emitEvent } from './sentinel-events.js';
import {
  FailoverState,
  SRI,
  SentinelInstance,
  addrText,
  announcedHost,
  sameAddr,
  type SentinelAddr,
} from './sentinel-instance.js';
import { InstanceLink } from './sentinel-links.js';
import { loadSentinelConfig, sentinelRewrite, type SentinelDirective } from './sentinel-config.js';
import { ScriptQueue } from './sentinel-scripts.js';
import { sentinelTimer } from './sentinel-timer.js';

/** Sentinel's default port (REDIS_SENTINEL_PORT). */
export const SENTINEL_PORT = 26379;
/** The channel Sentinels announce themselves on. */
export const HELLO_CHANNEL = '__sentinel__:hello';
/** Default down-after-milliseconds (sentinel_default_down_after). */
export const DEFAULT_DOWN_AFTER = 30000;
/** Default failover-timeout (sentinel_default_failover_timeout). */
export const DEFAULT_FAILOVER_TIMEOUT = 180000;
/** Failure simulation flags (SENTINEL_SIMFAILURE_*). */
export const SIMFAILURE = { CRASH_AFTER_ELECTION: 1, CRASH_AFTER_PROMOTION: 2 } as const;

/** The timing parameters SENTINEL DEBUG shows and changes, in its order (milliseconds). */
export interface SentinelTimings {
  infoPeriod: number;
  pingPeriod: number;
  askPeriod: number;
  publishPeriod: number;
  defaultDownAfter: number;
  defaultFailoverTimeout: number;
  tiltTrigger: number;
  tiltPeriod: number;
  slaveReconfTimeout: number;
  minLinkReconnectPeriod: number;
  electionTimeout: number;
  scriptMaxRuntime: number;
  scriptRetryDelay: number;
}

/** Why an instance record could not be created (errno values of createSentinelRedisInstance). */
export type CreateInstanceError = 'EBUSY' | 'ENOENT' | 'EINVAL';

/** Thrown by createInstance; `code` says why. */
export class SentinelInstanceError extends Error {
  override readonly name = 'SentinelInstanceError';
  constructor(readonly code: CreateInstanceError) {
    super(code);
  }
}

/** The Sentinel state of one node (struct sentinelState). */
export class Sentinel {
  myid = '';
  currentEpoch = 0;
  /** Monitored masters by name, in the order added. */
  readonly masters = new Map<string, SentinelInstance>();
  tilt = false;
  tiltStartTime = 0;
  previousTime: number;
  announceIp: string | null = null;
  announcePort = 0;
  simFailureFlags = 0;
  denyScriptsReconfig = true;
  sentinelAuthUser: string | null = null;
  sentinelAuthPass: string | null = null;
  resolveHostnames = false;
  announceHostnames = false;
  readonly timings: SentinelTimings = {
    infoPeriod: 10000,
    pingPeriod: 1000,
    askPeriod: 1000,
    publishPeriod: 2000,
    defaultDownAfter: DEFAULT_DOWN_AFTER,
    defaultFailoverTimeout: DEFAULT_FAILOVER_TIMEOUT,
    tiltTrigger: 2000,
    tiltPeriod: 30000,
    slaveReconfTimeout: 10000,
    minLinkReconnectPeriod: 15000,
    electionTimeout: 10000,
    scriptMaxRuntime: 60000,
    scriptRetryDelay: 30000,
  };
  /** The timer frequency after the last run (server.hz, re-drawn as 10 + rand()%10 each run). */
  hz = 10;
  /** Queued and running notification / client-reconfig scripts. */
  readonly scripts: ScriptQueue = new ScriptQueue({
    now: () => this.now(),
    timings: this.timings,
    event: (level, type, message) => this.event(level, type, null, message),
    log: (message) => this.log('warning', message),
    processes: () => this.node.env.processes,
  });

  private timer: TimerHandle | null = null;
  private running = false;

  /** Builds the state from the `sentinel` directives of the config (loadSentinelConfigFromQueue). */
  constructor(
    readonly node: RedisNode,
    directives: readonly SentinelDirective[],
  ) {
    this.previousTime = node.env.now();
    loadSentinelConfig(this, directives);
  }

  /** The current time. */
  now(): number {
    return this.node.env.now();
  }

  /** A random integer in [0, n), like rand() % n. */
  rand(n: number): number {
    return Math.floor(this.node.env.random() * n);
  }

  /** Picks an ID when none is configured, logs it, announces the masters and starts the timer (sentinelIsRunning). */
  start(): void {
    if (this.myid === '') {
      this.myid = randomHex(this.node.env, 40);
      this.flushConfig();
    }
    this.log('warning', `Sentinel ID is ${this.myid}`);
    for (const ri of this.masters.values()) this.event('warning', '+monitor', ri, `quorum ${ri.quorum}`);
    this.running = true;
    this._schedule();
  }

  /** Stops the timer and closes every link. */
  shutdown(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    for (const master of this.masters.values()) this.releaseMaster(master);
    this.scripts.clear();
  }

  /** Writes a log line with Sentinel's role character when the level passes `loglevel`. */
  log(level: LogLevel, message: string): void {
    if (_LEVELS.indexOf(level) < _LEVELS.indexOf(this.node.config.get('loglevel') as LogLevel)) return;
    this.node.env.log(level, 'X', message);
  }

  /**
   * Emits an event (sentinelEvent): `rest` follows the instance details when `ri` is given. A warning about an
   * instance also runs its master's notification script with the type and message.
   */
  event(level: LogLevel, type: string, ri: SentinelInstance | null, rest = ''): void {
    const message = emitEvent(
      {
        log: (l, m) => this.log(l, m),
        publish: (ch, m) => this.node.publish(ch, m, 'channel'),
        hostnames: this.announceHostnames,
      },
      level,
      type,
      ri,
      rest,
    );
    if (level === 'warning' && ri !== null) this._notify(ri.has(SRI.MASTER) ? ri : ri.master, type, message);
  }

  /** An event about `master` whose message omits the instance details (`+new-epoch`, `+switch-master`, ...). */
  masterEvent(level: LogLevel, type: string, master: SentinelInstance, message: string): void {
    this.event(level, type, null, message);
    if (level === 'warning') this._notify(master, type, message);
  }

  /**
   * Queues the client-reconfig script of a master, if set (sentinelCallClientReconfScript), with
   * `<master-name> <leader|observer> <state> <from-ip> <from-port> <to-ip> <to-port>`.
   */
  callClientReconfScript(
    master: SentinelInstance,
    role: 'leader' | 'observer',
    state: string,
    from: SentinelAddr,
    to: SentinelAddr,
  ): void {
    if (master.clientReconfigScript === null) return;
    this.scripts.schedule(master.clientReconfigScript, [
      master.name,
      role,
      state,
      this.announce(from),
      String(from.port),
      this.announce(to),
      String(to.port),
    ]);
  }

  /**
   * Persists the state in the config file (sentinelFlushConfig); returns false, after logging why, when it cannot be
   * written.
   */
  flushConfig(): boolean {
    const env = this.node.env;
    try {
      const text = rewriteConfigText(env.readConfigFile(), this.node.config, (sink) => sentinelRewrite(this, sink));
      env.writeConfigFile(text);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.log('warning', `WARNING: Sentinel was not able to save the new configuration on disk!!!: ${reason}`);
      return false;
    }
    this.log('notice', 'Sentinel new configuration saved on disk');
    return true;
  }

  /**
   * Creates a master, replica or Sentinel record (createSentinelRedisInstance); throws SentinelInstanceError for a
   * duplicate, an unresolvable host or a bad port. A replica's name is its announced `host:port`. With
   * resolve-hostnames, a host that does not resolve yet is accepted and resolved again at each reconnection.
   */
  createInstance(
    name: string | null,
    flags: number,
    host: string,
    port: number,
    quorum: number,
    master: SentinelInstance | null,
  ): SentinelInstance {
    const addr = this.makeAddr(host, port, true);
    const key = flags & SRI.SLAVE ? addrText(addr, this.announceHostnames) : name!;
    const table = flags & SRI.MASTER ? this.masters : flags & SRI.SLAVE ? master!.slaves : master!.sentinels;
    if (table.has(key)) throw new SentinelInstanceError('EBUSY');
    const now = this.now();
    const ri = new SentinelInstance({
      flags,
      name: key,
      addr,
      link: new InstanceLink(now),
      quorum,
      master,
      now,
      downAfterPeriod: this.timings.defaultDownAfter,
      failoverTimeout: this.timings.defaultFailoverTimeout,
    });
    table.set(key, ri);
    return ri;
  }

  /**
   * Makes an address (createSentinelAddr): the port must be 0-65535 and the host an IP address, or with
   * resolve-hostnames a name that resolves; `acceptUnresolved` keeps an unresolved name with an empty IP.
   */
  makeAddr(host: string, port: number, acceptUnresolved = false): SentinelAddr {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SentinelInstanceError('EINVAL');
    let ip = this.resolveHost(host);
    if (ip === null) {
      this.log('warning', `Failed to resolve hostname '${host}'`);
      if (!(this.resolveHostnames && acceptUnresolved)) throw new SentinelInstanceError('ENOENT');
      ip = '';
    }
    return ip === host ? { host: ip, port } : { host: ip, port, hostname: host };
  }

  /**
   * The IP of `host` (anetResolve): an IP literal, normalized; with resolve-hostnames also a name, looked up through
   * the environment's network. Null when it does not resolve.
   */
  resolveHost(host: string): string | null {
    const ip = normalizeIp(host);
    if (ip !== null || !this.resolveHostnames) return ip;
    const resolved = this.node.env.net.resolve?.(host) ?? null;
    return resolved === null ? null : normalizeIp(resolved);
  }

  /** Whether `hostname` names the address (sentinelAddrEqualsHostname): by IP, or by name when it does not resolve. */
  addrEqualsHostname(addr: SentinelAddr, hostname: string): boolean {
    const ip = this.resolveHost(hostname);
    if (ip === null) {
      const own = this.resolveHostnames ? (addr.hostname ?? addr.host) : addr.host;
      return own.toLowerCase() === hostname.toLowerCase();
    }
    return addr.host.toLowerCase() === ip.toLowerCase();
  }

  /** The host an address is announced as in replies, events, hello messages and the config (announceSentinelAddr). */
  announce(addr: SentinelAddr): string {
    return announcedHost(addr, this.announceHostnames);
  }

  /** Whether a script path names an executable file (access(path, X_OK)), through the environment. */
  canExecute(path: string): boolean {
    return this.node.env.processes?.canExecute(path) ?? false;
  }

  /** The master called `name`, if monitored. */
  masterByName(name: string): SentinelInstance | undefined {
    return this.masters.get(name);
  }

  /** The address clients should use: the promoted replica's once reconfiguration began (sentinelGetCurrentMasterAddress). */
  currentMasterAddress(master: SentinelInstance): SentinelAddr {
    if (
      master.has(SRI.FAILOVER_IN_PROGRESS) &&
      master.promotedSlave !== null &&
      master.failoverState >= FailoverState.ReconfSlaves
    )
      return master.promotedSlave.addr;
    return master.addr;
  }

  /** Copies a master's down-after-milliseconds to its replicas and Sentinels (sentinelPropagateDownAfterPeriod). */
  propagateDownAfterPeriod(master: SentinelInstance): void {
    for (const ri of [...master.slaves.values(), ...master.sentinels.values()])
      ri.downAfterPeriod = master.downAfterPeriod;
  }

  /** Removes a monitored master and closes its links (SENTINEL REMOVE). */
  removeMaster(master: SentinelInstance): void {
    this.masters.delete(master.name);
    this.releaseMaster(master);
  }

  /** Closes the links of a master, its replicas and its Sentinels (releaseSentinelRedisInstance). */
  releaseMaster(master: SentinelInstance): void {
    for (const ri of master.slaves.values()) this.releaseLink(ri);
    for (const ri of master.sentinels.values()) this.releaseLink(ri);
    this.releaseLink(master);
  }

  /** Drops one owner of an instance's link, closing it when no owner is left (releaseInstanceLink). */
  releaseLink(ri: SentinelInstance): void {
    const link = ri.link;
    link.refcount--;
    if (link.refcount > 0) {
      // Replies still owed to this record must be ignored; they check `ri.link === link` on arrival.
      ri.link = new InstanceLink(this.now());
      return;
    }
    link.closeAll();
  }

  /**
   * Resets a master (sentinelResetMaster): forgets its replicas and, unless `keepSentinels`, its Sentinels, drops its
   * runtime flags and failover state, and reconnects. `generateEvent` emits `+reset-master`.
   */
  resetMaster(ri: SentinelInstance, keepSentinels: boolean, generateEvent: boolean): void {
    for (const slave of ri.slaves.values()) this.releaseLink(slave);
    ri.slaves.clear();
    if (!keepSentinels) {
      for (const si of ri.sentinels.values()) this.releaseLink(si);
      ri.sentinels.clear();
    }
    ri.link.closeAll();
    ri.flags &= SRI.MASTER;
    ri.leader = null;
    ri.failoverState = FailoverState.None;
    ri.failoverStateChangeTime = 0;
    ri.failoverStartTime = 0;
    ri.promotedSlave = null;
    ri.runid = null;
    ri.slaveMasterHost = null;
    const now = this.now();
    ri.link.actPingTime = now;
    ri.link.lastPingTime = 0;
    ri.link.lastAvailTime = now;
    ri.link.lastPongTime = now;
    ri.roleReportedTime = now;
    ri.roleReported = SRI.MASTER;
    if (generateEvent) this.event('warning', '+reset-master', ri);
  }

  /**
   * Points a master at a new address, keeping its name and Sentinels (sentinelResetMasterAndChangeAddress): its
   * replicas, and the old address when it changes, are re-added as replicas. Throws SentinelInstanceError for a bad
   * address.
   */
  resetMasterAndChangeAddress(master: SentinelInstance, host: string, port: number): void {
    const newAddr = this.makeAddr(host, port);
    const slaves: SentinelAddr[] = [];
    for (const slave of master.slaves.values()) if (!sameAddr(slave.addr, newAddr)) slaves.push(slave.addr);
    if (!sameAddr(newAddr, master.addr)) slaves.push(master.addr);
    this.resetMaster(master, true, false);
    master.addr = newAddr;
    master.oDownSinceTime = 0;
    master.sDownSinceTime = 0;
    for (const addr of slaves) {
      try {
        const host = addr.hostname ?? addr.host;
        const slave = this.createInstance(null, SRI.SLAVE, host, addr.port, master.quorum, master);
        this.event('notice', '+slave', slave);
      } catch (e) {
        if (!(e instanceof SentinelInstanceError)) throw e;
      }
    }
    this.flushConfig();
  }

  /** Resets every master whose name matches `pattern` (SENTINEL RESET); returns how many. */
  resetMastersByPattern(pattern: string, match: (pattern: string, name: string) => boolean): number {
    let reset = 0;
    for (const ri of this.masters.values()) {
      if (match(pattern, ri.name)) {
        this.resetMaster(ri, false, true);
        reset++;
      }
    }
    return reset;
  }

  /** Closes the links to every other Sentinel (sentinelDropConnections); returns how many were connected. */
  dropSentinelConnections(): number {
    let dropped = 0;
    for (const master of this.masters.values()) {
      for (const si of master.sentinels.values()) {
        if (!si.link.disconnected) {
          si.link.closeAll();
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Forces hello messages to every instance of a master at the next timer run (sentinelForceHelloUpdateForMaster). */
  forceHelloUpdate(master: SentinelInstance): void {
    const shift = this.timings.publishPeriod + 1;
    for (const ri of [master, ...master.sentinels.values(), ...master.slaves.values()])
      if (ri.lastPubTime >= shift) ri.lastPubTime -= shift;
  }

  /** Shares a link with the same Sentinel known under another master (sentinelTryConnectionSharing). */
  tryConnectionSharing(ri: SentinelInstance): boolean {
    if (ri.runid === null || ri.link.refcount > 1) return false;
    for (const master of this.masters.values()) {
      if (master === ri.master) continue;
      const match = [...master.sentinels.values()].find((s) => s.runid === ri.runid);
      if (match === undefined || match === ri) continue;
      ri.link.closeAll();
      ri.link = match.link;
      match.link.refcount++;
      return true;
    }
    return false;
  }

  /** Whether enough Sentinels are usable for this master (sentinelIsQuorumReachable). */
  quorumReachable(master: SentinelInstance): { usable: number; noQuorum: boolean; noAuth: boolean } {
    let usable = 1;
    const voters = master.sentinels.size + 1;
    for (const ri of master.sentinels.values()) if (!ri.has(SRI.S_DOWN | SRI.O_DOWN)) usable++;
    return { usable, noQuorum: usable < master.quorum, noAuth: usable < Math.floor(voters / 2) + 1 };
  }

  /** SENTINEL SIMULATE-FAILURE's crash (sentinelSimFailureCrash): the process exits with code 99. */
  simulatedCrash(): void {
    this.log('warning', 'Sentinel CRASH because of SENTINEL simulate-failure');
    this.shutdown();
    this.node.exit(99);
  }

  // --- internal ---

  /** Queues the notification script of `master`, if set, with the event's type and message. */
  private _notify(master: SentinelInstance | null, type: string, message: string): void {
    if (master?.notificationScript != null) this.scripts.schedule(master.notificationScript, [type, message]);
  }

  /** Runs sentinelTimer at the rate serverCron runs in sentinel mode: hz redrawn as 10 + rand()%10 after each run. */
  private _schedule(): void {
    this.timer = this.node.env.schedule(Math.round(1000 / this.hz), () => {
      if (!this.running) return;
      sentinelTimer(this);
      this.hz = 10 + this.rand(10);
      if (this.running) this._schedule();
    });
  }
}

const _LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];
