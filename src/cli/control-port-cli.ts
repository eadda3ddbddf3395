// What the commands that host nodes (`redis-sim cluster`, `redis-sim sentinel`) share about their control port: how
// it is opened and the line that tells the user where it is.

import { ControlPortError, startControlPort, type ControlPort, type ControlTarget } from '../runtime/control-port.js';
import type { CliIo } from './cli-io.js';

/**
 * Opens the control port: `requested` when given (null: not given), else `preferred`, falling back to an ephemeral port
 * when `preferred` is taken. Applied faults are printed as `Fault applied: …`.
 */
export async function openControlPort(
  target: ControlTarget,
  requested: number | null,
  preferred: number,
  io: CliIo,
): Promise<ControlPort> {
  const onFault = (text: string): void => io.out(`Fault applied: ${text}\n`);
  if (requested !== null) return startControlPort(target, { port: requested, onFault });
  try {
    return await startControlPort(target, { port: preferred, onFault });
  } catch (e) {
    if (!(e instanceof ControlPortError) || preferred === 0) throw e;
    return startControlPort(target, { port: 0, onFault });
  }
}

/** The line saying where the control port listens and what `redis-sim ctl` can send it. */
export function controlPortLine(port: number): string {
  return (
    `Control port: 127.0.0.1:${port} (loopback only). Try: redis-sim ctl --port ${port} nodes, ` +
    `or kill|restart|pause|resume <port>, partition <ports> '|' <ports>, heal, latency <ms> [<port>]\n`
  );
}
