// sentinelTimer and the monitoring half of sentinel.c: (re)connecting links, the PING / INFO / hello cadence,
// reading INFO replies, hello messages, SDOWN, ODOWN via SENTINEL is-master-down-by-addr, and TILT.

import { hostOf } from '../cluster/ip-address.js';
import type { Reply } from '../protocol/reply.js';
import type { RespClient } from '../protocol/resp-client.js';
import {
  sentinelFailoverStateMachine,
  sentinelSendSlaveOf,
  sentinelStartFailoverIfNeeded,
} from './sentinel-failover.js';
import { FailoverState, SRI, sameAddr, type SentinelInstance } from './sentinel-instance.js';
import { InstanceLink } from './sentinel-links.js';
import { HELLO_CHANNEL, SIMFAILURE, SentinelInstanceError, type Sentinel } from './sentinel.js';

/** Most requests a link may have unanswered before periodic ones are skipped (SENTINEL_MAX_PENDING_COMMANDS). */
const MAX_PENDING_COMMANDS = 100;

/** One run of Sentinel's timer (sentinelTimer): the TILT check, then every master with its replicas and Sentinels. */
export function sentinelTimer(s: Sentinel): void {
  checkTiltCondition(s);
  handleInstances(s, [...s.masters.values()]);
  s.scripts.tick();
}

/** Sends a request on an instance's command link, counting it pending until its reply (redisAsyncCommand). */
export function sendCommand(
  s: Sentinel,
  ri: SentinelInstance,
  args: readonly string[],
  onReply: (reply: Reply) => void = () => {},
): boolean {
  const link = ri.link;
  const cc = link.cc;
  if (cc === null) return false;
  link.pendingCommands++;
  cc.send(args, (reply) => {
    // A reply for a closed link, or for a record that no longer owns this link, is dropped.
    if (reply === null || link.cc !== cc) return;
    link.pendingCommands--;
    if (ri.link === link) onReply(reply);
  });
  return true;
}

/** Processes a hello payload from a pub/sub link or a PUBLISH to this Sentinel (sentinelProcessHelloMessage). */
export function processHelloMessage(s: Sentinel, hello: string): void {
  const token = hello.split(',');
  if (token.length !== 8) return;
  const master = s.masterByName(token[4]!);
  if (master === undefined) return;
  const port = _atoi(token[1]!);
  const masterPort = _atoi(token[6]!);
  const runid = token[2]!;
  let si = _findSentinel(master, token[0]!, port, runid);
  const currentEpoch = _strtoull(token[3]!);
  const masterConfigEpoch = _strtoull(token[7]!);
  if (si === undefined) {
    let removed = _removeSentinelById(s, master, runid);
    if (removed > 0) {
      s.event('notice', '+sentinel-address-switch', master, `ip ${token[0]} port ${port} for ${runid}`);
    } else {
      const other = _findSentinel(master, token[0]!, port, null);
      if (other !== undefined) {
        s.event('notice', '+sentinel-invalid-addr', other);
        const obsolete = other.runid;
        if (obsolete !== null) for (const m of s.masters.values()) _removeSentinelById(s, m, obsolete);
      }
    }
    try {
      si = s.createInstance(runid, SRI.SENTINEL, token[0]!, port, master.quorum, master);
      if (removed === 0) s.event('notice', '+sentinel', si);
      si.runid = runid;
      s.tryConnectionSharing(si);
      if (removed > 0) removed = _updateSentinelAddressInAllMasters(s, si);
      s.flushConfig();
    } catch (e) {
      if (!(e instanceof SentinelInstanceError)) throw e;
      si = undefined;
    }
  }
  if (currentEpoch > s.currentEpoch) {
    s.currentEpoch = currentEpoch;
    s.flushConfig();
    s.masterEvent('warning', '+new-epoch', master, String(s.currentEpoch));
  }
  if (si !== undefined && master.configEpoch < masterConfigEpoch) {
    master.configEpoch = masterConfigEpoch;
    if (masterPort !== master.addr.port || !s.addrEqualsHostname(master.addr, token[5]!)) {
      s.event('warning', '+config-update-from', si);
      s.masterEvent(
        'warning',
        '+switch-master',
        master,
        `${master.name} ${s.announce(master.addr)} ${master.addr.port} ${token[5]} ${masterPort}`,
      );
      const oldAddr = master.addr;
      try {
        s.resetMasterAndChangeAddress(master, token[5]!, masterPort);
      } catch (e) {
        if (!(e instanceof SentinelInstanceError)) throw e;
      }
      s.callClientReconfScript(master, 'observer', 'start', oldAddr, master.addr);
    }
  }
  if (si !== undefined) si.lastHelloTime = s.now();
}

