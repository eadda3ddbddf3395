// The CLUSTER family, ASKING, READONLY and READWRITE on an in-process node: replies and Redis 7.0.15's error texts
// for every subcommand's checks (clusterCommand), plus the slot → keys index behind COUNTKEYSINSLOT/GETKEYSINSLOT.

import { describe, expect, it } from 'vitest';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { NodeFlag } from '../../../src/cluster/constants.js';
import { keyHashSlot } from '../../../src/cluster/key-slot.js';
import { NodeHarness } from '../../helpers/node-harness.js';

const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function clusterNode(): NodeHarness {
  return new NodeHarness({ directives: [['cluster-enabled', ['yes']]] });
}

/** A cluster node that also knows master B (port 7002) and B's replica C. */
function withPeers(): { h: NodeHarness; b: ClusterNode; c: ClusterNode } {
  const h = clusterNode();
  const state = h.node.cluster!.state;
  const b = new ClusterNode(B, NodeFlag.MASTER, 0);
  b.ip = '10.0.0.2';
  b.port = 7002;
  b.cport = 17002;
  const c = new ClusterNode(C, NodeFlag.SLAVE, 0);
  c.master = b;
  b.addReplica(c);
  state.addNode(b);
  state.addNode(c);
  // The harness has no network: becoming a replica must not try to reach B.
  h.node.replication.setMaster = () => {};
  return { h, b, c };
}

const err = (text: string) => ({ error: text });

describe('outside cluster mode', () => {
  it('refuses CLUSTER, ASKING, READONLY and READWRITE', () => {
    const h = new NodeHarness();
    const disabled = err('ERR This instance has cluster support disabled');
    expect(h.run('CLUSTER', 'INFO')).toEqual(disabled);
    expect(h.run('CLUSTER', 'HELP')).toEqual(disabled);
    expect(h.run('CLUSTER', 'KEYSLOT', 'foo')).toEqual(disabled);
    expect(h.run('ASKING')).toEqual(disabled);
    expect(h.run('READONLY')).toEqual(disabled);
    expect(h.run('READWRITE')).toEqual(disabled);
    expect(h.run('CLUSTER', 'NOPE')).toEqual(err("ERR unknown subcommand 'NOPE'. Try CLUSTER HELP."));
  });
});

describe('read-only subcommands', () => {
  it('KEYSLOT hashes the key or its hash tag', () => {
    const h = clusterNode();
    expect(h.run('CLUSTER', 'KEYSLOT', 'foo')).toBe(12182);
    expect(h.run('CLUSTER', 'KEYSLOT', 'somekey')).toBe(11058);
    expect(h.run('CLUSTER', 'KEYSLOT', '{user1000}.following')).toBe(h.run('CLUSTER', 'KEYSLOT', 'user1000'));
    expect(h.run('CLUSTER', 'KEYSLOT', 'foo{}{bar}')).toBe(keyHashSlot('foo{}{bar}'));
  });

  it('MYID, NODES and INFO describe a fresh node', () => {
    const h = clusterNode();
    const id = h.run('CLUSTER', 'MYID') as string;
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(h.run('CLUSTER', 'NODES')).toBe(`${id} :6379@16379 myself,master - 0 0 0 connected\n`);
    expect(h.run('CLUSTER', 'INFO')).toMatch(/^cluster_state:fail\r\ncluster_slots_assigned:0\r\n/);
    expect(h.run('CLUSTER', 'INFO', 'extra')).toEqual(err("ERR wrong number of arguments for 'cluster|info' command"));
  });

  it('refuses FAILOVER on a master', () => {
    expect(clusterNode().run('CLUSTER', 'FAILOVER')).toEqual(err('ERR You should send CLUSTER FAILOVER to a replica'));
  });

  it('HELP has the addReplyHelp shape', () => {
    const help = clusterNode().run('CLUSTER', 'HELP') as string[];
    expect(help[0]).toBe('CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    expect(help).toContain('SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)');
  });
});

