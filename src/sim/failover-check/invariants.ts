// The checkers of a failover run. A Monitor samples every node's cluster state on the virtual clock and reads the
// event log as it grows, checking as it goes that epochs never go back, that no node votes twice in one epoch, and
// that a replica becomes a master only by winning an election (with a majority of votes for that epoch) or by
// CLUSTER FAILOVER TAKEOVER. At the end, checkConvergence says whether every node agrees on one owner per slot with
// unique configEpochs, and classifyWrites sorts acknowledged writes into survived, lost-but-allowed and lost-in-error.
// Facts: redis-7.0-algorithms.md §B–E (clusterSendFailoverAuthIfNeeded, clusterHandleSlaveFailover,
// clusterFailoverReplaceYourMaster, clusterHandleConfigEpochCollision, clusterUpdateState).

import { SLOT_COUNT } from '../../cluster/constants.js';
import type { Cluster } from '../../cluster/cluster.js';
import type { Simulation } from '../simulation.js';
import type { AckedWrite } from './workload.js';

/** Which invariant a violation breaks. */
export type InvariantName =
  | 'current-epoch-monotonic'
  | 'last-vote-epoch-monotonic'
  | 'one-vote-per-epoch'
  | 'promotion-by-election'
  | 'election-majority'
  | 'slot-agreement'
  | 'unique-config-epochs'
  | 'cluster-state-ok'
  | 'acked-write-lost';

/** One broken invariant, with enough detail to find it in the event log. */
export interface Violation {
  readonly invariant: InvariantName;
  /** Virtual ms (absolute, as in the event log). */
  readonly at: number;
  readonly message: string;
}

/** What one sample saw of a node. */
interface _Sample {
  readonly at: number;
  readonly incarnation: number;
  readonly running: boolean;
  readonly currentEpoch: number;
  readonly lastVoteEpoch: number;
  readonly isMaster: boolean;
  readonly numSlots: number;
  readonly configEpoch: number;
  /** Masters serving slots, as this node counts them (cluster->size). */
  readonly size: number;
}

/** When a node stopped being the continuous owner of what it served: demoted, lost slots, or (if not durable) crashed. */
export interface OwnershipBreak {
  readonly node: string;
  readonly at: number;
  readonly why: 'demoted' | 'lost-slots' | 'crashed';
}

/** Samples nodes and the event log; collects violations and ownership breaks. */
export class Monitor {
  readonly violations: Violation[] = [];
  readonly breaks: OwnershipBreak[] = [];
  /** Elections won and takeovers seen, for the report. */
  readonly promotions: { node: string; at: number; how: 'election' | 'takeover' }[] = [];
  /** Votes granted, by `voter epoch`. */
  readonly votes = new Map<string, string>();

  private readonly last = new Map<string, _Sample>();
  /** Node id → simulation name, learned from samples (ids survive restarts through nodes.conf). */
  private readonly names = new Map<string, string>();
  /** Per node: log-derived events not yet matched against a sample: wins and takeovers with their times. */
  private readonly pendingPromotions = new Map<string, { at: number; how: 'election' | 'takeover' }[]>();
  /** Per node: the epochs of its "Starting a failover election" lines, latest last. */
  private readonly electionEpochs = new Map<string, number[]>();
  /** Grants per candidate id: the epoch and time of each. */
  private readonly grants = new Map<string, { epoch: number; at: number }[]>();
  /** Wins waiting for their votes to be counted at the end: the node, its election's epoch, the epoch of its election
   * before that (or the same), the time and the votes it needed. */
  private readonly wins: { node: string; epoch: number; previousEpoch: number; at: number; quorum: number }[] = [];
  private logIndex = 0;

  /**
   * `quorum` is the votes an election needs (masters serving slots / 2 + 1) when the winner's own count of masters is
   * unknown (it is used otherwise); `durable` says whether a crash keeps
   * acknowledged writes (appendfsync always), else a crash breaks ownership.
   */
  constructor(
    private readonly sim: Simulation,
    private readonly nodeNames: readonly string[],
    private readonly quorum: number,
    private readonly durable: boolean,
  ) {}