/** Applies an INFO reply from a master or replica (sentinelRefreshInstanceInfo). */
export function refreshInstanceInfo(s: Sentinel, ri: SentinelInstance, info: string): void {
  const now = s.now();
  ri.info = info;
  ri.masterLinkDownTime = 0;
  let role = 0;
  for (const l of info.split('\r\n')) {
    if (l.length >= 47 && l.startsWith('run_id:')) {
      const id = l.slice(7, 47);
      if (ri.runid === null) {
        ri.runid = id;
      } else if (ri.runid !== id) {
        s.event('notice', '+reboot', ri);
        if (ri.has(SRI.MASTER) && ri.masterRebootDownAfterPeriod !== 0) {
          ri.flags |= SRI.MASTER_REBOOT;
          ri.masterRebootSinceTime = now;
        }
        ri.runid = id;
      }
    }
    if (ri.has(SRI.MASTER) && l.length >= 7 && l.startsWith('slave') && l.charCodeAt(5) >= 48 && l.charCodeAt(5) <= 57)
      _discoverReplica(s, ri, l);
    if (l.length >= 32 && l.startsWith('master_link_down_since_seconds'))
      ri.masterLinkDownTime = _strtoll(l.slice(31)) * 1000;
    if (l.startsWith('role:master')) role = SRI.MASTER;
    else if (l.startsWith('role:slave')) role = SRI.SLAVE;
    if (role === SRI.SLAVE) {
      if (l.startsWith('master_host:')) {
        const host = l.slice(12);
        if (ri.slaveMasterHost === null || ri.slaveMasterHost.toLowerCase() !== host.toLowerCase()) {
          ri.slaveMasterHost = host;
          ri.slaveConfChangeTime = now;
        }
      }
      if (l.startsWith('master_port:')) {
        const port = _atoi(l.slice(12));
        if (ri.slaveMasterPort !== port) {
          ri.slaveMasterPort = port;
          ri.slaveConfChangeTime = now;
        }
      }
      if (l.startsWith('master_link_status:'))
        ri.slaveMasterLinkStatus = l.slice(19).toLowerCase() === 'up' ? 'up' : 'down';
      if (l.startsWith('slave_priority:')) ri.slavePriority = _atoi(l.slice(15));
      if (l.startsWith('slave_repl_offset:')) ri.slaveReplOffset = _strtoull(l.slice(18));
      if (l.startsWith('replica_announced:')) ri.replicaAnnounced = _atoi(l.slice(18));
    }
  }
  ri.infoRefresh = now;

  if (role !== ri.roleReported) {
    ri.roleReportedTime = now;
    ri.roleReported = role;
    if (role === SRI.SLAVE) ri.slaveConfChangeTime = now;
    const coherent = (ri.flags & (SRI.MASTER | SRI.SLAVE)) === role;
    s.event(
      'verbose',
      coherent ? '+role-change' : '-role-change',
      ri,
      `new reported role is ${role === SRI.MASTER ? 'master' : 'slave'}`,
    );
  }
  if (s.tilt) return;
  const master = ri.master;
  // A replica turned master: the promotion we asked for, or one to convert back after a while.
  if (ri.has(SRI.SLAVE) && role === SRI.MASTER && master !== null) {
    if (
      ri.has(SRI.PROMOTED) &&
      master.has(SRI.FAILOVER_IN_PROGRESS) &&
      master.failoverState === FailoverState.WaitPromotion
    ) {
      master.configEpoch = master.failoverEpoch;
      master.failoverState = FailoverState.ReconfSlaves;
      master.failoverStateChangeTime = now;
      s.flushConfig();
      s.event('warning', '+promoted-slave', ri);
      if (s.simFailureFlags & SIMFAILURE.CRASH_AFTER_PROMOTION) {
        s.simulatedCrash();
        return;
      }
      s.event('warning', '+failover-state-reconf-slaves', master);
      s.callClientReconfScript(master, 'leader', 'start', master.addr, ri.addr);
      s.forceHelloUpdate(master);
    } else {
      const wait = s.timings.publishPeriod * 4;
      if (
        !ri.has(SRI.PROMOTED) &&
        masterLooksSane(s, master) &&
        noDownFor(s, ri, wait) &&
        now - ri.roleReportedTime > wait
      ) {
        if (sentinelSendSlaveOf(s, ri, master.addr)) s.event('notice', '+convert-to-slave', ri);
      }
    }
  }
  // A replica of the wrong master.
  if (
    ri.has(SRI.SLAVE) &&
    role === SRI.SLAVE &&
    master !== null &&
    (ri.slaveMasterPort !== master.addr.port || !s.addrEqualsHostname(master.addr, ri.slaveMasterHost ?? ''))
  ) {
    const wait = master.failoverTimeout;
    if (masterLooksSane(s, master) && noDownFor(s, ri, wait) && now - ri.slaveConfChangeTime > wait) {
      if (sentinelSendSlaveOf(s, ri, master.addr)) s.event('notice', '+fix-slave-config', ri);
    }
  }
  // A replica being reconfigured during a failover made progress.
  if (ri.has(SRI.SLAVE) && role === SRI.SLAVE && ri.has(SRI.RECONF_SENT | SRI.RECONF_INPROG) && master !== null) {
    const promoted = master.promotedSlave;
    if (
      ri.has(SRI.RECONF_SENT) &&
      promoted !== null &&
      ri.slaveMasterHost !== null &&
      s.addrEqualsHostname(promoted.addr, ri.slaveMasterHost) &&
      ri.slaveMasterPort === promoted.addr.port
    ) {
      ri.flags &= ~SRI.RECONF_SENT;
      ri.flags |= SRI.RECONF_INPROG;
      s.event('notice', '+slave-reconf-inprog', ri);
    }
    if (ri.has(SRI.RECONF_INPROG) && ri.slaveMasterLinkStatus === 'up') {
      ri.flags &= ~SRI.RECONF_INPROG;
      ri.flags |= SRI.RECONF_DONE;
      s.event('notice', '+slave-reconf-done', ri);
    }
  }
}

