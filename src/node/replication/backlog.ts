// The replication backlog (Redis 7.0's repl_backlog over the shared replication buffer): the last `repl-backlog-size`
// bytes of the replication stream, addressed by replication offset, so a replica that lost its link can continue with
// PSYNC from where it stopped (addReplyReplicationBacklog).

/** A bounded history of the replication stream. */
export class ReplBacklog {
  /** Offset of the first byte held (repl_backlog->offset); master_repl_offset + 1 at creation. */
  offset: number;
  /** Bytes held (repl_backlog->histlen). */
  histlen = 0;

  private chunks: Buffer[] = [];
  /** Index of the first live chunk: trimming advances it instead of shifting the array (compacted now and then). */
  private head = 0;

  constructor(
    firstOffset: number,
    private size: number,
  ) {
    this.offset = firstOffset;
  }

  /** Appends stream bytes, dropping the oldest ones beyond the size (incrementalTrimReplicationBacklog). */
  append(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.histlen += data.length;
    this._trim();
  }

  /** Changes the size (CONFIG SET repl-backlog-size: resizeReplicationBacklog); the history is trimmed if needed. */
  resize(size: number): void {
    this.size = size;
    this._trim();
  }

  /** Whether a replica asking for `from` (the offset of the first byte it lacks) can be served from the history. */
  covers(from: number): boolean {
    return from >= this.offset && from <= this.offset + this.histlen;
  }

  /** The held bytes from offset `from` to the end; `covers(from)` must hold. */
  readFrom(from: number): Buffer {
    let skip = from - this.offset;
    const parts: Buffer[] = [];
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      parts.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    return Buffer.concat(parts);
  }

  // --- internal ---

  private _trim(): void {
    let excess = this.histlen - this.size;
    while (excess > 0) {
      const first = this.chunks[this.head]!;
      if (first.length <= excess) {
        this.head++;
        excess -= first.length;
        this.histlen -= first.length;
        this.offset += first.length;
      } else {
        this.chunks[this.head] = first.subarray(excess);
        this.histlen -= excess;
        this.offset += excess;
        excess = 0;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
