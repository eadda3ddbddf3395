// The command table: handlers registered by family, joined with the metadata captured from Redis 7.0.15
// (arity, flags, key positions), and looked up the way processCommand/lookupCommand does it.

import type { Reply } from '../protocol/reply.js';
import type { ClientSession } from './client-session.js';
import { COMMAND_META, type CommandMeta } from './command-meta.js';

/** Runs one command for a client; `args[0]` is the command name as sent. Throws CommandError for error replies. */
export type CommandHandler = (c: ClientSession, args: string[]) => Reply;

/** A family's handlers by full lowercase name (`get`, `config|get`). */
export type CommandFamily = Readonly<Record<string, CommandHandler>>;

/** Per-command counters for INFO commandstats. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** A resolved command: its metadata, handler and, for containers like CONFIG, its subcommands. */
export interface Command {
  /** Lowercase name (`get`, or `get` for the `config|get` subcommand's own part). */
  readonly name: string;
  /** `name` or `container|name`, as Redis prints in arity errors. */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly meta: CommandMeta;
  readonly handler: CommandHandler | null;
  readonly subcommands: ReadonlyMap<string, Command> | null;
  readonly stats: CommandStats;
}

/** Thrown at start-up when a handler is registered for a command Redis 7.0.15 does not have. */
export class UnknownCommandDefinitionError extends Error {
  override readonly name = 'UnknownCommandDefinitionError';
}

/** Holds every implemented command. */
export class CommandTable {
  private readonly commands = new Map<string, Command>();
  /** Non-lowercase spellings seen so far, so the hot path skips toLowerCase. */
  private readonly spellings = new Map<string, Command>();

  /** `meta` is the captured metadata to join with (a sentinel-mode node passes Sentinel's own table). */
  constructor(families: readonly CommandFamily[], meta: Readonly<Record<string, CommandMeta>> = COMMAND_META) {
    const handlers = new Map<string, CommandHandler>();
    for (const family of families) for (const [name, handler] of Object.entries(family)) handlers.set(name, handler);
    const containers = new Map<string, Map<string, Command>>();
    for (const [fullName, handler] of handlers) {
      const bar = fullName.indexOf('|');
      if (bar === -1) continue;
      const parent = fullName.slice(0, bar);
      const found = meta[parent]?.subcommands?.[fullName];
      if (found === undefined) throw new UnknownCommandDefinitionError(`no Redis metadata for '${fullName}'`);
      let subs = containers.get(parent);
      if (subs === undefined) containers.set(parent, (subs = new Map()));
      subs.set(fullName.slice(bar + 1), _resolve(fullName.slice(bar + 1), fullName, found, handler, null));
    }
    for (const [name, handler] of handlers) {
      if (name.includes('|')) continue;
      const found = meta[name];
      if (found === undefined) throw new UnknownCommandDefinitionError(`no Redis metadata for '${name}'`);
      this.commands.set(name, _resolve(name, name, found, handler, null));
    }
    for (const [name, subs] of containers) {
      const found = meta[name];
      if (found === undefined) throw new UnknownCommandDefinitionError(`no Redis metadata for '${name}'`);
      // A container may also run bare (COMMAND with no subcommand), when its family registers it.
      this.commands.set(name, _resolve(name, name, found, handlers.get(name) ?? null, subs));
    }
  }

  /** The top-level command with this (any-case) name, or undefined. */
  get(name: string): Command | undefined {
    const exact = this.commands.get(name) ?? this.spellings.get(name);
    if (exact !== undefined) return exact;
    const found = this.commands.get(name.toLowerCase());
    // Remember other spellings clients really use (`SET`, `Set`), bounded so odd input cannot grow it without end.
    if (found !== undefined && this.spellings.size < _MAX_SPELLINGS) this.spellings.set(name, found);
    return found;
  }

  /**
   * Resolves a request to the command that runs it: the subcommand for containers (when one is given and known),
   * or undefined. Mirrors lookupCommandLogic.
   */
  lookup(args: readonly string[]): Command | undefined {
    const base = this.get(args[0]!);
    if (base === undefined || base.subcommands === null || args.length === 1) return base;
    return base.subcommands.get(args[1]!.toLowerCase());
  }

  /** Every top-level command, in registration order. */
  all(): IterableIterator<Command> {
    return this.commands.values();
  }

  /** Number of top-level commands (COMMAND COUNT). */
  get size(): number {
    return this.commands.size;
  }
}

/** Whether a request fails the command's arity (commandCheckArity): exact when positive, a minimum when negative. */
export function failsArity(command: Command, argc: number): boolean {
  return command.arity > 0 ? command.arity !== argc : argc < -command.arity;
}

// --- internal ---

const _MAX_SPELLINGS = 4096;

/** Flags Redis keeps but COMMAND does not show (CMD_PROTECTED is "hidden on purpose" in addReplyCommandFlags). */
const _HIDDEN_FLAGS: Readonly<Record<string, readonly string[]>> = { debug: ['protected'], module: ['protected'] };

function _resolve(
  name: string,
  fullName: string,
  meta: CommandMeta,
  handler: CommandHandler | null,
  subcommands: Map<string, Command> | null,
): Command {
  return {
    name,
    fullName,
    arity: meta.arity,
    flags: new Set([...meta.flags, ...(_HIDDEN_FLAGS[fullName] ?? [])]),
    firstKey: meta.firstKey,
    lastKey: meta.lastKey,
    step: meta.step,
    meta,
    handler,
    subcommands,
    stats: { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 },
  };
}
