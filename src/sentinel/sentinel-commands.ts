// The command table of a node in sentinel mode: the SENTINEL family (sentinelCommand and friends), Sentinel's own
// INFO, ROLE and PUBLISH, and the few ordinary commands a Sentinel keeps (PING, AUTH, CLIENT, COMMAND, HELLO, the
// SUBSCRIBE family, SHUTDOWN, ACL), with metadata captured from a real redis-sentinel 7.0.15.

import {
  NIL,
  NIL_ARRAY,
  OK,
  array,
  bulk,
  bulkArray,
  integer,
  mapOf,
  simple,
  verbatim,
  type Reply,
} from '../protocol/reply.js';
import type { ClientSession } from '../node/client-session.js';
import type { CommandFamily, CommandHandler } from '../node/command-table.js';
import { ALL_COMMAND_FAMILIES } from '../node/commands/index.js';
import { helpReply } from '../node/commands/help.js';
import type { CommandMeta } from '../node/command-meta.js';
import { Errors, fail } from '../node/errors.js';
import { globMatch } from '../node/glob.js';
import { infoText } from '../node/info.js';
import raw from './sentinel-command-meta.json' with { type: 'json' };
import { createErrorText } from './sentinel-config.js';
import { sentinelSelectSlave, sentinelStartFailover, sentinelVoteLeader } from './sentinel-failover.js';
import { FAILOVER_STATE_NAMES, SRI, sameAddr, type SentinelAddr, type SentinelInstance } from './sentinel-instance.js';
import { processHelloMessage } from './sentinel-timer.js';
import { HELLO_CHANNEL, SIMFAILURE, SentinelInstanceError, type Sentinel } from './sentinel.js';

/** The captured metadata of redis-sentinel's command table. */
export const SENTINEL_COMMAND_META: Readonly<Record<string, CommandMeta>> = Object.fromEntries(
  Object.entries(raw as unknown as Record<string, unknown>).filter(([name]) => !name.startsWith('_')),
) as Record<string, CommandMeta>;

/** The INFO text of a Sentinel (sentinelInfoCommand): server, clients, stats, cpu, then the Sentinel section. */
export function sentinelInfoText(s: Sentinel, sections: readonly string[], c: ClientSession | null): string {
  const wanted = new Set<string>();
  let all = sections.length === 0;
  for (const arg of sections) {
    const name = arg.toLowerCase();
    if (name === 'default' || name === 'all' || name === 'everything') all = true;
    else if (_INFO_SECTIONS.includes(name)) wanted.add(name);
  }
  if (all) for (const name of _INFO_SECTIONS) wanted.add(name);
  const server = _INFO_SECTIONS.filter((n) => n !== 'sentinel' && wanted.has(n));
  let info = server.length === 0 ? '' : infoText(s.node, server, c);
  if (wanted.has('sentinel')) {
    if (info !== '') info += '\r\n';
    const now = s.now();
    info +=
      '# Sentinel\r\n' +
      `sentinel_masters:${s.masters.size}\r\n` +
      `sentinel_tilt:${s.tilt ? 1 : 0}\r\n` +
      `sentinel_tilt_since_seconds:${s.tilt ? Math.trunc((now - s.tiltStartTime) / 1000) : -1}\r\n` +
      `sentinel_running_scripts:${s.scripts.running}\r\n` +
      `sentinel_scripts_queue_length:${s.scripts.jobs.length}\r\n` +
      `sentinel_simulate_failure_flags:${s.simFailureFlags}\r\n`;
    let id = 0;
    for (const ri of s.masters.values()) {
      const status = ri.has(SRI.O_DOWN) ? 'odown' : ri.has(SRI.S_DOWN) ? 'sdown' : 'ok';
      info +=
        `master${id++}:name=${ri.name},status=${status},address=${s.announce(ri.addr)}:${ri.addr.port},` +
        `slaves=${ri.slaves.size},sentinels=${ri.sentinels.size + 1}\r\n`;
    }
  }
  return info;
}

