// Forms a cluster out of empty cluster-mode nodes by talking RESP to them, in the steps `redis-cli --cluster create`
// takes (clusterManagerCommandCreate): check every node is an empty cluster node, plan the layout, ADDSLOTS on
// masters (REPLICATE on replicas, which may fail this early), SET-CONFIG-EPOCH 1..n, MEET the first node, wait until
// every node's CLUSTER NODES gives the same slot signature, REPLICATE again. It then waits for more than redis-cli
// does: every node knows every other, shows the planned roles and reports `cluster_state:ok`.
//
// Core code: callbacks and env timers, no promises, so it runs in virtual time inside a simulation as well as on
// real sockets.

import type { Network, TimerHandle } from '../env/env.js';
import { RespClient } from '../protocol/resp-client.js';
import type { Reply } from '../protocol/reply.js';
import { planCluster, LayoutError, type ClusterLayout } from './cluster-layout.js';
import { BUS_PORT_OFFSET } from './constants.js';

/** A node to form the cluster from; `busPort` only when it is not port + 10000 (MEET then names it). */
export interface FormerTarget {
  readonly host: string;
  readonly port: number;
  readonly busPort?: number;
}

/** What the former needs from its runtime: outbound links and timers. */
export interface FormerEnv {
  readonly net: Network;
  schedule(delayMs: number, task: () => void): TimerHandle;
}

/** Options for startClusterFormer. */
export interface FormClusterOptions {
  /** Replicas per master. */
  readonly replicas: number;
  /** Runs redis-cli's random anti-affinity optimizer with this [0, 1) source; skipped when omitted. */
  readonly random?: () => number;
  /** Wait after the MEETs before the first check (redis-cli: sleep(1)). Default 1000. */
  readonly joinDelayMs?: number;
  /** Interval between checks while waiting (redis-cli: 1 s). Default 1000. */
  readonly pollMs?: number;
  /** Gives up after this long in total (redis-cli waits forever). Default 60 000. */
  readonly timeoutMs?: number;
  /** Receives progress lines like redis-cli's (`>>> Sending CLUSTER MEET messages to join the cluster`). */
  readonly log?: (line: string) => void;
}

/** One node of a formed cluster. */
export interface FormedNode {
  readonly host: string;
  readonly port: number;
  /** Its 40-character node id. */
  readonly id: string;
  readonly role: 'master' | 'replica';
  /** The id of its master, for a replica. */
  readonly masterId: string | null;
  /** Slot ranges it serves, for a master. */
  readonly slots: readonly { readonly first: number; readonly last: number }[];
}

/** A formed cluster: its nodes in the order given. */
export interface FormedCluster {
  readonly nodes: readonly FormedNode[];
}

/** Why forming failed, in one line (redis-cli's wording where it has one). */
export class ClusterFormError extends Error {
  override readonly name = 'ClusterFormError';
}

/** A running formation; cancel() stops it (done is not called) and closes its links. */
export interface FormerHandle {
  cancel(): void;
}

/** Starts forming a cluster from `targets`; `done` gets the formed cluster or a ClusterFormError, once. */
export function startClusterFormer(
  env: FormerEnv,
  targets: readonly FormerTarget[],
  options: FormClusterOptions,
  done: (result: FormedCluster | ClusterFormError) => void,
): FormerHandle {
  const former = new _Former(env, targets, options, done);
  former.start();
  return { cancel: () => former.finish(null) };
}

/** Options for startClusterWaiter. */
export interface WaitClusterOptions {
  /** Interval between checks. Default 1000. */
  readonly pollMs?: number;
  /** Gives up after this long. Default 60 000. */
  readonly timeoutMs?: number;
}

/**
 * Waits until nodes that already form a cluster (restarted from their nodes.conf) are all up, know each other, agree
 * on the slot signature and report `cluster_state:ok`; `done` gets the cluster as their own CLUSTER NODES lines
 * describe it, or a ClusterFormError on timeout.
 */
