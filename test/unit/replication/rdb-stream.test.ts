import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkPayloadReader, EOF_MARK_LENGTH } from '../../../src/node/replication/rdb-stream.js';

/** Feeds `bytes` cut at `cuts` and returns the payload once the reader says it is done. */
function feed(bytes: Buffer, cuts: number[]): Buffer | null {
  const reader = new BulkPayloadReader();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const progress = reader.push(bytes.subarray(from, to));
    from = to;
    if (progress.done) return progress.payload;
  }
  return null;
}

describe('BulkPayloadReader', () => {
  it('finds an EOF-marked payload however the stream is cut', () => {
    const mark = 'a'.repeat(EOF_MARK_LENGTH - 1) + 'b';
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 12 }), (body, cuts) => {
        const payload = Buffer.from(body);
        fc.pre(!payload.toString('latin1').includes(mark));
        const bytes = Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), payload, Buffer.from(mark)]);
        expect(feed(bytes, cuts)).toEqual(payload);
      }),
    );
  });

  it('reads a length-prefixed payload and hands back what follows it', () => {
    const reader = new BulkPayloadReader();
    expect(reader.push(Buffer.from('$5\r\nhel')).done).toBe(false);
    const progress = reader.push(Buffer.from('lo*1\r\n'));
    expect(progress).toEqual({ done: true, payload: Buffer.from('hello'), rest: Buffer.from('*1\r\n') });
  });
});