/** A Sentinel's view of one instance as SENTINEL MASTER / REPLICAS / SENTINELS show it (addReplySentinelRedisInstance). */
export function instanceReply(s: Sentinel, ri: SentinelInstance): Reply {
  const now = s.now();
  const link = ri.link;
  const fields: [string, string][] = [
    ['name', ri.name],
    ['ip', s.announce(ri.addr)],
    ['port', String(ri.addr.port)],
    ['runid', ri.runid ?? ''],
    ['flags', _flagsText(ri)],
    ['link-pending-commands', String(link.pendingCommands)],
    ['link-refcount', String(link.refcount)],
  ];
  if (ri.has(SRI.FAILOVER_IN_PROGRESS))
    fields.push(['failover-state', FAILOVER_STATE_NAMES[ri.failoverState] ?? 'unknown']);
  fields.push(
    ['last-ping-sent', String(link.actPingTime !== 0 ? now - link.actPingTime : 0)],
    ['last-ok-ping-reply', String(now - link.lastAvailTime)],
    ['last-ping-reply', String(now - link.lastPongTime)],
  );
  if (ri.has(SRI.S_DOWN)) fields.push(['s-down-time', String(now - ri.sDownSinceTime)]);
  if (ri.has(SRI.O_DOWN)) fields.push(['o-down-time', String(now - ri.oDownSinceTime)]);
  fields.push(['down-after-milliseconds', String(ri.downAfterPeriod)]);
  if (ri.has(SRI.MASTER | SRI.SLAVE)) {
    fields.push(
      ['info-refresh', String(ri.infoRefresh !== 0 ? now - ri.infoRefresh : 0)],
      ['role-reported', ri.roleReported === SRI.MASTER ? 'master' : 'slave'],
      ['role-reported-time', String(now - ri.roleReportedTime)],
    );
  }
  if (ri.has(SRI.MASTER)) {
    fields.push(
      ['config-epoch', String(ri.configEpoch)],
      ['num-slaves', String(ri.slaves.size)],
      ['num-other-sentinels', String(ri.sentinels.size)],
      ['quorum', String(ri.quorum)],
      ['failover-timeout', String(ri.failoverTimeout)],
      ['parallel-syncs', String(ri.parallelSyncs)],
    );
    if (ri.notificationScript !== null) fields.push(['notification-script', ri.notificationScript]);
    if (ri.clientReconfigScript !== null) fields.push(['client-reconfig-script', ri.clientReconfigScript]);
  }
  if (ri.has(SRI.SLAVE)) {
    fields.push(
      ['master-link-down-time', String(ri.masterLinkDownTime)],
      ['master-link-status', ri.slaveMasterLinkStatus === 'up' ? 'ok' : 'err'],
      ['master-host', ri.slaveMasterHost ?? '?'],
      ['master-port', String(ri.slaveMasterPort)],
      ['slave-priority', String(ri.slavePriority)],
      ['slave-repl-offset', String(ri.slaveReplOffset)],
      ['replica-announced', String(ri.replicaAnnounced)],
    );
  }
  if (ri.has(SRI.SENTINEL)) {
    fields.push(
      ['last-hello-message', String(now - ri.lastHelloTime)],
      ['voted-leader', ri.leader ?? '?'],
      ['voted-leader-epoch', String(ri.leaderEpoch)],
    );
  }
  return mapOf(fields.map(([k, v]) => [k, bulk(v)] as const));
}

