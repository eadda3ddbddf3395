// The gossip section of PING/PONG/MEET (cluster.c): which nodes a message tells about (clusterSendPing's sampling
// plus every PFAIL node), and what a receiver learns from it (clusterProcessGossipSection): failure reports from
// masters, fresher pong times, new addresses of failing nodes, and nodes it did not know.

import type { BusLink } from './bus-link.js';
import { busMessage, type GossipEntry, type PingMessage } from './bus-message.js';
import type { Cluster } from './cluster.js';
import { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { NodeFlag } from './constants.js';
import { failureReportCount, markNodeAsFailingIfNeeded } from './failure-detection.js';

/** Builds a PING, PONG or MEET with its gossip entries; a PING on an outbound link starts the ping timer. */
export function buildPing(
  cluster: Cluster,
  link: BusLink,
  type: typeof MessageType.PING | typeof MessageType.PONG | typeof MessageType.MEET,
): PingMessage {
  const state = cluster.state;
  const pingNumber = ++cluster.pingsSent;
  const nodes = [...state.nodes.values()];
  let freshNodes = nodes.length - 2;
  let wanted = Math.max(3, Math.floor(nodes.length / 10));
  if (wanted > freshNodes) wanted = freshNodes;
  let pfailWanted = cluster.statsPfailNodes;

  if (!link.inbound && type === MessageType.PING && link.node !== null) link.node.pingSent = cluster.now();
  const header = cluster.header();
  const gossip: GossipEntry[] = [];

  // Random sampling with a bounded number of tries, as dictGetRandomKey in a loop.
  let tries = wanted * 3;
  while (freshNodes > 0 && gossip.length < wanted && tries-- > 0) {
    const candidate = nodes[Math.floor(cluster.node.env.random() * nodes.length)]!;
    if (candidate === state.myself) continue;
    if (candidate.timedOut) continue;
    if (
      (candidate.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR)) !== 0 ||
      (candidate.link === null && candidate.numSlots === 0)
    ) {
      freshNodes--;
      continue;
    }
    if (cluster.lastInPingGossip.get(candidate) === pingNumber) continue;
    gossip.push(gossipEntryOf(candidate));
    cluster.lastInPingGossip.set(candidate, pingNumber);
    freshNodes--;
  }

  // Every PFAIL node goes out too, so failure reports spread fast.
  if (pfailWanted > 0) {
    for (const n of nodes) {
      if (pfailWanted <= 0) break;
      if ((n.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR)) !== 0 || !n.timedOut) continue;
      gossip.push(gossipEntryOf(n));
      pfailWanted--;
    }
  }

  const hostname = state.myself.hostname;
  return busMessage<PingMessage>(header, { type, gossip, hostname: hostname === '' ? null : hostname });
}

/** One node as a gossip entry; times travel in seconds (clusterSetGossipEntry). */
export function gossipEntryOf(n: ClusterNode): GossipEntry {
  return {
    nodename: n.name,
    pingSent: Math.floor(n.pingSent / 1000),
    pongReceived: Math.floor(n.pongReceived / 1000),
    ip: n.ip,
    port: n.port,
    cport: n.cport,
    flags: n.flags & 0xffff,
    pport: n.pport,
  };
}

/** Applies what a message's gossip says (clusterProcessGossipSection). */
export function processGossipSection(cluster: Cluster, msg: PingMessage, link: BusLink): void {
  const state = cluster.state;
  const sender = link.node ?? state.lookup(msg.sender) ?? null;
  const now = cluster.now();
  for (const g of msg.gossip) {
    const flags = g.flags;
    const node = state.lookup(g.nodename);
    const failing = (flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) !== 0;
    if (node !== undefined) {
      // Only masters' opinions count as failure reports.
      if (sender !== null && sender.isMaster && node !== state.myself) {
        if (failing) {
          if (node.addFailureReport(sender, now))
            cluster.log('verbose', `Node ${sender.name} reported node ${node.name} as not reachable.`);
          markNodeAsFailingIfNeeded(cluster, node);
        } else if (node.removeFailureReport(sender)) {
          cluster.log('verbose', `Node ${sender.name} reported node ${node.name} is back online.`);
        }
      }
      // A healthy node someone else heard from recently needs no ping from us to look alive.
      if (!failing && node.pingSent === 0 && failureReportCount(cluster, node) === 0) {
        const pongTime = g.pongReceived * 1000;
        if (pongTime <= now + 500 && pongTime > node.pongReceived) node.pongReceived = pongTime;
      }
      // A failing node seen healthy at another address has moved: reconnect there.
      if (
        (node.flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) !== 0 &&
        (flags & NodeFlag.NOADDR) === 0 &&
        !failing &&
        (node.ip.toLowerCase() !== g.ip.toLowerCase() || node.port !== g.port || node.cport !== g.cport)
      ) {
        if (node.link !== null) cluster.freeLink(node.link as BusLink);
        node.ip = g.ip;
        node.port = g.port;
        node.pport = g.pport;
        node.cport = g.cport;
        node.flags &= ~NodeFlag.NOADDR;
      }
    } else if (sender !== null && (flags & NodeFlag.NOADDR) === 0 && !cluster.blacklisted(g.nodename)) {
      // A node we never met: trust the gossip and add it as it is described (no handshake).
      const fresh = new ClusterNode(g.nodename, flags & ~NodeFlag.MYSELF, now);
      fresh.ip = g.ip;
      fresh.port = g.port;
      fresh.pport = g.pport;
      fresh.cport = g.cport;
      state.addNode(fresh);
    }
  }
}

/** Applies the ping extensions: the announced hostname, or none (clusterProcessPingExtensions; no save of its own). */
export function processPingExtensions(cluster: Cluster, msg: PingMessage, link: BusLink): void {
  const sender = link.node ?? cluster.state.lookup(msg.sender) ?? null;
  if (sender !== null) sender.hostname = msg.hostname ?? '';
}
