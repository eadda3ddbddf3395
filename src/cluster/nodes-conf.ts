// nodes.conf in Redis 7.0.15's format: the CLUSTER NODES lines of every node out of handshake, then the `vars` line
// (clusterSaveConfig), and the loader that rebuilds a ClusterState from it (clusterLoadConfig), failing with the
// message Redis logs before it exits.

import { ClusterConfigError } from './cluster.js';
import { ClusterNode } from './cluster-node.js';
import { ClusterState } from './cluster-state.js';
import { describeNodes } from './cluster-views.js';
import { BUS_PORT_OFFSET, NODE_NAME_LENGTH, NodeFlag, SLOT_COUNT } from './constants.js';

/** What clusterLoadConfig logs for any malformed line, or when no line is `myself`. */
export const CORRUPTED_CONFIG_MESSAGE = 'Unrecoverable error: corrupted cluster config file.';
/** What Redis panics with on an unknown flag word. */
export const UNKNOWN_FLAG_MESSAGE = 'Unknown flag in redis cluster config file';

/** The whole nodes.conf text for a state. */
export function formatNodesConf(state: ClusterState): string {
  return describeNodes(state, true) + `vars currentEpoch ${state.currentEpoch} lastVoteEpoch ${state.lastVoteEpoch}\n`;
}

/**
 * Rebuilds the cluster view from nodes.conf text (clusterLoadConfig). `now` stamps the fail time of `fail` nodes and
 * replaces non-zero ping/pong times; `warn` hears about unknown `vars`. Throws ClusterConfigError. The caller handles
 * the missing or empty file (no configuration) and logs the "configuration loaded" line.
 */
export function parseNodesConf(text: string, now: number, warn: (message: string) => void = () => {}): ClusterState {
  // The state needs a myself from the start; a placeholder stands in until the `myself` line is read.
  const state = new ClusterState(new ClusterNode('0'.repeat(NODE_NAME_LENGTH), 0, now));
  state.nodes.clear();
  let myself: ClusterNode | null = null;
  const getNode = (name: string): ClusterNode => {
    let node = state.lookup(name);
    if (node === undefined) {
      node = new ClusterNode(name, 0, now);
      state.addNode(node);
    }
    return node;
  };

  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('\0')) continue;
    const argv = _splitArgs(line);
    if (argv === null || argv.length === 0) _corrupted();
    if (argv[0]!.toLowerCase() === 'vars') {
      if (argv.length % 2 === 0) _corrupted();
      for (let j = 1; j < argv.length; j += 2) {
        const name = argv[j]!.toLowerCase();
        if (name === 'currentepoch') state.currentEpoch = _strtoull(argv[j + 1]!);
        else if (name === 'lastvoteepoch') state.lastVoteEpoch = _strtoull(argv[j + 1]!);
        else warn(`Skipping unknown cluster config variable '${argv[j]!}'`);
      }
      continue;
    }
    if (argv.length < 8 || !isValidNodeName(argv[0]!)) _corrupted();
    const node = getNode(argv[0]!);

    // ip:port[@cport][,hostname]
    let address = argv[1]!;
    const comma = address.indexOf(',');
    if (comma !== -1) {
      node.hostname = address.slice(comma + 1);
      address = address.slice(0, comma);
    } else {
      node.hostname = '';
    }
    const colon = address.lastIndexOf(':');
    if (colon === -1) _corrupted();
    node.ip = address.slice(0, colon);
    const ports = address.slice(colon + 1);
    const at = ports.indexOf('@');
    node.port = _atoi(at === -1 ? ports : ports.slice(0, at));
    // Files written before 4.0 have no @cport: the default offset applies.
    node.cport = at === -1 ? node.port + BUS_PORT_OFFSET : _atoi(ports.slice(at + 1));

    for (const word of argv[2]!.split(',')) {
      const flag = _FLAG_BY_WORD.get(word.toLowerCase());
      if (flag === undefined) throw new ClusterConfigError(UNKNOWN_FLAG_MESSAGE);
      if (flag === NodeFlag.MYSELF) {
        if (myself !== null) throw new ClusterConfigError(CORRUPTED_CONFIG_MESSAGE);
        myself = node;
      }
      if (flag === NodeFlag.FAIL) node.failTime = now;
      node.flags |= flag;
    }

    if (!argv[3]!.startsWith('-')) {
      if (!isValidNodeName(argv[3]!)) _corrupted();
      const master = getNode(argv[3]!);
      node.master = master;
      master.addReplica(node);
    }
    if (_atoi(argv[4]!) !== 0) node.pingSent = now;
    if (_atoi(argv[5]!) !== 0) node.pongReceived = now;
    // A replica's own epoch is meaningless (it shows its master's): it restarts from 0.
    node.configEpoch = node.isReplica && node.master !== null ? 0 : _strtoull(argv[6]!);

    for (let j = 8; j < argv.length; j++) {
      const token = argv[j]!;
      if (token.startsWith('[')) {
        _openSlot(state, token, getNode);
        continue;
      }
      const dash = token.indexOf('-');
      const start = _atoi(dash === -1 ? token : token.slice(0, dash));
      const stop = dash === -1 ? start : _atoi(token.slice(dash + 1));
      if (!_validSlot(start) || !_validSlot(stop)) _corrupted();
      for (let slot = start; slot <= stop; slot++) state.addSlot(slot, node);
    }
  }
  if (myself === null) _corrupted();
  state.myself = myself;
  return state;
}

