// The typed error for a rejected configuration value.

/** Why a directive was rejected: it does not exist, or its value (or the attempt to change it) is invalid. */
export type ConfigErrorKind = 'unknown' | 'invalid';

/** A rejected value; `message` is the reason Redis gives (e.g. `argument couldn't be parsed into an integer`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly directive: string,
    message: string,
    readonly kind: ConfigErrorKind = 'invalid',
  ) {
    super(message);
  }
}
