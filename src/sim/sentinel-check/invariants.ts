// What must hold in a Sentinel group whatever the faults, checked from samples of the Sentinels' state and from the
// event log (every Sentinel event and every replication change is a log line):
//   - one-vote-per-epoch: a Sentinel votes for at most one leader in an epoch (sentinelVoteLeader);
//   - one-leader-per-epoch: at most one Sentinel is elected leader (+elected-leader) in an epoch, and only with the
//     votes of a majority of the Sentinels and at least the quorum (sentinelGetLeader);
//   - monotonic-epochs: a Sentinel's current epoch and the master's config epoch never decrease, restarts included;
//   - converged (checked after healing): every Sentinel reports the same master, whose ROLE is master, and every
//     other server is its connected replica;
//   - acked-write-lost: a write acknowledged by a master that was never crashed nor turned into a replica afterwards
//     is still there at the end. Other lost writes are counted, not forbidden: replication is asynchronous.

import type { Simulation } from '../simulation.js';
import { MASTER_NAME, type SentinelGroup } from './group.js';

/** The invariants checked. */
export type SentinelInvariant =
  'one-vote-per-epoch' | 'one-leader-per-epoch' | 'monotonic-epochs' | 'converged' | 'acked-write-lost';

/** One broken invariant. */
export interface SentinelViolation {
  readonly invariant: SentinelInvariant;
  /** Virtual time it was seen. */
  readonly at: number;
  readonly message: string;
}

/** A leader election won, as the winner logged it. */
export interface Election {
  readonly epoch: number;
  readonly sentinel: string;
  readonly at: number;
}

/** Samples the Sentinels' epochs while a scenario runs, then reads the event log for votes, leaders and history. */
export class SentinelMonitor {
  /** Everything broken so far. */
  readonly violations: SentinelViolation[] = [];
  private readonly highest = new Map<string, { current: number; config: number }>();

  constructor(
    private readonly sim: Simulation,
    private readonly group: SentinelGroup,
  ) {}

  /** Checks that no running Sentinel's epochs went down since the last sample. */
  sample(): void {
    for (const name of this.group.sentinels) {
      const host = this.sim.node(name);
      if (host.state !== 'running') continue;
      const sentinel = host.node.sentinel!;
      const current = sentinel.currentEpoch;
      const config = sentinel.masters.get(MASTER_NAME)?.configEpoch ?? 0;
      const seen = this.highest.get(name) ?? { current: 0, config: 0 };
      if (current < seen.current || config < seen.config) {
        this.violate(
          'monotonic-epochs',
          `${name}: current epoch ${seen.current} -> ${current}, config epoch ${seen.config} -> ${config}`,
        );
      }
      this.highest.set(name, { current: Math.max(current, seen.current), config: Math.max(config, seen.config) });
    }
  }

