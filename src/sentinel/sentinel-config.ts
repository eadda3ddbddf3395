// sentinel.conf: the `sentinel ...` directives read at start-up (sentinelHandleConfiguration, applied in three passes
// so their order in the file does not matter) and the lines CONFIG REWRITE writes back to keep Sentinel's state
// across restarts (rewriteConfigSentinelOption), in Redis's order.

import { ConfigFileError, type ConfigLocation, type RewriteSink } from '../node/config-file.js';
import { SRI, sameAddr } from './sentinel-instance.js';
import { SentinelInstanceError, type Sentinel } from './sentinel.js';

/** One `sentinel` directive: its words after `sentinel`, and where it was written. */
export interface SentinelDirective {
  readonly words: readonly string[];
  readonly where: ConfigLocation | null;
}

/**
 * Applies the directives (loadSentinelConfigFromQueue): global options first, then `monitor` lines, then the
 * per-master ones. Throws ConfigFileError naming the directive and its place.
 */
export function loadSentinelConfig(s: Sentinel, directives: readonly SentinelDirective[]): void {
  const first: SentinelDirective[] = [];
  const monitors: SentinelDirective[] = [];
  const rest: SentinelDirective[] = [];
  for (const d of directives) {
    const name = (d.words[0] ?? '').toLowerCase();
    if (name === 'monitor') monitors.push(d);
    else if (_PRE_MONITOR.has(name)) first.push(d);
    else rest.push(d);
  }
  for (const d of [...first, ...monitors, ...rest]) {
    const reason = applySentinelDirective(s, d.words);
    if (reason !== null) throw new ConfigFileError(reason, 'sentinel', d.where);
  }
}

/** Applies one directive (sentinelHandleConfiguration); returns Redis's reason text when it is refused, else null. */
export function applySentinelDirective(s: Sentinel, argv: readonly string[]): string | null {
  const argc = argv.length;
  const opt = (argv[0] ?? '').toLowerCase();
  const master = () => s.masterByName(argv[1] ?? '');
  const create = (run: () => void, role: number): string | null => {
    try {
      run();
      return null;
    } catch (e) {
      if (e instanceof SentinelInstanceError) return createErrorText(e.code, role);
      throw e;
    }
  };
  if (opt === 'monitor' && argc === 5) {
    const quorum = _atoi(argv[4]!);
    if (quorum <= 0) return 'Quorum must be 1 or greater.';
    return create(() => s.createInstance(argv[1]!, SRI.MASTER, argv[2]!, _atoi(argv[3]!), quorum, null), SRI.MASTER);
  }
  if (opt === 'current-epoch' && argc === 2) {
    const epoch = _strtoull(argv[1]!);
    if (epoch > s.currentEpoch) s.currentEpoch = epoch;
    return null;
  }
  if (opt === 'myid' && argc === 2) {
    if (argv[1]!.length !== 40) return 'Malformed Sentinel id in myid option.';
    s.myid = argv[1]!;
    return null;
  }
  if (opt === 'announce-ip' && argc === 2) {
    if (argv[1] !== '') s.announceIp = argv[1]!;
    return null;
  }
  if (opt === 'announce-port' && argc === 2) {
    s.announcePort = _atoi(argv[1]!);
    return null;
  }
  if (opt === 'deny-scripts-reconfig' && argc === 2) {
    const yes = _yesNo(argv[1]!);
    if (yes === null) return 'Please specify yes or no for the deny-scripts-reconfig options.';
    s.denyScriptsReconfig = yes;
    return null;
  }
  if (opt === 'sentinel-user' && argc === 2) {
    if (argv[1] !== '') s.sentinelAuthUser = argv[1]!;
    return null;
  }
  if (opt === 'sentinel-pass' && argc === 2) {
    if (argv[1] !== '') s.sentinelAuthPass = argv[1]!;
    return null;
  }
  if (opt === 'resolve-hostnames' && argc === 2) {
    const yes = _yesNo(argv[1]!);
    if (yes === null) return 'Please specify yes or no for the resolve-hostnames option.';
    s.resolveHostnames = yes;
    return null;
  }
  if (opt === 'announce-hostnames' && argc === 2) {
    const yes = _yesNo(argv[1]!);
    if (yes === null) return 'Please specify yes or no for the announce-hostnames option.';
    s.announceHostnames = yes;
    return null;
  }
  const perMaster = _PER_MASTER[opt];
  if (perMaster !== undefined && perMaster.includes(argc)) {
    const ri = master();
    if (ri === undefined) return 'No such master with specified name.';
    switch (opt) {
      case 'down-after-milliseconds':
        ri.downAfterPeriod = _atoi(argv[2]!);
        if (ri.downAfterPeriod <= 0) return 'negative or zero time parameter.';
        s.propagateDownAfterPeriod(ri);
        return null;
      case 'failover-timeout':
        ri.failoverTimeout = _atoi(argv[2]!);
        return ri.failoverTimeout <= 0 ? 'negative or zero time parameter.' : null;
      case 'parallel-syncs':
        ri.parallelSyncs = _atoi(argv[2]!);
        return null;
      case 'notification-script':
        if (!s.canExecute(argv[2]!)) return 'Notification script seems non existing or non executable.';
        ri.notificationScript = argv[2]!;
        return null;
      case 'client-reconfig-script':
        if (!s.canExecute(argv[2]!)) return 'Client reconfiguration script seems non existing or non executable.';
        ri.clientReconfigScript = argv[2]!;
        return null;
      case 'auth-pass':
        ri.authPass = argv[2]!;
        return null;
      case 'auth-user':
        ri.authUser = argv[2]!;
        return null;
      case 'config-epoch':
        ri.configEpoch = _strtoull(argv[2]!);
        if (ri.configEpoch > s.currentEpoch) s.currentEpoch = ri.configEpoch;
        return null;
      case 'leader-epoch':
        ri.leaderEpoch = _strtoull(argv[2]!);
        return null;
      case 'known-slave':
      case 'known-replica':
        return create(() => s.createInstance(null, SRI.SLAVE, argv[2]!, _atoi(argv[3]!), ri.quorum, ri), SRI.SLAVE);
      case 'known-sentinel': {
        if (argc === 4) return null; // the old form without a run id is ignored
        return create(() => {
          const si = s.createInstance(argv[4]!, SRI.SENTINEL, argv[2]!, _atoi(argv[3]!), ri.quorum, ri);
          si.runid = argv[4]!;
          s.tryConnectionSharing(si);
        }, SRI.SENTINEL);
      }
      case 'rename-command': {
        const old = argv[2]!.toLowerCase();
        if (ri.renamedCommands.has(old)) return 'Same command renamed multiple times with rename-command.';
        ri.renamedCommands.set(old, argv[3]!);
        return null;
      }
      case 'master-reboot-down-after-period':
        ri.masterRebootDownAfterPeriod = _atoi(argv[2]!);
        return ri.masterRebootDownAfterPeriod < 0 ? 'negative time parameter.' : null;
    }
  }
  return 'Unrecognized sentinel configuration statement.';
}