export function startClusterWaiter(
  env: FormerEnv,
  targets: readonly FormerTarget[],
  options: WaitClusterOptions,
  done: (result: FormedCluster | ClusterFormError) => void,
): FormerHandle {
  let finished = false;
  let clients: RespClient[] = [];
  let poll: TimerHandle | null = null;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const finish = (result: FormedCluster | ClusterFormError | null): void => {
    if (finished) return;
    finished = true;
    deadline.cancel();
    poll?.cancel();
    for (const client of clients) client.close();
    if (result !== null) done(result);
  };
  const deadline = env.schedule(timeoutMs, () =>
    finish(new ClusterFormError(`The cluster did not reach cluster_state:ok within ${timeoutMs} ms`)),
  );
  const check = (): void => {
    // Fresh links each round: a node still starting refuses, which only means "not yet".
    for (const client of clients) client.close();
    clients = targets.map((t) => new RespClient(env.net.connect(t.host, t.port)));
    const nodes: (FormedNode | null)[] = targets.map(() => null);
    const signatures: (string | null)[] = [];
    let pending = targets.length;
    const settle = (): void => {
      if (--pending > 0 || finished) return;
      const first = signatures[0] ?? null;
      if (nodes.every((n) => n !== null) && first !== null && signatures.every((sig) => sig === first)) {
        finish({ nodes: nodes as FormedNode[] });
      } else {
        poll = env.schedule(options.pollMs ?? 1000, check);
      }
    };
    for (const [i, client] of clients.entries()) {
      client.send(['CLUSTER', 'INFO'], (info) => {
        const text = _text(info) ?? '';
        const ok = text.includes('cluster_state:ok\r\n') && text.includes(`cluster_known_nodes:${targets.length}\r\n`);
        client.send(['CLUSTER', 'NODES'], (reply) => {
          if (ok && reply !== null) {
            signatures[i] = configSignature(reply);
            nodes[i] = _describeMyself(targets[i]!, reply);
          }
          settle();
        });
      });
    }
  };
  check();
  return { cancel: () => finish(null) };
}

/**
 * The slot signature redis-cli compares between nodes (clusterManagerGetConfigSignature): for every complete line
 * with slots, `id:` and its slot tokens (no `[…]` entries) sorted as strings; the entries sorted and joined by `|`.
 * Null when the reply is not a bulk string or shows no slots.
 */
export function configSignature(clusterNodes: Reply): string | null {
  if (clusterNodes.t !== 'bulk' && clusterNodes.t !== 'verbatim') return null;
  const lines = clusterNodes.s.split('\n');
  lines.pop(); // A last line without '\n' is ignored.
  const configs: string[] = [];
  for (const line of lines) {
    const fields = line.split(' ');
    if (fields.length < 9) continue;
    const slots = fields.slice(8).filter((token) => token !== '' && !token.startsWith('['));
    if (slots.length === 0) continue;
    configs.push(`${fields[0]}:${slots.sort(_byteOrder).join(',')}`);
  }
  return configs.length === 0 ? null : configs.sort(_byteOrder).join('|');
}

// --- internal ---

const _byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One node's line of CLUSTER NODES, as the former reads it. */
interface _NodeLine {
  readonly id: string;
  readonly flags: readonly string[];
  readonly master: string;
}

/** Parses CLUSTER NODES into lines; `myself` is the line flagged so. */
function _parseNodes(reply: Reply): _NodeLine[] | null {
  if (reply.t !== 'bulk' && reply.t !== 'verbatim') return null;
  const out: _NodeLine[] = [];
  for (const line of reply.s.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 8) continue;
    out.push({ id: fields[0]!, flags: fields[2]!.split(','), master: fields[3]! });
  }
  return out;
}

/** A node as its own CLUSTER NODES `myself` line describes it; null while any node is in handshake or failing. */
function _describeMyself(target: FormerTarget, reply: Reply): FormedNode | null {
  if (reply.t !== 'bulk' && reply.t !== 'verbatim') return null;
  let me: FormedNode | null = null;
  for (const line of reply.s.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 8) continue;
    const flags = fields[2]!.split(',');
    if (flags.includes('handshake') || flags.includes('fail') || flags.includes('noaddr')) return null;
    if (!flags.includes('myself')) continue;
    const replica = flags.includes('slave');
    const slots = fields
      .slice(8)
      .filter((token) => token !== '' && !token.startsWith('['))
      .map((token) => {
        const [first, last] = token.split('-');
        return { first: Number(first), last: Number(last ?? first) };
      });
    me = {
      host: target.host,
      port: target.port,
      id: fields[0]!,
      role: replica ? 'replica' : 'master',
      masterId: replica ? fields[3]! : null,
      slots,
    };
  }
  return me;
}

/** The text of a status or bulk reply, or null. */
function _text(reply: Reply | null): string | null {
  if (reply === null) return null;
  return reply.t === 'bulk' || reply.t === 'simple' || reply.t === 'verbatim' ? reply.s : null;
}

/** The formation state machine; each step sends requests and moves on from their callbacks. */
class _Former {
  private readonly clients: RespClient[] = [];
  private readonly ids: string[] = [];
  private readonly closeReasons: string[] = [];
  private layout: ClusterLayout | null = null;
  /** Replicas whose REPLICATE has not succeeded yet (redis-cli's `dirty`). */
  private readonly dirty = new Set<number>();
  private finished = false;
  private deadline: TimerHandle | null = null;
  private poll: TimerHandle | null = null;

