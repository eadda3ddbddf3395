// A node's configuration: a table of Redis 7.0 directives with their types, defaults and checks, holding each
// value as the canonical string CONFIG GET prints. Parsing redis.conf and CONFIG SET both go through `set`.

import { ConfigError } from './config-error.js';
import { CONFIG_DEFINITIONS, type ConfigDefinition } from './config-table.js';

export { ConfigError };

/** Where a value came from; some directives may only be set at start-up. */
export type ConfigSource = 'file' | 'runtime';

/** The live configuration of one node. */
export class Config {
  private readonly values = new Map<string, string>();
  private readonly byName = new Map<string, ConfigDefinition>();
  private readonly listeners: ((name: string, value: string) => void)[] = [];

  constructor(definitions: readonly ConfigDefinition[] = CONFIG_DEFINITIONS) {
    for (const def of definitions) {
      this.byName.set(def.name, def);
      if (def.alias !== undefined) this.byName.set(def.alias, def);
      this.values.set(def.name, def.defaultValue);
    }
  }

  /** The definition for a name or alias (case-insensitive), or undefined. */
  definition(name: string): ConfigDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every definition once, in table order. */
  definitions(): ConfigDefinition[] {
    return [...new Set(this.byName.values())];
  }

  /** The canonical value of a directive. */
  get(name: string): string {
    const def = this.definition(name);
    if (def === undefined) throw new ConfigError(name, 'Bad directive or wrong number of arguments');
    return this.values.get(def.name)!;
  }

  /** A numeric directive's value. */
  getNumber(name: string): number {
    return Number(this.get(name));
  }

  /** A yes/no directive's value. */
  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Validates and stores a value given as its argument words; throws ConfigError with Redis's reason. */
  set(name: string, words: readonly string[], source: ConfigSource): void {
    const def = this.definition(name);
    if (def === undefined) throw new ConfigError(name, 'Bad directive or wrong number of arguments');
    if (source === 'runtime' && def.immutable === true) throw new ConfigError(def.name, "can't set immutable config");
    const value = def.parse(words);
    this.values.set(def.name, value);
    for (const listener of this.listeners) listener(def.name, value);
  }

  /** Registers a callback run after each change. */
  onChange(listener: (name: string, value: string) => void): void {
    this.listeners.push(listener);
  }
}