/** Whether a master is configured, reports itself master, is up and answered INFO lately (sentinelMasterLooksSane). */
export function masterLooksSane(s: Sentinel, master: SentinelInstance): boolean {
  return (
    master.has(SRI.MASTER) &&
    master.roleReported === SRI.MASTER &&
    !master.has(SRI.S_DOWN | SRI.O_DOWN) &&
    s.now() - master.infoRefresh < s.timings.infoPeriod * 2
  );
}

// --- internal ---

function _atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number(m[1]);
}

function _strtoull(text: string): number {
  const m = /^\s*\+?(\d+)/.exec(text);
  return m === null ? 0 : Number(m[1]);
}

function _strtoll(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** No SDOWN or ODOWN in the last `ms` (sentinelRedisInstanceNoDownFor). */
function noDownFor(s: Sentinel, ri: SentinelInstance, ms: number): boolean {
  const mostRecent = Math.max(ri.sDownSinceTime, ri.oDownSinceTime);
  return mostRecent === 0 || s.now() - mostRecent > ms;
}

/** TILT: the timer ran backwards or more than tilt-trigger late (sentinelCheckTiltCondition). */
function checkTiltCondition(s: Sentinel): void {
  const now = s.now();
  const delta = now - s.previousTime;
  if (delta < 0 || delta > s.timings.tiltTrigger) {
    s.tilt = true;
    s.tiltStartTime = now;
    s.event('warning', '+tilt', null, '#tilt mode entered');
  }
  s.previousTime = now;
}

/** sentinelHandleDictOfRedisInstances: each instance, then a master's replicas and Sentinels, then any switch. */
function handleInstances(s: Sentinel, instances: readonly SentinelInstance[]): void {
  let switchToPromoted: SentinelInstance | null = null;
  for (const ri of instances) {
    handleInstance(s, ri);
    if (ri.has(SRI.MASTER)) {
      handleInstances(s, [...ri.slaves.values()]);
      handleInstances(s, [...ri.sentinels.values()]);
      if (ri.failoverState === FailoverState.UpdateConfig) switchToPromoted = ri;
    }
  }
  if (switchToPromoted !== null) switchToPromotedSlave(s, switchToPromoted);
}

/** sentinelHandleRedisInstance. */
function handleInstance(s: Sentinel, ri: SentinelInstance): void {
  reconnectInstance(s, ri);
  sendPeriodicCommands(s, ri);
  if (s.tilt) {
    if (s.now() - s.tiltStartTime < s.timings.tiltPeriod) return;
    s.tilt = false;
    s.event('warning', '-tilt', null, '#tilt mode exited');
  }
  checkSubjectivelyDown(s, ri);
  if (ri.has(SRI.MASTER)) {
    checkObjectivelyDown(s, ri);
    if (sentinelStartFailoverIfNeeded(s, ri)) askMasterStateToOtherSentinels(s, ri, true);
    sentinelFailoverStateMachine(s, ri);
    askMasterStateToOtherSentinels(s, ri, false);
  }
}

/** sentinelFailoverSwitchToPromotedSlave: `+switch-master` and the master record moves to the new address. */
function switchToPromotedSlave(s: Sentinel, master: SentinelInstance): void {
  const ref = master.promotedSlave ?? master;
  s.masterEvent(
    'warning',
    '+switch-master',
    master,
    `${master.name} ${s.announce(master.addr)} ${master.addr.port} ${s.announce(ref.addr)} ${ref.addr.port}`,
  );
  try {
    s.resetMasterAndChangeAddress(master, ref.addr.hostname ?? ref.addr.host, ref.addr.port);
  } catch (e) {
    if (!(e instanceof SentinelInstanceError)) throw e;
  }
}

/** Opens the missing links of an instance at most once per ping period (sentinelReconnectInstance). */
function reconnectInstance(s: Sentinel, ri: SentinelInstance): void {
  const link = ri.link;
  if (!link.disconnected) return;
  if (ri.addr.port === 0) return;
  const now = s.now();
  if (now - link.lastReconnTime < s.timings.pingPeriod) return;
  link.lastReconnTime = now;
  const net = s.node.env.net;
  if (link.cc === null) {
    // The host may not have resolved before, or may have moved: look its name up again.
    if (s.resolveHostnames) {
      try {
        ri.addr = s.makeAddr(ri.addr.hostname ?? ri.addr.host, ri.addr.port);
      } catch (e) {
        if (!(e instanceof SentinelInstanceError)) throw e;
      }
    }
    // An unresolved name cannot be connected to; the next period tries again.
    if (ri.addr.host === '') return;
    const cc: RespClient = InstanceLink.open(net, ri.addr.host, ri.addr.port, () => link.lost(cc));
    link.cc = cc;
    link.pendingCommands = 0;
    link.ccConnTime = now;
    _sendAuthIfNeeded(s, ri, cc);
    _setClientName(s, ri, cc, 'cmd');
    sendPing(s, ri);
  }
  if (ri.has(SRI.MASTER | SRI.SLAVE) && link.pc === null) {
    const pc: RespClient = InstanceLink.open(net, ri.addr.host, ri.addr.port, () => link.lost(pc));
    link.pc = pc;
    link.pcConnTime = now;
    _sendAuthIfNeeded(s, ri, pc);
    _setClientName(s, ri, pc, 'pubsub');
    pc.onPush = (reply) => _receiveHello(s, ri, link, reply);
    pc.send([ri.mapCommand('SUBSCRIBE'), HELLO_CHANNEL], (reply) => {
      if (reply !== null) _receiveHello(s, ri, link, reply);
    });
  }
  if (link.cc !== null && (ri.has(SRI.SENTINEL) || link.pc !== null)) link.disconnected = false;
}

/** AUTH with the master's auth-pass (replicas use their master's), or sentinel-user/pass for Sentinels. */
function _sendAuthIfNeeded(s: Sentinel, ri: SentinelInstance, client: RespClient): void {
  let pass: string | null;
  let user: string | null;
  if (ri.has(SRI.MASTER)) {
    pass = ri.authPass;
    user = ri.authUser;
  } else if (ri.has(SRI.SLAVE)) {
    pass = ri.master?.authPass ?? null;
    user = ri.master?.authUser ?? null;
  } else if (s.sentinelAuthPass !== null) {
    pass = s.sentinelAuthPass;
    user = s.sentinelAuthUser;
  } else {
    // Sentinels share the local requirepass when no sentinel-pass is set.
    const local = s.node.config.get('requirepass');
    pass = local === '' ? null : local;
    user = null;
  }
  if (pass === null) return;
  const args = user === null ? [ri.mapCommand('AUTH'), pass] : [ri.mapCommand('AUTH'), user, pass];
  const link = ri.link;
  if (client === link.cc) sendCommand(s, ri, args);
  else client.send(args);
}

/** CLIENT SETNAME sentinel-<first 8 of myid>-<cmd|pubsub>; the reply is ignored (sentinelSetClientName). */
function _setClientName(s: Sentinel, ri: SentinelInstance, client: RespClient, type: string): void {
  const args = [ri.mapCommand('CLIENT'), 'SETNAME', `sentinel-${s.myid.slice(0, 8)}-${type}`];
  if (client === ri.link.cc) sendCommand(s, ri, args);
  else client.send(args);
}

/** A message on the pub/sub link (sentinelReceiveHelloMessages): any traffic counts as activity. */
function _receiveHello(s: Sentinel, ri: SentinelInstance, link: InstanceLink, reply: Reply): void {
  if (ri.link !== link) return;
  link.pcLastActivity = s.now();
  if (reply.t !== 'array' && reply.t !== 'push') return;
  const items = reply.items;
  if (items.length !== 3 || !items.every((r) => r.t === 'bulk')) return;
  const [kind, , payload] = items as { t: 'bulk'; s: string }[];
  if (kind!.s !== 'message') return;
  if (payload!.s.includes(s.myid)) return;
  processHelloMessage(s, payload!.s);
}

/** Sends a PING and starts the pending-ping clock if no PING was pending (sentinelSendPing). */
function sendPing(s: Sentinel, ri: SentinelInstance): boolean {
  const ok = sendCommand(s, ri, [ri.mapCommand('PING')], (reply) => _pingReply(s, ri, reply));
  if (!ok) return false;
  ri.link.lastPingTime = s.now();
  if (ri.link.actPingTime === 0) ri.link.actPingTime = ri.link.lastPingTime;
  return true;
}

/** sentinelPingReplyCallback. */
function _pingReply(s: Sentinel, ri: SentinelInstance, reply: Reply): void {
  const link = ri.link;
  if (reply.t === 'simple' || reply.t === 'error') {
    const text = reply.s;
    if (text.startsWith('PONG') || text.startsWith('LOADING') || text.startsWith('MASTERDOWN')) {
      link.lastAvailTime = s.now();
      link.actPingTime = 0;
      if (ri.has(SRI.MASTER_REBOOT) && text.startsWith('PONG')) ri.flags &= ~SRI.MASTER_REBOOT;
    } else if (text.startsWith('BUSY') && ri.has(SRI.S_DOWN) && !ri.has(SRI.SCRIPT_KILL_SENT)) {
      sendCommand(s, ri, [ri.mapCommand('SCRIPT'), 'KILL']);
      ri.flags |= SRI.SCRIPT_KILL_SENT;
    }
  }
  link.lastPongTime = s.now();
}

/** Sends our hello for this instance's master (sentinelSendHello); false when it cannot be sent now. */
function sendHello(s: Sentinel, ri: SentinelInstance): boolean {
  const master = ri.has(SRI.MASTER) ? ri : ri.master!;
  const masterAddr = s.currentMasterAddress(master);
  const link = ri.link;
  if (link.disconnected || link.cc === null) return false;
  let ip = s.announceIp;
  if (ip === null) {
    const local = link.cc.link.localAddress;
    if (local === '') return false;
    ip = hostOf(local);
  }
  const port = s.announcePort !== 0 ? s.announcePort : s.node.config.getNumber('port');
  const payload =
    `${ip},${port},${s.myid},${s.currentEpoch},` +
    `${master.name},${s.announce(masterAddr)},${masterAddr.port},${master.configEpoch}`;
  return sendCommand(s, ri, [ri.mapCommand('PUBLISH'), HELLO_CHANNEL, payload], (reply) => {
    if (reply.t !== 'error') ri.lastPubTime = s.now();
  });
}

/** INFO, PING and hello at their periods (sentinelSendPeriodicCommands). */
function sendPeriodicCommands(s: Sentinel, ri: SentinelInstance): void {
  const now = s.now();
  const link = ri.link;
  if (link.disconnected) return;
  if (link.pendingCommands >= MAX_PENDING_COMMANDS * link.refcount) return;
  const master = ri.master;
  const infoPeriod =
    ri.has(SRI.SLAVE) &&
    master !== null &&
    (master.has(SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS) || ri.masterLinkDownTime !== 0)
      ? 1000
      : s.timings.infoPeriod;
  const pingPeriod = Math.min(ri.downAfterPeriod, s.timings.pingPeriod);
  if (!ri.has(SRI.SENTINEL) && (ri.infoRefresh === 0 || now - ri.infoRefresh > infoPeriod)) {
    sendCommand(s, ri, [ri.mapCommand('INFO')], (reply) => {
      if (reply.t === 'bulk' || reply.t === 'verbatim') refreshInstanceInfo(s, ri, reply.s);
    });
  }
  if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) sendPing(s, ri);
  if (now - ri.lastPubTime > s.timings.publishPeriod) sendHello(s, ri);
}