  /** Takes one sample of every node and reads the new log lines. */
  sample(): void {
    this._readLog();
    const at = this.sim.now();
    for (const name of this.nodeNames) {
      const host = this.sim.node(name);
      const prev = this.last.get(name);
      if (host.state !== 'running') {
        if (prev !== undefined && prev.running) {
          if (!this.durable) this.breaks.push({ node: name, at, why: 'crashed' });
          this.last.set(name, { ...prev, running: false, at });
        }
        continue;
      }
      const cluster = host.node.cluster;
      if (cluster === null) continue;
      const s = _sampleOf(cluster, at, host.incarnation);
      this.names.set(cluster.state.myself.name, name);
      if (prev !== undefined) this._compare(name, prev, s);
      this.last.set(name, s);
    }
  }

  /**
   * The final checks that need the whole log: every won election had a majority of grants. Redis keeps one vote
   * count (failover_auth_count), cleared only when it schedules a new election, and counts an ACK whose sender's
   * currentEpoch is at least failover_auth_epoch (clusterProcessPacket, FAILOVER_AUTH_ACK). So grants count from the
   * candidate's previous election's epoch on: an ACK of an expired election that a partition held back still counts
   * toward the next one. And a count that once won still stands: a winner demoted within the election timeout to a
   * replica of a master it sees as failing "wins" again at once on the same votes (clusterHandleSlaveFailover).
   */
  finish(): void {
    this._readLog();
    for (const win of this.wins) {
      const id = this._idOf(win.node);
      const granted = (id === undefined ? [] : (this.grants.get(id) ?? [])).filter(
        (g) => g.epoch >= win.previousEpoch && g.epoch <= win.epoch && g.at <= win.at,
      ).length;
      if (granted < win.quorum) {
        this._violate(
          'election-majority',
          win.at,
          `${win.node} won the election for epoch ${win.epoch} with ${granted} vote(s) granted in the log for epochs ${win.previousEpoch}..${win.epoch}; ${win.quorum} needed`,
        );
      }
    }
  }

  /** Whether `node` served its slots without a break from `since` to now. */
  keptSlotsSince(node: string, since: number): boolean {
    return !this.breaks.some((b) => b.node === node && b.at >= since);
  }

  // --- internal ---

  private _compare(name: string, prev: _Sample, s: _Sample): void {
    const sameProcess = prev.running && prev.incarnation === s.incarnation;
    if (sameProcess && s.currentEpoch < prev.currentEpoch) {
      this._violate(
        'current-epoch-monotonic',
        s.at,
        `${name}: currentEpoch went from ${prev.currentEpoch} to ${s.currentEpoch}`,
      );
    }
    // Votes are saved with fsync before they are sent, so not even a crash may lose one.
    if (s.lastVoteEpoch < prev.lastVoteEpoch) {
      this._violate(
        'last-vote-epoch-monotonic',
        s.at,
        `${name}: lastVoteEpoch went from ${prev.lastVoteEpoch} to ${s.lastVoteEpoch}${sameProcess ? '' : ' across a restart'}`,
      );
    }
    if (prev.isMaster && prev.numSlots > 0) {
      if (!s.isMaster) this.breaks.push({ node: name, at: s.at, why: 'demoted' });
      else if (s.numSlots < prev.numSlots) this.breaks.push({ node: name, at: s.at, why: 'lost-slots' });
    }
    const promoted = !prev.isMaster && s.isMaster && s.numSlots > 0;
    const pending = this.pendingPromotions.get(name) ?? [];
    let used: (typeof pending)[number] | undefined;
    if (promoted) {
      // A line logged at the previous sample's time may come after that sample, in a later event of the same ms.
      const cause = pending.find((p) => p.at >= prev.at && p.at <= s.at);
      if (cause === undefined) {
        this._violate(
          'promotion-by-election',
          s.at,
          `${name} became a master of ${s.numSlots} slot(s) between ${prev.at} and ${s.at} without winning an election or a TAKEOVER`,
        );
      } else {
        used = cause;
        this.promotions.push({ node: name, at: cause.at, how: cause.how });
      }
    }
    this.pendingPromotions.set(
      name,
      pending.filter((p) => p !== used && p.at >= s.at),
    );
  }

