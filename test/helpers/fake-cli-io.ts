// Runs the command line in-process: an in-memory CliIo that records output and lets a test deliver signals.

import type { CliIo, CliSignal } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/main.js';

/** A CliIo whose output is kept in `stdout`/`stderr` and whose signals come from `signal()`. */
export class FakeIo implements CliIo {
  stdout = '';
  stderr = '';
  private handler: ((s: CliSignal) => void) | null = null;
  constructor(readonly cwd: string) {}
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
  onSignal(handler: (s: CliSignal) => void): () => void {
    this.handler = handler;
    return () => (this.handler = null);
  }
  /** Delivers a signal as the terminal would (Ctrl-C is SIGINT). */
  signal(s: CliSignal): void {
    this.handler?.(s);
  }
}

/** Runs `redis-sim <args>` to completion in this process; resolves with its exit code and what it printed. */
export async function runCliInProcess(args: string[], cwd = process.cwd()): Promise<{ code: number; io: FakeIo }> {
  const io = new FakeIo(cwd);
  const code = await runCli(args, io);
  return { code, io };
}
