// Typed access to src/node/command-meta.json: factual command metadata captured from real Redis 7.0.15 by
// scripts/capture-command-meta.mjs, used to answer COMMAND, COMMAND INFO/DOCS/COUNT/LIST. The JSON's
// `_format` field documents how to re-encode it as RESP2 (which strings are status replies, field order).
import raw from './command-meta.json' with { type: 'json' };

/** A value inside a key spec as Redis sends it: bulk strings, integers and nested (flat-map) arrays. */
export type KeySpecValue = string | number | readonly KeySpecValue[];

/** One key spec: the RESP2 flat map [key, value, ...] as received; the `flags` value holds status strings. */
export type KeySpec = readonly KeySpecValue[];

/** One argument of a command in COMMAND DOCS; keys keep Redis's order; `flags` entries are status strings. */
export interface CommandArgumentDoc {
  readonly name: string;
  readonly type: string;
  readonly display_text?: string;
  readonly key_spec_index?: number;
  readonly token?: string;
  readonly since?: string;
  readonly deprecated_since?: string;
  readonly flags?: readonly string[];
  readonly value?: string;
  readonly arguments?: readonly CommandArgumentDoc[];
}

/** A command's COMMAND DOCS facts (prose summary/complexity omitted; history keeps versions only). */
export interface CommandDocs {
  readonly since: string;
  readonly group: string;
  readonly doc_flags?: readonly string[];
  readonly deprecated_since?: string;
  readonly replaced_by?: string;
  readonly history?: readonly string[];
  readonly arguments?: readonly CommandArgumentDoc[];
}

/** One command's (or subcommand's) COMMAND INFO facts plus its docs; flags/aclCategories are status strings. */
export interface CommandMeta {
  readonly arity: number;
  readonly flags: readonly string[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly aclCategories: readonly string[];
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  readonly subcommands?: Readonly<Record<string, CommandMeta>>;
  readonly docs: CommandDocs;
}

/** Where Redis sends prose that the JSON does not store, so replies can keep Redis's structure. */
export interface OmittedProse {
  readonly commandsWithoutComplexity: readonly string[];
  readonly keySpecsWithNotes: Readonly<Record<string, readonly number[]>>;
}

const data = raw as unknown as Readonly<Record<string, unknown>>;

/** Every top-level command by lowercase name (subcommands nested under `subcommands` by full name). */
export const COMMAND_META: Readonly<Record<string, CommandMeta>> = Object.fromEntries(
  Object.entries(data).filter(([name]) => !name.startsWith('_')),
) as Record<string, CommandMeta>;

/** Commands lacking complexity and key specs that carried notes in real Redis (see `_omittedProse`). */
export const COMMAND_META_OMITTED_PROSE: OmittedProse = data['_omittedProse'] as OmittedProse;
