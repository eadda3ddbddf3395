// Reads `redis-sim server` arguments the way redis-server's main() reads its argv: an optional config file first,
// then `--directive value...` options that are applied after the file. Pure: no I/O.

import { ConfigFileError, type ConfigDirective } from '../node/config-file.js';
import { splitArgs } from '../protocol/split-args.js';
import { CliError } from './cli-io.js';

/** What the arguments ask for. */
export type ServerArgs =
  | { readonly kind: 'version' }
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly configFile: string | null; readonly options: readonly ConfigDirective[] };

/**
 * Parses server arguments. Each `--name` starts a directive and the words after it (even ones starting with `-`,
 * like `-::1`) are its arguments; `--name "a b"` and `"--name a b"` both work; a bare `--save` means `--save ""`.
 * A word right after a bare `--name` is its value even when it starts with `--` (`--requirepass --secret`).
 */
export function parseServerArgs(args: readonly string[]): ServerArgs {
  const first = args[0];
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === '-h' || first === '--help') return { kind: 'help' };
  if (first === '--test-memory' || first === '--check-system') {
    throw new CliError(`'${first}' is a redis-server diagnostic that redis-sim does not provide`, true);
  }
  let j = 0;
  let configFile: string | null = null;
  if (first !== undefined && !first.startsWith('-')) {
    configFile = first;
    j = 1;
  }
  const options: { name: string; words: string[]; option: string }[] = [];
  let current: { name: string; words: string[]; option: string } | null = null;
  let valueDue = false;
  for (; j < args.length; j++) {
    const arg = args[j]!;
    if (arg === '-' && (j === 0 || j === args.length - 1)) {
      throw new CliError('reading the configuration from standard input (-) is not supported', true);
    }
    if (!valueDue && arg.startsWith('--')) {
      const parts = splitArgs(arg.slice(2));
      if (parts === null) throw new ConfigFileError('Unbalanced quotes in configuration line', null, { option: arg });
      if (parts.length === 0) throw new CliError(`'${arg}' names no directive`, true);
      current = { name: parts[0]!.toLowerCase(), words: parts.slice(1), option: arg };
      options.push(current);
      valueDue = parts.length === 1;
      const next = args[j + 1];
      // redis-server keeps `--save --port 1` and a trailing `--save` meaning `save ""` (pre-7.0.1 behaviour).
      if (valueDue && current.name === 'save' && (next === undefined || next.startsWith('--'))) {
        current.words.push('');
        valueDue = false;
      }
      continue;
    }
    if (current === null)
      throw new CliError(`unexpected argument '${arg}': directives are given as --name value`, true);
    current.words.push(arg);
    valueDue = false;
  }
  return {
    kind: 'run',
    configFile,
    options: options.map((o) => ({ name: o.name, words: o.words, where: { option: o.option } })),
  };
}
