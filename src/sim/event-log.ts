// The simulation's append-only event log. Two runs of a scenario with the same seed must produce the same log byte for
// byte (DESIGN.md), so hash() fingerprints a whole run and tests compare fingerprints.

import { createHash } from 'node:crypto';

/** An append-only list of `<time> [<source>] <text>` lines, one per event. */
export class EventLog {
  private readonly entries: string[] = [];

  /** Appends one line; backslashes, CR and LF in `source` and `text` are escaped so every entry stays one line. */
  record(time: number, source: string, text: string): void {
    this.entries.push(`${time} [${_escape(source)}] ${_escape(text)}`);
  }

  /** The lines recorded so far, oldest first (a live view: do not modify it). */
  lines(): readonly string[] {
    return this.entries;
  }

  /** Hex SHA-256 of the log as a text file: every line followed by "\n". */
  hash(): string {
    const h = createHash('sha256');
    for (const line of this.entries) h.update(`${line}\n`);
    return h.digest('hex');
  }
}

// --- internal ---

/** Escapes `\`, CR and LF, so the escaped text is one line and distinct texts stay distinct. */
function _escape(text: string): string {
  return text.replace(/[\\\r\n]/g, (c) => (c === '\\' ? '\\\\' : c === '\r' ? '\\r' : '\\n'));
}