/** SDOWN, and recycling links that look stuck (sentinelCheckSubjectivelyDown). */
function checkSubjectivelyDown(s: Sentinel, ri: SentinelInstance): void {
  const now = s.now();
  const link = ri.link;
  let elapsed = 0;
  if (link.actPingTime !== 0) elapsed = now - link.actPingTime;
  else if (link.disconnected) elapsed = now - link.lastAvailTime;
  if (
    link.cc !== null &&
    now - link.ccConnTime > s.timings.minLinkReconnectPeriod &&
    link.actPingTime !== 0 &&
    now - link.actPingTime > ri.downAfterPeriod / 2 &&
    now - link.lastPongTime > ri.downAfterPeriod / 2
  )
    link.closeConnection('cc');
  if (
    link.pc !== null &&
    now - link.pcConnTime > s.timings.minLinkReconnectPeriod &&
    now - link.pcLastActivity > s.timings.publishPeriod * 3
  )
    link.closeConnection('pc');
  const down =
    elapsed > ri.downAfterPeriod ||
    (ri.has(SRI.MASTER) &&
      ri.roleReported === SRI.SLAVE &&
      now - ri.roleReportedTime > ri.downAfterPeriod + s.timings.infoPeriod * 2) ||
    (ri.has(SRI.MASTER_REBOOT) && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod);
  if (down) {
    if (!ri.has(SRI.S_DOWN)) {
      s.event('warning', '+sdown', ri);
      ri.sDownSinceTime = now;
      ri.flags |= SRI.S_DOWN;
    }
  } else if (ri.has(SRI.S_DOWN)) {
    s.event('warning', '-sdown', ri);
    ri.flags &= ~(SRI.S_DOWN | SRI.SCRIPT_KILL_SENT);
  }
}