/** The SENTINEL family and Sentinel's INFO, ROLE and PUBLISH. */
export const sentinelCommands: CommandFamily = {
  'sentinel|help': () => helpReply('SENTINEL', _HELP),
  'sentinel|masters': (c) => _instances(_s(c), [..._s(c).masters.values()]),
  'sentinel|master': (c, args) => instanceReply(_s(c), _master(c, args[2]!)),
  'sentinel|replicas': (c, args) => _instances(_s(c), [..._master(c, args[2]!).slaves.values()]),
  'sentinel|slaves': (c, args) => _instances(_s(c), [..._master(c, args[2]!).slaves.values()]),
  'sentinel|sentinels': (c, args) => _instances(_s(c), [..._master(c, args[2]!).sentinels.values()]),
  'sentinel|myid': (c) => bulk(_s(c).myid),
  'sentinel|is-master-down-by-addr': (c, args) => _isMasterDownByAddr(_s(c), args),
  'sentinel|reset': (c, args) => integer(_s(c).resetMastersByPattern(args[2]!, (p, name) => globMatch(p, name))),
  'sentinel|get-master-addr-by-name': (c, args) => {
    const s = _s(c);
    const ri = s.masterByName(args[2]!);
    if (ri === undefined) return NIL_ARRAY;
    const addr = s.currentMasterAddress(ri);
    return bulkArray([s.announce(addr), String(addr.port)]);
  },
  'sentinel|failover': (c, args) => {
    const s = _s(c);
    const ri = _master(c, args[2]!);
    if (ri.has(SRI.FAILOVER_IN_PROGRESS)) return Errors.sentinelFailoverInProgress();
    if (sentinelSelectSlave(s, ri) === null) return Errors.sentinelNoGoodReplica();
    s.log('warning', `Executing user requested FAILOVER of '${ri.name}'`);
    sentinelStartFailover(s, ri);
    ri.flags |= SRI.FORCE_FAILOVER;
    return OK;
  },
  'sentinel|pending-scripts': (c) => _pendingScripts(_s(c)),
  'sentinel|monitor': (c, args) => _monitor(_s(c), args),
  'sentinel|flushconfig': (c) => _flushAndReply(_s(c)),
  'sentinel|remove': (c, args) => {
    const s = _s(c);
    const ri = _master(c, args[2]!);
    s.event('warning', '-monitor', ri);
    s.removeMaster(ri);
    return _flushAndReply(s);
  },
  'sentinel|ckquorum': (c, args) => {
    const s = _s(c);
    const { usable, noQuorum, noAuth } = s.quorumReachable(_master(c, args[2]!));
    if (!noQuorum && !noAuth)
      return simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
    let text = `${usable} usable Sentinels. `;
    if (noQuorum) text += 'Not enough available Sentinels to reach the specified quorum for this master';
    if (noAuth) {
      if (noQuorum) text += '. ';
      text += 'Not enough available Sentinels to reach the majority and authorize a failover';
    }
    return Errors.sentinelNoQuorum(text);
  },
  'sentinel|set': (c, args) => _set(_s(c), args),
  'sentinel|config': (c, args) => {
    const sub = args[2]!.toLowerCase();
    if (sub === 'set' && args.length === 5) return _configSet(_s(c), args[3]!, args[4]!);
    if (sub === 'get' && args.length === 4) return _configGet(_s(c), args[3]!);
    return Errors.sentinelConfigUsage();
  },
  'sentinel|info-cache': (c, args) => _infoCache(_s(c), args),
  'sentinel|simulate-failure': (c, args) => {
    const s = _s(c);
    s.simFailureFlags = 0;
    for (const arg of args.slice(2)) {
      const word = arg.toLowerCase();
      if (word === 'crash-after-election') {
        s.simFailureFlags |= SIMFAILURE.CRASH_AFTER_ELECTION;
        s.log(
          'warning',
          'Failure simulation: this Sentinel will crash after being successfully elected as failover leader',
        );
      } else if (word === 'crash-after-promotion') {
        s.simFailureFlags |= SIMFAILURE.CRASH_AFTER_PROMOTION;
        s.log('warning', 'Failure simulation: this Sentinel will crash after promoting the selected replica to master');
      } else if (word === 'help') {
        return bulkArray(['crash-after-election', 'crash-after-promotion']);
      } else {
        return Errors.sentinelUnknownFailureSimulation();
      }
    }
    return OK;
  },
  'sentinel|debug': (c, args) => (args.length === 2 ? _debugInfo(_s(c)) : _debugSet(_s(c), args)),
  info: (c, args) => verbatim(sentinelInfoText(_s(c), args.slice(1), c)),
  role: (c) => array([bulk('sentinel'), bulkArray([..._s(c).masters.keys()])]),
  publish: (c, args) => {
    if (args[1] !== HELLO_CHANNEL) return Errors.sentinelPublishNotHello();
    processHelloMessage(_s(c), args[2]!);
    return integer(1);
  },
};

/** Every family a sentinel-mode node registers: Sentinel's own, then the ordinary commands it keeps. */
export const SENTINEL_COMMAND_FAMILIES: readonly CommandFamily[] = [_keptCommands(), sentinelCommands];

