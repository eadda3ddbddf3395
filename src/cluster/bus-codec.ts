// The cluster bus wire format: BusMessage values to Redis 7.0.15's exact clusterMsg bytes (cluster.h, protocol
// version 1, network byte order) and back. Pure: no I/O, no state. Decoding applies the acceptance rules of
// clusterProcessPacket (version, expected length per type, ping extension validation) and never throws on bad bytes:
// a rejected frame comes back as a DecodeFailure value.

import type {
  BusHeader,
  BusMessage,
  FailMessage,
  GossipEntry,
  HeaderOnlyMessage,
  ModuleMessage,
  PingMessage,
  PublishMessage,
  UpdateMessage,
} from './bus-message.js';
import { busMessage, MessageFlag0 } from './bus-message.js';
import { MessageType } from './cluster-state.js';
import { NODE_NAME_LENGTH, SLOT_BITMAP_BYTES } from './constants.js';

/** The frame signature, "RCmb" (Redis Cluster message bus). */
export const BUS_SIGNATURE = 'RCmb';
/** The only protocol version Redis 7.0 speaks (CLUSTER_PROTO_VER). */
export const BUS_PROTOCOL_VERSION = 1;
/** Header bytes every message carries; shorter frames free the link (CLUSTERMSG_MIN_LEN). */
export const BUS_HEADER_LENGTH = 2256;
/** Bytes of one gossip entry (sizeof(clusterMsgDataGossip)). */
export const GOSSIP_ENTRY_LENGTH = 104;
/** Bytes of a whole clusterMsg, the size of its largest body (UPDATE). */
export const BUS_MESSAGE_MAX_FIXED_LENGTH = 4352;
/** Ping extension type of the announced hostname (CLUSTERMSG_EXT_TYPE_HOSTNAME). */
export const PING_EXT_TYPE_HOSTNAME = 0;

/** Field offsets in the header (the static_asserts of cluster.h). */
export const HeaderOffset = {
  sig: 0,
  totlen: 4,
  ver: 8,
  port: 10,
  type: 12,
  count: 14,
  currentEpoch: 16,
  configEpoch: 24,
  offset: 32,
  sender: 40,
  myslots: 80,
  slaveof: 2128,
  myip: 2168,
  extensions: 2214,
  notused1: 2216,
  pport: 2246,
  cport: 2248,
  flags: 2250,
  state: 2252,
  mflags: 2253,
  data: 2256,
} as const;

/** Why a frame was not accepted (each is a silent `return 1` of clusterProcessPacket, except where noted). */
export type DecodeFailureReason =
  /** Fewer bytes than a header: the reader frees such links before this can happen. */
  | 'short-frame'
  /** Not "RCmb": the reader frees such links before this can happen. */
  | 'bad-signature'
  /** The totlen field disagrees with the frame's size. */
  | 'length-mismatch'
  /** `ver` is not 1. */
  | 'bad-version'
  /** A ping extension whose length is not a multiple of 8. */
  | 'bad-extension-padding'
  /** A ping extension running past totlen. */
  | 'extension-overflow'
  /** totlen differs from the length the type implies. */
  | 'bad-length'
  /**
   * NOT a drop: Redis accepts a frame of a type it does not know (its expected length is its totlen) and still applies
   * the header (sender lookup, data_received, epochs, offset); it only has no body to act on. `header` is set.
   */
  | 'unknown-type';

/** A frame decodeBusMessage did not turn into a BusMessage. */
export interface DecodeFailure {
  readonly failure: DecodeFailureReason;
  /** The raw type field, when the frame is long enough to hold it (Redis counts known types even when dropped). */
  readonly type: number | null;
  /** The decoded header, only for `unknown-type`. */
  readonly header: BusHeader | null;
}

/** A value the encoder cannot put on the wire (a programming error in the caller, never caused by network input). */
export class BusEncodeError extends Error {
  override readonly name = 'BusEncodeError';
}

/** Whether a decode result is a failure rather than a message. */
export function isDecodeFailure(result: BusMessage | DecodeFailure): result is DecodeFailure {
  return 'failure' in result;
}

/** Encodes a message as Redis 7.0.15 would send it (clusterBuildMessageHdr + clusterSend*). */
export function encodeBusMessage(msg: BusMessage): Buffer {
  switch (msg.type) {
    case MessageType.PING:
    case MessageType.PONG:
    case MessageType.MEET:
      return _encodePing(msg);
    case MessageType.FAIL:
      return _encodeFail(msg);
    case MessageType.PUBLISH:
    case MessageType.PUBLISHSHARD:
      return _encodePublish(msg);
    case MessageType.UPDATE:
      return _encodeUpdate(msg);
    case MessageType.MODULE:
      return _encodeModule(msg);
    case MessageType.FAILOVER_AUTH_REQUEST:
    case MessageType.FAILOVER_AUTH_ACK:
    case MessageType.MFSTART:
      return _encodeHeaderOnly(msg);
  }
}

