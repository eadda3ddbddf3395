// CLUSTER NODES / INFO / SLOTS / SHARDS / REPLICAS / LINKS views over hand-built states, against the exact 7.0.15
// formats (clusterGenNodeDescription, clusterCommand INFO, clusterReplyMultiBulkSlots, clusterReplyShards).

import { describe, expect, it } from 'vitest';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { ClusterState, MessageType } from '../../../src/cluster/cluster-state.js';
import {
  clusterInfoText,
  clusterLinksReply,
  clusterReplicasReply,
  clusterShardsReply,
  clusterSlotsReply,
  describeFlags,
  describeNode,
  describeNodes,
  type ViewOptions,
} from '../../../src/cluster/cluster-views.js';
import { NodeFlag } from '../../../src/cluster/constants.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { encodeReply } from '../../../src/protocol/reply-encoder.js';
import { OutputBuffer } from '../../../src/protocol/output-buffer.js';
import type { Reply } from '../../../src/protocol/reply.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);
const E = 'e'.repeat(40);
const IP_VIEW: ViewOptions = { endpointType: 'ip', myReplOffset: 0 };

function node(name: string, flags: number, port: number): ClusterNode {
  const n = new ClusterNode(name, flags, 0);
  n.ip = '127.0.0.1';
  n.port = port;
  n.cport = port + 10000;
  return n;
}

/** myself A (0-5460, migrating 5 to B, importing 6000 from B), B (5461-10922, 10924), C replica of B, D, E. */
function sampleState(): { state: ClusterState; a: ClusterNode; b: ClusterNode; c: ClusterNode } {
  const a = node(A, NodeFlag.MYSELF | NodeFlag.MASTER, 30001);
  a.configEpoch = 1;
  const state = new ClusterState(a);
  const b = node(B, NodeFlag.MASTER, 30002);
  b.configEpoch = 2;
  b.pingSent = 100;
  b.pongReceived = 200;
  b.link = { createdAt: 1234, close: () => {} };
  const c = node(C, NodeFlag.SLAVE | NodeFlag.PFAIL, 30003);
  c.hostname = 'host-c';
  c.configEpoch = 7; // ignored: a replica shows its master's epoch
  c.master = b;
  b.addReplica(c);
  const d = node(D, NodeFlag.HANDSHAKE | NodeFlag.MEET, 30004);
  const e = new ClusterNode(E, NodeFlag.NOADDR, 0);
  for (const n of [b, c, d, e]) state.addNode(n);
  for (let s = 0; s <= 5460; s++) state.addSlot(s, a);
  for (let s = 5461; s <= 10922; s++) state.addSlot(s, b);
  state.addSlot(10924, b);
  state.migratingTo[5] = b;
  state.importingFrom[6000] = b;
  return { state, a, b, c };
}

function resp2(reply: Reply): string {
  const out = new OutputBuffer();
  encodeReply(reply, 2, out);
  return out.take().toString('latin1');
}

describe('CLUSTER NODES lines', () => {
  it('prints every field in clusterGenNodeDescription order', () => {
    const { state } = sampleState();
    expect(describeNodes(state, false)).toBe(
      [
        `${A} 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460 [5->-${B}] [6000-<-${B}]`,
        `${B} 127.0.0.1:30002@40002 master - 100 200 2 connected 5461-10922 10924`,
        `${C} 127.0.0.1:30003@40003,host-c slave,fail? ${B} 0 0 2 disconnected`,
        `${D} 127.0.0.1:30004@40004 handshake - 0 0 0 disconnected`,
        `${E} :0@0 noaddr - 0 0 0 disconnected`,
        '',
      ].join('\n'),
    );
  });

  it('leaves handshake nodes out of the config form', () => {
    const { state } = sampleState();
    const lines = describeNodes(state, true).split('\n');
    expect(lines.some((l) => l.startsWith(D))).toBe(false);
    expect(lines).toHaveLength(5); // four nodes and the final empty string after the last \n
  });

  it('orders flags as redisNodeFlagsTable and prints noflags for none', () => {
    const all =
      NodeFlag.MYSELF |
      NodeFlag.MASTER |
      NodeFlag.SLAVE |
      NodeFlag.PFAIL |
      NodeFlag.FAIL |
      NodeFlag.HANDSHAKE |
      NodeFlag.NOADDR |
      NodeFlag.NOFAILOVER |
      NodeFlag.MEET |
      NodeFlag.MIGRATE_TO;
    expect(describeFlags(all)).toBe('myself,master,slave,fail?,fail,handshake,noaddr,nofailover');
    expect(describeFlags(0)).toBe('noflags');
    expect(describeFlags(NodeFlag.MEET | NodeFlag.MIGRATE_TO)).toBe('noflags');
  });

  it('prints :port@cport before my IP is known, and a slot reaching 16383', () => {
    const me = new ClusterNode(A, NodeFlag.MYSELF | NodeFlag.MASTER, 0);
    me.port = 7000;
    me.cport = 17000;
    me.pingSent = 99; // never shown for myself
    const state = new ClusterState(me);
    state.addSlot(16383, me);
    state.addSlot(16381, me);
    expect(describeNode(state, me, false)).toBe(`${A} :7000@17000 myself,master - 0 0 0 connected 16381 16383`);
    expect(describeNodes(state, false)).toBe(`${A} :7000@17000 myself,master - 0 0 0 connected 16381 16383\n`);
  });

  it('CLUSTER REPLICAS lists the replica lines as bulk strings', () => {
    const { state, b } = sampleState();
    expect(toPlain(clusterReplicasReply(state, b))).toEqual([
      `${C} 127.0.0.1:30003@40003,host-c slave,fail? ${B} 0 0 2 disconnected`,
    ]);
  });
});

