// The cluster bus codec and framer: exact sizes and offsets of Redis 7.0.15's clusterMsg, round trips of every type
// (fixed and generated), clusterProcessPacket's acceptance rules, and robustness against arbitrary bytes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BUS_HEADER_LENGTH,
  GOSSIP_ENTRY_LENGTH,
  HeaderOffset,
  decodeBusMessage,
  encodeBusMessage,
  isDecodeFailure,
  type DecodeFailure,
} from '../../../src/cluster/bus-codec.js';
import { BusReader, type BusReadEvent } from '../../../src/cluster/bus-reader.js';
import {
  MessageFlag0,
  type BusHeader,
  type BusMessage,
  type GossipEntry,
  type PingMessage,
} from '../../../src/cluster/bus-message.js';
import { MessageType } from '../../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_BITMAP_BYTES } from '../../../src/cluster/constants.js';

const NAME_A = 'a'.repeat(40);
const NAME_B = '0123456789abcdef0123456789abcdef01234567';
const NAME_C = 'c'.repeat(40);

function header(overrides: Partial<BusHeader> = {}): BusHeader {
  const myslots = new Uint8Array(SLOT_BITMAP_BYTES);
  myslots[0] = 0x81;
  myslots[2047] = 0x7f;
  return {
    port: 7000,
    cport: 17000,
    pport: 0,
    currentEpoch: 5,
    configEpoch: 3,
    offset: 123456,
    sender: NAME_A,
    myslots,
    slaveof: null,
    myip: '',
    flags: NodeFlag.MASTER | NodeFlag.MYSELF,
    state: 'ok',
    mflags: 0,
    ...overrides,
  };
}

const gossipEntry: GossipEntry = {
  nodename: NAME_C,
  pingSent: 1_700_000_000,
  pongReceived: 1_700_000_123,
  ip: '10.0.0.7',
  port: 7001,
  cport: 17001,
  flags: NodeFlag.SLAVE | NodeFlag.PFAIL,
  pport: 6380,
};

function ping(overrides: Partial<PingMessage> = {}): PingMessage {
  return { ...header(), type: MessageType.PING, gossip: [], hostname: null, ...overrides };
}

function decoded(frame: Buffer): BusMessage {
  const result = decodeBusMessage(frame);
  if (isDecodeFailure(result)) throw new Error(`unexpected failure ${result.failure}`);
  return result;
}

function failure(frame: Buffer): DecodeFailure {
  const result = decodeBusMessage(frame);
  if (!isDecodeFailure(result)) throw new Error(`expected a failure, got type ${result.type}`);
  return result;
}