// --- internal ---

const _INFO_SECTIONS = ['server', 'clients', 'stats', 'cpu', 'sentinel'];

const _HELP = [
  'CKQUORUM <master-name>',
  '    Check whether the quorum and the majority needed for a failover are reachable.',
  'CONFIG SET <param> <value>',
  '    Set a global Sentinel parameter.',
  'CONFIG GET <param>',
  '    Get global Sentinel parameters.',
  'DEBUG [<param> <value> ...]',
  '    Show or change the timing parameters (milliseconds).',
  'GET-MASTER-ADDR-BY-NAME <master-name>',
  "    Return the master's ip and port.",
  'FAILOVER <master-name>',
  '    Fail the master over without asking the other Sentinels.',
  'FLUSHCONFIG',
  '    Rewrite the configuration file with the current state.',
  'INFO-CACHE <master-name>',
  '    Return the last INFO of the master and its replicas.',
  'IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>',
  '    Whether this Sentinel sees the master at ip:port down (and its vote).',
  'MASTER <master-name>',
  '    Show the state of a master.',
  'MASTERS',
  '    Show every monitored master.',
  'MONITOR <name> <ip> <port> <quorum>',
  '    Start monitoring a master.',
  'MYID',
  "    Return this Sentinel's ID.",
  'PENDING-SCRIPTS',
  '    Show pending scripts.',
  'REMOVE <master-name>',
  '    Stop monitoring a master.',
  'REPLICAS <master-name>',
  '    Show the replicas of a master.',
  'RESET <pattern>',
  '    Reset the masters whose names match the pattern.',
  'SENTINELS <master-name>',
  '    Show the other Sentinels of a master.',
  'SET <master-name> <option> <value> [<option> <value> ...]',
  '    Set parameters of a master.',
  'SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]',
  '    Make this Sentinel crash at a point of a failover.',
];

/** Ordinary commands redis-sentinel keeps, taken from the node's own families. */
function _keptCommands(): CommandFamily {
  const kept: Record<string, CommandHandler> = {};
  const own = new Set(['info', 'role', 'publish']);
  for (const family of ALL_COMMAND_FAMILIES) {
    for (const [name, handler] of Object.entries(family)) {
      const bar = name.indexOf('|');
      const top = bar === -1 ? name : name.slice(0, bar);
      if (top === 'sentinel' || own.has(top)) continue;
      const meta = SENTINEL_COMMAND_META[top];
      if (meta === undefined) continue;
      if (bar !== -1 && meta.subcommands?.[name] === undefined) continue;
      kept[name] = handler;
    }
  }
  return kept;
}

function _s(c: ClientSession): Sentinel {
  const s = c.node.sentinel;
  if (s === null) throw new Error('SENTINEL command on a node that is not in sentinel mode');
  return s;
}

function _master(c: ClientSession, name: string): SentinelInstance {
  return _s(c).masterByName(name) ?? fail(Errors.sentinelNoSuchMaster());
}

/** addReplyDictOfRedisInstances: unannounced replicas are left out. */
function _instances(s: Sentinel, list: readonly SentinelInstance[]): Reply {
  return array(
    list.filter((ri) => !(ri.has(SRI.SLAVE) && ri.replicaAnnounced === 0)).map((ri) => instanceReply(s, ri)),
  );
}

function _flagsText(ri: SentinelInstance): string {
  const names: string[] = [];
  const add = (bit: number, name: string) => {
    if (ri.has(bit)) names.push(name);
  };
  add(SRI.S_DOWN, 's_down');
  add(SRI.O_DOWN, 'o_down');
  add(SRI.MASTER, 'master');
  add(SRI.SLAVE, 'slave');
  add(SRI.SENTINEL, 'sentinel');
  if (ri.link.disconnected) names.push('disconnected');
  add(SRI.MASTER_DOWN, 'master_down');
  add(SRI.FAILOVER_IN_PROGRESS, 'failover_in_progress');
  add(SRI.PROMOTED, 'promoted');
  add(SRI.RECONF_SENT, 'reconf_sent');
  add(SRI.RECONF_INPROG, 'reconf_inprog');
  add(SRI.RECONF_DONE, 'reconf_done');
  add(SRI.FORCE_FAILOVER, 'force_failover');
  add(SRI.SCRIPT_KILL_SENT, 'script_kill_sent');
  return names.join(',');
}

