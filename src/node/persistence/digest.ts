// DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's order-independent dataset fingerprint (computeDatasetDigest,
// xorObjectDigest, xorDigest and mixDigest in debug.c), bit for bit, so a redis-sim dataset and a real Redis dataset
// holding the same data print the same 40 hex digits. Strings are built in; other types register a digester.

import { createHash } from 'node:crypto';
import type { Database } from '../database.js';
import { typeName, type Value } from '../values.js';

/** A 20-byte running digest. */
export type Digest = Uint8Array;

/** How one value type feeds its contents into the key's digest. */
export interface DigestCodec {
  /** Redis's object type number (OBJ_STRING 0, OBJ_LIST 1, OBJ_SET 2, OBJ_ZSET 3, OBJ_HASH 4, OBJ_STREAM 6). */
  readonly objectType: number;
  /** Mixes the value's contents into `digest` with mixDigest/xorDigest, as xorObjectDigest does for the type. */
  digest(digest: Digest, value: Value): void;
}

/** Registers the digester for values whose TYPE is `valueTypeName`. */
export function registerDigestType(valueTypeName: string, codec: DigestCodec): void {
  _codecs.set(valueTypeName, codec);
}

/** A fresh all-zero digest. */
export function newDigest(): Digest {
  return new Uint8Array(20);
}

/** digest ^= SHA1(data): adds an element where order does not matter (xorDigest). */
export function xorDigest(digest: Digest, data: string | Uint8Array): void {
  const hash = _sha1(data);
  for (let i = 0; i < 20; i++) digest[i]! ^= hash[i]!;
}

/** digest = SHA1(digest ^ SHA1(data)): adds an element where order matters (mixDigest). */
export function mixDigest(digest: Digest, data: string | Uint8Array): void {
  xorDigest(digest, data);
  digest.set(_sha1(digest));
}

/** The digest of one value with its expiry flag, without the key (xorObjectDigest; DEBUG DIGEST-VALUE). */
export function valueDigest(value: Value, hasExpiry: boolean, into: Digest = newDigest()): Digest {
  const name = typeName(value);
  const codec = _codecs.get(name);
  if (codec === undefined) throw new Error(`no digest codec for values of type '${name}'`);
  const typeBytes = new Uint8Array(4);
  new DataView(typeBytes.buffer).setUint32(0, codec.objectType);
  mixDigest(into, typeBytes);
  codec.digest(into, value);
  if (hasExpiry) xorDigest(into, '!!expire!!');
  return into;
}

/** The digest of every key in every database, logically expired keys included (computeDatasetDigest). */
export function datasetDigest(databases: readonly Database[]): Digest {
  const final = newDigest();
  const dbBytes = new Uint8Array(4);
  const view = new DataView(dbBytes.buffer);
  for (const db of databases) {
    if (db.size === 0) continue;
    view.setUint32(0, db.id);
    mixDigest(final, dbBytes);
    for (const [key, entry] of db.rawEntries()) {
      const digest = newDigest();
      mixDigest(digest, key);
      valueDigest(entry.value, entry.expiresAt !== 0, digest);
      xorDigest(final, digest);
    }
  }
  return final;
}

/** A digest as the 40 lowercase hex digits DEBUG prints. */
export function digestHex(digest: Digest): string {
  return Buffer.from(digest).toString('hex');
}

// --- internal ---

const _codecs = new Map<string, DigestCodec>();

/** SHA1 of latin1 text (one byte per char) or raw bytes. */
function _sha1(data: string | Uint8Array): Buffer {
  const hash = createHash('sha1');
  if (typeof data === 'string') hash.update(data, 'latin1');
  else hash.update(data);
  return hash.digest();
}

/** Strings: the value's bytes, order-sensitive (mixStringObjectDigest). */
registerDigestType('string', { objectType: 0, digest: (d, value) => mixDigest(d, value as string) });
