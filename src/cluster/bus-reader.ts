// Frames the byte stream of one cluster bus link into whole messages, as clusterReadHandler does: once the first 8
// bytes of a frame are in, the signature and totlen are checked (a bad one means the link must be freed), then bytes
// accumulate until totlen is reached and the frame is handed over for decodeBusMessage.

import { BUS_HEADER_LENGTH, BUS_SIGNATURE } from './bus-codec.js';

/** Why the link must be freed (clusterReadHandler's "Bad message length or signature" → handleLinkIOError). */
export type BusReadFailure = 'bad-signature' | 'bad-length' | 'out-of-memory';

/** What one push produced, in stream order: whole frames, and at most one final `free`. */
export type BusReadEvent =
  { readonly kind: 'frame'; readonly frame: Buffer } | { readonly kind: 'free'; readonly reason: BusReadFailure };

/** The streaming framer of one bus link. */
export class BusReader {
  /** Received bytes not yet delivered, in order. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The current frame's totlen once its first 8 bytes passed the checks; null before. */
  private totlen: number | null = null;
  private dead = false;

  /** Bytes received and not yet delivered as a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Whether the reader reported `free`: it ignores everything after that. */
  get failed(): boolean {
    return this.dead;
  }

  /**
   * Adds received bytes and returns the frames they complete. A `free` event ends the stream: the caller must close
   * the link. The caller may also stop early (a processed frame freed the link) and simply drop the reader.
   */
  push(chunk: Buffer): BusReadEvent[] {
    if (this.dead || chunk.length === 0) return [];
    // Copied: the caller may reuse its buffer, and we hold on to bytes across pushes.
    this.chunks.push(Buffer.from(chunk));
    this.buffered += chunk.length;
    const events: BusReadEvent[] = [];
    for (;;) {
      if (this.totlen === null) {
        if (this.buffered < 8) break;
        const head = this._peek(8);
        const totlen = head.readUInt32BE(4);
        if (head.toString('latin1', 0, 4) !== BUS_SIGNATURE) return this._free(events, 'bad-signature');
        if (totlen < BUS_HEADER_LENGTH) return this._free(events, 'bad-length');
        // Any totlen up to 4 GiB is accepted: Redis grows its buffer as bytes arrive, never ahead of them. So do we:
        // chunks are only joined once the whole frame is here.
        this.totlen = totlen;
      }
      if (this.buffered < this.totlen) break;
      let frame: Buffer;
      try {
        frame = this._take(this.totlen);
      } catch {
        // Joining a frame bigger than the runtime can allocate: where Redis would abort, we drop the link.
        return this._free(events, 'out-of-memory');
      }
      this.totlen = null;
      events.push({ kind: 'frame', frame });
    }
    return events;
  }

  // --- internal ---

  private _free(events: BusReadEvent[], reason: BusReadFailure): BusReadEvent[] {
    this.dead = true;
    this.chunks = [];
    this.buffered = 0;
    this.totlen = null;
    events.push({ kind: 'free', reason });
    return events;
  }

  /** The first `n` buffered bytes, left in place. */
  private _peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let have = 0;
    for (const chunk of this.chunks) {
      if (have >= n) break;
      parts.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(parts).subarray(0, n);
  }

  /** Removes and returns the first `n` buffered bytes. */
  private _take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const frame = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return frame;
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= need) {
        parts.push(chunk);
        this.chunks.shift();
        need -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, need));
        this.chunks[0] = chunk.subarray(need);
        need = 0;
      }
    }
    const frame = Buffer.concat(parts, n);
    this.buffered -= n;
    return frame;
  }
}