describe('encodeBusMessage: layout', () => {
  it('writes every header field at its clusterMsg offset, in network byte order', () => {
    const frame = encodeBusMessage(
      ping({
        port: 0x1234,
        cport: 0x5678,
        pport: 0x9abc,
        currentEpoch: 0x0102030405,
        configEpoch: 0x0a0b0c,
        offset: 2 ** 40 + 7,
        slaveof: NAME_B,
        myip: '192.168.1.20',
        flags: NodeFlag.SLAVE | NodeFlag.MYSELF,
        state: 'fail',
        mflags: MessageFlag0.PAUSED | MessageFlag0.FORCEACK,
        gossip: [gossipEntry],
      }),
    );
    expect(frame.toString('latin1', 0, 4)).toBe('RCmb');
    expect(frame.readUInt32BE(4)).toBe(frame.length);
    expect(frame.readUInt16BE(8)).toBe(1);
    expect(frame.readUInt16BE(10)).toBe(0x1234);
    expect(frame.readUInt16BE(12)).toBe(MessageType.PING);
    expect(frame.readUInt16BE(14)).toBe(1);
    expect(frame.readBigUInt64BE(16)).toBe(0x0102030405n);
    expect(frame.readBigUInt64BE(24)).toBe(0x0a0b0cn);
    expect(frame.readBigUInt64BE(32)).toBe(2n ** 40n + 7n);
    expect(frame.toString('latin1', 40, 80)).toBe(NAME_A);
    expect([frame[80], frame[81], frame[2127]]).toEqual([0x81, 0, 0x7f]);
    expect(frame.toString('latin1', 2128, 2168)).toBe(NAME_B);
    expect(frame.toString('latin1', 2168, 2180)).toBe('192.168.1.20');
    expect(frame.subarray(2180, 2214).every((b) => b === 0)).toBe(true);
    expect(frame.readUInt16BE(2214)).toBe(0);
    expect(frame.subarray(2216, 2246).every((b) => b === 0)).toBe(true);
    expect(frame.readUInt16BE(2246)).toBe(0x9abc);
    expect(frame.readUInt16BE(2248)).toBe(0x5678);
    expect(frame.readUInt16BE(2250)).toBe(NodeFlag.SLAVE | NodeFlag.MYSELF);
    expect(frame[2252]).toBe(1);
    expect([frame[2253], frame[2254], frame[2255]]).toEqual([3, 0, 0]);
  });

  it('writes gossip entries as clusterMsgDataGossip (104 bytes, times in seconds)', () => {
    const frame = encodeBusMessage(ping({ gossip: [gossipEntry, { ...gossipEntry, nodename: NAME_B }] }));
    expect(frame.length).toBe(BUS_HEADER_LENGTH + 2 * GOSSIP_ENTRY_LENGTH);
    const at = BUS_HEADER_LENGTH;
    expect(frame.toString('latin1', at, at + 40)).toBe(NAME_C);
    expect(frame.readUInt32BE(at + 40)).toBe(1_700_000_000);
    expect(frame.readUInt32BE(at + 44)).toBe(1_700_000_123);
    expect(frame.toString('latin1', at + 48, at + 56)).toBe('10.0.0.7');
    expect(frame.subarray(at + 56, at + 94).every((b) => b === 0)).toBe(true);
    expect(frame.readUInt16BE(at + 94)).toBe(7001);
    expect(frame.readUInt16BE(at + 96)).toBe(17001);
    expect(frame.readUInt16BE(at + 98)).toBe(NodeFlag.SLAVE | NodeFlag.PFAIL);
    expect(frame.readUInt16BE(at + 100)).toBe(6380);
    expect(frame.readUInt16BE(at + 102)).toBe(0);
    expect(frame.toString('latin1', at + 104, at + 144)).toBe(NAME_B);
  });

  it.each([
    ['', 16],
    ['a', 16],
    ['abcdefg', 16],
    ['abcdefgh', 24],
    ['abcdefghijklmno', 24],
    ['abcdefghijklmnop', 32],
  ])('adds the HOSTNAME extension for %j: %i bytes, EXT_DATA and extensions=1', (hostname, extLength) => {
    const frame = encodeBusMessage(ping({ gossip: [gossipEntry], hostname }));
    const at = BUS_HEADER_LENGTH + GOSSIP_ENTRY_LENGTH;
    expect(frame.length).toBe(at + extLength);
    expect(frame.readUInt32BE(4)).toBe(at + extLength);
    expect(frame[HeaderOffset.mflags]! & MessageFlag0.EXT_DATA).toBe(MessageFlag0.EXT_DATA);
    expect(frame.readUInt16BE(HeaderOffset.extensions)).toBe(1);
    expect(frame.readUInt32BE(at)).toBe(extLength);
    expect(frame.readUInt16BE(at + 4)).toBe(0);
    expect(frame.readUInt16BE(at + 6)).toBe(0);
    expect(frame.toString('latin1', at + 8, at + 8 + hostname.length)).toBe(hostname);
    expect(frame.subarray(at + 8 + hostname.length).every((b) => b === 0)).toBe(true);
  });

  it('sends no extension and no EXT_DATA without a hostname', () => {
    const frame = encodeBusMessage(ping());
    expect(frame.length).toBe(BUS_HEADER_LENGTH);
    expect(frame[HeaderOffset.mflags]).toBe(0);
    expect(frame.readUInt16BE(HeaderOffset.extensions)).toBe(0);
  });

  it('sizes FAIL 2296, UPDATE 4352, header-only 2256, PUBLISH 2264+lengths, MODULE 2269+length', () => {
    const fail = encodeBusMessage({ ...header(), type: MessageType.FAIL, failing: NAME_B });
    expect(fail.length).toBe(2296);
    expect(fail.toString('latin1', 2256, 2296)).toBe(NAME_B);

    const slots = new Uint8Array(SLOT_BITMAP_BYTES).fill(0x55);
    const update = encodeBusMessage({
      ...header(),
      type: MessageType.UPDATE,
      update: { configEpoch: 99, nodename: NAME_C, slots },
    });
    expect(update.length).toBe(4352);
    expect(update.readBigUInt64BE(2256)).toBe(99n);
    expect(update.toString('latin1', 2264, 2304)).toBe(NAME_C);
    expect(update.subarray(2304, 4352).every((b) => b === 0x55)).toBe(true);

    for (const type of [MessageType.FAILOVER_AUTH_REQUEST, MessageType.FAILOVER_AUTH_ACK, MessageType.MFSTART]) {
      const frame = encodeBusMessage({ ...header(), type });
      expect(frame.length).toBe(2256);
      expect(frame.readUInt16BE(12)).toBe(type);
    }

    const publish = encodeBusMessage({ ...header(), type: MessageType.PUBLISH, channel: 'ch', message: 'hello' });
    expect(publish.length).toBe(2256 + 8 + 2 + 5);
    expect(publish.readUInt32BE(2256)).toBe(2);
    expect(publish.readUInt32BE(2260)).toBe(5);
    expect(publish.toString('latin1', 2264)).toBe('chhello');
    const empty = encodeBusMessage({ ...header(), type: MessageType.PUBLISHSHARD, channel: '', message: '' });
    expect(empty.length).toBe(2264);

    const module = encodeBusMessage({
      ...header(),
      type: MessageType.MODULE,
      moduleId: 0x0102030405060708n,
      moduleType: 200,
      payload: Buffer.from('xyz'),
    });
    expect(module.length).toBe(2256 + 13 + 3);
    expect(module.readBigUInt64LE(2256)).toBe(0x0102030405060708n);
    expect(module.readUInt32BE(2264)).toBe(3);
    expect(module[2268]).toBe(200);
    expect(module.toString('latin1', 2269)).toBe('xyz');
  });
});