/** The reason text for a failed instance creation (sentinelCheckCreateInstanceErrors). */
export function createErrorText(code: SentinelInstanceError['code'], role: number): string {
  if (code === 'EBUSY') {
    if (role === SRI.MASTER) return 'Duplicate master name.';
    if (role === SRI.SLAVE) return 'Duplicate hostname and port for replica.';
    return 'Duplicate runid for sentinel.';
  }
  if (code === 'ENOENT') return "Can't resolve instance hostname.";
  return 'Invalid port number.';
}

/** Writes Sentinel's lines into a CONFIG REWRITE (rewriteConfigSentinelOption), in Redis's order. */
export function sentinelRewrite(s: Sentinel, sink: RewriteSink): void {
  sink.rewrite('sentinel myid', `sentinel myid ${s.myid}`, true);
  sink.rewrite(
    'sentinel deny-scripts-reconfig',
    `sentinel deny-scripts-reconfig ${s.denyScriptsReconfig ? 'yes' : 'no'}`,
    !s.denyScriptsReconfig,
  );
  sink.rewrite(
    'sentinel resolve-hostnames',
    `sentinel resolve-hostnames ${s.resolveHostnames ? 'yes' : 'no'}`,
    s.resolveHostnames,
  );
  sink.rewrite(
    'sentinel announce-hostnames',
    `sentinel announce-hostnames ${s.announceHostnames ? 'yes' : 'no'}`,
    s.announceHostnames,
  );
  for (const master of s.masters.values()) {
    const addr = s.currentMasterAddress(master);
    const name = master.name;
    const host = s.announce(addr);
    sink.rewrite('sentinel monitor', `sentinel monitor ${name} ${host} ${addr.port} ${master.quorum}`, true);
    if (master.downAfterPeriod !== s.timings.defaultDownAfter)
      sink.rewrite(
        'sentinel down-after-milliseconds',
        `sentinel down-after-milliseconds ${name} ${master.downAfterPeriod}`,
        true,
      );
    if (master.failoverTimeout !== s.timings.defaultFailoverTimeout)
      sink.rewrite('sentinel failover-timeout', `sentinel failover-timeout ${name} ${master.failoverTimeout}`, true);
    if (master.parallelSyncs !== 1)
      sink.rewrite('sentinel parallel-syncs', `sentinel parallel-syncs ${name} ${master.parallelSyncs}`, true);
    if (master.notificationScript !== null)
      sink.rewrite(
        'sentinel notification-script',
        `sentinel notification-script ${name} ${master.notificationScript}`,
        true,
      );
    if (master.clientReconfigScript !== null)
      sink.rewrite(
        'sentinel client-reconfig-script',
        `sentinel client-reconfig-script ${name} ${master.clientReconfigScript}`,
        true,
      );
    if (master.authPass !== null)
      sink.rewrite('sentinel auth-pass', `sentinel auth-pass ${name} ${master.authPass}`, true);
    if (master.authUser !== null)
      sink.rewrite('sentinel auth-user', `sentinel auth-user ${name} ${master.authUser}`, true);
    if (master.masterRebootDownAfterPeriod !== 0)
      sink.rewrite(
        'sentinel master-reboot-down-after-period',
        `sentinel master-reboot-down-after-period ${name} ${master.masterRebootDownAfterPeriod}`,
        true,
      );
    sink.rewrite('sentinel config-epoch', `sentinel config-epoch ${name} ${master.configEpoch}`, true);
    sink.rewrite('sentinel leader-epoch', `sentinel leader-epoch ${name} ${master.leaderEpoch}`, true);
    for (const slave of master.slaves.values()) {
      // The promoted replica is written under the old master's address until the switch completes.
      const slaveAddr = sameAddr(slave.addr, addr) ? master.addr : slave.addr;
      sink.rewrite(
        'sentinel known-replica',
        `sentinel known-replica ${name} ${s.announce(slaveAddr)} ${slaveAddr.port}`,
        true,
      );
    }
    for (const si of master.sentinels.values()) {
      if (si.runid === null) continue;
      sink.rewrite(
        'sentinel known-sentinel',
        `sentinel known-sentinel ${name} ${s.announce(si.addr)} ${si.addr.port} ${si.runid}`,
        true,
      );
    }
    for (const [oldName, newName] of master.renamedCommands)
      sink.rewrite('sentinel rename-command', `sentinel rename-command ${name} ${oldName} ${newName}`, true);
  }
  sink.rewrite('sentinel current-epoch', `sentinel current-epoch ${s.currentEpoch}`, true);
  const optional: [string, string | null][] = [
    ['sentinel announce-ip', s.announceIp === null ? null : `sentinel announce-ip ${_repr(s.announceIp)}`],
    ['sentinel announce-port', s.announcePort === 0 ? null : `sentinel announce-port ${s.announcePort}`],
    ['sentinel sentinel-user', s.sentinelAuthUser === null ? null : `sentinel sentinel-user ${s.sentinelAuthUser}`],
    ['sentinel sentinel-pass', s.sentinelAuthPass === null ? null : `sentinel sentinel-pass ${s.sentinelAuthPass}`],
  ];
  for (const [option, line] of optional) {
    if (line === null) sink.markProcessed(option);
    else sink.rewrite(option, line, true);
  }
  for (const option of _MARKED_AFTER) sink.markProcessed(option);
}

