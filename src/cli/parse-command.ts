// The one way a command parses its own words with yargs: strict options, no process exit, no --version, --help
// printed through the CLI's io, and every parse failure a CliError with the "(see --help)" hint; plus the shared
// validation of integer options.

import type { Argv } from 'yargs';
import { CliError, type CliIo } from './cli-io.js';

/**
 * Finishes `parser` with the shared set-up and parses `args`; resolves with the arguments, or null once --help has been
 * printed. Throws CliError for an unknown option, a missing value and the like.
 */
export async function parseCommand<T>(parser: Argv<T>, args: readonly string[], io: CliIo) {
  let helped = false;
  const argv = await parser
    .strict()
    .exitProcess(false)
    .version(false)
    .help()
    .wrap(100)
    .fail((message, error) => {
      throw error ?? new CliError(message, true);
    })
    .parseAsync([...args], {}, (error, _parsed, output) => {
      if (error == null && output !== '') {
        helped = true;
        io.out(`${output}\n`);
      }
    });
  return helped ? null : argv;
}

/** Validates an integer option within [min, max]; throws CliError in the uniform words otherwise. */
export function integerOption(flag: string, raw: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError(`Expected \`${flag}\` to be an integer >= ${min}, got \`${raw}\``, true);
  }
  if (n > max) throw new CliError(`Expected \`${flag}\` to be an integer <= ${max}, got \`${raw}\``, true);
  return n;
}
