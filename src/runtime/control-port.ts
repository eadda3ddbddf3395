// The control port of a hosted cluster or Sentinel group (`redis-sim cluster`, `redis-sim sentinel`): a loopback-only
// RESP listener whose `SIM …` commands apply the shared fault vocabulary (src/sim/faults.ts) to the nodes of this
// process, named by their client ports.
// Any RESP client can drive it (`redis-cli -p <control-port> SIM NODES`); `redis-sim ctl` is its command-line front.

import { createServer, type Server, type Socket } from 'node:net';
import { Errors } from '../node/errors.js';
import { OutputBuffer } from '../protocol/output-buffer.js';
import { encodeReply } from '../protocol/reply-encoder.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { RequestParser } from '../protocol/request-parser.js';
import { OK, PONG, array, bulk, bulkArray, error, simple, type Reply } from '../protocol/reply.js';
import { FaultError, applyFault, describeFault, type Fault, type FaultTarget } from '../sim/faults.js';
import type { HostedNode } from './cluster-host.js';

/** What the control port drives: the nodes it lists and the faults it applies (a ClusterHost, a SentinelHost). */
export interface ControlTarget {
  readonly members: readonly HostedNode[];
  readonly faults: FaultTarget<number, Promise<void>>;
}

/** Options for the control port. */
export interface ControlPortOptions {
  /** The port; 0 takes an ephemeral one. */
  port: number;
  /** A loopback address (127.0.0.0/8, ::1 or localhost); default 127.0.0.1. Anything else is refused. */
  host?: string;
  /** Told about each fault applied, as `describeFault` words (`kill 30001` is `crash 30001`). */
  onFault?: (text: string) => void;
}

/** A listening control port. */
export interface ControlPort {
  readonly host: string;
  /** The port bound. */
  readonly port: number;
  /** Stops listening and drops every control connection. */
  close(): Promise<void>;
}

/** The control port cannot listen where asked (not loopback, port taken); one line. */
export class ControlPortError extends Error {
  override readonly name = 'ControlPortError';
}

/** What SIM HELP prints. */
export const SIM_HELP: readonly string[] = [
  'SIM <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'NODES',
  '    One line per node: port, bus port, id, role, state (running, paused, crashed, stopped).',
  'KILL <port>',
  '    Kill the node at once, as SIGKILL would: no save, its links drop.',
  'RESTART <port>',
  '    Start a killed or shut down node again from its files (nodes.conf or config file, data).',
  'PAUSE <port> [<ms>]',
  '    Freeze the node (no timers, nothing read), like SIGSTOP; for <ms> milliseconds when given.',
  'RESUME <port>',
  '    Thaw a paused node.',
  'PARTITION <port> [<port> ...] | <port> [<port> ...] [| ...]',
  '    Cut the groups of nodes off from each other; nodes not named stay reachable.',
  'HEAL',
  '    Remove every partition.',
  'LATENCY <ms> [<port>]',
  '    One-way delay on the links between nodes, or only on those of one node; 0 removes it.',
  'HELP',
  '    Print this help.',
];

