// The typed error for a rejected configuration value.

/** A rejected value; `message` is the reason Redis gives (e.g. `argument couldn't be parsed into an integer`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly directive: string,
    message: string,
  ) {
    super(message);
  }
}