/**
 * Decodes one whole frame (as BusReader delivers it) with clusterProcessPacket's acceptance rules; never throws. The
 * header's `myslots` is a view into `frame`, which must not be written afterwards.
 */
export function decodeBusMessage(frame: Buffer): BusMessage | DecodeFailure {
  const type = frame.length >= HeaderOffset.type + 2 ? frame.readUInt16BE(HeaderOffset.type) : null;
  if (frame.length < BUS_HEADER_LENGTH) return _fail('short-frame', type);
  if (frame.toString('latin1', 0, 4) !== BUS_SIGNATURE) return _fail('bad-signature', type);
  const totlen = frame.readUInt32BE(HeaderOffset.totlen);
  if (totlen !== frame.length) return _fail('length-mismatch', type);
  if (frame.readUInt16BE(HeaderOffset.ver) !== BUS_PROTOCOL_VERSION) return _fail('bad-version', type);
  const header = _decodeHeader(frame);
  const data = HeaderOffset.data;
  switch (type) {
    case MessageType.PING:
    case MessageType.PONG:
    case MessageType.MEET:
      return _decodePing(frame, header, type);
    case MessageType.FAIL:
      if (totlen !== data + NODE_NAME_LENGTH) return _fail('bad-length', type);
      return busMessage<FailMessage>(header, {
        type,
        failing: frame.toString('latin1', data, data + NODE_NAME_LENGTH),
      });
    case MessageType.PUBLISH:
    case MessageType.PUBLISHSHARD: {
      // clusterMsgDataPublish is 16 bytes with an 8-byte placeholder for the data: the bulk starts at data + 8.
      // Redis adds the lengths in uint32 (a wrapped sum would make it copy garbage); we add exactly, so it drops.
      const channelLength = frame.readUInt32BE(data);
      const messageLength = frame.readUInt32BE(data + 4);
      if (totlen !== data + 8 + channelLength + messageLength) return _fail('bad-length', type);
      const bulk = data + 8;
      return busMessage<PublishMessage>(header, {
        type,
        channel: frame.toString('latin1', bulk, bulk + channelLength),
        message: frame.toString('latin1', bulk + channelLength, bulk + channelLength + messageLength),
      });
    }
    case MessageType.FAILOVER_AUTH_REQUEST:
    case MessageType.FAILOVER_AUTH_ACK:
    case MessageType.MFSTART:
      if (totlen !== data) return _fail('bad-length', type);
      return busMessage<HeaderOnlyMessage>(header, { type });
    case MessageType.UPDATE: {
      if (totlen !== BUS_MESSAGE_MAX_FIXED_LENGTH) return _fail('bad-length', type);
      const nameAt = data + 8;
      const slotsAt = nameAt + NODE_NAME_LENGTH;
      return busMessage<UpdateMessage>(header, {
        type,
        update: {
          configEpoch: _readU64(frame, data),
          nodename: frame.toString('latin1', nameAt, nameAt + NODE_NAME_LENGTH),
          slots: new Uint8Array(frame.subarray(slotsAt, slotsAt + SLOT_BITMAP_BYTES)),
        },
      });
    }
    case MessageType.MODULE: {
      // clusterMsgModule: module_id(8) len(4) type(1) and a 3-byte placeholder: the payload starts at data + 13.
      const payloadLength = frame.readUInt32BE(data + 8);
      if (totlen !== data + 13 + payloadLength) return _fail('bad-length', type);
      return busMessage<ModuleMessage>(header, {
        type,
        // Redis sends the id in host order ("already endian adjusted"): little-endian on every platform it runs on.
        moduleId: frame.readBigUInt64LE(data),
        moduleType: frame.readUInt8(data + 12),
        payload: Buffer.from(frame.subarray(data + 13, data + 13 + payloadLength)),
      });
    }
    default:
      return { failure: 'unknown-type', type, header };
  }
}

// --- internal ---

const GossipOffset = {
  nodename: 0,
  pingSent: 40,
  pongReceived: 44,
  ip: 48,
  port: 94,
  cport: 96,
  flags: 98,
  pport: 100,
} as const;