  constructor(
    private readonly env: FormerEnv,
    private readonly targets: readonly FormerTarget[],
    private readonly options: FormClusterOptions,
    private readonly done: (result: FormedCluster | ClusterFormError) => void,
  ) {}

  start(): void {
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    this.deadline = this.env.schedule(timeoutMs, () => this._fail(`The cluster did not form within ${timeoutMs} ms`));
    for (const [i, target] of this.targets.entries()) {
      const client = new RespClient(this.env.net.connect(target.host, target.port));
      client.onClose = (reason) => (this.closeReasons[i] = reason);
      this.clients.push(client);
    }
    this._each(
      (i, next) => this._probe(i, next),
      () => this._plan(),
    );
  }

  /** Ends the formation: closes links and timers; reports `result` unless cancelled (null). */
  finish(result: FormedCluster | ClusterFormError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.deadline?.cancel();
    this.poll?.cancel();
    for (const client of this.clients) client.close();
    if (result !== null) this.done(result);
  }

  // Step 1: every node answers, is a cluster node and is empty (clusterManagerNodeIsCluster / NodeIsEmpty).
  private _probe(i: number, next: () => void): void {
    const name = this._name(i);
    this._send(i, ['INFO'], (info) => {
      if (!info.includes('cluster_enabled:1'))
        return this._fail(`[ERR] Node ${name} is not configured as a cluster node.`);
      this._send(i, ['CLUSTER', 'NODES'], (nodes, reply) => {
        const myself = _parseNodes(reply)?.find((line) => line.flags.includes('myself'));
        if (myself === undefined) return this._fail(`[ERR] Node ${name} gave an invalid CLUSTER NODES reply`);
        this.ids[i] = myself.id;
        this._send(i, ['CLUSTER', 'INFO'], (clusterInfo) => {
          if (info.includes('\ndb0:') || !clusterInfo.includes('cluster_known_nodes:1\r\n')) {
            return this._fail(
              `[ERR] Node ${name} is not empty. Either the node already knows other nodes (check with CLUSTER ` +
                'NODES) or contains some key in database 0.',
            );
          }
          next();
        });
      });
    });
  }

  // Step 2: the layout, then ADDSLOTS / REPLICATE on every node in order (clusterManagerFlushNodeConfig).
  private _plan(): void {
    this._log(`>>> Performing hash slots allocation on ${this.targets.length} nodes...`);
    try {
      this.layout = planCluster(this.targets, this.options.replicas, {
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
      });
    } catch (e) {
      if (e instanceof LayoutError)
        return this._fail(`*** ERROR: Invalid configuration for cluster creation. ${e.message}`);
      throw e;
    }
    const layout = this.layout;
    for (const [i, role] of layout.roles.entries()) {
      if (role.kind === 'master')
        this._log(`Master[${layout.masters.indexOf(i)}] -> Slots ${role.first} - ${role.last}`);
    }
    for (const [i, role] of layout.roles.entries()) {
      if (role.kind === 'replica') {
        this.dirty.add(i);
        this._log(`Adding replica ${this._name(i)} to ${this._name(role.of)}`);
      }
    }
    this._each(
      (i, next) => {
        const role = layout.roles[i]!;
        if (role.kind === 'replica') return this._replicate(i, next);
        if (role.kind !== 'master') return next();
        const slots: string[] = [];
        for (let s = role.first; s <= role.last; s++) slots.push(String(s));
        this._send(i, ['CLUSTER', 'ADDSLOTS', ...slots], () => next());
      },
      () => this._epochs(),
    );
  }

