// The cluster subsystem of a node in cluster mode (cluster.c): it owns the ClusterState, nodes.conf, the bus links,
// clusterCron and message processing. The node calls load/start/beforeReply/shutdown; the CLUSTER command family
// and the hosts call the methods below. The protocol pieces live in their own modules (packet.ts, gossip.ts,
// failure-detection.ts, slot-config.ts, cluster-cron.ts, election.ts) and drive the engine through the methods marked
// "engine" here.

import type { Link, LinkCloseReason, LogLevel, TimerHandle } from '../env/env.js';
import { randomHex } from '../env/env.js';
import type { RedisNode } from '../node/node.js';
import { decodeBusMessage, encodeBusMessage, isDecodeFailure } from './bus-codec.js';
import { BusLink, type BusLinkEvents } from './bus-link.js';
import {
  busMessage,
  type BusHeader,
  type BusMessage,
  type FailMessage,
  type PublishMessage,
  type UpdateMessage,
} from './bus-message.js';
import { clusterCron } from './cluster-cron.js';
import { ClusterNode } from './cluster-node.js';
import { ClusterState, MESSAGE_TYPE_COUNT, MESSAGE_TYPE_NAMES, MessageType } from './cluster-state.js';
import {
  BLACKLIST_TTL_SECONDS,
  BUS_PORT_OFFSET,
  CLUSTER_CRON_PERIOD_MS,
  NodeFlag,
  SLOT_BITMAP_BYTES,
  SLOT_COUNT,
} from './constants.js';
import { ElectionState, handleReplicaFailover } from './failover.js';
import { clusterUpdateState, type StateClock } from './failure-detection.js';
import { buildPing } from './gossip.js';
import { hostOf, normalizeIp } from './ip-address.js';
import {
  ManualFailoverState,
  handleManualFailover,
  headerManualFailoverFlags,
  resetManualFailover,
} from './manual-failover.js';
import { formatNodesConf, parseNodesConf, UNKNOWN_FLAG_MESSAGE } from './nodes-conf.js';
import { processPacket } from './packet.js';
import { SlotChannelEviction } from './slot-channels.js';

/** Work deferred to just before replies are sent (CLUSTER_TODO_* for clusterBeforeSleep). */
export const ClusterTodo = {
  HANDLE_FAILOVER: 1,
  UPDATE_STATE: 2,
  SAVE_CONFIG: 4,
  FSYNC_CONFIG: 8,
  HANDLE_MANUALFAILOVER: 16,
} as const;

/** A nodes.conf that cannot be loaded; the message is the line Redis logs before exiting. */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

/** The cluster side of one node. */
export class Cluster {
  /** The cluster as this node sees it. */
  readonly state: ClusterState;
  /** engine: slots whose owner stopped claiming them in its own messages (owner_not_claiming_slot). */
  readonly ownerNotClaiming = new Uint8Array(SLOT_BITMAP_BYTES);
  /** engine: PFAIL nodes counted by the last cron run (stats_pfail_nodes); they are all gossiped. */
  statsPfailNodes = 0;
  /** engine: the memory of every bus link, as the last cron run summed it (stat_cluster_links_memory). */
  linksMemory = 0;
  /** engine: clusterCron runs so far. */
  cronIteration = 0;
  /** engine: clusterUpdateState's timers (first_call_time, among_minority_time). */
  readonly stateClock: StateClock = { firstCallTime: 0, amongMinorityTime: 0 };
  /** engine: clusterSendPing calls so far, to keep a node out of the same message twice (last_in_ping_gossip). */
  pingsSent = 0;
  /** engine: the ping number each node was last gossiped in. */
  readonly lastInPingGossip = new WeakMap<ClusterNode, number>();
  /** failover: my election as a replica (failover_auth_*). */
  readonly election = new ElectionState();
  /** failover: the manual failover in progress, on a replica or its master (mf_*). */
  readonly manualFailover = new ManualFailoverState();

