// In-memory file storage for simulated nodes, with a crash model: each file remembers how many bytes were durable at
// its last sync or atomic write, and crash() throws away everything after that, which is what a power loss does to an
// AOF under `appendfsync no` or `everysec`.

import type { Storage } from '../env/env.js';

/** Storage backed by a Map of byte buffers; crash() drops whatever was appended but never synced. */
export class MemoryStorage implements Storage {
  private readonly files = new Map<string, _File>();
  private syncs = 0;
  private readonly syncsByName = new Map<string, number>();

  /** Returns a copy of the file's bytes, or null when it does not exist. */
  read(name: string): Buffer | null {
    const file = this.files.get(name);
    return file === undefined ? null : Buffer.from(_contents(file));
  }

  /** Replaces the file with a copy of `data`; the new contents are durable at once, as after fsync + rename. */
  writeAtomic(name: string, data: Buffer): void {
    const copy = Buffer.from(data);
    this.files.set(name, { chunks: [copy], length: copy.length, durable: copy.length });
  }

  /**
   * Rewrites the file with a copy of `data`; unless `durable`, a crash before the next sync() brings back what would
   * have survived before this write.
   */
  overwrite(name: string, data: Buffer, durable: boolean): void {
    const copy = Buffer.from(data);
    const file: _File = { chunks: [copy], length: copy.length, durable: copy.length };
    if (!durable) {
      const old = this.files.get(name);
      file.fallback = old === undefined ? null : _survivor(old);
    }
    this.files.set(name, file);
  }

  /** Appends a copy of `data`, creating the file when missing; the bytes stay volatile until sync(). */
  append(name: string, data: Buffer): void {
    const file = this.files.get(name);
    const copy = Buffer.from(data);
    if (file === undefined) {
      this.files.set(name, { chunks: [copy], length: copy.length, durable: null });
      return;
    }
    file.chunks.push(copy);
    file.length += copy.length;
  }

  /** Marks everything appended so far as durable, and counts the call. */
  sync(name: string): void {
    this.syncs++;
    this.syncsByName.set(name, (this.syncsByName.get(name) ?? 0) + 1);
    const file = this.files.get(name);
    if (file === undefined) return;
    file.durable = file.length;
    delete file.fallback;
  }

  /** Removes the file if it exists; removal counts as durable at once. */
  remove(name: string): void {
    this.files.delete(name);
  }

  /** Whether the file exists. */
  exists(name: string): boolean {
    return this.files.has(name);
  }

  /** How many times sync() was called for `name`, or for all files when `name` is omitted. */
  syncCount(name?: string): number {
    return name === undefined ? this.syncs : (this.syncsByName.get(name) ?? 0);
  }

  /** Models a power loss: truncates every file to its durable length and removes files that were never synced. */
  crash(): void {
    for (const [name, file] of this.files) {
      if (file.fallback !== undefined) {
        if (file.fallback === null) this.files.delete(name);
        else
          this.files.set(name, {
            chunks: [file.fallback],
            length: file.fallback.length,
            durable: file.fallback.length,
          });
      } else if (file.durable === null) {
        this.files.delete(name);
      } else if (file.durable < file.length) {
        const kept = Buffer.from(_contents(file).subarray(0, file.durable));
        file.chunks = [kept];
        file.length = kept.length;
      }
    }
  }
}

// --- internal ---

/** One stored file: appended chunks are joined lazily, so a long AOF is not re-copied on every append. */
interface _File {
  chunks: Buffer[];
  length: number;
  /** Bytes that survive a crash; null when the file was created by append() and never synced. */
  durable: number | null;
  /** After a non-durable atomic write: what a crash brings back (null: no file), until the next sync. */
  fallback?: Buffer | null;
}

/** What a crash would leave of a file now. */
function _survivor(file: _File): Buffer | null {
  if (file.fallback !== undefined) return file.fallback;
  if (file.durable === null) return null;
  return Buffer.from(_contents(file).subarray(0, file.durable));
}

/** The file's bytes as one buffer (shared, not a copy); joins the chunks once and keeps the result. */
function _contents(file: _File): Buffer {
  if (file.chunks.length !== 1) file.chunks = [Buffer.concat(file.chunks, file.length)];
  return file.chunks[0] as Buffer;
}