/** NET_IP_STR_LEN: IP fields are this many bytes, NUL padded. */
const IP_FIELD_LENGTH = 46;
/** Bytes of a ping extension's own header (length u32, type u16, unused u16). */
const PING_EXT_HEADER_LENGTH = 8;
/** CLUSTER_OK / CLUSTER_FAIL as the header's state byte. */
const STATE_OK = 0;
const STATE_FAIL = 1;

function _fail(failure: DecodeFailureReason, type: number | null): DecodeFailure {
  return { failure, type, header: null };
}

/** A zeroed frame of `totlen` bytes with the header written (clusterBuildMessageHdr, with totlen and count set). */
function _frameWithHeader(
  msg: BusHeader,
  type: number,
  totlen: number,
  count = 0,
  extensions = 0,
  mflags = msg.mflags,
): Buffer {
  // allocUnsafe + fill rather than alloc: a frame under 4 KiB (every PING with few gossip entries) then comes from
  // Node's shared pool instead of getting an ArrayBuffer of its own, which is what made encoding costly.
  const frame = Buffer.allocUnsafe(totlen).fill(0);
  frame.write(BUS_SIGNATURE, HeaderOffset.sig, 'latin1');
  frame.writeUInt32BE(totlen, HeaderOffset.totlen);
  frame.writeUInt16BE(BUS_PROTOCOL_VERSION, HeaderOffset.ver);
  frame.writeUInt16BE(msg.port, HeaderOffset.port);
  frame.writeUInt16BE(type, HeaderOffset.type);
  frame.writeUInt16BE(count, HeaderOffset.count);
  _writeU64(frame, HeaderOffset.currentEpoch, msg.currentEpoch);
  _writeU64(frame, HeaderOffset.configEpoch, msg.configEpoch);
  _writeU64(frame, HeaderOffset.offset, msg.offset);
  _writeFixed(frame, HeaderOffset.sender, NODE_NAME_LENGTH, msg.sender);
  frame.set(msg.myslots.subarray(0, SLOT_BITMAP_BYTES), HeaderOffset.myslots);
  if (msg.slaveof !== null) _writeFixed(frame, HeaderOffset.slaveof, NODE_NAME_LENGTH, msg.slaveof);
  // strncpy(myip, announce_ip, NET_IP_STR_LEN-1): the last byte always stays NUL.
  _writeFixed(frame, HeaderOffset.myip, IP_FIELD_LENGTH - 1, msg.myip);
  frame.writeUInt16BE(extensions, HeaderOffset.extensions);
  frame.writeUInt16BE(msg.pport, HeaderOffset.pport);
  frame.writeUInt16BE(msg.cport, HeaderOffset.cport);
  frame.writeUInt16BE(msg.flags, HeaderOffset.flags);
  frame.writeUInt8(msg.state === 'ok' ? STATE_OK : STATE_FAIL, HeaderOffset.state);
  frame.writeUInt8(mflags & 0xff, HeaderOffset.mflags);
  return frame;
}

/** clusterSendPing: header, `count` gossip entries, then the HOSTNAME extension when there is a hostname. */
function _encodePing(msg: PingMessage): Buffer {
  if (msg.gossip.length > 0xffff) throw new BusEncodeError(`Too many gossip entries: ${msg.gossip.length}`);
  const gossipEnd = HeaderOffset.data + GOSSIP_ENTRY_LENGTH * msg.gossip.length;
  const hostname = msg.hostname === null ? null : Buffer.from(msg.hostname, 'latin1');
  // getHostnamePingExtSize: the ext header plus the hostname and its NUL, padded to 8 bytes.
  const extLength = hostname === null ? 0 : PING_EXT_HEADER_LENGTH + _align8(hostname.length + 1);
  const mflags = hostname === null ? msg.mflags : msg.mflags | MessageFlag0.EXT_DATA;
  const frame = _frameWithHeader(
    msg,
    msg.type,
    gossipEnd + extLength,
    msg.gossip.length,
    hostname === null ? 0 : 1,
    mflags,
  );
  msg.gossip.forEach((entry, i) => _writeGossip(frame, HeaderOffset.data + i * GOSSIP_ENTRY_LENGTH, entry));
  if (hostname !== null) {
    frame.writeUInt32BE(extLength, gossipEnd);
    frame.writeUInt16BE(PING_EXT_TYPE_HOSTNAME, gossipEnd + 4);
    hostname.copy(frame, gossipEnd + PING_EXT_HEADER_LENGTH);
  }
  return frame;
}