  /** Reads the whole event log: votes and elections (checking them), crashes and demotions. Returns the elections. */
  readLog(): { elections: Election[]; disturbedAt: Map<string, number[]> } {
    const lastEpoch = new Map<string, number>();
    const failoverEpoch = new Map<string, number>();
    const votes = new Map<string, Map<number, string>>();
    const votesFor = new Map<string, number>();
    const elections: Election[] = [];
    const disturbedAt = new Map<string, number[]>();
    const disturb = (name: string, at: number): void => {
      disturbedAt.set(name, [...(disturbedAt.get(name) ?? []), at]);
    };
    for (const line of this.sim.eventLog.lines()) {
      const m = /^(\d+) \[([^\]]+)\] (.*)$/.exec(line);
      if (m === null) continue;
      const at = Number(m[1]);
      const source = m[2]!;
      const text = m[3]!;
      if (source === '$sim') {
        const crash = /^crash (\S+)$/.exec(text);
        if (crash !== null) disturb(crash[1]!, at);
        continue;
      }
      if (this.group.servers.includes(source)) {
        if (text.includes(' Connecting to MASTER ')) disturb(source, at);
        continue;
      }
      if (!this.group.sentinels.includes(source)) continue;
      const event = /^X . (\S+) ?(.*)$/.exec(text);
      if (event === null) continue;
      const [, type, rest] = event as unknown as [string, string, string];
      if (type === '+new-epoch') lastEpoch.set(source, Number(rest));
      else if (type === '+try-failover') failoverEpoch.set(source, lastEpoch.get(source) ?? 0);
      else if (type === '+vote-for-leader') {
        const [runid, epochText] = rest.split(' ');
        const epoch = Number(epochText);
        const mine = votes.get(source) ?? new Map<number, string>();
        votes.set(source, mine);
        const before = mine.get(epoch);
        if (before !== undefined && before !== runid) {
          this.violate('one-vote-per-epoch', `${source} voted for ${before} and ${runid} in epoch ${epoch}`, at);
        }
        if (before === undefined) votesFor.set(`${runid} ${epoch}`, (votesFor.get(`${runid} ${epoch}`) ?? 0) + 1);
        mine.set(epoch, runid!);
      } else if (type === '+elected-leader') {
        const epoch = failoverEpoch.get(source) ?? 0;
        const other = elections.find((e) => e.epoch === epoch && e.sentinel !== source);
        if (other !== undefined) {
          this.violate('one-leader-per-epoch', `${other.sentinel} and ${source} both elected in epoch ${epoch}`, at);
        }
        const myid = this.sim.node(source).node.sentinel!.myid;
        const got = votesFor.get(`${myid} ${epoch}`) ?? 0;
        const needed = Math.max(this.group.quorum, Math.floor(this.group.sentinels.length / 2) + 1);
        if (got < needed) {
          this.violate(
            'one-leader-per-epoch',
            `${source} elected in epoch ${epoch} with ${got} logged votes, needing ${needed}`,
            at,
          );
        }
        elections.push({ epoch, sentinel: source, at });
      }
    }
    return { elections, disturbedAt };
  }

  /** Records a violation now (or at `at`). */
  violate(invariant: SentinelInvariant, message: string, at = this.sim.now()): void {
    this.violations.push({ invariant, at, message });
  }
}

/** Whether the group has converged, and what is still wrong when it has not. */
export interface SentinelConvergence {
  readonly ok: boolean;
  /** The master every Sentinel reports, if they agree. */
  readonly master: string | null;
  readonly problems: readonly string[];
}

/**
 * Checks convergence from the nodes' state: every Sentinel running and naming the same master address, that
 * server a master, every other server a replica of it with its link up.
 */
export function checkSentinelConvergence(sim: Simulation, group: SentinelGroup): SentinelConvergence {
  const problems: string[] = [];
  const addresses = new Set<string>();
  for (const name of group.sentinels) {
    const host = sim.node(name);
    if (host.state !== 'running') {
      problems.push(`${name} is ${host.state}`);
      continue;
    }
    const addr = host.node.sentinel!.masters.get(MASTER_NAME)!.addr;
    addresses.add(`${addr.host}:${addr.port}`);
  }
  if (addresses.size !== 1) {
    problems.push(`the Sentinels name ${addresses.size} masters: ${[...addresses].join(', ')}`);
    return { ok: false, master: null, problems };
  }
  const master = [...addresses][0]!;
  for (const name of group.servers) {
    const host = sim.node(name);
    if (host.state !== 'running') {
      problems.push(`${name} is ${host.state}`);
      continue;
    }
    const repl = host.node.replication;
    if (host.address === master) {
      if (repl.isReplica()) problems.push(`${name}, the Sentinels' master, is a replica`);
    } else if (!repl.isReplica()) {
      problems.push(`${name} is a master besides ${master}`);
    } else if (`${repl.masterHost}:${repl.masterPort}` !== master || !repl.linkUp()) {
      problems.push(`${name} replicates ${repl.masterHost}:${repl.masterPort} (link ${repl.linkUp() ? 'up' : 'down'})`);
    }
  }
  return { ok: problems.length === 0, master, problems };
}