/** Listens on a loopback address; throws ControlPortError for any other address or a port that cannot be bound. */
export async function startControlPort(target: ControlTarget, options: ControlPortOptions): Promise<ControlPort> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    throw new ControlPortError(
      `Expected the control port to bind a loopback address (127.0.0.1, ::1 or localhost), got \`${host}\``,
    );
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    _serve(socket, target, options.onFault);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ControlPortError(`Could not listen on the control port ${host}:${options.port}: ${e.message}`)),
    );
    server.listen({ port: options.port, host }, () => {
      server.removeAllListeners('error');
      server.on('error', () => {});
      resolve();
    });
  });
  const address = server.address();
  return {
    host,
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether `host` names this machine's loopback interface. */
export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Runs one control command and resolves with its reply; never rejects. */
export async function runControlCommand(
  target: ControlTarget,
  args: readonly string[],
  onFault?: (text: string) => void,
): Promise<Reply> {
  try {
    const name = args[0]!.toLowerCase();
    if (name === 'ping')
      return args.length === 1 ? PONG : args.length === 2 ? bulk(args[1]!) : Errors.wrongArity('ping');
    if (name !== 'sim') return Errors.unknownCommand(args);
    if (args.length < 2) return Errors.wrongArity('sim');
    const sub = args[1]!.toLowerCase();
    const words = args.slice(2);
    if (sub === 'help') return words.length === 0 ? array(SIM_HELP.map(simple)) : Errors.wrongArity('sim|help');
    if (sub === 'nodes')
      return words.length === 0 ? bulkArray(target.members.map(describeNode)) : Errors.wrongArity('sim|nodes');
    const fault = _parseFault(sub, words);
    if (fault === null) return Errors.unknownSubcommand('SIM', args[1]!);
    if ('t' in fault) return fault;
    await applyFault(target.faults, fault);
    onFault?.(describeFault(fault));
    return OK;
  } catch (e) {
    if (e instanceof FaultError) return error(`ERR ${e.message}`);
    return error(`ERR ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * One SIM NODES line: `port=30001 bus=40001 id=… role=master slots=5461 state=running` for a cluster node; outside a
 * cluster `port=6380 bus=- id=<run id> role=replica master=6379 state=running`, and `role=sentinel` with the Sentinel's
 * ID for a Sentinel.
 */
export function describeNode(m: HostedNode): string {
  const node = m.server.node;
  const state = m.state === 'running' && m.paused ? 'paused' : m.state;
  if (node.sentinel !== null) return `port=${m.port} bus=- id=${node.sentinel.myid} role=sentinel state=${state}`;
  if (node.cluster === null) {
    const replication = node.replication;
    const role = replication.masterHost === null ? 'role=master' : `role=replica master=${replication.masterPort}`;
    return `port=${m.port} bus=- id=${node.runId} ${role} state=${state}`;
  }
  const myself = node.cluster.state.myself;
  const master = myself.master;
  const role = myself.isReplica ? 'replica' : 'master';
  return (
    `port=${m.port} bus=${m.busPort ?? '-'} id=${myself.name} role=${role}` +
    (role === 'replica' ? ` master=${master?.port || master?.name || '-'}` : ` slots=${myself.numSlots}`) +
    ` state=${state}`
  );
}

// --- internal ---

/** Reads requests off one connection and answers them in order, one at a time (a restart takes a while). */
function _serve(socket: Socket, target: ControlTarget, onFault: ((text: string) => void) | undefined): void {
  const parser = new RequestParser();
  const queue: string[][] = [];
  let busy = false;
  let closing = false;
  const send = (reply: Reply): void => {
    const out = new OutputBuffer();
    encodeReply(reply, 2, out);
    if (!socket.destroyed) socket.write(out.take());
  };
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !socket.destroyed) {
      const args = queue.shift()!;
      if (args[0]!.toLowerCase() === 'quit') {
        send(OK);
        socket.end();
        break;
      }
      send(await runControlCommand(target, args, onFault));
    }
    busy = false;
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    parser.push(chunk);
    try {
      for (let args = parser.next(); args !== null; args = parser.next()) queue.push(args);
    } catch (e) {
      // As Redis does for a malformed request: the error, then the connection closes.
      closing = true;
      void drain().then(() => {
        send(error(e instanceof ProtocolError ? `ERR ${e.message}` : 'ERR Protocol error'));
        socket.end();
      });
      return;
    }
    void drain();
  });
}

/** Parses a fault subcommand; null for an unknown one, an error reply for bad arguments. */
function _parseFault(sub: string, words: readonly string[]): Fault<number> | Reply | null {
  const arity = (): Reply => Errors.wrongArity(`sim|${sub}`);
  switch (sub) {
    case 'kill':
    case 'crash':
    case 'restart':
    case 'resume': {
      if (words.length !== 1) return arity();
      const node = _port(words[0]!);
      if (typeof node !== 'number') return node;
      return { kind: sub === 'kill' ? 'crash' : (sub as 'crash' | 'restart' | 'resume'), node };
    }
    case 'pause': {
      if (words.length !== 1 && words.length !== 2) return arity();
      const node = _port(words[0]!);
      if (typeof node !== 'number') return node;
      if (words.length === 1) return { kind: 'pause', node };
      const ms = _ms(words[1]!);
      return typeof ms === 'number' ? { kind: 'pause', node, ms } : ms;
    }
    case 'heal':
      return words.length === 0 ? { kind: 'heal' } : arity();
    case 'latency': {
      if (words.length !== 1 && words.length !== 2) return arity();
      const ms = _ms(words[0]!);
      if (typeof ms !== 'number') return ms;
      if (words.length === 1) return { kind: 'latency', ms };
      const node = _port(words[1]!);
      return typeof node === 'number' ? { kind: 'latency', ms, node } : node;
    }
    case 'partition': {
      const groups: number[][] = [[]];
      for (const word of words) {
        if (word === '|' || word === '/') {
          groups.push([]);
          continue;
        }
        const node = _port(word);
        if (typeof node !== 'number') return node;
        groups[groups.length - 1]!.push(node);
      }
      if (groups.length < 2 || groups.some((g) => g.length === 0)) {
        return error('ERR SIM PARTITION needs two or more groups of ports separated by |, e.g. 30001 | 30002 30003');
      }
      const seen = new Set<number>();
      for (const node of groups.flat()) {
        if (seen.has(node)) return error(`ERR port ${node} is in more than one partition group`);
        seen.add(node);
      }
      return { kind: 'partition', groups };
    }
    default:
      return null;
  }
}

/** A port argument: an integer in 1…65535 (whether a node listens there is the target's check). */
function _port(word: string): number | Reply {
  const n = _ms(word);
  if (typeof n !== 'number') return n;
  return n >= 1 && n <= 65535 ? n : error(`ERR invalid port '${word}'`);
}

/** A whole number of ms (or a port), as Redis's getLongLongFromObject with a floor of 0. */
function _ms(word: string): number | Reply {
  const n = /^\d{1,15}$/.test(word) ? Number(word) : NaN;
  return Number.isSafeInteger(n) ? n : Errors.notInteger();
}