  private todoFlags = 0;
  /** The cluster-announce-ip last applied to myself ('' = none) (clusterUpdateMyselfIp's prev_ip). */
  private announcedIp = '';
  private cronTimer: TimerHandle | null = null;
  private stopped = false;
  private readonly links = new Set<BusLink>();
  private readonly linkEvents: BusLinkEvents = {
    frame: (link, frame) => this._frame(link, frame),
    lost: (link, why) => this._lost(link, why),
  };

  constructor(readonly node: RedisNode) {
    const me = new ClusterNode(randomHex(node.env, 40), NodeFlag.MYSELF | NodeFlag.MASTER, node.now());
    this.state = new ClusterState(me);
    // clusterDelSlot: a slot my shard stops serving takes its shard channels with it.
    const eviction = new SlotChannelEviction(this);
    this.state.onSlotDeleted = (slot, owner) => eviction.slotDeleted(slot, owner);
  }

  /** The bus port: `cluster-port`, or the data port + 10000. */
  get busPort(): number {
    const configured = this.node.config.getNumber('cluster-port');
    return configured !== 0 ? configured : this.node.config.getNumber('port') + BUS_PORT_OFFSET;
  }

  /** Loads nodes.conf, or creates this node's identity and saves it (clusterInit). Throws ClusterConfigError. */
  load(): void {
    const file = this.node.config.get('cluster-config-file');
    const data = this.node.env.storage.read(file);
    // clusterLoadConfig: a missing or empty file means "no configuration": keep the random identity and save it
    // (before the ports are known, so the first nodes.conf says `:0@0`, as Redis's does).
    if (data === null || data.length === 0) {
      this.node.log('notice', `No cluster configuration found, I'm ${this.state.myself.name}`);
      this._saveConfigOrDie(true);
    } else {
      this._adopt(this._parseOrLog(data));
      this.node.log('notice', `Node configuration loaded, I'm ${this.state.myself.name}`);
      const max = this.state.maxEpoch();
      if (max > this.state.currentEpoch) this.state.currentEpoch = max;
    }
    // The rest of clusterInit: my ports are the announced ones; flags, IP and hostname follow the config, also when
    // CONFIG SET changes it later.
    this._adoptAnnouncedPorts();
    this._updateMyselfFlags();
    this._updateMyselfIp();
    this._updateMyselfHostname();
    this.node.config.onChange((name) => {
      if (
        name === 'cluster-announce-port' ||
        name === 'cluster-announce-bus-port' ||
        name === 'cluster-announce-tls-port'
      )
        this._adoptAnnouncedPorts();
      else if (name === 'cluster-replica-no-failover') this._updateMyselfFlags();
      else if (name === 'cluster-announce-ip') this._updateMyselfIp();
      else if (name === 'cluster-announce-hostname') this._updateMyselfHostname();
    });
  }

  /** Starts clusterCron. */
  start(): void {
    this.stopped = false;
    this._scheduleCron();
  }

  /** Stops the cron and closes every bus link (the process is exiting). */
  shutdown(): void {
    this.stopped = true;
    this.cronTimer?.cancel();
    this.cronTimer = null;
    for (const link of [...this.links]) this.freeLink(link);
  }

  /** Takes a link a peer opened to our bus port. */
  acceptLink(link: Link): void {
    if (this.stopped) {
      link.close();
      return;
    }
    const host = hostOf(link.remoteAddress);
    const port = link.remoteAddress.slice(link.remoteAddress.lastIndexOf(':') + 1);
    this.log('verbose', `Accepting cluster node connection from ${host}:${port}`);
    this.links.add(new BusLink(link, null, this.now(), this.linkEvents));
  }

  /** Queues work for beforeReply (clusterDoBeforeSleep flags). */
  todo(flags: number): void {
    this.todoFlags |= flags;
  }

  /** engine: drops queued work that was just done another way (todo_before_sleep &= ~flags). */
  clearTodo(flags: number): void {
    this.todoFlags &= ~flags;
  }

