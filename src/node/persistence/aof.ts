// The pieces of Redis 7.0's multi-part AOF (aof.c): the manifest listing base, history and incr files, the RESP
// encoding of logged commands, the command reader used when loading (which tells a cut-off tail from a corrupt
// file), and the command form of a dataset used for a base file when aof-use-rdb-preamble is off.

import { encodeRequestString } from '../../protocol/request-encoder.js';
import type { Database } from '../database.js';
import { splitArgs } from '../../protocol/split-args.js';
import { typeName, type Value } from '../values.js';

/** A manifest entry's type: base, history (awaiting deletion) or incremental. */
export type AofFileType = 'b' | 'h' | 'i';

/** One file listed in the manifest (aofInfo). */
export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

/** Why an AOF or its manifest could not be read. */
export type AofErrorCode = 'manifest' | 'format' | 'truncated';

/** Raised when the AOF cannot be loaded; `code` says why. */
export class AofError extends Error {
  override readonly name = 'AofError';
  constructor(
    readonly code: AofErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The manifest of a multi-part AOF (aofManifest). */
export class AofManifest {
  base: AofFileInfo | null = null;
  history: AofFileInfo[] = [];
  incr: AofFileInfo[] = [];
  currentBaseSeq = 0;
  currentIncrSeq = 0;
  /** Changed since it was last written. */
  dirty = false;

  /** Parses a manifest file's text (aofLoadManifestFromFile); throws AofError with Redis's reason. */
  static parse(text: string): AofManifest {
    const am = new AofManifest();
    let maxSeq = 0;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new AofError('manifest', 'Found an empty AOF manifest');
    for (const raw of lines) {
      if (raw.startsWith('#')) continue;
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') throw new AofError('manifest', 'Invalid AOF manifest file format');
      const argv = splitArgs(line);
      if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
        throw new AofError('manifest', 'Invalid AOF manifest file format');
      }
      let name = '';
      let seq = 0;
      let type = '';
      for (let i = 0; i < argv.length; i += 2) {
        const k = argv[i]!.toLowerCase();
        const v = argv[i + 1]!;
        if (k === 'file') {
          name = v;
          if (name.includes('/')) throw new AofError('manifest', "File can't be a path, just a filename");
        } else if (k === 'seq') {
          seq = _atoi(v);
        } else if (k === 'type') {
          type = v.charAt(0);
        }
      }
      if (name === '' || seq === 0 || type === '') throw new AofError('manifest', 'Invalid AOF manifest file format');
      const info = { name, seq, type: type as AofFileType };
      if (type === 'b') {
        if (am.base !== null) throw new AofError('manifest', 'Found duplicate base file information');
        am.base = info;
        am.currentBaseSeq = seq;
      } else if (type === 'h') {
        am.history.push(info);
      } else if (type === 'i') {
        if (seq <= maxSeq) throw new AofError('manifest', 'Found a non-monotonic sequence number');
        am.incr.push(info);
        am.currentIncrSeq = seq;
        maxSeq = seq;
      } else {
        throw new AofError('manifest', 'Unknown AOF file type');
      }
    }
    return am;
  }

  /** The manifest's text: base, then history, then incr files, one `file … seq … type …` line each. */
  format(): string {
    const all = [...(this.base === null ? [] : [this.base]), ...this.history, ...this.incr];
    return all.map((f) => `file ${_repr(f.name)} seq ${f.seq} type ${f.type}\n`).join('');
  }

  /** A deep copy, changed and persisted before it replaces the current one (aofManifestDup). */
  clone(): AofManifest {
    const am = new AofManifest();
    am.base = this.base === null ? null : { ...this.base };
    am.history = this.history.map((f) => ({ ...f }));
    am.incr = this.incr.map((f) => ({ ...f }));
    am.currentBaseSeq = this.currentBaseSeq;
    am.currentIncrSeq = this.currentIncrSeq;
    am.dirty = this.dirty;
    return am;
  }

  /** Adds the next base file, moving the current one to history; returns its name (getNewBaseFileNameAndMarkPreAsHistory). */
  newBase(aofFilename: string, rdbFormat: boolean): string {
    if (this.base !== null) this.history.unshift({ ...this.base, type: 'h' });
    const seq = ++this.currentBaseSeq;
    const name = `${aofFilename}.${seq}.base${rdbFormat ? '.rdb' : '.aof'}`;
    this.base = { name, seq, type: 'b' };
    this.dirty = true;
    return name;
  }

  /** Adds the next incr file; returns its name (getNewIncrAofName). */
  newIncr(aofFilename: string): string {
    const seq = ++this.currentIncrSeq;
    const name = `${aofFilename}.${seq}.incr.aof`;
    this.incr.push({ name, seq, type: 'i' });
    this.dirty = true;
    return name;
  }

  /** The incr file to append to: the last one, or a new one when there is none (getLastIncrAofName). */
  lastIncr(aofFilename: string): string {
    const last = this.incr[this.incr.length - 1];
    return last === undefined ? this.newIncr(aofFilename) : last.name;
  }

  /** Moves incr files covered by a new base to history, keeping the open one (markRewrittenIncrAofAsHistory). */
  markRewrittenIncrAsHistory(keepLast: boolean): void {
    if (this.incr.length === 0) return;
    const kept = keepLast ? this.incr.slice(-1) : [];
    const rewritten = keepLast ? this.incr.slice(0, -1) : this.incr;
    for (const f of rewritten.reverse()) this.history.unshift({ ...f, type: 'h' });
    this.incr = kept;
    this.dirty = true;
  }
}

/** The RESP multibulk form of a command, as it is appended to the AOF (catAppendOnlyGenericCommand). */
export const encodeAofCommand = encodeRequestString;

/** The SELECT an AOF carries when the next command targets another database (feedAppendOnlyFile). */
export function encodeAofSelect(dbId: number): string {
  const id = String(dbId);
  return `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
}

/** Reads commands from AOF bytes the way loadSingleAppendOnlyFile does. */
export class AofCommandReader {
  /** Offset of the next unread byte. */
  pos: number;

  constructor(
    private readonly data: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /**
   * The next command's arguments (latin1), or null at a clean end of file. `#` annotation lines are skipped. Throws
   * AofError 'truncated' when the file ends inside a command and 'format' when the bytes are not an AOF.
   */
  next(): string[] | null {
    let line: string | null;
    for (;;) {
      line = this._line();
      if (line === null) return null;
      if (!line.startsWith('#')) break;
    }
    if (!line.startsWith('*')) throw _formatError();
    if (line.length === 1 && this.data[this.pos - 1] !== 0x0a) throw _truncated(); // a lone `*` cut off by EOF
    const argc = _atoi(line.slice(1));
    if (argc < 1) throw _formatError();
    const args: string[] = [];
    for (let j = 0; j < argc; j++) {
      const header = this._line();
      if (header === null) throw _truncated();
      if (!header.startsWith('$')) throw _formatError();
      const len = _atoi(header.slice(1));
      if (len < 0 || this.pos + len > this.data.length) throw _truncated();
      args.push(this.data.toString('latin1', this.pos, this.pos + len));
      this.pos += len;
      if (this.pos + 2 > this.data.length) throw _truncated();
      this.pos += 2;
    }
    return args;
  }

  /** The next line without its newline (like fgets, a last line without `\n` still counts), or null at the end. */
  private _line(): string | null {
    if (this.pos >= this.data.length) return null;
    const nl = this.data.indexOf(0x0a, this.pos);
    const end = nl === -1 ? this.data.length : nl;
    const text = this.data.toString('latin1', this.pos, end);
    this.pos = nl === -1 ? end : end + 1;
    return text;
  }
}

/** Turns a value into the commands that rebuild it, for a base file in AOF format (rewriteAppendOnlyFileRio). */
export type AofRewriter = (key: string, value: Value) => string[][];

/** Registers how values whose TYPE is `valueTypeName` are written as commands in an AOF-format base file. */
export function registerAofRewriter(valueTypeName: string, rewriter: AofRewriter): void {
  _rewriters.set(valueTypeName, rewriter);
}

/** The whole dataset as AOF commands: SELECT per non-empty database, the value's commands, PEXPIREAT for expiries. */
export function rewriteDatasetAsCommands(databases: readonly Database[]): Buffer {
  const parts: string[] = [];
  for (const db of databases) {
    if (db.size === 0) continue;
    parts.push(encodeAofSelect(db.id));
    for (const [key, entry] of db.rawEntries()) {
      const name = typeName(entry.value);
      const rewriter = _rewriters.get(name);
      if (rewriter === undefined) throw new AofError('format', `no AOF rewrite for values of type '${name}'`);
      for (const command of rewriter(key, entry.value)) parts.push(encodeAofCommand(command));
      if (entry.expiresAt !== 0) parts.push(encodeAofCommand(['PEXPIREAT', key, String(entry.expiry)]));
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

// --- internal ---

const _rewriters = new Map<string, AofRewriter>();

registerAofRewriter('string', (key, value) => [['SET', key, value as string]]);

function _formatError(): AofError {
  return new AofError('format', 'Bad file format reading the append only file');
}

function _truncated(): AofError {
  return new AofError('truncated', 'Unexpected end of file reading the append only file');
}

/** C atoi: optional whitespace and sign, then digits; 0 when there are none. */
function _atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m === null ? 0 : Number.parseInt(m[1]!, 10);
}

/** The manifest form of a file name: quoted and escaped like sdscatrepr when it needs it (sdsneedsrepr). */
function _repr(name: string): string {
  if (!/[\\"\n\r\t\x07\x08 ]|[^\x21-\x7e]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}
