// What the commands that host nodes in the foreground (`redis-sim cluster`, `redis-sim sentinel`) share once their
// arguments are parsed: starting the host so that SIGINT/SIGTERM can interrupt it, opening its control port, printing
// its table, and serving until a signal or until every node has exited.

import type { ControlPort, ControlTarget } from '../runtime/control-port.js';
import type { CliIo } from './cli-io.js';
import { controlPortLine, openControlPort } from './control-port-cli.js';

/** A host a foreground command serves: its nodes and faults (for the control port), its end and its shutdown. */
export interface ServedHost extends ControlTarget {
  /** Resolves once stop() has finished, or once every node has exited by SHUTDOWN. */
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

/** How serveHost starts and describes its host. */
export interface ServeHostOptions<H extends ServedHost> {
  /** Starts the host; when `signal` aborts, the start shuts down whatever it has started and then settles. */
  start(signal: AbortSignal): Promise<H>;
  /** The control port given on the command line (null: not given). */
  controlPort: number | null;
  /** The control port to try when none was given (0: ephemeral); see openControlPort. */
  preferredControlPort: number;
  /** The table of nodes and the lines saying how to connect, printed once the host is ready. */
  table(host: H): string;
}

/** Starts the host, opens its control port, prints its table and serves until SIGINT/SIGTERM; resolves with the exit code. */
export async function serveHost<H extends ServedHost>(io: CliIo, options: ServeHostOptions<H>): Promise<number> {
  let stopping: Promise<void> | null = null;
  let host: H | null = null;
  let control: ControlPort | null = null;
  // A signal during start-up aborts the start; whatever has started is shut down before the start settles.
  const interrupt = new AbortController();
  const stopSignals = io.onSignal((signal) => {
    if (interrupt.signal.aborted || stopping !== null) return;
    io.out(`Received ${signal}, shutting down every node...\n`);
    if (host === null) interrupt.abort();
    else stopping = host.stop();
  });
  try {
    host = await options.start(interrupt.signal).catch((e: unknown) => {
      if (interrupt.signal.aborted) return null;
      throw e;
    });
    if (host === null || interrupt.signal.aborted) {
      await host?.stop();
      io.out('Every node has stopped.\n');
      return 0;
    }
    try {
      control = await openControlPort(host, options.controlPort, options.preferredControlPort, io);
    } catch (e) {
      await host.stop();
      throw e;
    }
    io.out(options.table(host));
    io.out(controlPortLine(control.port));
    await host.closed;
    if (stopping !== null) await stopping;
    io.out('Every node has stopped.\n');
    return 0;
  } finally {
    await control?.close();
    stopSignals();
  }
}

/** The log sink of `--log-stdout`: every node's log lines on standard output, prefixed by the node's port. */
export function portPrefixedLog(io: CliIo): (port: number, line: string) => void {
  return (port, line) => io.out(`${port} | ${line}\n`);
}