/** ODOWN: SDOWN here and MASTER_DOWN from enough Sentinels (sentinelCheckObjectivelyDown). */
function checkObjectivelyDown(s: Sentinel, master: SentinelInstance): void {
  let quorum = 0;
  let odown = false;
  if (master.has(SRI.S_DOWN)) {
    quorum = 1;
    for (const ri of master.sentinels.values()) if (ri.has(SRI.MASTER_DOWN)) quorum++;
    if (quorum >= master.quorum) odown = true;
  }
  if (odown) {
    if (!master.has(SRI.O_DOWN)) {
      s.event('warning', '+odown', master, `#quorum ${quorum}/${master.quorum}`);
      master.flags |= SRI.O_DOWN;
      master.oDownSinceTime = s.now();
    }
  } else if (master.has(SRI.O_DOWN)) {
    s.event('warning', '-odown', master);
    master.flags &= ~SRI.O_DOWN;
  }
}

/** Asks the other Sentinels whether they see the master down, and for their vote once failing over. */
function askMasterStateToOtherSentinels(s: Sentinel, master: SentinelInstance, forced: boolean): void {
  for (const ri of master.sentinels.values()) {
    const elapsed = s.now() - ri.lastMasterDownReplyTime;
    if (elapsed > s.timings.askPeriod * 5) {
      ri.flags &= ~SRI.MASTER_DOWN;
      ri.leader = null;
    }
    if (!master.has(SRI.S_DOWN)) continue;
    if (ri.link.disconnected) continue;
    if (!forced && s.now() - ri.lastMasterDownReplyTime < s.timings.askPeriod) continue;
    const args = [
      ri.mapCommand('SENTINEL'),
      'is-master-down-by-addr',
      s.announce(master.addr),
      String(master.addr.port),
      String(s.currentEpoch),
      master.failoverState > FailoverState.None ? s.myid : '*',
    ];
    sendCommand(s, ri, args, (reply) => {
      if (reply.t !== 'array' || reply.items.length !== 3) return;
      const [down, leader, epoch] = reply.items;
      if (down!.t !== 'int' || leader!.t !== 'bulk' || epoch!.t !== 'int') return;
      ri.lastMasterDownReplyTime = s.now();
      if (Number(down!.n) === 1) ri.flags |= SRI.MASTER_DOWN;
      else ri.flags &= ~SRI.MASTER_DOWN;
      if (leader!.s !== '*') {
        if (ri.leaderEpoch !== Number(epoch!.n)) s.log('warning', `${ri.name} voted for ${leader!.s} ${epoch!.n}`);
        ri.leader = leader!.s;
        ri.leaderEpoch = Number(epoch!.n);
      }
    });
  }
}