  /** Runs queued work: failover handling, state update, config save (clusterBeforeSleep). */
  beforeReply(): void {
    const flags = this.todoFlags;
    if (flags === 0) return;
    this.todoFlags = 0;
    // A manual failover goes on at once rather than at the next cron tick; a vote may have made a majority.
    if ((flags & ClusterTodo.HANDLE_MANUALFAILOVER) !== 0) {
      if (this.state.myself.isReplica) {
        handleManualFailover(this);
        handleReplicaFailover(this);
      }
    } else if ((flags & ClusterTodo.HANDLE_FAILOVER) !== 0) {
      handleReplicaFailover(this);
    }
    if ((flags & ClusterTodo.UPDATE_STATE) !== 0) this.updateState();
    if ((flags & ClusterTodo.SAVE_CONFIG) !== 0) this._saveConfigOrDie((flags & ClusterTodo.FSYNC_CONFIG) !== 0);
  }

  /** CLUSTER MEET: starts a handshake; false for an invalid address or port (clusterStartHandshake). */
  startHandshake(ip: string, port: number, cport: number): boolean {
    const normalized = normalizeIp(ip);
    if (normalized === null) return false;
    if (!_validPort(port) || !_validPort(cport)) return false;
    // A handshake already in progress to the same address is not an error: CLUSTER MEET still answers OK.
    for (const n of this.state.nodes.values())
      if (n.inHandshake && n.ip.toLowerCase() === normalized && n.port === port && n.cport === cport) return true;
    const node = new ClusterNode(randomHex(this.node.env, 40), NodeFlag.HANDSHAKE | NodeFlag.MEET, this.now());
    node.ip = normalized;
    node.port = port;
    node.cport = cport;
    this.state.addNode(node);
    return true;
  }