/** SENTINEL PENDING-SCRIPTS (sentinelPendingScriptsCommand): one map per queued job, oldest first. */
function _pendingScripts(s: Sentinel): Reply {
  const now = s.now();
  return array(
    s.scripts.jobs.map((job) => {
      const timing: [string, number] = job.running
        ? ['run-time', now - job.startTime]
        : ['run-delay', job.startTime !== 0 ? Math.max(0, job.startTime - now) : 0];
      return mapOf([
        ['argv', bulkArray([...job.argv])],
        ['flags', bulk(job.running ? 'running' : 'scheduled')],
        ['pid', bulk(String(job.pid))],
        [timing[0], bulk(String(timing[1]))],
        ['retry-num', bulk(String(job.retryNum))],
      ]);
    }),
  );
}

function _flushAndReply(s: Sentinel): Reply {
  return s.flushConfig() ? OK : Errors.sentinelSaveFailed();
}

/** A C long as getLongFromObjectOrReply reads it, or null. */
function _long(text: string): number | null {
  if (!/^-?\d+$/.test(text) || text.length > 20) return null;
  const n = BigInt(text);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) return null;
  return Number(n);
}

function _isMasterDownByAddr(s: Sentinel, args: string[]): Reply {
  const port = _long(args[3]!);
  const reqEpoch = _long(args[4]!);
  if (port === null || reqEpoch === null) return Errors.notInteger();
  let ri: SentinelInstance | undefined;
  let asked: SentinelAddr | null = null;
  try {
    asked = s.makeAddr(args[2]!, port, true);
  } catch (e) {
    if (!(e instanceof SentinelInstanceError)) throw e;
  }
  for (const m of s.masters.values()) {
    if (asked !== null && sameAddr(m.addr, asked)) {
      ri = m;
      break;
    }
  }
  const isDown = !s.tilt && ri !== undefined && ri.has(SRI.S_DOWN) && ri.has(SRI.MASTER);
  let leader: string | null = null;
  let leaderEpoch = 0;
  if (ri !== undefined && ri.has(SRI.MASTER) && args[5]! !== '*') {
    const vote = sentinelVoteLeader(s, ri, reqEpoch, args[5]!);
    leader = vote.leader;
    leaderEpoch = vote.epoch;
  }
  return array([integer(isDown ? 1 : 0), bulk(leader ?? '*'), integer(leaderEpoch)]);
}

function _monitor(s: Sentinel, args: string[]): Reply {
  const quorum = _long(args[5]!);
  if (quorum === null) return Errors.sentinelInvalidQuorum();
  const port = _long(args[4]!);
  if (port === null) return Errors.sentinelInvalidPort();
  if (quorum <= 0) return Errors.sentinelQuorumTooSmall();
  let ri: SentinelInstance;
  if (s.resolveHost(args[3]!) === null) return Errors.sentinelInvalidAddress();
  try {
    ri = s.createInstance(args[2]!, SRI.MASTER, args[3]!, port, quorum, null);
  } catch (e) {
    if (e instanceof SentinelInstanceError) return Errors.sentinelCreateFailed(createErrorText(e.code, SRI.MASTER));
    throw e;
  }
  const reply = _flushAndReply(s);
  s.event('warning', '+monitor', ri, `quorum ${ri.quorum}`);
  return reply;
}

