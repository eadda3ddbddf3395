// The coordinated failover of a standalone master (replication.c, Redis 7.0.15: failoverCommand,
// updateFailoverStatus, abortFailover, clearFailoverState). FAILOVER pauses writes, waits until a replica (any, or the
// one named by TO) acknowledged the whole stream, then turns this master into a replica of it and sends it
// `PSYNC <replid> <offset> FAILOVER`, which makes that replica a master. The pause ends when the PSYNC is answered.

import type { TimerHandle } from '../../env/env.js';
import { OK, type Reply } from '../../protocol/reply.js';
import { parseInteger } from '../args.js';
import { Errors } from '../errors.js';
import type { ReplicaPeer } from './master-side.js';
import type { Replication } from './replication.js';

/** INFO's master_failover_state (getFailoverStateString). */
export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

/** The replication cron's period while a failover runs (run_with_period(100) in serverCron). */
export const FAILOVER_CRON_PERIOD_MS = 100;

/** A standalone master's FAILOVER state machine (server.failover_state and friends). */
export class StandaloneFailover {
  state: FailoverState = 'no-failover';
  /** When the failover gives up (or, with FORCE, goes ahead), in ms; 0 without TIMEOUT (server.failover_end_time). */
  endTime = 0;

  private targetHost: string | null = null;
  private targetPort = 0;
  private force = false;
  private checkTimer: TimerHandle | null = null;

  constructor(private readonly repl: Replication) {}

  /** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] (failoverCommand). */
  command(args: readonly string[]): Reply {
    const repl = this.repl;
    const node = repl.node;
    if (node.mode === 'cluster') return Errors.failoverInCluster();
    if (args.length === 2 && args[1]!.toLowerCase() === 'abort') {
      if (this.state === 'no-failover') return Errors.noFailoverInProgress();
      this.abort('Failover manually aborted');
      return OK;
    }
    const parsed = _parseOptions(args);
    if ('t' in parsed) return parsed;
    if (this.state !== 'no-failover') return Errors.failoverAlreadyInProgress();
    if (repl.isReplica()) return Errors.failoverOnReplica();
    if (repl.master.replicas.length === 0) return Errors.failoverWithoutReplicas();
    if (parsed.force && (parsed.timeoutMs === 0 || parsed.host === null)) {
      return Errors.failoverForceNeedsTimeoutAndTarget();
    }
    if (parsed.host !== null) {
      const replica = this._findReplica(parsed.host, parsed.port);
      if (replica === null) return Errors.failoverTargetNotReplica();
      if (replica.state !== 'online') return Errors.failoverTargetNotOnline();
      this.targetHost = parsed.host;
      this.targetPort = parsed.port;
      node.log('notice', `FAILOVER requested to ${parsed.host}:${parsed.port}.`);
    } else {
      node.log('notice', 'FAILOVER requested to any replica.');
    }
    if (parsed.timeoutMs !== 0) this.endTime = node.now() + parsed.timeoutMs;
    this.force = parsed.force;
    this.state = 'waiting-for-sync';
    node.pauseClients(Infinity, true, 'failover');
    repl.hastenCron();
    this.scheduleCheck();
    return OK;
  }

  /**
   * Checks the failover after the current event, as beforeSleep does (updateFailoverStatus): after FAILOVER itself
   * and after each replica ACK. Deferred because it may turn this node into a replica.
   */
  scheduleCheck(): void {
    if (this.state !== 'waiting-for-sync' || this.checkTimer !== null) return;
    this.checkTimer = this.repl.node.env.schedule(0, () => {
      this.checkTimer = null;
      this.update();
    });
  }