describe('ADDSLOTS / DELSLOTS and their ranges', () => {
  it('assigns and unassigns slots, printed as maximal runs', () => {
    const h = clusterNode();
    const id = h.run('CLUSTER', 'MYID') as string;
    expect(h.run('CLUSTER', 'ADDSLOTS', '5', '3', '4', '100')).toBe('OK');
    expect(h.run('CLUSTER', 'ADDSLOTSRANGE', '200', '300', '16000', '16383')).toBe('OK');
    expect(h.run('CLUSTER', 'DELSLOTSRANGE', '250', '260')).toBe('OK');
    expect(h.run('CLUSTER', 'DELSLOTS', '100')).toBe('OK');
    expect(h.run('CLUSTER', 'NODES')).toBe(
      `${id} :6379@16379 myself,master - 0 0 0 connected 3-5 200-249 261-300 16000-16383\n`,
    );
  });

  it('reports the first bad argument before any busy slot, and changes nothing on error', () => {
    const h = clusterNode();
    h.run('CLUSTER', 'ADDSLOTS', '1');
    expect(h.run('CLUSTER', 'ADDSLOTS', '1', 'x')).toEqual(err('ERR Invalid or out of range slot'));
    expect(h.run('CLUSTER', 'ADDSLOTS', '16384')).toEqual(err('ERR Invalid or out of range slot'));
    expect(h.run('CLUSTER', 'ADDSLOTS', '-1')).toEqual(err('ERR Invalid or out of range slot'));
    expect(h.run('CLUSTER', 'ADDSLOTS', '2', '1')).toEqual(err('ERR Slot 1 is already busy'));
    expect(h.run('CLUSTER', 'ADDSLOTS', '2', '2')).toEqual(err('ERR Slot 2 specified multiple times'));
    expect(h.run('CLUSTER', 'DELSLOTS', '1', '7')).toEqual(err('ERR Slot 7 is already unassigned'));
    expect(h.run('CLUSTER', 'ADDSLOTSRANGE', '10', '5')).toEqual(
      err('ERR start slot number 10 is greater than end slot number 5'),
    );
    expect(h.run('CLUSTER', 'ADDSLOTSRANGE', '2', '3', '3', '4')).toEqual(err('ERR Slot 3 specified multiple times'));
    expect(h.run('CLUSTER', 'ADDSLOTSRANGE', '1', '2', '3')).toEqual(
      err("ERR wrong number of arguments for 'cluster|addslotsrange' command"),
    );
    expect(h.run('CLUSTER', 'ADDSLOTSRANGE', '1')).toEqual(
      err("ERR wrong number of arguments for 'cluster|addslotsrange' command"),
    );
    expect(h.node.cluster!.state.myself.numSlots).toBe(1);
  });

  it('clears an import of a slot it now owns', () => {
    const { h, b } = withPeers();
    const state = h.node.cluster!.state;
    expect(h.run('CLUSTER', 'SETSLOT', '9', 'IMPORTING', B)).toBe('OK');
    expect(state.importingFrom[9]).toBe(b);
    expect(h.run('CLUSTER', 'ADDSLOTS', '9')).toBe('OK');
    expect(state.importingFrom[9]).toBeNull();
  });

  it('FLUSHSLOTS needs an empty database', () => {
    const h = clusterNode();
    h.run('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    h.node.cluster!.state.state = 'ok';
    h.run('SET', 'k', 'v');
    expect(h.run('CLUSTER', 'FLUSHSLOTS')).toEqual(err('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.'));
    h.node.databases[0]!.delete('k');
    expect(h.run('CLUSTER', 'FLUSHSLOTS')).toBe('OK');
    expect(h.node.cluster!.state.myself.numSlots).toBe(0);
  });
});

describe('SETSLOT', () => {
  it('checks ownership, the node and the action', () => {
    const { h } = withPeers();
    h.run('CLUSTER', 'ADDSLOTS', '1');
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'MIGRATING', B)).toEqual(err("ERR I'm not the owner of hash slot 2"));
    expect(h.run('CLUSTER', 'SETSLOT', '1', 'MIGRATING', 'x'.repeat(40))).toEqual(
      err(`ERR I don't know about node ${'x'.repeat(40)}`),
    );
    expect(h.run('CLUSTER', 'SETSLOT', '1', 'MIGRATING', C)).toEqual(err('ERR Target node is not a master'));
    expect(h.run('CLUSTER', 'SETSLOT', '1', 'IMPORTING', B)).toEqual(err("ERR I'm already the owner of hash slot 1"));
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'IMPORTING', C)).toEqual(err('ERR Target node is not a master'));
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'NODE', 'nobody')).toEqual(err('ERR Unknown node nobody'));
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'NODE', C)).toEqual(err('ERR Target node is not a master'));
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'BOGUS')).toEqual(
      err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP'),
    );
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'STABLE', 'extra')).toEqual(
      err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP'),
    );
    expect(h.run('CLUSTER', 'SETSLOT', 'x', 'STABLE')).toEqual(err('ERR Invalid or out of range slot'));
  });

  it('shows migrating/importing on the myself line, and STABLE closes them', () => {
    const { h } = withPeers();
    const id = h.run('CLUSTER', 'MYID') as string;
    h.run('CLUSTER', 'ADDSLOTS', '1');
    expect(h.run('CLUSTER', 'SETSLOT', '1', 'MIGRATING', B)).toBe('OK');
    expect(h.run('CLUSTER', 'SETSLOT', '2', 'IMPORTING', B)).toBe('OK');
    const mine = () => (h.run('CLUSTER', 'NODES') as string).split('\n').find((l) => l.startsWith(id));
    expect(mine()).toBe(`${id} :6379@16379 myself,master - 0 0 0 connected 1 [1->-${B}] [2-<-${B}]`);
    h.run('CLUSTER', 'SETSLOT', '1', 'STABLE');
    h.run('CLUSTER', 'SETSLOT', '2', 'STABLE');
    expect(mine()).toBe(`${id} :6379@16379 myself,master - 0 0 0 connected 1`);
  });

  it('NODE refuses to give away a slot with keys, and closes a keyless migration', () => {
    const { h, b } = withPeers();
    const state = h.node.cluster!.state;
    const slot = keyHashSlot('k');
    h.run('CLUSTER', 'ADDSLOTS', String(slot), '0');
    h.run('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', B);
    h.node.databases[0]!.set('k', 'v');
    expect(h.run('CLUSTER', 'SETSLOT', String(slot), 'NODE', B)).toEqual(
      err(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`),
    );
    h.node.databases[0]!.delete('k');
    expect(h.run('CLUSTER', 'SETSLOT', String(slot), 'NODE', B)).toBe('OK');
    expect(state.slots[slot]).toBe(b);
    expect(state.migratingTo[slot]).toBeNull();
  });

  it('NODE myself ends an import with a new config epoch', () => {
    const { h, b } = withPeers();
    const state = h.node.cluster!.state;
    b.configEpoch = 3;
    state.currentEpoch = 3;
    state.addSlot(50, b);
    expect(h.run('CLUSTER', 'SETSLOT', '50', 'IMPORTING', B)).toBe('OK');
    expect(h.run('CLUSTER', 'SETSLOT', '50', 'NODE', state.myself.name)).toBe('OK');
    expect(state.slots[50]).toBe(state.myself);
    expect(state.importingFrom[50]).toBeNull();
    expect(state.myself.configEpoch).toBe(4);
    expect(state.currentEpoch).toBe(4);
  });

  it('is refused on a replica', () => {
    const { h, b } = withPeers();
    expect(h.run('CLUSTER', 'REPLICATE', B)).toBe('OK');
    expect(h.node.cluster!.state.myself.master).toBe(b);
    expect(h.run('CLUSTER', 'SETSLOT', '1', 'STABLE')).toEqual(err('ERR Please use SETSLOT only with masters.'));
  });
});

describe('node management subcommands', () => {
  it('FORGET, REPLICATE, REPLICAS and COUNT-FAILURE-REPORTS check the node', () => {
    const { h, c } = withPeers();
    const me = h.run('CLUSTER', 'MYID') as string;
    const unknown = err('ERR Unknown node nobody');
    for (const sub of ['FORGET', 'REPLICATE', 'REPLICAS', 'SLAVES', 'COUNT-FAILURE-REPORTS']) {
      expect(h.run('CLUSTER', sub, 'nobody')).toEqual(unknown);
    }
    expect(h.run('CLUSTER', 'FORGET', me)).toEqual(err("ERR I tried hard but I can't forget myself..."));
    expect(h.run('CLUSTER', 'REPLICATE', me)).toEqual(err("ERR Can't replicate myself"));
    expect(h.run('CLUSTER', 'REPLICATE', C)).toEqual(err('ERR I can only replicate a master, not a replica.'));
    expect(h.run('CLUSTER', 'REPLICAS', C)).toEqual(err('ERR The specified node is not a master'));
    expect(h.run('CLUSTER', 'REPLICAS', B)).toEqual([`${C} :0@0 slave ${B} 0 0 0 disconnected`]);
    c.addFailureReport(h.node.cluster!.state.myself, h.node.now());
    expect(h.run('CLUSTER', 'COUNT-FAILURE-REPORTS', C)).toBe(1);
    h.advance(15000 * 2 + 1);
    expect(h.run('CLUSTER', 'COUNT-FAILURE-REPORTS', C)).toBe(0);
  });

  it('REPLICATE needs an empty master; FORGET refuses my master', () => {
    const { h } = withPeers();
    h.run('CLUSTER', 'ADDSLOTS', '1');
    const notEmpty = err('ERR To set a master the node must be empty and without assigned slots.');
    expect(h.run('CLUSTER', 'REPLICATE', B)).toEqual(notEmpty);
    h.run('CLUSTER', 'DELSLOTS', '1');
    h.node.databases[0]!.set('k', 'v');
    expect(h.run('CLUSTER', 'REPLICATE', B)).toEqual(notEmpty);
    h.node.databases[0]!.delete('k');
    expect(h.run('CLUSTER', 'REPLICATE', B)).toBe('OK');
    expect(h.run('CLUSTER', 'FORGET', B)).toEqual(err("ERR Can't forget my master!"));
    expect(h.run('CLUSTER', 'FORGET', C)).toBe('OK');
    expect(h.node.cluster!.state.lookup(C)).toBeUndefined();
  });

  it('MEET validates ports and the address', () => {
    const h = clusterNode();
    expect(h.run('CLUSTER', 'MEET', '127.0.0.1', 'x')).toEqual(err('ERR Invalid TCP base port specified: x'));
    expect(h.run('CLUSTER', 'MEET', '127.0.0.1', '7000', 'y')).toEqual(err('ERR Invalid TCP bus port specified: y'));
    expect(h.run('CLUSTER', 'MEET', 'not-an-ip', '7000')).toEqual(
      err('ERR Invalid node address specified: not-an-ip:7000'),
    );
    expect(h.run('CLUSTER', 'MEET', '127.0.0.1', '70000')).toEqual(
      err('ERR Invalid node address specified: 127.0.0.1:70000'),
    );
    expect(h.run('CLUSTER', 'MEET', '127.0.0.1', '7000', '17000', 'extra')).toEqual(
      err("ERR unknown subcommand or wrong number of arguments for 'MEET'. Try CLUSTER HELP."),
    );
    expect(h.run('CLUSTER', 'MEET', '127.0.0.1', '7000')).toBe('OK');
    expect(h.run('CLUSTER', 'INFO')).toMatch(/\r\ncluster_known_nodes:2\r\n/);
  });

  it('SET-CONFIG-EPOCH only on a fresh node; BUMPEPOCH bumps once', () => {
    const h = clusterNode();
    expect(h.run('CLUSTER', 'SET-CONFIG-EPOCH', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(h.run('CLUSTER', 'SET-CONFIG-EPOCH', '-1')).toEqual(err('ERR Invalid config epoch specified: -1'));
    expect(h.run('CLUSTER', 'SET-CONFIG-EPOCH', '5')).toBe('OK');
    expect(h.run('CLUSTER', 'INFO')).toMatch(/cluster_current_epoch:5\r\ncluster_my_epoch:5\r\n/);
    expect(h.run('CLUSTER', 'SET-CONFIG-EPOCH', '6')).toEqual(err('ERR Node config epoch is already non-zero'));
    expect(h.run('CLUSTER', 'BUMPEPOCH')).toBe('STILL 5');
    const { h: h2 } = withPeers();
    expect(h2.run('CLUSTER', 'SET-CONFIG-EPOCH', '1')).toEqual(
      err('ERR The user can assign a config epoch only when the node does not know any other node.'),
    );
    expect(h2.run('CLUSTER', 'BUMPEPOCH')).toBe('BUMPED 1');
    expect(h2.run('CLUSTER', 'BUMPEPOCH')).toBe('STILL 1');
  });

  it('RESET checks its option and refuses a master holding keys', () => {
    const { h } = withPeers();
    expect(h.run('CLUSTER', 'RESET', 'MEDIUM')).toEqual(err('ERR syntax error'));
    expect(h.run('CLUSTER', 'RESET', 'SOFT', 'x')).toEqual(
      err("ERR unknown subcommand or wrong number of arguments for 'RESET'. Try CLUSTER HELP."),
    );
    h.node.databases[0]!.set('k', 'v');
    expect(h.run('CLUSTER', 'RESET')).toEqual(
      err("ERR CLUSTER RESET can't be called with master nodes containing keys"),
    );
    h.node.databases[0]!.delete('k');
    expect(h.run('CLUSTER', 'RESET', 'hard')).toBe('OK');
    expect(h.node.cluster!.state.nodes.size).toBe(1);
  });

  it('SAVECONFIG writes nodes.conf', () => {
    const h = clusterNode();
    h.run('CLUSTER', 'ADDSLOTS', '7');
    expect(h.run('CLUSTER', 'SAVECONFIG')).toBe('OK');
    const text = h.storage.read('nodes.conf')!.toString('latin1');
    expect(text).toMatch(/ myself,master - 0 0 0 connected 7\nvars currentEpoch 0 lastVoteEpoch 0\n$/);
  });
});

describe('ASKING, READONLY, READWRITE and SELECT in cluster mode', () => {
  it('set and clear the client flags', () => {
    const h = clusterNode();
    const client = h.client();
    expect(client.run('READONLY')).toBe('OK');
    expect(client.session.readOnly).toBe(true);
    expect(client.run('CLIENT', 'INFO')).toMatch(/ flags=r /);
    expect(client.run('READWRITE')).toBe('OK');
    expect(client.session.readOnly).toBe(false);
    expect(client.run('ASKING')).toBe('OK');
    expect(client.session.asking).toBe(true);
    expect(client.run('PING')).toBe('PONG');
    expect(client.session.asking).toBe(false);
    client.run('ASKING');
    client.run('READONLY');
    expect(client.run('RESET')).toBe('RESET');
    expect([client.session.asking, client.session.readOnly]).toEqual([false, false]);
  });

  it('refuses SELECT of another database', () => {
    const h = clusterNode();
    expect(h.run('SELECT', '1')).toEqual(err('ERR SELECT is not allowed in cluster mode'));
    expect(h.run('SELECT', '0')).toBe('OK');
  });
});

describe('COUNTKEYSINSLOT / GETKEYSINSLOT and the slot index', () => {
  it('validate their arguments', () => {
    const h = clusterNode();
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', '16384')).toEqual(err('ERR Invalid slot'));
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', '1', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', '-1', '1')).toEqual(err('ERR Invalid slot or number of keys'));
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', '1', '-1')).toEqual(err('ERR Invalid slot or number of keys'));
  });

  it('follow adds, deletes, renames, expiries and flushes, newest key first', () => {
    const h = clusterNode();
    h.run('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    h.node.cluster!.state.state = 'ok';
    const slot = String(keyHashSlot('{t}'));
    for (const k of ['{t}1', '{t}2', '{t}3']) expect(h.run('SET', k, 'v')).toBe('OK');
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(3);
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', slot, '2')).toEqual(['{t}3', '{t}2']);
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', slot, '10')).toEqual(['{t}3', '{t}2', '{t}1']);
    h.run('DEL', '{t}2');
    h.run('RENAME', '{t}1', '{t}9');
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', slot, '10')).toEqual(['{t}9', '{t}3']);
    h.run('SET', 'foo', 'bar');
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', '12182')).toBe(1);
    h.run('PEXPIRE', 'foo', '10');
    h.advance(20);
    h.run('GET', 'foo');
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', '12182')).toBe(0);
    h.run('FLUSHALL');
    expect(h.run('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(0);
    expect(h.run('CLUSTER', 'GETKEYSINSLOT', slot, '10')).toEqual([]);
  });

  it('deleteKeysInSlot removes just that slot, and DEBUG RELOAD rebuilds the index', () => {
    const h = new NodeHarness({
      directives: [
        ['cluster-enabled', ['yes']],
        ['enable-debug-command', ['yes']],
      ],
    });
    const db = h.node.databases[0]!;
    for (const k of ['{x}1', '{x}2', 'other']) db.set(k, 'v');
    expect(db.deleteKeysInSlot(keyHashSlot('{x}'))).toBe(2);
    expect([...db.keys()]).toEqual(['other']);
    expect(db.countKeysInSlot(keyHashSlot('{x}'))).toBe(0);
    expect(db.countKeysInSlot(keyHashSlot('other'))).toBe(1);
    expect(h.run('DEBUG', 'RELOAD')).toBe('OK');
    expect(h.node.databases[0]!.countKeysInSlot(keyHashSlot('other'))).toBe(1);
  });

  it('is kept only for DB 0 of a cluster node', () => {
    const standalone = new NodeHarness();
    standalone.run('SET', 'foo', 'bar');
    expect(standalone.node.databases[0]!.countKeysInSlot(12182)).toBe(0);
    const h = clusterNode();
    h.node.databases[1]!.set('foo', 'bar');
    expect(h.node.databases[1]!.countKeysInSlot(12182)).toBe(0);
  });
});