/** Adds a replica named by a master's INFO `slaveN:` line, old or new format. */
function _discoverReplica(s: Sentinel, master: SentinelInstance, line: string): void {
  let ip: string;
  let port: string;
  if (!line.includes('ip=')) {
    const colon = line.indexOf(':');
    if (colon === -1) return;
    const fields = line.slice(colon + 1).split(',');
    if (fields.length < 3) return;
    ip = fields[0]!;
    port = fields[1]!;
  } else {
    const ipAt = line.indexOf('ip=');
    const portAt = line.indexOf('port=');
    if (portAt === -1) return;
    ip = line.slice(ipAt + 3).split(',')[0]!;
    port = line.slice(portAt + 5).split(',')[0]!;
  }
  const portNum = _atoi(port);
  for (const slave of master.slaves.values()) if (sameAddr(slave.addr, { host: ip, port: portNum })) return;
  try {
    const slave = s.createInstance(null, SRI.SLAVE, ip, portNum, master.quorum, master);
    s.event('notice', '+slave', slave);
    s.flushConfig();
  } catch (e) {
    if (!(e instanceof SentinelInstanceError)) throw e;
  }
}

/** Finds a Sentinel of a master by address and, when given, run id (getSentinelRedisInstanceByAddrAndRunID). */
function _findSentinel(
  master: SentinelInstance,
  host: string,
  port: number,
  runid: string | null,
): SentinelInstance | undefined {
  for (const ri of master.sentinels.values()) {
    if (runid !== null && ri.runid === null) continue;
    if ((runid === null || ri.runid === runid) && sameAddr(ri.addr, { host, port })) return ri;
  }
  return undefined;
}

/** removeMatchingSentinelFromMaster. */
function _removeSentinelById(s: Sentinel, master: SentinelInstance, runid: string): number {
  let removed = 0;
  for (const [key, ri] of [...master.sentinels]) {
    if (ri.runid === runid) {
      master.sentinels.delete(key);
      s.releaseLink(ri);
      removed++;
    }
  }
  return removed;
}

/** sentinelUpdateSentinelAddressInAllMasters. */
function _updateSentinelAddressInAllMasters(s: Sentinel, ri: SentinelInstance): number {
  let reconfigured = 0;
  for (const master of s.masters.values()) {
    const match = [...master.sentinels.values()].find((x) => x.runid === ri.runid);
    if (match === undefined) continue;
    match.link.closeAll();
    if (match === ri) continue;
    match.addr = ri.addr;
    reconfigured++;
  }
  if (reconfigured > 0)
    s.event('notice', '+sentinel-address-update', ri, `${reconfigured} additional matching instances`);
  return reconfigured;
}
