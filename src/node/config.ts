// A node's configuration: the directive table of config-table.ts holding each value as the canonical string
// CONFIG GET prints. Config files and command-line options go through `set` (loadServerConfigFromString's rules);
// CONFIG SET goes through `setMany` (configSetCommand's rules: atomic, with Redis's error precedence).

import { splitArgs } from '../protocol/split-args.js';
import { ConfigError } from './config-error.js';
import { CONFIG_DEFINITIONS, type ConfigContext, type ConfigDefinition } from './config-table.js';
import { globMatch } from './glob.js';

export { ConfigError };

/** Where a value came from: a config file or command-line option, or CONFIG SET. */
export type ConfigSource = 'file' | 'runtime';

/** Options for CONFIG SET. */
export interface ConfigSetOptions {
  /** Whether PROTECTED_CONFIG directives (dir, dbfilename) may change: `enable-protected-configs` allows this client. */
  allowProtected: boolean;
}

/** The live configuration of one node. */
export class Config {
  /**
   * Resolves a `dir` value to the absolute directory it names, throwing ConfigError when it cannot be entered (Redis
   * chdir()s). The realtime runtime binds it to the file system; by default the path is kept as given.
   */
  resolveDir: (path: string) => string = (path) => path;

  private readonly values = new Map<string, string>();
  private readonly byName = new Map<string, ConfigDefinition>();
  private readonly ordered: readonly ConfigDefinition[];
  private readonly listeners: ((name: string, value: string) => void)[] = [];
  /** The text each directive was last set to, before canonicalisation (see `given`). */
  private readonly givenText = new Map<string, string>();
  /** Directives already seen while loading a file: later `save` lines add to earlier ones. */
  private readonly loaded = new Set<string>();
  /** `getNumber` results by the name asked for (hot paths read proto-max-bulk-len per request); emptied on any change. */
  private readonly numbers = new Map<string, number>();

  constructor(definitions: readonly ConfigDefinition[] = CONFIG_DEFINITIONS) {
    this.ordered = definitions;
    for (const def of definitions) {
      this.byName.set(def.name, def);
      if (def.alias !== undefined) this.byName.set(def.alias, def);
      this.values.set(def.name, def.defaultValue);
    }
  }

  /** The definition for a name or alias (case-insensitive), or undefined. */
  definition(name: string): ConfigDefinition | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Every definition once, in table order. */
  definitions(): readonly ConfigDefinition[] {
    return this.ordered;
  }

  /** The canonical value of a directive. */
  get(name: string): string {
    const def = this.definition(name);
    if (def === undefined) throw new ConfigError(name, 'Bad directive or wrong number of arguments', 'unknown');
    return this.values.get(def.name)!;
  }

  /**
   * The text a directive was last set to, as given, or its canonical value if never set. Needed where the canonical
   * spelling loses information: `notify-keyspace-events KEAn` reads back as `AKE` (keyspaceEventsFlagsToString drops
   * `n` next to `A`), yet Redis keeps sending new-key events.
   */
  given(name: string): string {
    const def = this.definition(name);
    return (def !== undefined ? this.givenText.get(def.name) : undefined) ?? this.get(name);
  }

