// Sentinel events (sentinelEvent in sentinel.c): one message per event, logged at its level and published on the
// channel named after the event (`+sdown`, `+switch-master`, ...) unless it is a debug event.

import type { LogLevel } from '../env/env.js';
import { SRI, type SentinelInstance } from './sentinel-instance.js';

/** `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`: how an event names its instance (the `%@` prefix). */
export function instanceDetails(ri: SentinelInstance): string {
  const own = `${ri.typeName} ${ri.name} ${ri.addr.host} ${ri.addr.port}`;
  const master = ri.has(SRI.MASTER) ? null : ri.master;
  return master === null ? own : `${own} @ ${master.name} ${master.addr.host} ${master.addr.port}`;
}

/** Where events go: the node's log and its pub/sub. */
export interface EventSink {
  log(level: LogLevel, message: string): void;
  publish(channel: string, message: string): void;
}

/**
 * Emits one event. With an instance, the message starts with its details (`%@`) followed by `rest` after a space
 * when given; without one, the message is `rest` alone.
 */
export function emitEvent(
  sink: EventSink,
  level: LogLevel,
  type: string,
  ri: SentinelInstance | null,
  rest = '',
): void {
  let msg = ri === null ? rest : instanceDetails(ri);
  if (ri !== null && rest !== '') msg += ` ${rest}`;
  sink.log(level, `${type} ${msg}`);
  if (level !== 'debug') sink.publish(type, msg);
}