describe('decodeBusMessage: round trips', () => {
  const slots = new Uint8Array(SLOT_BITMAP_BYTES);
  slots[100] = 0xf0;
  const messages: BusMessage[] = [
    ping(),
    ping({ type: MessageType.PONG, gossip: [gossipEntry], hostname: 'host-1.example' }),
    ping({ type: MessageType.MEET, slaveof: NAME_B, myip: '::ffff:127.0.0.1', hostname: '' }),
    ping({ mflags: MessageFlag0.EXT_DATA, hostname: null }),
    { ...header(), type: MessageType.FAIL, failing: NAME_C },
    { ...header(), type: MessageType.PUBLISH, channel: 'c\x00\xff', message: '\r\n'.repeat(5000) },
    { ...header(), type: MessageType.PUBLISHSHARD, channel: 'shard', message: '' },
    { ...header(), type: MessageType.FAILOVER_AUTH_REQUEST, mflags: MessageFlag0.FORCEACK },
    { ...header(), type: MessageType.FAILOVER_AUTH_ACK },
    { ...header(), type: MessageType.MFSTART, state: 'fail' },
    { ...header(), type: MessageType.UPDATE, update: { configEpoch: 2 ** 50, nodename: NAME_B, slots } },
    { ...header(), type: MessageType.MODULE, moduleId: 2n ** 64n - 1n, moduleType: 0, payload: Buffer.alloc(0) },
  ];

  it.each(messages.map((m) => [m.type, m] as const))('type %i decodes to the value encoded', (_type, msg) => {
    const frame = encodeBusMessage(msg);
    const back = decoded(frame);
    const expected =
      'hostname' in msg && msg.hostname !== null ? { ...msg, mflags: msg.mflags | MessageFlag0.EXT_DATA } : msg;
    expect(back).toEqual(expected);
    expect(encodeBusMessage(back).equals(frame)).toBe(true);
  });

  it('decodes IP fields up to their first NUL, and an all-NUL slaveof as null', () => {
    const frame = encodeBusMessage(ping({ myip: '1.2.3.4', gossip: [gossipEntry] }));
    frame[HeaderOffset.myip + 8] = 0x41; // garbage after the NUL, as a C buffer may hold
    frame[BUS_HEADER_LENGTH + 48 + 20] = 0x42;
    const back = decoded(frame) as PingMessage;
    expect(back.myip).toBe('1.2.3.4');
    expect(back.gossip[0]!.ip).toBe('10.0.0.7');
    expect(back.slaveof).toBeNull();
  });
});

