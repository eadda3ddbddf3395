// The failover half of sentinel.c: votes and leader election, choosing the replica to promote, and the state machine
// that promotes it, repoints the other replicas and ends in +switch-master.

import { FailoverState, SRI, type SentinelAddr, type SentinelInstance } from './sentinel-instance.js';
import { sendCommand } from './sentinel-timer.js';
import { SIMFAILURE, type Sentinel } from './sentinel.js';

/**
 * Votes for `reqRunid` as failover leader for `reqEpoch` unless we already voted in that epoch or later
 * (sentinelVoteLeader); returns our vote for the master and its epoch.
 */
export function sentinelVoteLeader(
  s: Sentinel,
  master: SentinelInstance,
  reqEpoch: number,
  reqRunid: string,
): { leader: string | null; epoch: number } {
  if (reqEpoch > s.currentEpoch) {
    s.currentEpoch = reqEpoch;
    s.flushConfig();
    s.masterEvent('warning', '+new-epoch', master, String(s.currentEpoch));
  }
  if (master.leaderEpoch < reqEpoch && s.currentEpoch <= reqEpoch) {
    master.leader = reqRunid;
    master.leaderEpoch = s.currentEpoch;
    s.flushConfig();
    s.masterEvent('warning', '+vote-for-leader', master, `${master.leader} ${master.leaderEpoch}`);
    // Voting for another Sentinel delays our own attempt for this master.
    if (master.leader.toLowerCase() !== s.myid.toLowerCase()) master.failoverStartTime = s.now() + s.rand(1000);
  }
  return { leader: master.leader, epoch: master.leaderEpoch };
}

/** The Sentinel with a majority and at least quorum votes in `epoch`, or null (sentinelGetLeader). */
export function sentinelGetLeader(s: Sentinel, master: SentinelInstance, epoch: number): string | null {
  const counters = new Map<string, number>();
  const voters = master.sentinels.size + 1;
  for (const ri of master.sentinels.values())
    if (ri.leader !== null && ri.leaderEpoch === s.currentEpoch)
      counters.set(ri.leader, (counters.get(ri.leader) ?? 0) + 1);
  let winner: string | null = null;
  let maxVotes = 0;
  for (const [runid, votes] of counters) {
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = runid;
    }
  }
  const mine = sentinelVoteLeader(s, master, epoch, winner ?? s.myid);
  if (mine.leader !== null && mine.epoch === epoch) {
    const votes = (counters.get(mine.leader) ?? 0) + 1;
    counters.set(mine.leader, votes);
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = mine.leader;
    }
  }
  if (winner !== null && (maxVotes < Math.floor(voters / 2) + 1 || maxVotes < master.quorum)) winner = null;
  return winner;
}

/**
 * Sends `MULTI, SLAVEOF host port (or NO ONE), CONFIG REWRITE, CLIENT KILL TYPE normal, CLIENT KILL TYPE pubsub,
 * EXEC` (sentinelSendSlaveOf); replies are ignored, the effect is read from INFO. False when not connected.
 */
export function sentinelSendSlaveOf(s: Sentinel, ri: SentinelInstance, addr: SentinelAddr | null): boolean {
  if (ri.link.cc === null) return false;
  const host = addr === null ? 'NO' : s.announce(addr);
  const port = addr === null ? 'ONE' : String(addr.port);
  sendCommand(s, ri, [ri.mapCommand('MULTI')]);
  sendCommand(s, ri, [ri.mapCommand('SLAVEOF'), host, port]);
  sendCommand(s, ri, [ri.mapCommand('CONFIG'), 'REWRITE']);
  sendCommand(s, ri, [ri.mapCommand('CLIENT'), 'KILL', 'TYPE', 'normal']);
  sendCommand(s, ri, [ri.mapCommand('CLIENT'), 'KILL', 'TYPE', 'pubsub']);
  sendCommand(s, ri, [ri.mapCommand('EXEC')]);
  return true;
}

/** Starts a failover: a new epoch, `+try-failover`, and a start time with a random desync (sentinelStartFailover). */
export function sentinelStartFailover(s: Sentinel, master: SentinelInstance): void {
  master.failoverState = FailoverState.WaitStart;
  master.flags |= SRI.FAILOVER_IN_PROGRESS;
  master.failoverEpoch = ++s.currentEpoch;
  s.masterEvent('warning', '+new-epoch', master, String(s.currentEpoch));
  s.event('warning', '+try-failover', master);
  master.failoverStartTime = s.now() + s.rand(1000);
  master.failoverStateChangeTime = s.now();
}