/** SENTINEL SET <master> <option> <value> ...: each change is an event; the config is saved once at the end. */
function _set(s: Sentinel, args: string[]): Reply {
  const ri = s.masterByName(args[2]!);
  if (ri === undefined) return Errors.sentinelNoSuchMaster();
  let changes = 0;
  let failure: Reply | null = null;
  for (let j = 3; j < args.length && failure === null; j++) {
    const option = args[j]!;
    const lower = option.toLowerCase();
    const moreArgs = args.length - 1 - j;
    const start = j;
    let redacted = false;
    const positive = (min: number): number | null => {
      const n = _long(args[++j]!);
      if (n === null || n < min) {
        failure = Errors.sentinelSetInvalidArgument(args[j]!, option);
        return null;
      }
      return n;
    };
    if (lower === 'down-after-milliseconds' && moreArgs > 0) {
      const n = positive(1);
      if (n === null) break;
      ri.downAfterPeriod = n;
      s.propagateDownAfterPeriod(ri);
    } else if (lower === 'failover-timeout' && moreArgs > 0) {
      const n = positive(1);
      if (n === null) break;
      ri.failoverTimeout = n;
    } else if (lower === 'parallel-syncs' && moreArgs > 0) {
      const n = positive(1);
      if (n === null) break;
      ri.parallelSyncs = n;
    } else if ((lower === 'notification-script' || lower === 'client-reconfig-script') && moreArgs > 0) {
      const path = args[++j]!;
      const notification = lower === 'notification-script';
      if (s.denyScriptsReconfig) failure = Errors.sentinelScriptsReconfigDenied();
      else if (path !== '' && !s.canExecute(path))
        failure = notification
          ? Errors.sentinelNotificationScriptNotExecutable()
          : Errors.sentinelReconfigScriptNotExecutable();
      if (failure !== null) break;
      if (notification) ri.notificationScript = path === '' ? null : path;
      else ri.clientReconfigScript = path === '' ? null : path;
    } else if (lower === 'auth-pass' && moreArgs > 0) {
      const value = args[++j]!;
      ri.authPass = value === '' ? null : value;
      _dropInstanceConnections(ri);
      redacted = true;
    } else if (lower === 'auth-user' && moreArgs > 0) {
      const value = args[++j]!;
      ri.authUser = value === '' ? null : value;
      _dropInstanceConnections(ri);
    } else if (lower === 'quorum' && moreArgs > 0) {
      const n = positive(1);
      if (n === null) break;
      ri.quorum = n;
    } else if (lower === 'rename-command' && moreArgs > 1) {
      const oldName = args[++j]!;
      const newName = args[++j]!;
      if (oldName === '' || newName === '') {
        failure = Errors.sentinelSetInvalidArgument(newName !== '' ? oldName : newName, option);
        break;
      }
      ri.renamedCommands.delete(oldName.toLowerCase());
      if (oldName.toLowerCase() !== newName.toLowerCase()) ri.renamedCommands.set(oldName.toLowerCase(), newName);
    } else if (lower === 'master-reboot-down-after-period' && moreArgs > 0) {
      const n = positive(0);
      if (n === null) break;
      ri.masterRebootDownAfterPeriod = n;
    } else {
      failure = Errors.sentinelSetUnknownOption(option);
      break;
    }
    changes++;
    const numArgs = j - start + 1;
    if (numArgs === 2) s.event('warning', '+set', ri, `${option} ${redacted ? '******' : args[start + 1]}`);
    else if (numArgs === 3) s.event('warning', '+set', ri, `${option} ${args[start + 1]} ${args[start + 2]}`);
    else s.event('warning', '+set', ri, option);
  }
  if (failure !== null) {
    if (changes > 0) s.flushConfig();
    return failure;
  }
  return changes > 0 ? _flushAndReply(s) : OK;
}

function _dropInstanceConnections(master: SentinelInstance): void {
  master.link.closeAll();
  for (const slave of master.slaves.values()) slave.link.closeAll();
}

function _configSet(s: Sentinel, option: string, value: string): Reply {
  const name = option.toLowerCase();
  let dropConnections = false;
  const yesNo = value.toLowerCase() === 'yes' ? true : value.toLowerCase() === 'no' ? false : null;
  if (name === 'resolve-hostnames' || name === 'announce-hostnames') {
    if (yesNo === null) return Errors.sentinelConfigSetInvalidValue(value, option);
    if (name === 'resolve-hostnames') s.resolveHostnames = yesNo;
    else s.announceHostnames = yesNo;
  } else if (name === 'announce-ip') {
    s.announceIp = value;
  } else if (name === 'announce-port') {
    const n = _long(value);
    if (n === null || n < 0 || n > 65535) return Errors.sentinelConfigSetInvalidValue(value, option);
    s.announcePort = n;
  } else if (name === 'sentinel-user') {
    s.sentinelAuthUser = value === '' ? null : value;
    dropConnections = true;
  } else if (name === 'sentinel-pass') {
    s.sentinelAuthPass = value === '' ? null : value;
    dropConnections = true;
  } else {
    return Errors.sentinelConfigSetInvalidArgument(option);
  }
  const reply = _flushAndReply(s);
  if (dropConnections) s.dropSentinelConnections();
  return reply;
}