describe('decodeBusMessage: acceptance rules of clusterProcessPacket', () => {
  it('drops a wrong version, reporting the type (Redis counts it first)', () => {
    const frame = encodeBusMessage({ ...header(), type: MessageType.FAIL, failing: NAME_B });
    frame.writeUInt16BE(2, HeaderOffset.ver);
    expect(failure(frame)).toEqual({ failure: 'bad-version', type: MessageType.FAIL, header: null });
    frame.writeUInt16BE(0, HeaderOffset.ver);
    expect(failure(frame).failure).toBe('bad-version');
  });

  it('drops a totlen that does not match the type', () => {
    const cases: [BusMessage, number][] = [
      [{ ...header(), type: MessageType.FAIL, failing: NAME_B }, 8],
      [{ ...header(), type: MessageType.MFSTART }, 8],
      [ping({ gossip: [gossipEntry] }), 8],
      [{ ...header(), type: MessageType.PUBLISH, channel: 'a', message: 'b' }, 1],
      [{ ...header(), type: MessageType.MODULE, moduleId: 1n, moduleType: 1, payload: Buffer.from('p') }, 1],
    ];
    for (const [msg, extra] of cases) {
      const longer = Buffer.concat([encodeBusMessage(msg), Buffer.alloc(extra)]);
      longer.writeUInt32BE(longer.length, HeaderOffset.totlen);
      expect(failure(longer)).toMatchObject({ failure: 'bad-length', type: msg.type });
    }
    const update = encodeBusMessage({
      ...header(),
      type: MessageType.UPDATE,
      update: { configEpoch: 1, nodename: NAME_B, slots: new Uint8Array(SLOT_BITMAP_BYTES) },
    });
    const short = Buffer.from(update.subarray(0, 4000));
    short.writeUInt32BE(4000, HeaderOffset.totlen);
    expect(failure(short).failure).toBe('bad-length');
    // A gossip count claiming more entries than the frame holds.
    const frame = encodeBusMessage(ping({ gossip: [gossipEntry] }));
    frame.writeUInt16BE(2, HeaderOffset.count);
    expect(failure(frame).failure).toBe('bad-length');
  });

  it('reports frames shorter than a header, with a bad signature, or whose totlen disagrees with their size', () => {
    const frame = encodeBusMessage(ping());
    expect(failure(frame.subarray(0, 2255))).toEqual({ failure: 'short-frame', type: MessageType.PING, header: null });
    expect(failure(frame.subarray(0, 13)).type).toBeNull();
    const badSig = Buffer.from(frame);
    badSig.write('RCmc', 0, 'latin1');
    expect(failure(badSig).failure).toBe('bad-signature');
    expect(failure(Buffer.concat([frame, Buffer.alloc(1)])).failure).toBe('length-mismatch');
  });

  it('accepts unknown types with their header and no body', () => {
    for (const type of [11, 255, 65535]) {
      const frame = Buffer.concat([encodeBusMessage(ping({ currentEpoch: 77 })), Buffer.from('anything')]);
      frame.writeUInt16BE(type, HeaderOffset.type);
      frame.writeUInt32BE(frame.length, HeaderOffset.totlen);
      const result = failure(frame);
      expect(result.failure).toBe('unknown-type');
      expect(result.type).toBe(type);
      expect(result.header).toMatchObject({ sender: NAME_A, currentEpoch: 77, port: 7000 });
    }
  });

  describe('ping extensions', () => {
    const withExt = (exts: Buffer[], count = exts.length, mflags: number = MessageFlag0.EXT_DATA): Buffer => {
      const frame = Buffer.concat([encodeBusMessage(ping({ gossip: [gossipEntry] })), ...exts]);
      frame.writeUInt32BE(frame.length, HeaderOffset.totlen);
      frame.writeUInt16BE(count, HeaderOffset.extensions);
      frame[HeaderOffset.mflags] = mflags;
      return frame;
    };
    const ext = (type: number, body: string, length?: number): Buffer => {
      const size = 8 + Math.ceil((body.length + 1) / 8) * 8;
      const b = Buffer.alloc(size);
      b.writeUInt32BE(length ?? size, 0);
      b.writeUInt16BE(type, 4);
      b.write(body, 8, 'latin1');
      return b;
    };

    it('reads the hostname, skips unknown extension types, and lets the last hostname win', () => {
      expect((decoded(withExt([ext(0, 'one')])) as PingMessage).hostname).toBe('one');
      expect((decoded(withExt([ext(7, 'zzz'), ext(0, 'two')])) as PingMessage).hostname).toBe('two');
      expect((decoded(withExt([ext(0, 'first'), ext(0, 'second')])) as PingMessage).hostname).toBe('second');
      expect((decoded(withExt([ext(9, 'other')])) as PingMessage).hostname).toBeNull();
    });

    it('drops extensions without 8-byte padding or running past totlen', () => {
      expect(failure(withExt([ext(0, 'abc', 12)])).failure).toBe('bad-extension-padding');
      expect(failure(withExt([ext(0, 'abc', 24)])).failure).toBe('extension-overflow');
      // Two announced, one present: the second's header lies past the frame.
      expect(failure(withExt([ext(0, 'abc')], 2)).failure).toBe('bad-length');
      // Extension bytes not announced (count 0) make the length wrong.
      expect(failure(withExt([ext(0, 'abc')], 0)).failure).toBe('bad-length');
    });

    it('ignores extension data when EXT_DATA is not set (the length must then exclude it)', () => {
      expect(failure(withExt([ext(0, 'abc')], 1, 0)).failure).toBe('bad-length');
      const frame = encodeBusMessage(ping());
      frame.writeUInt16BE(3, HeaderOffset.extensions);
      expect((decoded(frame) as PingMessage).hostname).toBeNull();
    });

    it('reads the extension length into 16 bits, as Redis does', () => {
      const e = ext(0, 'abc');
      e.writeUInt32BE(0x10000 + e.length, 0);
      expect((decoded(withExt([e])) as PingMessage).hostname).toBe('abc');
    });
  });
});

