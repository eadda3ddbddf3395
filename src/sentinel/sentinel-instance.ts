// The records a Sentinel keeps (sentinelRedisInstance in sentinel.c): a monitored master, one of its replicas, or
// another Sentinel watching it, with the flags, timers and failover state Redis keeps for each.

import type { InstanceLink } from './sentinel-links.js';

/** Instance flags (SRI_*), the bits Redis uses. */
export const SRI = {
  MASTER: 1 << 0,
  SLAVE: 1 << 1,
  SENTINEL: 1 << 2,
  S_DOWN: 1 << 3,
  O_DOWN: 1 << 4,
  MASTER_DOWN: 1 << 5,
  FAILOVER_IN_PROGRESS: 1 << 6,
  PROMOTED: 1 << 7,
  RECONF_SENT: 1 << 8,
  RECONF_INPROG: 1 << 9,
  RECONF_DONE: 1 << 10,
  FORCE_FAILOVER: 1 << 11,
  SCRIPT_KILL_SENT: 1 << 12,
  MASTER_REBOOT: 1 << 13,
} as const;

/** The failover state machine's states (SENTINEL_FAILOVER_STATE_*), in order. */
export enum FailoverState {
  None = 0,
  WaitStart = 1,
  SelectSlave = 2,
  SendSlaveofNoOne = 3,
  WaitPromotion = 4,
  ReconfSlaves = 5,
  UpdateConfig = 6,
}

/** The names SENTINEL MASTER prints for each failover state (sentinelFailoverStateStr). */
export const FAILOVER_STATE_NAMES: readonly string[] = [
  'none',
  'wait_start',
  'select_slave',
  'send_slaveof_noone',
  'wait_promotion',
  'reconf_slaves',
  'update_config',
];

/** Whether a replica's link to its master is up, as its INFO says (SENTINEL_MASTER_LINK_STATUS_*). */
export type MasterLinkStatus = 'up' | 'down';

/** An address Sentinel talks to (sentinelAddr). */
export interface SentinelAddr {
  /** The IP connections go to; empty for a hostname not resolved yet (resolve-hostnames). */
  readonly host: string;
  readonly port: number;
  /** The host as configured or reported, when it differs from `host` (announced with announce-hostnames). */
  readonly hostname?: string;
}

/** One monitored instance (sentinelRedisInstance). */
export class SentinelInstance {
  flags: number;
  /** Master name, `ip:port` for a replica, the run id for a Sentinel. */
  readonly name: string;
  runid: string | null = null;
  configEpoch = 0;
  addr: SentinelAddr;
  link: InstanceLink;
  lastPubTime: number;
  lastHelloTime: number;
  lastMasterDownReplyTime: number;
  sDownSinceTime = 0;
  oDownSinceTime = 0;
  downAfterPeriod: number;
  masterRebootDownAfterPeriod = 0;
  masterRebootSinceTime = 0;
  /** When the last INFO reply arrived; 0 when none has. */
  infoRefresh = 0;
  /** The role the instance reports in INFO (SRI.MASTER or SRI.SLAVE, 0 when unknown). */
  roleReported: number;
  roleReportedTime: number;
  slaveConfChangeTime: number;
  /** Other Sentinels watching this master, by run id (masters only). */
  readonly sentinels = new Map<string, SentinelInstance>();
  /** Replicas of this master, by `ip:port` (masters only). */
  readonly slaves = new Map<string, SentinelInstance>();
  quorum: number;
  parallelSyncs = 1;
  authPass: string | null = null;
  authUser: string | null = null;
  masterLinkDownTime = 0;
  slavePriority = 100;
  replicaAnnounced = 1;
  slaveReconfSentTime = 0;
  /** The master of a replica or Sentinel record. */
  readonly master: SentinelInstance | null;
  slaveMasterHost: string | null = null;
  slaveMasterPort = 0;
  slaveMasterLinkStatus: MasterLinkStatus = 'down';
  slaveReplOffset = 0;
  /** A master: the Sentinel elected to fail it over; a Sentinel: the one it voted for. */
  leader: string | null = null;
  leaderEpoch = 0;
  failoverEpoch = 0;
  failoverState = FailoverState.None;
  failoverStateChangeTime = 0;
  failoverStartTime = 0;
  failoverTimeout: number;
  failoverDelayLogged = 0;
  promotedSlave: SentinelInstance | null = null;
  /** A master's notification-script and client-reconfig-script paths, null when not set. */
  notificationScript: string | null = null;
  clientReconfigScript: string | null = null;
  /** The last INFO text received (SENTINEL INFO-CACHE). */
  info: string | null = null;
  /** Commands renamed on this instance (sentinel rename-command), lowercase original → new name. */
  readonly renamedCommands = new Map<string, string>();

  constructor(init: {
    flags: number;
    name: string;
    addr: SentinelAddr;
    link: InstanceLink;
    quorum: number;
    master: SentinelInstance | null;
    now: number;
    downAfterPeriod: number;
    failoverTimeout: number;
  }) {
    this.flags = init.flags;
    this.name = init.name;
    this.addr = init.addr;
    this.link = init.link;
    this.quorum = init.quorum;
    this.master = init.master;
    this.lastPubTime = init.now;
    this.lastHelloTime = init.now;
    this.lastMasterDownReplyTime = init.now;
    this.downAfterPeriod = init.master?.downAfterPeriod ?? init.downAfterPeriod;
    this.failoverTimeout = init.failoverTimeout;
    this.roleReported = init.flags & (SRI.MASTER | SRI.SLAVE);
    this.roleReportedTime = init.now;
    this.slaveConfChangeTime = init.now;
  }

  /** Whether any of `bits` is set. */
  has(bits: number): boolean {
    return (this.flags & bits) !== 0;
  }

  /** `master`, `slave` or `sentinel` (sentinelRedisInstanceTypeStr). */
  get typeName(): string {
    if (this.has(SRI.MASTER)) return 'master';
    if (this.has(SRI.SLAVE)) return 'slave';
    if (this.has(SRI.SENTINEL)) return 'sentinel';
    return 'unknown';
  }

  /** The name a command is sent under on this instance (sentinelInstanceMapCommand). */
  mapCommand(command: string): string {
    const master = this.has(SRI.MASTER) ? this : this.master;
    return master?.renamedCommands.get(command.toLowerCase()) ?? command;
  }
}

/** Whether two addresses are the same: same port, and same IP or same hostname (sentinelAddrOrHostnameEqual). */
export function sameAddr(a: SentinelAddr, b: SentinelAddr): boolean {
  return (
    a.port === b.port &&
    (a.host.toLowerCase() === b.host.toLowerCase() ||
      (a.hostname ?? a.host).toLowerCase() === (b.hostname ?? b.host).toLowerCase())
  );
}

/** The host an address is announced as: its hostname with announce-hostnames, else its IP (announceSentinelAddr). */
export function announcedHost(a: SentinelAddr, hostnames: boolean): string {
  return hostnames ? (a.hostname ?? a.host) : a.host;
}

/** `host:port` as announced, as replica names are made (announceSentinelAddrAndPort). */
export function addrText(a: SentinelAddr, hostnames = false): string {
  return `${announcedHost(a, hostnames)}:${a.port}`;
}