function _configGet(s: Sentinel, pattern: string): Reply {
  const values: [string, string][] = [
    ['resolve-hostnames', s.resolveHostnames ? 'yes' : 'no'],
    ['announce-hostnames', s.announceHostnames ? 'yes' : 'no'],
    ['announce-ip', s.announceIp ?? ''],
    ['announce-port', String(s.announcePort)],
    ['sentinel-user', s.sentinelAuthUser ?? ''],
    ['sentinel-pass', s.sentinelAuthPass ?? ''],
  ];
  return mapOf(values.filter(([name]) => globMatch(pattern, name, true)).map(([k, v]) => [k, bulk(v)] as const));
}

function _infoCache(s: Sentinel, args: string[]): Reply {
  const now = s.now();
  let masters = [...s.masters.values()];
  if (args.length > 2) {
    const picked = new Map<string, SentinelInstance>();
    for (const name of args.slice(2)) {
      const ri = s.masterByName(name);
      if (ri !== undefined) picked.set(ri.name, ri);
    }
    masters = [...picked.values()];
  }
  const items: Reply[] = [];
  for (const ri of masters) {
    items.push(bulk(ri.name));
    const entries: Reply[] = [
      array([integer(ri.infoRefresh !== 0 ? now - ri.infoRefresh : 0), ri.info === null ? NIL : bulk(ri.info)]),
    ];
    // Redis tests the master's info_refresh here, not the replica's (a quirk kept).
    for (const sri of ri.slaves.values())
      entries.push(
        array([integer(ri.infoRefresh !== 0 ? now - sri.infoRefresh : 0), sri.info === null ? NIL : bulk(sri.info)]),
      );
    items.push(array(entries));
  }
  return array(items);
}

const _DEBUG_FIELDS: readonly [string, keyof Sentinel['timings']][] = [
  ['INFO-PERIOD', 'infoPeriod'],
  ['PING-PERIOD', 'pingPeriod'],
  ['ASK-PERIOD', 'askPeriod'],
  ['PUBLISH-PERIOD', 'publishPeriod'],
  ['DEFAULT-DOWN-AFTER', 'defaultDownAfter'],
  ['DEFAULT-FAILOVER-TIMEOUT', 'defaultFailoverTimeout'],
  ['TILT-TRIGGER', 'tiltTrigger'],
  ['TILT-PERIOD', 'tiltPeriod'],
  ['SLAVE-RECONF-TIMEOUT', 'slaveReconfTimeout'],
  ['MIN-LINK-RECONNECT-PERIOD', 'minLinkReconnectPeriod'],
  ['ELECTION-TIMEOUT', 'electionTimeout'],
  ['SCRIPT-MAX-RUNTIME', 'scriptMaxRuntime'],
  ['SCRIPT-RETRY-DELAY', 'scriptRetryDelay'],
];

function _debugInfo(s: Sentinel): Reply {
  return mapOf(_DEBUG_FIELDS.map(([name, key]) => [name, bulk(String(s.timings[key]))] as const));
}

/** SENTINEL DEBUG <param> <value> ...: options are applied in order until one fails. */
function _debugSet(s: Sentinel, args: string[]): Reply {
  for (let j = 2; j < args.length; j++) {
    const option = args[j]!;
    const field = _DEBUG_FIELDS.find(([name]) => name.toLowerCase() === option.toLowerCase());
    if (field === undefined || args.length - 1 - j <= 0) return Errors.sentinelDebugUnknownOption(option);
    const value = _long(args[++j]!);
    if (value === null || value <= 0) return Errors.sentinelDebugInvalidArgument(args[j]!, option);
    s.timings[field[1]] = value;
  }
  return OK;
}