  /** A numeric directive's value (memory sizes in bytes; a `maxmemory-clients` percentage reads as NaN). */
  getNumber(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) {
      n = Number(this.get(name));
      this.numbers.set(name, n);
    }
    return n;
  }

  /** A yes/no directive's value. */
  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /**
   * Applies one directive. From a config file or the command line (`file`): `words` are the words after the name,
   * a single-value directive needs exactly one, and a multi-word one given as a single word is split like a config
   * line (so `--save "900 1"` works). From `runtime`: CONFIG SET of the words joined by spaces. Throws ConfigError.
   */
  set(name: string, words: readonly string[], source: ConfigSource = 'file'): void {
    if (source === 'runtime') {
      this.setMany([[name, words.join(' ')]], { allowProtected: true });
      return;
    }
    const def = this.definition(name);
    if (def === undefined) throw new ConfigError(name, 'Bad directive or wrong number of arguments', 'unknown');
    let args = words;
    if (!def.multiArg && words.length !== 1) throw new ConfigError(def.name, 'wrong number of arguments');
    if (def.multiArg && words.length === 1 && words[0] !== '') {
      const split = splitArgs(words[0]!);
      if (split === null) throw new ConfigError(def.name, 'Unbalanced quotes in configuration line');
      args = split;
    }
    const value = def.parse(args, this._context('file', this.loaded.has(def.name)));
    this.loaded.add(def.name);
    const givenBefore = this.givenText.get(def.name);
    this.givenText.set(def.name, args.join(' '));
    this._store(def, value, givenBefore !== this.givenText.get(def.name));
  }

  /**
   * CONFIG SET: validates every name first (unknown, immutable, protected, duplicate — the first problem wins), then
   * sets the values in order, restoring them all if one is rejected. Throws ConfigError naming the argument.
   */
  setMany(pairs: readonly (readonly [string, string])[], options: ConfigSetOptions): void {
    let problem: ConfigError | null = null;
    const seen = new Set<string>();
    const targets: { def: ConfigDefinition; entry: string; value: string }[] = [];
    for (const [name, value] of pairs) {
      const def = this.definition(name);
      if (def === undefined) {
        problem ??= new ConfigError(name, 'Unknown option or number of arguments for CONFIG SET', 'unknown');
        continue;
      }
      if (problem !== null) continue;
      if (def.immutable === true) problem = new ConfigError(name, "can't set immutable config");
      else if (def.protected === true && !options.allowProtected)
        problem = new ConfigError(name, "can't set protected config");
      else if (seen.has(name.toLowerCase())) problem = new ConfigError(name, 'duplicate parameter');
      // Redis keeps an alias as its own table entry, so errors while setting name the alias that was used.
      const entry = name.toLowerCase() === def.alias ? def.alias : def.name;
      seen.add(name.toLowerCase());
      targets.push({ def, entry, value });
    }
    if (problem !== null) throw problem;
    const backup = targets.map(({ def }) => this.values.get(def.name)!);
    const givenBackup = targets.map(({ def }) => this.givenText.get(def.name));
    const ctx = this._context('runtime', false);
    for (let i = 0; i < targets.length; i++) {
      const { def, entry, value } = targets[i]!;
      try {
        const words = def.multiArg === true ? (value === '' ? [] : value.split(' ')) : [value];
        this._setValue(def.name, def.parse(words, ctx));
        this.givenText.set(def.name, value);
      } catch (e) {
        for (let j = i; j >= 0; j--) {
          const restored = targets[j]!.def.name;
          this._setValue(restored, backup[j]!);
          if (givenBackup[j] === undefined) this.givenText.delete(restored);
          else this.givenText.set(restored, givenBackup[j]!);
        }
        if (e instanceof ConfigError) throw new ConfigError(entry, e.message);
        throw e;
      }
    }
    for (let i = 0; i < targets.length; i++) {
      const name = targets[i]!.def.name;
      const value = this.values.get(name)!;
      const changed = value !== backup[i] || this.givenText.get(name) !== givenBackup[i];
      if (changed) for (const listener of this.listeners) listener(name, value);
    }
  }

  /**
   * CONFIG GET: name/value pairs for each pattern. A pattern without glob characters is an exact (case-insensitive)
   * lookup answered under the name as given; a glob matches names and aliases, skipping hidden directives.
   */
  matching(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const def = this.definition(pattern);
        if (def !== undefined && !seen.has(pattern)) {
          seen.add(pattern);
          out.push([pattern, this.values.get(def.name)!]);
        }
        continue;
      }
      for (const def of this.ordered) {
        if (def.hidden === true) continue;
        for (const name of def.alias === undefined ? [def.name] : [def.name, def.alias]) {
          if (seen.has(name) || !globMatch(pattern, name, true)) continue;
          seen.add(name);
          out.push([name, this.values.get(def.name)!]);
        }
      }
    }
    return out;
  }

  /** Registers a callback run after a value changes (once per changed directive of a CONFIG SET). */
  onChange(listener: (name: string, value: string) => void): void {
    this.listeners.push(listener);
  }

  // --- internal ---

  private _context(source: ConfigSource, accumulate: boolean): ConfigContext {
    return { source, accumulate, get: (name) => this.get(name), resolveDir: (path) => this.resolveDir(path) };
  }

  /** Changes a stored value, forgetting the parsed numbers. */
  private _setValue(name: string, value: string): void {
    this.values.set(name, value);
    this.numbers.clear();
  }

  /** Stores a value; from a file, listeners hear of it when the value or the text as given changed. */
  private _store(def: ConfigDefinition, value: string, givenChanged: boolean): void {
    const previous = this.values.get(def.name);
    this._setValue(def.name, value);
    if (previous !== value || givenChanged) for (const listener of this.listeners) listener(def.name, value);
  }
}