  private _readLog(): void {
    const lines = this.sim.eventLog.lines();
    for (; this.logIndex < lines.length; this.logIndex++) {
      const line = lines[this.logIndex]!;
      // `<time> [<node>] M <level> <message>`: only cluster lines about elections matter here.
      const m = _LINE.exec(line);
      if (m === null) continue;
      const at = Number(m[1]);
      const node = m[2]!;
      const text = m[3]!;
      let g: RegExpExecArray | null;
      if ((g = _GRANTED.exec(text)) !== null) {
        const candidate = g[1]!;
        const epoch = Number(g[2]);
        const key = `${node} ${epoch}`;
        const earlier = this.votes.get(key);
        if (earlier !== undefined) {
          this._violate(
            'one-vote-per-epoch',
            at,
            `${node} granted a second vote in epoch ${epoch} (to ${candidate}; earlier to ${earlier})`,
          );
        }
        this.votes.set(key, candidate);
        const list = this.grants.get(candidate);
        if (list === undefined) this.grants.set(candidate, [{ epoch, at }]);
        else list.push({ epoch, at });
      } else if ((g = _STARTING.exec(text)) !== null) {
        const epochs = this.electionEpochs.get(node);
        if (epochs === undefined) this.electionEpochs.set(node, [Number(g[1])]);
        else epochs.push(Number(g[1]));
      } else if (_WON.test(text)) {
        const epochs = this.electionEpochs.get(node) ?? [-1];
        const epoch = epochs[epochs.length - 1]!;
        this.wins.push({
          node,
          epoch,
          previousEpoch: epochs[epochs.length - 2] ?? epoch,
          at,
          quorum: this._quorumOf(node),
        });
        this._pending(node, at, 'election');
      } else if (_TAKEOVER.test(text)) {
        this._pending(node, at, 'takeover');
      }
    }
  }

  private _pending(node: string, at: number, how: 'election' | 'takeover'): void {
    const list = this.pendingPromotions.get(node) ?? [];
    list.push({ at, how });
    this.pendingPromotions.set(node, list);
  }

  /**
   * The votes `node` needed to win just now: half its own count of slot-serving masters plus one (needed_quorum in
   * clusterHandleSlaveFailover). That count is the node's view, which shrinks while it sees a replaced master with no
   * slots left; the smaller of its last sample and its state now is taken.
   */
  private _quorumOf(node: string): number {
    const sizes = [this.last.get(node)?.size, this.sim.node(node).node.cluster?.state.size];
    const known = sizes.filter((n): n is number => n !== undefined && n > 0);
    if (known.length === 0) return this.quorum;
    return Math.floor(Math.min(...known) / 2) + 1;
  }

  private _idOf(name: string): string | undefined {
    for (const [id, n] of this.names) if (n === name) return id;
    return undefined;
  }

  private _violate(invariant: InvariantName, at: number, message: string): void {
    this.violations.push({ invariant, at, message });
  }
}

/** The outcome of checkConvergence. */
export interface Convergence {
  /** Every running node has the same owner (by node id) for every slot, all slots owned, each owner agreeing. */
  readonly slotsAgree: boolean;
  /** Running masters that serve slots have distinct configEpochs. */
  readonly epochsUnique: boolean;
  /** Every running node reports cluster_state ok. */
  readonly allOk: boolean;
  /** What disagrees, when something does. */
  readonly problems: readonly string[];
}

