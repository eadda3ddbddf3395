// Sentinel events (sentinelEvent in sentinel.c): one message per event, logged at its level and published on the
// channel named after the event (`+sdown`, `+switch-master`, ...) unless it is a debug event.

import type { LogLevel } from '../env/env.js';
import { SRI, announcedHost, type SentinelInstance } from './sentinel-instance.js';

/**
 * `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`: how an event names its instance (the `%@` prefix); hosts
 * are hostnames with announce-hostnames (`hostnames`).
 */
export function instanceDetails(ri: SentinelInstance, hostnames = false): string {
  const own = `${ri.typeName} ${ri.name} ${announcedHost(ri.addr, hostnames)} ${ri.addr.port}`;
  const master = ri.has(SRI.MASTER) ? null : ri.master;
  if (master === null) return own;
  return `${own} @ ${master.name} ${announcedHost(master.addr, hostnames)} ${master.addr.port}`;
}

/** Where events go: the node's log and its pub/sub; `hostnames` is announce-hostnames. */
export interface EventSink {
  log(level: LogLevel, message: string): void;
  publish(channel: string, message: string): void;
  readonly hostnames?: boolean;
}

/**
 * Emits one event and returns its message. With an instance, the message starts with its details (`%@`) followed by
 * `rest` after a space when given; without one, the message is `rest` alone.
 */
export function emitEvent(
  sink: EventSink,
  level: LogLevel,
  type: string,
  ri: SentinelInstance | null,
  rest = '',
): string {
  let msg = ri === null ? rest : instanceDetails(ri, sink.hostnames);
  if (ri !== null && rest !== '') msg += ` ${rest}`;
  sink.log(level, `${type} ${msg}`);
  if (level !== 'debug') sink.publish(type, msg);
  return msg;
}