/** clusterSetGossipEntry. */
function _writeGossip(frame: Buffer, at: number, entry: GossipEntry): void {
  _writeFixed(frame, at + GossipOffset.nodename, NODE_NAME_LENGTH, entry.nodename);
  frame.writeUInt32BE(entry.pingSent >>> 0, at + GossipOffset.pingSent);
  frame.writeUInt32BE(entry.pongReceived >>> 0, at + GossipOffset.pongReceived);
  _writeFixed(frame, at + GossipOffset.ip, IP_FIELD_LENGTH, entry.ip);
  frame.writeUInt16BE(entry.port, at + GossipOffset.port);
  frame.writeUInt16BE(entry.cport, at + GossipOffset.cport);
  frame.writeUInt16BE(entry.flags, at + GossipOffset.flags);
  frame.writeUInt16BE(entry.pport, at + GossipOffset.pport);
}

function _encodeFail(msg: FailMessage): Buffer {
  const frame = _frameWithHeader(msg, msg.type, HeaderOffset.data + NODE_NAME_LENGTH);
  _writeFixed(frame, HeaderOffset.data, NODE_NAME_LENGTH, msg.failing);
  return frame;
}

/** clusterSendPublish: totlen is the header + 16 - 8 (the placeholder) + both lengths. */
function _encodePublish(msg: PublishMessage): Buffer {
  const channel = Buffer.from(msg.channel, 'latin1');
  const message = Buffer.from(msg.message, 'latin1');
  const bulk = HeaderOffset.data + 8;
  const frame = _frameWithHeader(msg, msg.type, bulk + channel.length + message.length);
  frame.writeUInt32BE(channel.length, HeaderOffset.data);
  frame.writeUInt32BE(message.length, HeaderOffset.data + 4);
  channel.copy(frame, bulk);
  message.copy(frame, bulk + channel.length);
  return frame;
}

function _encodeUpdate(msg: UpdateMessage): Buffer {
  const frame = _frameWithHeader(msg, msg.type, BUS_MESSAGE_MAX_FIXED_LENGTH);
  _writeU64(frame, HeaderOffset.data, msg.update.configEpoch);
  _writeFixed(frame, HeaderOffset.data + 8, NODE_NAME_LENGTH, msg.update.nodename);
  frame.set(msg.update.slots.subarray(0, SLOT_BITMAP_BYTES), HeaderOffset.data + 8 + NODE_NAME_LENGTH);
  return frame;
}

/** clusterSendModule: totlen is the header + 16 - 3 (the placeholder) + the payload length. */
function _encodeModule(msg: ModuleMessage): Buffer {
  const at = HeaderOffset.data;
  const frame = _frameWithHeader(msg, msg.type, at + 13 + msg.payload.length);
  frame.writeBigUInt64LE(BigInt.asUintN(64, msg.moduleId), at);
  frame.writeUInt32BE(msg.payload.length, at + 8);
  frame.writeUInt8(msg.moduleType & 0xff, at + 12);
  msg.payload.copy(frame, at + 13);
  return frame;
}

function _encodeHeaderOnly(msg: HeaderOnlyMessage): Buffer {
  return _frameWithHeader(msg, msg.type, HeaderOffset.data);
}

function _decodeHeader(frame: Buffer): BusHeader {
  const slaveof = frame.subarray(HeaderOffset.slaveof, HeaderOffset.slaveof + NODE_NAME_LENGTH);
  return {
    port: frame.readUInt16BE(HeaderOffset.port),
    cport: frame.readUInt16BE(HeaderOffset.cport),
    pport: frame.readUInt16BE(HeaderOffset.pport),
    currentEpoch: _readU64(frame, HeaderOffset.currentEpoch),
    configEpoch: _readU64(frame, HeaderOffset.configEpoch),
    offset: _readU64(frame, HeaderOffset.offset),
    sender: frame.toString('latin1', HeaderOffset.sender, HeaderOffset.sender + NODE_NAME_LENGTH),
    // A view, not a copy: frames are never written after they arrive (BusReader owns its bytes).
    myslots: new Uint8Array(frame.buffer, frame.byteOffset + HeaderOffset.myslots, SLOT_BITMAP_BYTES),
    // A master sends an all-NUL slaveof (CLUSTER_NODE_NULL_NAME).
    slaveof: _allZero(slaveof) ? null : slaveof.toString('latin1'),
    myip: _readCString(frame, HeaderOffset.myip, HeaderOffset.myip + IP_FIELD_LENGTH),
    flags: frame.readUInt16BE(HeaderOffset.flags),
    state: frame.readUInt8(HeaderOffset.state) === STATE_OK ? 'ok' : 'fail',
    mflags: frame.readUInt8(HeaderOffset.mflags),
  };
}

/**
 * PING/PONG/MEET: the expected length is header + count gossip entries, plus each extension when EXT_DATA is set,
 * validated as clusterProcessPacket does (length multiple of 8, not past totlen); then the HOSTNAME extension is read
 * as clusterProcessPingExtensions does (the last one wins, unknown types are skipped).
 */
