// Synchronous host name lookup for the realtime runtime, as Redis's blocking getaddrinfo (anetResolve): Node has no
// synchronous resolver, so the C library's own lookup is asked through `getent ahosts`, which follows nsswitch.conf
// (/etc/hosts, then DNS) and lists addresses in getaddrinfo's order.

import { spawnSync } from 'node:child_process';

/** How long one lookup may block, like a resolver timeout. */
const _LOOKUP_TIMEOUT_MS = 5000;

/** The first address `host` resolves to, or null when it does not resolve. */
export function resolveHostSync(host: string): string | null {
  // A leading dash would be read as an option; no valid host name starts with one.
  if (host === '' || host.startsWith('-')) return null;
  const result = spawnSync('getent', ['ahosts', host], { encoding: 'latin1', timeout: _LOOKUP_TIMEOUT_MS });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  const first = result.stdout.split('\n')[0]?.trim().split(/\s+/)[0];
  return first === undefined || first === '' ? null : first;
}