describe('CLUSTER INFO', () => {
  it('counts slots by owner health and prints only non-zero message counters', () => {
    const { state, b } = sampleState();
    b.flags |= NodeFlag.FAIL;
    state.currentEpoch = 9;
    state.state = 'ok';
    state.size = 2;
    state.messagesSent[MessageType.PING] = 3;
    state.messagesSent[MessageType.MEET] = 1;
    state.messagesReceived[MessageType.PONG] = 2;
    state.messagesReceived[MessageType.PUBLISHSHARD] = 4;
    expect(clusterInfoText(state)).toBe(
      [
        'cluster_state:ok',
        'cluster_slots_assigned:10924',
        'cluster_slots_ok:5461',
        'cluster_slots_pfail:0',
        'cluster_slots_fail:5463',
        'cluster_known_nodes:5',
        'cluster_size:2',
        'cluster_current_epoch:9',
        'cluster_my_epoch:1',
        'cluster_stats_messages_ping_sent:3',
        'cluster_stats_messages_meet_sent:1',
        'cluster_stats_messages_sent:4',
        'cluster_stats_messages_pong_received:2',
        'cluster_stats_messages_publishshard_received:4',
        'cluster_stats_messages_received:6',
        'total_cluster_links_buffer_limit_exceeded:0',
        '',
      ].join('\r\n'),
    );
  });

  it("shows a replica's master epoch as cluster_my_epoch", () => {
    const master = node(B, NodeFlag.MASTER, 1);
    master.configEpoch = 5;
    const me = node(A, NodeFlag.MYSELF | NodeFlag.SLAVE, 2);
    me.master = master;
    const state = new ClusterState(me);
    state.addNode(master);
    expect(clusterInfoText(state)).toContain('\r\ncluster_my_epoch:5\r\n');
  });
});

describe('CLUSTER SLOTS', () => {
  it('lists maximal owner runs with an empty metadata map per node', () => {
    const { state } = sampleState();
    expect(toPlain(clusterSlotsReply(state, IP_VIEW))).toEqual([
      [0, 5460, ['127.0.0.1', 30001, A, []]],
      [5461, 10922, ['127.0.0.1', 30002, B, []]],
      [10924, 10924, ['127.0.0.1', 30002, B, []]],
    ]);
    expect(resp2(clusterSlotsReply(state, IP_VIEW))).toContain(`$40\r\n${A}\r\n*0\r\n`);
  });

  it('includes a replica once it has an offset and is not failed, with its hostname in the map', () => {
    const { state, c } = sampleState();
    c.replOffset = 42;
    const entry = [5461, 10922, ['127.0.0.1', 30002, B, []], ['127.0.0.1', 30003, C, ['hostname', 'host-c']]];
    expect(toPlain(clusterSlotsReply(state, IP_VIEW))).toContainEqual(entry);
    c.flags |= NodeFlag.FAIL;
    expect(toPlain(clusterSlotsReply(state, IP_VIEW))).not.toContainEqual(entry);
  });

  it('names nodes by hostname (or ?) and moves the IP into the map with the hostname endpoint type', () => {
    const { state } = sampleState();
    const reply = toPlain(clusterSlotsReply(state, { endpointType: 'hostname', myReplOffset: 0 }));
    expect(reply).toContainEqual([0, 5460, ['?', 30001, A, ['ip', '127.0.0.1']]]);
    const unknown = resp2(clusterSlotsReply(state, { endpointType: 'unknown-endpoint', myReplOffset: 0 }));
    expect(unknown).toContain('*4\r\n$-1\r\n:30001\r\n');
  });
});

describe('CLUSTER SHARDS', () => {
  it('gives one map per master with flat slot ranges and node details', () => {
    const { state, c } = sampleState();
    c.replOffset = 0;
    expect(toPlain(clusterShardsReply(state, { endpointType: 'ip', myReplOffset: 77 }))).toEqual([
      [
        'slots',
        [0, 5460],
        'nodes',
        [
          [
            'id',
            A,
            'port',
            30001,
            'ip',
            '127.0.0.1',
            'endpoint',
            '127.0.0.1',
            'role',
            'master',
            'replication-offset',
            77,
            'health',
            'online',
          ],
        ],
      ],
      [
        'slots',
        [5461, 10922, 10924, 10924],
        'nodes',
        [
          [
            'id',
            B,
            'port',
            30002,
            'ip',
            '127.0.0.1',
            'endpoint',
            '127.0.0.1',
            'role',
            'master',
            'replication-offset',
            0,
            'health',
            'online',
          ],
          [
            'id',
            C,
            'port',
            30003,
            'ip',
            '127.0.0.1',
            'endpoint',
            '127.0.0.1',
            'hostname',
            'host-c',
            'role',
            'replica',
            'replication-offset',
            0,
            'health',
            'loading',
          ],
        ],
      ],
    ]);
  });
});

describe('CLUSTER LINKS', () => {
  it('lists outbound then inbound links per node', () => {
    const { state, b } = sampleState();
    b.inboundLink = { createdAt: 999, close: () => {} };
    expect(toPlain(clusterLinksReply(state))).toEqual([
      [
        'direction',
        'to',
        'node',
        B,
        'create-time',
        1234,
        'events',
        'r',
        'send-buffer-allocated',
        0,
        'send-buffer-used',
        0,
      ],
      [
        'direction',
        'from',
        'node',
        B,
        'create-time',
        999,
        'events',
        'r',
        'send-buffer-allocated',
        0,
        'send-buffer-used',
        0,
      ],
    ]);
  });
});
