// The replica's reader of a full-sync payload (readSyncBulkPayload): newlines the master sends as keepalives, then
// either `$<len>\r\n` and exactly len bytes (disk-based transfer), or `$EOF:<40 char mark>\r\n`, the RDB and the
// same mark (diskless transfer). Whatever follows the payload is the start of the command stream.

/** Raised when the master sends something other than a payload (an error line, or garbage). */
export class BulkPayloadError extends Error {
  override readonly name = 'BulkPayloadError';
  constructor(
    readonly code: 'master-error' | 'protocol',
    message: string,
  ) {
    super(message);
  }
}

/** The length of the EOF mark of a diskless transfer (CONFIG_RUN_ID_SIZE). */
export const EOF_MARK_LENGTH = 40;

/** What `push` found: still reading, or the payload and the stream bytes received after it. */
export type BulkPayloadProgress = { done: false } | { done: true; payload: Buffer; rest: Buffer };

/** Reads one payload from raw chunks. */
export class BulkPayloadReader {
  /** Declared size, or 0 when the transfer is EOF-marked (repl_transfer_size). */
  totalBytes = -1;
  /** Payload bytes read so far (repl_transfer_read). */
  readBytes = 0;

  private header = '';
  private mark: Buffer | null = null;
  private parts: Buffer[] = [];
  /** The last EOF_MARK_LENGTH bytes received, so the mark is found without joining the whole payload each time. */
  private tail: Buffer = Buffer.alloc(0);
  private headerDone = false;

  /** Feeds received bytes; throws BulkPayloadError when the master answered an error or broke the format. */
  push(chunk: Buffer): BulkPayloadProgress {
    let data = chunk;
    if (!this.headerDone) {
      const rest = this._readHeader(data);
      if (rest === null) return { done: false };
      data = rest;
    }
    if (this.mark === null) {
      const need = this.totalBytes - this.readBytes;
      const take = data.subarray(0, need);
      this.parts.push(take);
      this.readBytes += take.length;
      if (this.readBytes < this.totalBytes) return { done: false };
      return { done: true, payload: Buffer.concat(this.parts), rest: data.subarray(take.length) };
    }
    this.parts.push(data);
    this.readBytes += data.length;
    // The master sends nothing after the mark until we acknowledge, so the mark ends what we have received.
    this.tail =
      data.length >= EOF_MARK_LENGTH
        ? data.subarray(data.length - EOF_MARK_LENGTH)
        : Buffer.concat([this.tail, data]).subarray(-EOF_MARK_LENGTH);
    if (this.tail.length < EOF_MARK_LENGTH || !this.tail.equals(this.mark)) return { done: false };
    const all = Buffer.concat(this.parts, this.readBytes);
    return { done: true, payload: all.subarray(0, all.length - EOF_MARK_LENGTH), rest: Buffer.alloc(0) };
  }

  // --- internal ---

  /** Consumes keepalive newlines and the `$…` line; returns the bytes after it, or null if the line is incomplete. */
  private _readHeader(data: Buffer): Buffer | null {
    let i = 0;
    while (i < data.length) {
      const ch = data[i]!;
      if (this.header === '' && ch === 0x0a) {
        i++; // a keepalive newline before the payload starts
        continue;
      }
      if (ch === 0x0a) {
        this._parseHeader(this.header.replace(/\r$/, ''));
        this.headerDone = true;
        return data.subarray(i + 1);
      }
      this.header += String.fromCharCode(ch);
      i++;
      if (this.header.length > 1024) throw new BulkPayloadError('protocol', 'payload header too long');
    }
    return null;
  }

  private _parseHeader(line: string): void {
    if (line.startsWith('-')) throw new BulkPayloadError('master-error', line.slice(1));
    if (!line.startsWith('$')) {
      throw new BulkPayloadError(
        'protocol',
        `Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`,
      );
    }
    if (line.startsWith('$EOF:') && line.length >= 5 + EOF_MARK_LENGTH) {
      this.mark = Buffer.from(line.slice(5, 5 + EOF_MARK_LENGTH), 'latin1');
      this.totalBytes = 0;
      return;
    }
    // strtol: leading digits, anything else reads as 0 (and such a payload then fails to load).
    const digits = /^[0-9]+/.exec(line.slice(1).trimStart());
    const size = digits === null ? 0 : Number(digits[0]);
    this.totalBytes = Number.isSafeInteger(size) ? size : 0;
  }
}
