// What a CLI command talks to: output streams, the working directory and termination signals, passed in so the
// whole CLI runs in-process under test; plus the error a command raises for a one-line message.

import { readFileSync } from 'node:fs';
import { REDIS_VERSION } from '../node/version.js';

/** A termination signal the CLI handles. */
export type CliSignal = 'SIGINT' | 'SIGTERM';

/** The outside world of one CLI run. */
export interface CliIo {
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called. */
  onSignal(handler: (signal: CliSignal) => void): () => void;
  /** Whether standard output is a terminal (redis-cli's formatted-or-raw choice); false when not given. */
  readonly stdoutIsTty?: boolean;
  /** Writes bytes to standard output as they are (replies are binary); `out` of their latin1 text when not given. */
  outBytes?(bytes: Buffer): void;
  /** Reads all of standard input (`redis-sim cli -x`); empty when not given. */
  readStdin?(): Promise<string>;
  /** Standard input as a stream (`redis-sim cli`'s interactive mode reads lines from it). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Whether standard input is a terminal (a prompt and history then); false when not given. */
  readonly stdinIsTty?: boolean;
}

/** A command's one-line failure; `hint` adds "(see --help)" because the user can fix the command line. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly hint = false,
  ) {
    super(message);
  }
}

/** A command the CLI dispatches to: `run` gets the words after the command name and resolves with the exit code. */
export interface CliCommand {
  readonly name: string;
  /** yargs usage, e.g. `server [config-file] [options..]`. */
  readonly usage: string;
  readonly describe: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** The process's own streams, directory and signals. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdoutIsTty: process.stdout.isTTY === true,
    stdin: process.stdin,
    stdinIsTty: process.stdin.isTTY === true,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('latin1');
    },
    out: (text) => process.stdout.write(text),
    outBytes: (bytes) => process.stdout.write(bytes),
    err: (text) => process.stderr.write(text),
    onSignal(handler) {
      const onInt = () => handler('SIGINT');
      const onTerm = () => handler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}

/** What `--version` prints. */
export function versionText(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `redis-sim ${pkg.version} (Redis ${REDIS_VERSION} compatible)`;
}