  /**
   * updateFailoverStatus: while waiting for a replica to catch up, the timeout aborts (or, with FORCE, fails over
   * anyway); a replica whose ACK matches our offset becomes the target and we start following it.
   */
  update(): void {
    if (this.state !== 'waiting-for-sync') return;
    const repl = this.repl;
    const node = repl.node;
    if (this.endTime !== 0 && this.endTime <= node.now()) {
      if (this.force) {
        node.log('notice', `FAILOVER to ${this.targetHost}:${this.targetPort} time out exceeded, failing over.`);
        this._failOverTo(this.targetHost!, this.targetPort);
      } else {
        this.abort('Replica never caught up before timeout');
      }
      return;
    }
    let replica: ReplicaPeer | null = null;
    if (this.targetHost !== null) {
      replica = this._findReplica(this.targetHost, this.targetPort);
    } else {
      replica = repl.master.replicas.find((peer) => peer.ackOff === repl.masterReplOffset) ?? null;
      if (replica !== null) {
        this.targetHost = replica.ip();
        this.targetPort = replica.listeningPort;
      }
    }
    if (replica === null || replica.ackOff !== repl.masterReplOffset) return;
    node.log('notice', `Failover target ${this.targetHost}:${this.targetPort} is synced, failing over.`);
    this._failOverTo(this.targetHost!, this.targetPort);
  }

  /**
   * The new master answered our `PSYNC ... FAILOVER` (syncWithMaster): a continuation or a full resync completes the
   * failover; anything else aborts it, turning this node back into a master. Returns whether it aborted.
   */
  psyncAnswered(accepted: boolean): boolean {
    if (this.state !== 'failover-in-progress') return false;
    if (accepted) {
      this._clear();
      return false;
    }
    this.abort('Failover target rejected psync request');
    return true;
  }

  /** abortFailover: back to a master if we already followed the target; writes resume. */
  abort(reason: string): void {
    if (this.state === 'no-failover') return;
    const node = this.repl.node;
    if (this.targetHost !== null) {
      node.log('notice', `FAILOVER to ${this.targetHost}:${this.targetPort} aborted: ${reason}`);
    } else {
      node.log('notice', `FAILOVER to any replica aborted: ${reason}`);
    }
    if (this.state === 'failover-in-progress') this.repl.unsetMaster();
    this._clear();
  }

  /** Whether the cron's PING to replicas must be skipped (a FAILOVER with TIMEOUT holding writes, replicationCron). */
  holdsPings(): boolean {
    return this.endTime !== 0 && this.repl.node.clientsPaused();
  }

  /** Cancels the pending check (shutdown). */
  shutdown(): void {
    this.checkTimer?.cancel();
    this.checkTimer = null;
  }

  // --- internal ---

  private _failOverTo(host: string, port: number): void {
    this.state = 'failover-in-progress';
    this.repl.setMaster(host, port);
  }

  /** clearFailoverState. */
  private _clear(): void {
    this.endTime = 0;
    this.force = false;
    this.targetHost = null;
    this.targetPort = 0;
    this.state = 'no-failover';
    this.checkTimer?.cancel();
    this.checkTimer = null;
    this.repl.node.unpause('failover');
  }

  /** findReplica: the attached replica announcing (or connected from) `host` with listening port `port`. */
  private _findReplica(host: string, port: number): ReplicaPeer | null {
    const wanted = host.toLowerCase();
    return (
      this.repl.master.replicas.find((peer) => peer.ip().toLowerCase() === wanted && peer.listeningPort === port) ??
      null
    );
  }
}

// --- internal ---

interface _FailoverOptions {
  host: string | null;
  port: number;
  timeoutMs: number;
  force: boolean;
}

/** failoverCommand's argument loop: each option once, in any order; the first bad one is the error. */
function _parseOptions(args: readonly string[]): _FailoverOptions | Reply {
  const options: _FailoverOptions = { host: null, port: 0, timeoutMs: 0, force: false };
  for (let j = 1; j < args.length; j++) {
    const word = args[j]!.toLowerCase();
    if (word === 'timeout' && j + 1 < args.length && options.timeoutMs === 0) {
      const timeout = parseInteger(args[j + 1]!);
      if (timeout === null) return Errors.notInteger();
      if (timeout <= 0) return Errors.failoverTimeoutNotPositive();
      options.timeoutMs = timeout;
      j++;
    } else if (word === 'to' && j + 2 < args.length && options.host === null) {
      const port = parseInteger(args[j + 2]!);
      if (port === null) return Errors.notInteger();
      options.host = args[j + 1]!;
      options.port = port;
      j += 2;
    } else if (word === 'force' && !options.force) {
      options.force = true;
    } else {
      return Errors.syntax();
    }
  }
  return options;
}