// --- generated messages ---

const nodeName = fc.stringMatching(/^[0-9a-f]{40}$/);
const latin1 = (maxLength: number, noNul = false): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: noNul ? 1 : 0, max: 255 }), { maxLength }).map((codes) => String.fromCharCode(...codes));
const u16 = fc.integer({ min: 0, max: 0xffff });
const headerArb: fc.Arbitrary<BusHeader> = fc.record({
  port: u16,
  cport: u16,
  pport: u16,
  currentEpoch: fc.maxSafeNat(),
  configEpoch: fc.maxSafeNat(),
  offset: fc.maxSafeNat(),
  sender: nodeName,
  myslots: fc.uint8Array({ minLength: SLOT_BITMAP_BYTES, maxLength: SLOT_BITMAP_BYTES }),
  slaveof: fc.option(nodeName, { nil: null }),
  myip: latin1(45, true),
  flags: u16,
  state: fc.constantFrom('ok' as const, 'fail' as const),
  mflags: fc.integer({ min: 0, max: 255 }),
});
const gossipArb: fc.Arbitrary<GossipEntry> = fc.record({
  nodename: nodeName,
  pingSent: fc.nat({ max: 0xffffffff }),
  pongReceived: fc.nat({ max: 0xffffffff }),
  ip: latin1(46, true),
  port: u16,
  cport: u16,
  flags: u16,
  pport: u16,
});
const messageArb: fc.Arbitrary<BusMessage> = fc.oneof(
  fc
    .tuple(
      headerArb,
      fc.constantFrom(MessageType.PING, MessageType.PONG, MessageType.MEET),
      fc.array(gossipArb, { maxLength: 6 }),
      fc.option(latin1(300, true), { nil: null }),
    )
    .map(([h, type, gossip, hostname]): BusMessage => ({
      ...h,
      mflags: hostname === null ? h.mflags : h.mflags | MessageFlag0.EXT_DATA,
      type,
      gossip,
      hostname,
    })),
  fc.tuple(headerArb, nodeName).map(([h, failing]): BusMessage => ({ ...h, type: MessageType.FAIL, failing })),
  fc
    .tuple(headerArb, fc.constantFrom(MessageType.PUBLISH, MessageType.PUBLISHSHARD), latin1(100), latin1(3000))
    .map(([h, type, channel, message]): BusMessage => ({ ...h, type, channel, message })),
  fc
    .tuple(
      headerArb,
      fc.constantFrom(MessageType.FAILOVER_AUTH_REQUEST, MessageType.FAILOVER_AUTH_ACK, MessageType.MFSTART),
    )
    .map(([h, type]): BusMessage => ({ ...h, type })),
  fc
    .tuple(
      headerArb,
      fc.maxSafeNat(),
      nodeName,
      fc.uint8Array({ minLength: SLOT_BITMAP_BYTES, maxLength: SLOT_BITMAP_BYTES }),
    )
    .map(([h, configEpoch, nodename, slots]): BusMessage => ({
      ...h,
      type: MessageType.UPDATE,
      update: { configEpoch, nodename, slots },
    })),
  fc
    .tuple(
      headerArb,
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.nat({ max: 255 }),
      fc.uint8Array({ maxLength: 500 }),
    )
    .map(([h, moduleId, moduleType, payload]): BusMessage => ({
      ...h,
      type: MessageType.MODULE,
      moduleId,
      moduleType,
      payload: Buffer.from(payload),
    })),
);