/** Checks whether the running nodes agree on one owner per slot, unique master configEpochs and their state. */
export function checkConvergence(sim: Simulation, names: readonly string[]): Convergence {
  const problems: string[] = [];
  const clusters: { name: string; cluster: Cluster }[] = [];
  for (const name of names) {
    const host = sim.node(name);
    if (host.state === 'running' && host.node.cluster !== null) clusters.push({ name, cluster: host.node.cluster });
  }
  let slotsAgree = clusters.length > 0;
  const reference = clusters[0];
  if (reference !== undefined) {
    const owners = reference.cluster.state.slots;
    let unassigned = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (owners[slot] === null) unassigned++;
    if (unassigned > 0) {
      slotsAgree = false;
      problems.push(`${reference.name} sees ${unassigned} unassigned slot(s)`);
    }
    for (const { name, cluster } of clusters.slice(1)) {
      const slots = cluster.state.slots;
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if ((slots[slot]?.name ?? null) !== (owners[slot]?.name ?? null)) {
          slotsAgree = false;
          problems.push(`${name} and ${reference.name} disagree on the owner of slot ${slot}`);
          break;
        }
      }
    }
    // The owner itself must be running and think it is a master serving the slot.
    const byId = new Map(clusters.map((c) => [c.cluster.state.myself.name, c]));
    let previous: string | null = null;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const id = owners[slot]?.name ?? null;
      if (id === null || id === previous) continue;
      previous = id;
      const owner = byId.get(id);
      if (owner === undefined) {
        slotsAgree = false;
        problems.push(`slot ${slot} is owned by ${id.slice(0, 8)}, which is not running`);
        break;
      } else if (!owner.cluster.state.myself.isMaster) {
        slotsAgree = false;
        problems.push(`slot ${slot} is owned by ${owner.name}, which thinks it is a replica`);
        break;
      }
    }
  }
  const epochs = new Map<number, string>();
  let epochsUnique = true;
  for (const { name, cluster } of clusters) {
    const me = cluster.state.myself;
    if (!me.isMaster || me.numSlots === 0) continue;
    const other = epochs.get(me.configEpoch);
    if (other !== undefined) {
      epochsUnique = false;
      problems.push(`${name} and ${other} are masters with the same configEpoch ${me.configEpoch}`);
    }
    epochs.set(me.configEpoch, name);
  }
  const notOk = clusters.filter((c) => c.cluster.state.state !== 'ok').map((c) => c.name);
  if (notOk.length > 0) problems.push(`cluster_state is fail on ${notOk.join(',')}`);
  return { slotsAgree, epochsUnique, allOk: notOk.length === 0, problems };
}

/** How the acknowledged writes fared. */
export interface WriteClassification {
  /** Acknowledged writes read back. */
  readonly survived: number;
  /** Lost writes whose master lost its slots (failover, demotion) or crashed without durable persistence after acking. */
  readonly lostAllowed: readonly AckedWrite[];
  /** Lost writes whose master kept its slots: violations. */
  readonly lostInError: readonly AckedWrite[];
}

/** Sorts acknowledged writes by whether `present(write)` and whether their master kept its slots since the ack. */
export function classifyWrites(
  acked: readonly AckedWrite[],
  present: (write: AckedWrite) => boolean,
  monitor: Monitor,
  finalOwner: (slot: number) => string | null,
): WriteClassification {
  let survived = 0;
  const lostAllowed: AckedWrite[] = [];
  const lostInError: AckedWrite[] = [];
  for (const write of acked) {
    if (present(write)) {
      survived++;
      continue;
    }
    const kept = monitor.keptSlotsSince(write.node, write.at) && finalOwner(write.slot) === write.node;
    (kept ? lostInError : lostAllowed).push(write);
  }
  return { survived, lostAllowed, lostInError };
}

// --- internal ---

const _LINE = /^(\d+) \[([^\]]+)\] [A-Z] [.\-*#] (.*)$/;
const _GRANTED = /^Failover auth granted to ([0-9a-f]{40}) for epoch (\d+)$/;
const _STARTING = /^Starting a failover election for epoch (\d+)\.$/;
const _WON = /^Failover election won: I'm the new master\.$/;
const _TAKEOVER = /^Taking over the master \(user request\)\.$/;

function _sampleOf(cluster: Cluster, at: number, incarnation: number): _Sample {
  const state = cluster.state;
  const me = state.myself;
  return {
    at,
    incarnation,
    running: true,
    currentEpoch: state.currentEpoch,
    lastVoteEpoch: state.lastVoteEpoch,
    isMaster: me.isMaster,
    numSlots: me.numSlots,
    configEpoch: me.configEpoch,
    size: state.size,
  };
}