// --- internal ---

/** Options applied before the `monitor` lines (preMonitorCfgName). */
const _PRE_MONITOR = new Set([
  'announce-ip',
  'announce-port',
  'deny-scripts-reconfig',
  'sentinel-user',
  'sentinel-pass',
  'current-epoch',
  'myid',
  'resolve-hostnames',
  'announce-hostnames',
]);

/** Per-master options and the argument counts (with the option name) each accepts. */
const _PER_MASTER: Readonly<Record<string, readonly number[]>> = {
  'down-after-milliseconds': [3],
  'failover-timeout': [3],
  'parallel-syncs': [3],
  'notification-script': [3],
  'client-reconfig-script': [3],
  'auth-pass': [3],
  'auth-user': [3],
  'config-epoch': [3],
  'leader-epoch': [3],
  'known-slave': [4],
  'known-replica': [4],
  'known-sentinel': [4, 5],
  'rename-command': [4],
  'master-reboot-down-after-period': [3],
};

/** Options whose old lines are dropped when not rewritten. */
const _MARKED_AFTER = [
  'sentinel monitor',
  'sentinel down-after-milliseconds',
  'sentinel failover-timeout',
  'sentinel parallel-syncs',
  'sentinel notification-script',
  'sentinel client-reconfig-script',
  'sentinel auth-pass',
  'sentinel auth-user',
  'sentinel config-epoch',
  'sentinel leader-epoch',
  'sentinel known-replica',
  'sentinel known-sentinel',
  'sentinel rename-command',
  'sentinel master-reboot-down-after-period',
];

/** C's atoi: leading whitespace, optional sign, digits; 0 when none. */
function _atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  if (m === null) return 0;
  const n = Number(m[1]);
  return Math.max(-2147483648, Math.min(2147483647, n));
}

/** strtoull(text, NULL, 10) as Sentinel uses it for epochs. */
function _strtoull(text: string): number {
  const m = /^\s*\+?(\d+)/.exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** yesnotoi: `yes` / `no` in any case, else null. */
function _yesNo(text: string): boolean | null {
  const lower = text.toLowerCase();
  return lower === 'yes' ? true : lower === 'no' ? false : null;
}

/** sdscatrepr for announce-ip: quoted, with non-printable bytes escaped. */
function _repr(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