/** Whether a string is a well-formed node name (verifyClusterNodeId: 40 characters, lowercase letters or digits). */
export function isValidNodeName(name: string): boolean {
  return /^[a-z0-9]{40}$/.test(name);
}

// --- internal ---

const _FLAG_BY_WORD = new Map<string, number>([
  ['myself', NodeFlag.MYSELF],
  ['master', NodeFlag.MASTER],
  ['slave', NodeFlag.SLAVE],
  ['fail?', NodeFlag.PFAIL],
  ['fail', NodeFlag.FAIL],
  ['handshake', NodeFlag.HANDSHAKE],
  ['noaddr', NodeFlag.NOADDR],
  ['nofailover', NodeFlag.NOFAILOVER],
  ['noflags', 0],
]);

function _corrupted(): never {
  throw new ClusterConfigError(CORRUPTED_CONFIG_MESSAGE);
}

function _validSlot(slot: number): boolean {
  return slot >= 0 && slot < SLOT_COUNT;
}

/** `[slot->-name]` (migrating to) or `[slot-<-name]` (importing from). */
function _openSlot(state: ClusterState, token: string, getNode: (name: string) => ClusterNode): void {
  const dash = token.indexOf('-');
  if (dash === -1) _corrupted();
  const direction = token[dash + 1];
  const slot = _atoi(token.slice(1, dash));
  if (!_validSlot(slot)) _corrupted();
  const rest = token.slice(dash + 3);
  const close = rest.indexOf(']');
  if (close === -1 || !isValidNodeName(rest.slice(0, close))) _corrupted();
  const peer = getNode(rest.slice(0, close));
  if (direction === '>') state.migratingTo[slot] = peer;
  else state.importingFrom[slot] = peer;
}

/**
 * Splits a line into words like sdssplitargs: runs of spaces separate words, and a word may be quoted ("…" with
 * backslash escapes, '…'); null for an unbalanced quote or a closing quote not followed by a space.
 */
function _splitArgs(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (ch: string | undefined) => ch !== undefined && ' \t\n\r\v\f'.includes(ch);
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return words;
    let word = '';
    let quote: '"' | "'" | null = null;
    for (;;) {
      const ch = line[i];
      if (quote === null) {
        if (ch === undefined || isSpace(ch)) break;
        if (ch === '"' || ch === "'") quote = ch;
        else word += ch;
        i++;
      } else {
        if (ch === undefined) return null;
        if (ch === '\\' && quote === '"' && i + 1 < n) {
          word += _ESCAPES[line[i + 1]!] ?? line[i + 1]!;
          i += 2;
        } else if (ch === '\\' && quote === "'" && line[i + 1] === "'") {
          word += "'";
          i += 2;
        } else if (ch === quote) {
          i++;
          if (i < n && !isSpace(line[i])) return null;
          break;
        } else {
          word += ch;
          i++;
        }
      }
    }
    words.push(word);
  }
}

const _ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** C's atoi on a 64-bit platform: strtol's leading integer, truncated to int. */
function _atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  return Number(BigInt.asIntN(32, BigInt.asIntN(64, BigInt(m[1]!))));
}

/** strtoull(s, NULL, 10) for epochs: the leading digits, 0 when there are none. */
function _strtoull(s: string): number {
  const m = /^[ \t\n\v\f\r]*\+?(\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}
