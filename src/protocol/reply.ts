// Reply values: what command handlers return. The encoder turns them into RESP2 or RESP3 bytes, so a handler never
// needs to know which protocol its client speaks. Strings are latin1 (one char per byte), like all data in the core.

/** A status reply, `+OK`. */
export interface SimpleReply {
  readonly t: 'simple';
  readonly s: string;
}
/** An error reply; `s` is the text after `-`, starting with its code (`ERR …`, `WRONGTYPE …`, `MOVED …`). */
export interface ErrorReply {
  readonly t: 'error';
  readonly s: string;
}
/** An integer reply. */
export interface IntReply {
  readonly t: 'int';
  readonly n: number | bigint;
}
/** A bulk string. */
export interface BulkReply {
  readonly t: 'bulk';
  readonly s: string;
}
/** A null bulk string (`$-1` in RESP2, `_` in RESP3). */
export interface NilReply {
  readonly t: 'nil';
}
/** A null array (`*-1` in RESP2, `_` in RESP3). */
export interface NilArrayReply {
  readonly t: 'nilarray';
}
/** An array; also the shape of sets, maps and pushes in RESP2. */
export interface ArrayReply {
  readonly t: 'array' | 'set' | 'push';
  readonly items: readonly Reply[];
}
/** A map given as flat key, value pairs; a flat array in RESP2. */
export interface MapReply {
  readonly t: 'map';
  readonly items: readonly Reply[];
}
/** A double: `,` in RESP3, a bulk string in RESP2. `text` overrides Redis's default formatting when given. */
export interface DoubleReply {
  readonly t: 'double';
  readonly n: number;
  readonly text?: string;
}
/** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
export interface BoolReply {
  readonly t: 'bool';
  readonly b: boolean;
}
/** A verbatim string (`=len\r\ntxt:…`) in RESP3, a bulk string in RESP2. */
export interface VerbatimReply {
  readonly t: 'verbatim';
  readonly s: string;
}

/** Several replies written back to back, for commands that answer more than once (SUBSCRIBE a b c). */
export interface SequenceReply {
  readonly t: 'sequence';
  readonly items: readonly Reply[];
}

/** A reply encoded in the protocol the client spoke when it was produced (replies queued in EXEC around a HELLO). */
export interface PinnedReply {
  readonly t: 'pinned';
  readonly resp: 2 | 3;
  readonly reply: Reply;
}

/** Anything a command can answer. */
export type Reply =
  | SimpleReply
  | ErrorReply
  | IntReply
  | BulkReply
  | NilReply
  | NilArrayReply
  | ArrayReply
  | MapReply
  | DoubleReply
  | BoolReply
  | VerbatimReply
  | SequenceReply
  | PinnedReply;

/** Builds a status reply. */
export const simple = (s: string): SimpleReply => ({ t: 'simple', s });
/** Builds an error reply from its full text, code first (`ERR syntax error`). */
export const error = (s: string): ErrorReply => ({ t: 'error', s });
/** Builds an integer reply. */
export const integer = (n: number | bigint): IntReply => ({ t: 'int', n });
/** Builds a bulk string reply. */
export const bulk = (s: string): BulkReply => ({ t: 'bulk', s });
/** Builds a bulk string reply, or a null bulk for undefined/null. */
export const bulkOrNil = (s: string | null | undefined): BulkReply | NilReply => (s == null ? NIL : bulk(s));
/** Builds an array reply. */
export const array = (items: readonly Reply[]): ArrayReply => ({ t: 'array', items });
/** Builds an array of bulk strings. */
export const bulkArray = (items: readonly string[]): ArrayReply => ({ t: 'array', items: items.map(bulk) });
/** Builds a set reply (an array in RESP2). */
export const set = (items: readonly Reply[]): ArrayReply => ({ t: 'set', items });
/** Builds a push reply (an array in RESP2). */
export const push = (items: readonly Reply[]): ArrayReply => ({ t: 'push', items });
/** Builds a map reply from flat key, value pairs. */
export const map = (items: readonly Reply[]): MapReply => ({ t: 'map', items });
/** Builds a map reply from string keys to replies. */
export const mapOf = (entries: readonly (readonly [string, Reply])[]): MapReply =>
  map(entries.flatMap(([k, v]) => [bulk(k), v]));
/** Builds replies sent back to back (not an array). */
export const sequence = (items: readonly Reply[]): SequenceReply => ({ t: 'sequence', items });
/** Pins a reply to the protocol version it must be encoded in. */
export const pinned = (resp: 2 | 3, reply: Reply): PinnedReply => ({ t: 'pinned', resp, reply });
/** Builds a double reply. */
export const double = (n: number, text?: string): DoubleReply =>
  text === undefined ? { t: 'double', n } : { t: 'double', n, text };
/** Builds a boolean reply. */
export const bool = (b: boolean): BoolReply => ({ t: 'bool', b });
/** Builds a verbatim text reply. */
export const verbatim = (s: string): VerbatimReply => ({ t: 'verbatim', s });

/** `+OK`. */
export const OK: SimpleReply = simple('OK');
/** `+QUEUED`. */
export const QUEUED: SimpleReply = simple('QUEUED');
/** `+PONG`. */
export const PONG: SimpleReply = simple('PONG');
/** The null bulk string. */
export const NIL: NilReply = { t: 'nil' };
/** The null array. */
export const NIL_ARRAY: NilArrayReply = { t: 'nilarray' };
/** An empty array. */
export const EMPTY_ARRAY: ArrayReply = array([]);
/** `:0`. */
export const ZERO: IntReply = integer(0);
/** `:1`. */
export const ONE: IntReply = integer(1);