/** Starts a failover for an ODOWN master unless one ran within 2× failover-timeout (sentinelStartFailoverIfNeeded). */
export function sentinelStartFailoverIfNeeded(s: Sentinel, master: SentinelInstance): boolean {
  if (!master.has(SRI.O_DOWN)) return false;
  if (master.has(SRI.FAILOVER_IN_PROGRESS)) return false;
  if (s.now() - master.failoverStartTime < master.failoverTimeout * 2) {
    if (master.failoverDelayLogged !== master.failoverStartTime) {
      master.failoverDelayLogged = master.failoverStartTime;
      const at = ctime(master.failoverStartTime + master.failoverTimeout * 2);
      s.log('warning', `Next failover delay: I will not start a failover before ${at}`);
    }
    return false;
  }
  sentinelStartFailover(s, master);
  return true;
}

/** The best replica to promote, or null (sentinelSelectSlave + compareSlavesForPromotion). */
export function sentinelSelectSlave(s: Sentinel, master: SentinelInstance): SentinelInstance | null {
  const now = s.now();
  let maxMasterDownTime = 0;
  if (master.has(SRI.S_DOWN)) maxMasterDownTime += now - master.sDownSinceTime;
  maxMasterDownTime += master.downAfterPeriod * 10;
  const candidates: SentinelInstance[] = [];
  for (const slave of master.slaves.values()) {
    if (slave.has(SRI.S_DOWN | SRI.O_DOWN)) continue;
    if (slave.link.disconnected) continue;
    if (now - slave.link.lastAvailTime > s.timings.pingPeriod * 5) continue;
    if (slave.slavePriority === 0) continue;
    const infoValidity = master.has(SRI.S_DOWN) ? s.timings.pingPeriod * 5 : s.timings.infoPeriod * 3;
    if (now - slave.infoRefresh > infoValidity) continue;
    if (slave.masterLinkDownTime > maxMasterDownTime) continue;
    candidates.push(slave);
  }
  candidates.sort(_compareForPromotion);
  return candidates[0] ?? null;
}

/** One step of a master's failover (sentinelFailoverStateMachine). */
export function sentinelFailoverStateMachine(s: Sentinel, ri: SentinelInstance): void {
  if (!ri.has(SRI.FAILOVER_IN_PROGRESS)) return;
  switch (ri.failoverState) {
    case FailoverState.WaitStart:
      _waitStart(s, ri);
      break;
    case FailoverState.SelectSlave:
      _selectSlave(s, ri);
      break;
    case FailoverState.SendSlaveofNoOne:
      _sendSlaveOfNoOne(s, ri);
      break;
    case FailoverState.WaitPromotion:
      if (s.now() - ri.failoverStateChangeTime > ri.failoverTimeout) {
        s.event('warning', '-failover-abort-slave-timeout', ri);
        _abort(s, ri);
      }
      break;
    case FailoverState.ReconfSlaves:
      _reconfNextSlave(s, ri);
      break;
    default:
      break;
  }
}

// --- internal ---

function _compareForPromotion(a: SentinelInstance, b: SentinelInstance): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset > b.slaveReplOffset) return -1;
  if (a.slaveReplOffset < b.slaveReplOffset) return 1;
  if (a.runid === null && b.runid === null) return 0;
  if (a.runid === null) return 1;
  if (b.runid === null) return -1;
  const x = a.runid.toLowerCase();
  const y = b.runid.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** sentinelFailoverWaitStart: wait to be elected (a forced failover needs no election). */
function _waitStart(s: Sentinel, ri: SentinelInstance): void {
  const leader = sentinelGetLeader(s, ri, ri.failoverEpoch);
  const isLeader = leader !== null && leader.toLowerCase() === s.myid.toLowerCase();
  if (!isLeader && !ri.has(SRI.FORCE_FAILOVER)) {
    const electionTimeout = Math.min(s.timings.electionTimeout, ri.failoverTimeout);
    if (s.now() - ri.failoverStartTime > electionTimeout) {
      s.event('warning', '-failover-abort-not-elected', ri);
      _abort(s, ri);
    }
    return;
  }
  s.event('warning', '+elected-leader', ri);
  if (s.simFailureFlags & SIMFAILURE.CRASH_AFTER_ELECTION) {
    s.simulatedCrash();
    return;
  }
  ri.failoverState = FailoverState.SelectSlave;
  ri.failoverStateChangeTime = s.now();
  s.event('warning', '+failover-state-select-slave', ri);
}

function _selectSlave(s: Sentinel, ri: SentinelInstance): void {
  const slave = sentinelSelectSlave(s, ri);
  if (slave === null) {
    s.event('warning', '-failover-abort-no-good-slave', ri);
    _abort(s, ri);
    return;
  }
  s.event('warning', '+selected-slave', slave);
  slave.flags |= SRI.PROMOTED;
  ri.promotedSlave = slave;
  ri.failoverState = FailoverState.SendSlaveofNoOne;
  ri.failoverStateChangeTime = s.now();
  s.event('notice', '+failover-state-send-slaveof-noone', slave);
}