function _decodePing(frame: Buffer, header: BusHeader, type: PingMessage['type']): PingMessage | DecodeFailure {
  const totlen = frame.length;
  const count = frame.readUInt16BE(HeaderOffset.count);
  const gossipEnd = HeaderOffset.data + GOSSIP_ENTRY_LENGTH * count;
  let explen = gossipEnd;
  // Extension starts, recorded while validating. Once explen passes totlen the packet can only be dropped (Redis's
  // unsigned `totlen - explen` then wraps and every later check passes, but explen only grows), so we stop there.
  const extensionStarts: number[] = [];
  if ((header.mflags & MessageFlag0.EXT_DATA) !== 0) {
    const extensions = frame.readUInt16BE(HeaderOffset.extensions);
    for (let i = 0; i < extensions; i++) {
      // An extension header beyond the frame would make Redis read past the packet: we drop such a frame.
      if (explen + PING_EXT_HEADER_LENGTH > totlen) return _fail('bad-length', type);
      // Redis reads the 32-bit length into a uint16_t: only its low 16 bits count.
      const extLength = frame.readUInt32BE(explen) & 0xffff;
      if (extLength % 8 !== 0) return _fail('bad-extension-padding', type);
      if (totlen - explen < extLength) return _fail('extension-overflow', type);
      extensionStarts.push(explen);
      explen += extLength;
    }
  }
  if (explen !== totlen) return _fail('bad-length', type);
  const gossip: GossipEntry[] = [];
  for (let i = 0; i < count; i++) gossip.push(_readGossip(frame, HeaderOffset.data + i * GOSSIP_ENTRY_LENGTH));
  let hostname: string | null = null;
  for (const at of extensionStarts) {
    if (frame.readUInt16BE(at + 4) === PING_EXT_TYPE_HOSTNAME) {
      hostname = _readCString(frame, at + PING_EXT_HEADER_LENGTH, totlen);
    }
  }
  return busMessage<PingMessage>(header, { type, gossip, hostname });
}

function _readGossip(frame: Buffer, at: number): GossipEntry {
  return {
    nodename: frame.toString('latin1', at + GossipOffset.nodename, at + GossipOffset.nodename + NODE_NAME_LENGTH),
    pingSent: frame.readUInt32BE(at + GossipOffset.pingSent),
    pongReceived: frame.readUInt32BE(at + GossipOffset.pongReceived),
    ip: _readCString(frame, at + GossipOffset.ip, at + GossipOffset.ip + IP_FIELD_LENGTH),
    port: frame.readUInt16BE(at + GossipOffset.port),
    cport: frame.readUInt16BE(at + GossipOffset.cport),
    flags: frame.readUInt16BE(at + GossipOffset.flags),
    pport: frame.readUInt16BE(at + GossipOffset.pport),
  };
}

/** The latin1 string from `start` up to the first NUL or `end`. */
function _readCString(frame: Buffer, start: number, end: number): string {
  const stop = Math.min(end, frame.length);
  const nul = frame.indexOf(0, start);
  return frame.toString('latin1', start, nul === -1 || nul > stop ? stop : nul);
}

/** Writes at most `width` latin1 bytes of `text`; the rest of the field stays NUL (the frame is zeroed). */
function _writeFixed(frame: Buffer, at: number, width: number, text: string): void {
  frame.write(text.length > width ? text.slice(0, width) : text, at, width, 'latin1');
}

/** uint64 fields hold JS numbers: exact up to 2^53, as every epoch and offset in practice. */
function _writeU64(frame: Buffer, at: number, value: number): void {
  if (Number.isSafeInteger(value) && value >= 0) {
    // The common case without a BigInt: the high and low 32-bit words.
    frame.writeUInt32BE(Math.floor(value / _TWO_32), at);
    frame.writeUInt32BE(value % _TWO_32, at + 4);
  } else {
    frame.writeBigUInt64BE(BigInt.asUintN(64, BigInt(Math.trunc(value))), at);
  }
}

/** The value rounded to the nearest double, as Number(BigInt) would give it. */
function _readU64(frame: Buffer, at: number): number {
  return frame.readUInt32BE(at) * _TWO_32 + frame.readUInt32BE(at + 4);
}

/** 2^32, the weight of a uint64's high word. */
const _TWO_32 = 0x1_0000_0000;

/** Whether every byte is 0 (an all-NUL name field). */
function _allZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function _align8(size: number): number {
  return Math.ceil(size / 8) * 8;
}