  // Step 3: a distinct config epoch per node; redis-cli ignores the replies.
  private _epochs(): void {
    this._log('>>> Nodes configuration updated');
    this._log('>>> Assign a different config epoch to each node');
    this._each(
      (i, next) => this._sendAny(i, ['CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)], () => next()),
      () => this._meet(),
    );
  }

  // Step 4: every other node meets the first one.
  private _meet(): void {
    this._log('>>> Sending CLUSTER MEET messages to join the cluster');
    const first = this.targets[0]!;
    const meet = ['CLUSTER', 'MEET', first.host, String(first.port)];
    if (first.busPort !== undefined && first.busPort !== first.port + BUS_PORT_OFFSET) meet.push(String(first.busPort));
    this._each(
      (i, next) => (i === 0 ? next() : this._send(i, meet, () => next())),
      () => {
        this._log('Waiting for the cluster to join');
        this.poll = this.env.schedule(this.options.joinDelayMs ?? 1000, () => this._waitForJoin());
      },
    );
  }

  // Step 5: poll until every node gives the same slot signature (clusterManagerWaitForClusterJoin).
  private _waitForJoin(): void {
    const signatures: (string | null)[] = [];
    this._each(
      (i, next) =>
        this._sendAny(i, ['CLUSTER', 'NODES'], (reply) => {
          signatures[i] = configSignature(reply);
          next();
        }),
      () => {
        const first = signatures[0] ?? null;
        if (first !== null && signatures.every((s) => s === first)) {
          this._each(
            (i, next) => (this.dirty.has(i) ? this._replicate(i, next) : next()),
            () => this._waitForFormed(),
          );
        } else {
          this.poll = this.env.schedule(this.options.pollMs ?? 1000, () => this._waitForJoin());
        }
      },
    );
  }

  // Step 6: poll until every node knows all the others with their planned roles and reports cluster_state:ok.
  private _waitForFormed(): void {
    let ready = true;
    this._each(
      (i, next) => {
        if (this.dirty.has(i)) ready = false;
        const proceed = (): void =>
          this._sendAny(i, ['CLUSTER', 'INFO'], (info) => {
            if (!(_text(info) ?? '').includes('cluster_state:ok\r\n')) ready = false;
            this._sendAny(i, ['CLUSTER', 'NODES'], (nodes) => {
              if (!this._showsPlan(_parseNodes(nodes))) ready = false;
              next();
            });
          });
        if (this.dirty.has(i)) this._replicate(i, proceed);
        else proceed();
      },
      () => {
        if (ready) this.finish(this._result());
        else this.poll = this.env.schedule(this.options.pollMs ?? 1000, () => this._waitForFormed());
      },
    );
  }

  /** Whether a CLUSTER NODES reply lists every node, none in handshake, with the planned master of each replica. */
  private _showsPlan(lines: _NodeLine[] | null): boolean {
    if (lines === null) return false;
    const layout = this.layout!;
    for (const [i, role] of layout.roles.entries()) {
      const line = lines.find((l) => l.id === this.ids[i]);
      if (line === undefined || line.flags.includes('handshake') || line.flags.includes('fail')) return false;
      if (role.kind === 'replica' && (!line.flags.includes('slave') || line.master !== this.ids[role.of])) return false;
      if (role.kind !== 'replica' && !line.flags.includes('master')) return false;
    }
    return true;
  }

  /** CLUSTER REPLICATE for a planned replica; an error leaves it dirty for a later retry, as redis-cli does. */
  private _replicate(i: number, next: () => void): void {
    const role = this.layout!.roles[i]!;
    if (role.kind !== 'replica') return next();
    this._sendAny(i, ['CLUSTER', 'REPLICATE', this.ids[role.of]!], (reply) => {
      if (reply.t !== 'error') this.dirty.delete(i);
      next();
    });
  }

  private _result(): FormedCluster {
    const layout = this.layout!;
    return {
      nodes: this.targets.map((target, i) => {
        const role = layout.roles[i]!;
        return {
          host: target.host,
          port: target.port,
          id: this.ids[i]!,
          role: role.kind === 'replica' ? 'replica' : 'master',
          masterId: role.kind === 'replica' ? this.ids[role.of]! : null,
          slots: role.kind === 'master' ? [{ first: role.first, last: role.last }] : [],
        };
      }),
    };
  }

  /** Runs `step` for node 0, 1, … in turn, then `then`; stops quietly once the formation has finished. */
  private _each(step: (i: number, next: () => void) => void, then: () => void): void {
    const run = (i: number): void => {
      if (this.finished) return;
      if (i === this.targets.length) return then();
      step(i, () => run(i + 1));
    };
    run(0);
  }

  /** Sends a request whose error reply fails the formation; `onOk` gets the reply text (empty for non-strings). */
  private _send(i: number, args: readonly string[], onOk: (text: string, reply: Reply) => void): void {
    this._sendAny(i, args, (reply) => {
      if (reply.t === 'error')
        return this._fail(`[ERR] Node ${this._name(i)} ${args.slice(0, 2).join(' ')}: ${reply.s}`);
      onOk(_text(reply) ?? '', reply);
    });
  }

  /** Sends a request; any reply goes to `onReply`, a lost link fails the formation. */
  private _sendAny(i: number, args: readonly string[], onReply: (reply: Reply) => void): void {
    this.clients[i]!.send(args, (reply) => {
      if (this.finished) return;
      if (reply === null) {
        const why = this.closeReasons[i] === 'refused' ? 'Connection refused' : 'Connection reset by peer';
        return this._fail(`Could not connect to Redis at ${this._name(i)}: ${why}`);
      }
      onReply(reply);
    });
  }

  private _name(i: number): string {
    const t = this.targets[i]!;
    return `${t.host}:${t.port}`;
  }

  private _log(line: string): void {
    this.options.log?.(line);
  }

  private _fail(message: string): void {
    this.finish(new ClusterFormError(message));
  }
}