function _sendSlaveOfNoOne(s: Sentinel, ri: SentinelInstance): void {
  const promoted = ri.promotedSlave!;
  if (promoted.link.disconnected) {
    if (s.now() - ri.failoverStateChangeTime > ri.failoverTimeout) {
      s.event('warning', '-failover-abort-slave-timeout', ri);
      _abort(s, ri);
    }
    return;
  }
  if (!sentinelSendSlaveOf(s, promoted, null)) return;
  s.event('notice', '+failover-state-wait-promotion', promoted);
  ri.failoverState = FailoverState.WaitPromotion;
  ri.failoverStateChangeTime = s.now();
}

/** sentinelFailoverReconfNextSlave: point up to parallel-syncs replicas at the promoted one at a time. */
function _reconfNextSlave(s: Sentinel, master: SentinelInstance): void {
  let inProgress = 0;
  for (const slave of master.slaves.values()) if (slave.has(SRI.RECONF_SENT | SRI.RECONF_INPROG)) inProgress++;
  for (const slave of master.slaves.values()) {
    if (inProgress >= master.parallelSyncs) break;
    if (slave.has(SRI.PROMOTED | SRI.RECONF_DONE)) continue;
    if (slave.has(SRI.RECONF_SENT) && s.now() - slave.slaveReconfSentTime > s.timings.slaveReconfTimeout) {
      s.event('notice', '-slave-reconf-sent-timeout', slave);
      slave.flags &= ~SRI.RECONF_SENT;
      slave.flags |= SRI.RECONF_DONE;
    }
    if (slave.has(SRI.RECONF_SENT | SRI.RECONF_INPROG)) continue;
    if (slave.link.disconnected) continue;
    if (sentinelSendSlaveOf(s, slave, master.promotedSlave!.addr)) {
      slave.flags |= SRI.RECONF_SENT;
      slave.slaveReconfSentTime = s.now();
      s.event('notice', '+slave-reconf-sent', slave);
      inProgress++;
    }
  }
  _detectEnd(s, master);
}

/** sentinelFailoverDetectEnd: every reachable replica reconfigured, or the failover timed out. */
function _detectEnd(s: Sentinel, master: SentinelInstance): void {
  const promoted = master.promotedSlave;
  if (promoted === null || promoted.has(SRI.S_DOWN)) return;
  let notReconfigured = 0;
  for (const slave of master.slaves.values()) {
    if (slave.has(SRI.PROMOTED | SRI.RECONF_DONE)) continue;
    if (slave.has(SRI.S_DOWN)) continue;
    notReconfigured++;
  }
  let timeout = false;
  if (s.now() - master.failoverStateChangeTime > master.failoverTimeout) {
    notReconfigured = 0;
    timeout = true;
    s.event('warning', '+failover-end-for-timeout', master);
  }
  if (notReconfigured === 0) {
    s.event('warning', '+failover-end', master);
    master.failoverState = FailoverState.UpdateConfig;
    master.failoverStateChangeTime = s.now();
  }
  if (timeout) {
    for (const slave of master.slaves.values()) {
      if (slave.has(SRI.PROMOTED | SRI.RECONF_DONE | SRI.RECONF_SENT)) continue;
      if (slave.link.disconnected) continue;
      if (sentinelSendSlaveOf(s, slave, promoted.addr)) {
        s.event('notice', '+slave-reconf-sent-be', slave);
        slave.flags |= SRI.RECONF_SENT;
      }
    }
  }
}

/** sentinelAbortFailover. */
function _abort(s: Sentinel, ri: SentinelInstance): void {
  ri.flags &= ~(SRI.FAILOVER_IN_PROGRESS | SRI.FORCE_FAILOVER);
  ri.failoverState = FailoverState.None;
  ri.failoverStateChangeTime = s.now();
  if (ri.promotedSlave !== null) {
    ri.promotedSlave.flags &= ~SRI.PROMOTED;
    ri.promotedSlave = null;
  }
}

/** ctime_r's text for a time in ms (UTC): `Fri Dec  4 16:22:06 2026`. */
export function ctime(ms: number): string {
  const days = Math.floor(ms / 86400000);
  const secs = Math.floor((ms - days * 86400000) / 1000);
  // civil_from_days (Howard Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const weekday = (((days + 4) % 7) + 7) % 7;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor((secs % 3600) / 60))}:${pad(secs % 60)}`;
  return `${_WEEKDAYS[weekday]} ${_MONTHS[month - 1]} ${String(day).padStart(2, ' ')} ${hms} ${year}`;
}

const _WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const _MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