describe('properties', () => {
  it('decode(encode(m)) equals m, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(messageArb, (msg) => {
        const frame = encodeBusMessage(msg);
        expect(frame.readUInt32BE(HeaderOffset.totlen)).toBe(frame.length);
        const back = decoded(frame);
        expect(back).toEqual(msg);
        expect(encodeBusMessage(back).equals(frame)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('every truncation or extension of an encoded frame is a failure value, never an exception', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 50 }), (msg, cut, extra) => {
        const frame = encodeBusMessage(msg);
        expect(isDecodeFailure(decodeBusMessage(frame.subarray(0, cut % frame.length)))).toBe(true);
        expect(isDecodeFailure(decodeBusMessage(Buffer.concat([frame, extra])))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes and corrupted frames never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        decodeBusMessage(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        messageArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }),
        (msg, edits) => {
          const frame = encodeBusMessage(msg);
          for (const [at, value] of edits) frame[at % frame.length] = value;
          // Keep the frame self-consistent sometimes so the type-specific checks are reached.
          if (edits.length % 2 === 0) frame.writeUInt32BE(frame.length, HeaderOffset.totlen);
          const result = decodeBusMessage(frame);
          if (!isDecodeFailure(result)) expect(typeof result.type).toBe('number');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('BusReader', () => {
  const frames = (events: BusReadEvent[]): Buffer[] => events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));

  it('delivers whole frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 50 }),
        (msgs, cuts) => {
          const encoded = msgs.map(encodeBusMessage);
          const stream = Buffer.concat(encoded);
          const reader = new BusReader();
          const events: BusReadEvent[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            events.push(...reader.push(stream.subarray(at, at + size)));
            at += size;
          }
          expect(events.every((e) => e.kind === 'frame')).toBe(true);
          expect(frames(events)).toEqual(encoded);
          expect(reader.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('delivers frames byte by byte, and several frames from one chunk', () => {
    const a = encodeBusMessage(ping({ hostname: 'h' }));
    const b = encodeBusMessage({ ...header(), type: MessageType.FAIL, failing: NAME_B });
    const reader = new BusReader();
    const events: BusReadEvent[] = [];
    for (const byte of a) events.push(...reader.push(Buffer.from([byte])));
    expect(frames(events)).toEqual([a]);
    expect(frames(new BusReader().push(Buffer.concat([a, b, a])))).toEqual([a, b, a]);
  });

  it('copies what it keeps: the caller may reuse its buffer', () => {
    const frame = encodeBusMessage(ping());
    const chunk = Buffer.from(frame.subarray(0, 100));
    const reader = new BusReader();
    reader.push(chunk);
    chunk.fill(0);
    expect(frames(reader.push(frame.subarray(100)))).toEqual([frame]);
  });

  it('asks to free the link on a bad signature or a totlen below 2256, after the frames before it', () => {
    const good = encodeBusMessage(ping());
    const badSig = Buffer.from(good);
    badSig.write('XCmb', 0, 'latin1');
    const reader = new BusReader();
    const events = reader.push(Buffer.concat([good, badSig]));
    expect(events).toEqual([
      { kind: 'frame', frame: good },
      { kind: 'free', reason: 'bad-signature' },
    ]);
    expect(reader.failed).toBe(true);
    expect(reader.push(good)).toEqual([]);

    const short = Buffer.from(good.subarray(0, 8));
    short.writeUInt32BE(2255, 4);
    const second = new BusReader();
    expect(second.push(short.subarray(0, 7))).toEqual([]);
    expect(second.push(short.subarray(7))).toEqual([{ kind: 'free', reason: 'bad-length' }]);
  });

  it('waits for a huge totlen without allocating it ahead (as Redis grows its buffer only as bytes arrive)', () => {
    const head = Buffer.alloc(8);
    head.write('RCmb', 0, 'latin1');
    head.writeUInt32BE(0xffffffff, 4);
    const reader = new BusReader();
    expect(reader.push(head)).toEqual([]);
    for (let i = 0; i < 100; i++) expect(reader.push(Buffer.alloc(10_000, 1))).toEqual([]);
    expect(reader.bufferedBytes).toBe(8 + 100 * 10_000);
    expect(reader.failed).toBe(false);
  });

  it('never throws on random byte streams', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 10 }), (chunks) => {
        const reader = new BusReader();
        for (const chunk of chunks) {
          for (const event of reader.push(Buffer.from(chunk))) {
            if (event.kind === 'frame') decodeBusMessage(event.frame);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