  /** Makes this node a replica of `master`, dropping its slots (clusterSetMaster). */
  setMaster(master: ClusterNode): void {
    const me = this.state.myself;
    if (master === me) return;
    if (me.numSlots > 0) this.state.deleteNodeSlots(me);
    if (me.isMaster) {
      me.flags = (me.flags & ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO)) | NodeFlag.SLAVE;
      this._closeAllSlots();
    } else {
      me.master?.removeReplica(me);
    }
    me.master = master;
    master.addReplica(me);
    this.node.replication.setMaster(master.ip, master.port);
    resetManualFailover(this);
    this.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
  }

  /** CLUSTER RESET HARD|SOFT (clusterReset). */
  reset(hard: boolean): void {
    const me = this.state.myself;
    if (me.isReplica) {
      this.state.setNodeAsMaster(me);
      me.flags &= ~NodeFlag.MIGRATE_TO;
      this.node.replication.unsetMaster();
      for (const db of this.node.databases) db.flush();
    }
    this._closeAllSlots();
    for (let slot = 0; slot < SLOT_COUNT; slot++) this.state.deleteSlot(slot);
    for (const n of [...this.state.nodes.values()]) if (n !== me) this.deleteNode(n);
    if (hard) {
      this.state.currentEpoch = 0;
      this.state.lastVoteEpoch = 0;
      me.configEpoch = 0;
      this.log('warning', 'configEpoch set to 0 via CLUSTER RESET HARD');
      this.state.renameNode(me, randomHex(this.node.env, 40));
      this.log('notice', `Node hard reset, now I'm ${me.name}`);
    }
    this.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
  }

  /** CLUSTER FORGET: deletes the node and blacklists its name for 60 s. */
  forget(node: ClusterNode): void {
    this._blacklistCleanup();
    this.state.blacklist.set(node.name, Math.floor(this.now() / 1000) + BLACKLIST_TTL_SECONDS);
    this.deleteNode(node);
    this.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
  }

  /** Recomputes cluster_state now (clusterUpdateState). */
  updateState(): void {
    this.todoFlags &= ~ClusterTodo.UPDATE_STATE;
    clusterUpdateState(this);
  }

  /** Sends a PONG to every node, or to my master's other replicas (clusterBroadcastPong). */
  broadcastPong(target: 'all' | 'local-replicas'): void {
    const me = this.state.myself;
    for (const n of [...this.state.nodes.values()]) {
      const link = n.link as BusLink | null;
      if (link === null || n === me || n.inHandshake) continue;
      if (target === 'local-replicas') {
        const local = n.isReplica && n.master !== null && (n.master === me || n.master === me.master);
        if (!local) continue;
      }
      this.sendPing(link, MessageType.PONG);
    }
  }

  /** Sends PUBLISH (or PUBLISHSHARD to my shard) over the bus (clusterPropagatePublish). */
  propagatePublish(channel: string, message: string, shard: boolean): void {
    if (!shard) {
      this.broadcast(busMessage<PublishMessage>(this.header(), { type: MessageType.PUBLISH, channel, message }));
      return;
    }
    const me = this.state.myself;
    const primary = me.isMaster ? me : me.master;
    if (primary === null) return;
    const msg = busMessage<PublishMessage>(this.header(), { type: MessageType.PUBLISHSHARD, channel, message });
    for (const n of [primary, ...primary.replicas]) if (n !== me) this.sendMessage(n.link as BusLink | null, msg);
  }

  /** Writes nodes.conf now; returns false if it could not be written (clusterSaveConfig). */
  saveConfig(fsync: boolean): boolean {
    const file = this.node.config.get('cluster-config-file');
    try {
      this.todoFlags &= ~ClusterTodo.SAVE_CONFIG;
      this.node.env.storage.overwrite(file, Buffer.from(formatNodesConf(this.state), 'latin1'), fsync);
      if (fsync) this.todoFlags &= ~ClusterTodo.FSYNC_CONFIG;
      return true;
    } catch {
      return false;
    }
  }

  /** `ip:port` (or hostname:port, per cluster-preferred-endpoint-type) that MOVED/ASK name for a node. */
  endpointOf(node: ClusterNode): string {
    const type = this.node.config.get('cluster-preferred-endpoint-type');
    let endpoint: string;
    if (type === 'ip') endpoint = node.ip;
    else if (type === 'hostname') endpoint = node.hostname !== '' ? node.hostname : '?';
    else endpoint = '?';
    return `${endpoint}:${node.port}`;
  }

  // --- engine: used by the protocol modules and tests ---

  /** engine: the time now (mstime). */
  now(): number {
    return this.node.now();
  }

  /** engine: cluster-node-timeout in ms. */
  nodeTimeout(): number {
    return this.node.config.getNumber('cluster-node-timeout');
  }

  /** engine: writes a log line as the node does. */
  log(level: LogLevel, message: string): void {
    this.node.log(level, message);
  }

  /** engine: every live bus link (inbound and outbound). */
  allLinks(): readonly BusLink[] {
    return [...this.links];
  }

  /** engine: the header every message starts with (clusterBuildMessageHdr). */
  header(): BusHeader {
    const me = this.state.myself;
    const master = me.isReplica && me.master !== null ? me.master : me;
    const ports = this.announcedPorts();
    const announceIp = this.node.config.get('cluster-announce-ip');
    return {
      port: ports.port,
      cport: ports.cport,
      pport: ports.pport,
      currentEpoch: this.state.currentEpoch,
      configEpoch: master.configEpoch,
      offset: this._replicationOffset(),
      sender: me.name,
      // The live bitmap, not a copy: every caller encodes the message before anything can change the slots.
      myslots: master.slots,
      slaveof: me.master !== null ? me.master.name : null,
      myip: announceIp,
      flags: me.flags & 0xffff,
      state: this.state.state,
      mflags: headerManualFailoverFlags(this),
    };
  }

  /** engine: the ports this node announces (deriveAnnouncedPorts). */
  announcedPorts(): { port: number; pport: number; cport: number } {
    const config = this.node.config;
    const announcePort = config.getNumber('cluster-announce-port');
    const announceBus = config.getNumber('cluster-announce-bus-port');
    return {
      port: announcePort !== 0 ? announcePort : config.getNumber('port'),
      pport: 0,
      cport: announceBus !== 0 ? announceBus : this.busPort,
    };
  }

  /** engine: queues a message on a link and counts it; nothing happens without a link (clusterSendMessage). */
  sendMessage(link: BusLink | null, msg: BusMessage, encoded?: Buffer): void {
    if (link === null || link.freed) return;
    link.write(encoded ?? encodeBusMessage(msg));
    if (msg.type < MESSAGE_TYPE_COUNT) this.state.messagesSent[msg.type]!++;
  }

  /** engine: sends a message to every node but myself and those in handshake (clusterBroadcastMessage). */
  broadcast(msg: BusMessage): void {
    const encoded = encodeBusMessage(msg);
    for (const n of [...this.state.nodes.values()]) {
      if ((n.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) !== 0) continue;
      this.sendMessage(n.link as BusLink | null, msg, encoded);
    }
  }

  /** engine: sends PING, PONG or MEET with gossip on a link (clusterSendPing). */
  sendPing(link: BusLink, type: typeof MessageType.PING | typeof MessageType.PONG | typeof MessageType.MEET): void {
    this.sendMessage(link, buildPing(this, link, type));
  }

  /** engine: broadcasts FAIL about a node (clusterSendFail). */
  sendFail(name: string): void {
    this.broadcast(busMessage<FailMessage>(this.header(), { type: MessageType.FAIL, failing: name }));
  }

  /** engine: tells a node that `about` serves its slots at its configEpoch (clusterSendUpdate). */
  sendUpdate(link: BusLink | null, about: ClusterNode): void {
    if (link === null) return;
    const slots = about.slots.slice();
    for (let i = 0; i < slots.length; i++) slots[i]! &= ~this.ownerNotClaiming[i]!;
    this.sendMessage(
      link,
      busMessage<UpdateMessage>(this.header(), {
        type: MessageType.UPDATE,
        update: { configEpoch: about.configEpoch, nodename: about.name, slots },
      }),
    );
  }

  /** engine: opens the outbound link to a node and greets it with PING or MEET (clusterNodeCronHandleReconnect). */
  connect(node: ClusterNode): void {
    let raw: Link;
    try {
      raw = this.node.env.net.connect(node.ip, node.cport);
    } catch (e) {
      if (node.pingSent === 0) node.pingSent = this.now();
      const why = e instanceof Error ? e.message : String(e);
      this.log('debug', `Unable to connect to Cluster Node [${node.ip}]:${node.cport} -> ${why}`);
      return;
    }
    const link = new BusLink(raw, node, this.now(), this.linkEvents);
    this.links.add(link);
    node.link = link;
    // The greeting goes out at once (a Link queues bytes until connected) but counts only once the connection is
    // known to be up: see BusLink.greeting and _confirmGreeting.
    const type = node.has(NodeFlag.MEET) ? MessageType.MEET : MessageType.PING;
    const oldPingSent = node.pingSent;
    const greeting = buildPing(this, link, type);
    node.pingSent = oldPingSent;
    link.write(encodeBusMessage(greeting));
    link.greeting = { type, at: this.now() };
    this.log('debug', `Connecting with Node ${node.name} at ${node.ip}:${node.cport}`);
  }

  /** engine: closes a link and detaches it from its node (freeClusterLink). */
  freeLink(link: BusLink): void {
    link.close();
    this._detach(link);
  }

  /** engine: makes `link` the node's inbound link, dropping an older one (setClusterNodeToInboundClusterLink). */
  setInboundLink(node: ClusterNode, link: BusLink): void {
    const old = node.inboundLink as BusLink | null;
    if (old !== null && old !== link) {
      this.log('debug', `Replacing inbound link from node ${node.name}`);
      this.freeLink(old);
    }
    node.inboundLink = link;
    link.node = node;
  }

  /** engine: forgets a node and closes its links (clusterDelNode). */
  deleteNode(node: ClusterNode): void {
    this.state.deleteNode(node);
    for (const link of [node.link, node.inboundLink]) if (link !== null) this.freeLink(link as BusLink);
  }

  /** engine: whether a forgotten name may not be learned again yet (clusterBlacklistExists). */
  blacklisted(name: string): boolean {
    this._blacklistCleanup();
    return this.state.blacklist.has(name);
  }

  /** engine: bumps my configEpoch when it is 0 or not the largest (clusterBumpConfigEpochWithoutConsensus). */
  bumpConfigEpochWithoutConsensus(): boolean {
    const me = this.state.myself;
    const max = this.state.maxEpoch();
    if (me.configEpoch !== 0 && me.configEpoch === max) return false;
    this.state.currentEpoch++;
    me.configEpoch = this.state.currentEpoch;
    this.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.FSYNC_CONFIG);
    this.log('warning', `New configEpoch set to ${me.configEpoch}`);
    return true;
  }

  /** engine: writes nodes.conf or logs Redis's fatal line (clusterSaveConfigOrDie; the core cannot exit). */
  saveConfigOrDie(fsync: boolean): void {
    this._saveConfigOrDie(fsync);
  }

  /** engine: keys in a slot of DB 0 (countKeysInSlot). */
  countKeysInSlot(slot: number): number {
    return this.node.databases[0]?.countKeysInSlot(slot) ?? 0;
  }

  /** engine: deletes a slot's keys from DB 0 (delKeysInSlot). */
  deleteKeysInSlot(slot: number): void {
    this.node.databases[0]?.deleteKeysInSlot(slot);
  }

  // --- internal ---

  private _scheduleCron(): void {
    this.cronTimer = this.node.env.schedule(CLUSTER_CRON_PERIOD_MS, () => {
      if (this.stopped) return;
      this._safely(() => clusterCron(this));
      this._safely(() => this.beforeReply());
      this._scheduleCron();
    });
  }

  /** One whole frame from a link: counted by its raw type, decoded, processed, then the deferred work runs. */
  private _frame(link: BusLink, frame: Buffer): void {
    this._confirmGreeting(link);
    const type = frame.readUInt16BE(12);
    if (type < MESSAGE_TYPE_COUNT) this.state.messagesReceived[type]!++;
    const decoded = decodeBusMessage(frame);
    if (isDecodeFailure(decoded)) {
      if (decoded.failure === 'unknown-type' && decoded.header !== null) {
        this._safely(() => processPacket(this, link, null, decoded.header!));
        this.log('warning', `Received unknown packet type: ${type}`);
      } else if (decoded.failure === 'bad-length') {
        const name = MESSAGE_TYPE_NAMES[type] ?? 'unknown';
        this.log('warning', `Received invalid ${name} packet of length ${frame.length}`);
      }
    } else {
      this._safely(() => processPacket(this, link, decoded, decoded));
    }
    this._safely(() => this.beforeReply());
  }

  private _lost(link: BusLink, why: LinkCloseReason | 'bad-frame'): void {
    if (why === 'refused') link.greeting = null;
    else this._confirmGreeting(link);
    if (why === 'bad-frame') {
      this.log('warning', 'Bad message length or signature received from Cluster bus.');
    } else if (why === 'refused' && link.node !== null) {
      // clusterLinkConnectHandler: the connection attempt itself failed.
      const n = link.node;
      this.log('verbose', `Connection with Node ${n.name} at ${n.ip}:${n.cport} failed: Connection refused`);
    } else {
      this.log('debug', 'I/O error reading from node link: connection closed');
    }
    this._detach(link);
  }

  /**
   * The outbound link turned out to be connected: what clusterLinkConnectHandler does after sending the greeting
   * happens now (count it; a PING starts the ping timer unless one is pending; MEET is done).
   */
  private _confirmGreeting(link: BusLink): void {
    const greeting = link.greeting;
    if (greeting === null) return;
    link.greeting = null;
    this.state.messagesSent[greeting.type]!++;
    const node = link.node;
    if (node === null || node.link !== link) return;
    if (greeting.type === MessageType.PING && node.pingSent === 0) node.pingSent = greeting.at;
    node.flags &= ~NodeFlag.MEET;
  }

  private _detach(link: BusLink): void {
    this.links.delete(link);
    const node = link.node;
    if (node === null) return;
    if (node.link === link) node.link = null;
    if (node.inboundLink === link) node.inboundLink = null;
  }

  /** Bad input must never escape to the event loop: an engine bug is logged, the node keeps running. */
  private _safely(task: () => void): void {
    try {
      task();
    } catch (e) {
      const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
      this.log('warning', `Internal error in the cluster bus handler: ${detail}`);
    }
  }

  private _saveConfigOrDie(fsync: boolean): void {
    if (!this.saveConfig(fsync)) this.log('warning', "Fatal: can't update cluster config file.");
  }

  /** Parses nodes.conf; a bad file is logged as Redis logs it before exiting, then the error goes to the host. */
  private _parseOrLog(data: Buffer): ClusterState {
    try {
      return parseNodesConf(data.toString('latin1'), this.now(), (m) => this.log('warning', m));
    } catch (e) {
      if (e instanceof ClusterConfigError) {
        if (e.message === UNKNOWN_FLAG_MESSAGE) {
          // clusterLoadConfig calls serverPanic here: the bug-report header's first lines carry the message.
          this.log('warning', '------------------------------------------------');
          this.log('warning', '!!! Software Failure. Press left mouse button to continue');
          this.log('warning', `Guru Meditation: ${e.message} #cluster.c:292`);
        } else {
          this.log('warning', e.message);
        }
      }
      throw e;
    }
  }

  /** Takes a parsed nodes.conf as this node's view, keeping the ClusterState object others hold. */
  private _adopt(loaded: ClusterState): void {
    const s = this.state;
    s.nodes.clear();
    for (const [name, n] of loaded.nodes) s.nodes.set(name, n);
    s.myself = loaded.myself;
    s.currentEpoch = loaded.currentEpoch;
    s.lastVoteEpoch = loaded.lastVoteEpoch;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      s.slots[slot] = loaded.slots[slot] ?? null;
      s.migratingTo[slot] = loaded.migratingTo[slot] ?? null;
      s.importingFrom[slot] = loaded.importingFrom[slot] ?? null;
    }
  }

  /** clusterInit: my port, bus port and plaintext port are the ones I announce; the IP is learned from MEETs. */
  private _adoptAnnouncedPorts(): void {
    const ports = this.announcedPorts();
    const me = this.state.myself;
    me.port = ports.port;
    me.pport = ports.pport;
    me.cport = ports.cport;
  }

  /** NOFAILOVER follows cluster-replica-no-failover (clusterUpdateMyselfFlags). */
  private _updateMyselfFlags(): void {
    const me = this.state.myself;
    const old = me.flags;
    const nofailover = this.node.config.getBool('cluster-replica-no-failover') ? NodeFlag.NOFAILOVER : 0;
    me.flags = (me.flags & ~NodeFlag.NOFAILOVER) | nofailover;
    if (me.flags !== old) this.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
  }

  /** My IP is cluster-announce-ip when set; unsetting it clears the IP so MEETs teach it again (clusterUpdateMyselfIp). */
  private _updateMyselfIp(): void {
    const current = this.node.config.get('cluster-announce-ip');
    if (current === this.announcedIp) return;
    this.announcedIp = current;
    this.state.myself.ip = current;
  }

  /** My hostname is cluster-announce-hostname (clusterUpdateMyselfHostname); cron re-applies it too. */
  private _updateMyselfHostname(): void {
    this.state.myself.hostname = this.node.config.get('cluster-announce-hostname');
  }

  private _closeAllSlots(): void {
    this.state.migratingTo.fill(null);
    this.state.importingFrom.fill(null);
  }

  private _blacklistCleanup(): void {
    const nowSeconds = Math.floor(this.now() / 1000);
    for (const [name, expires] of [...this.state.blacklist])
      if (expires < nowSeconds) this.state.blacklist.delete(name);
  }

  private _replicationOffset(): number {
    return this.node.replication.offset();
  }
}

// --- internal ---

function _validPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}
