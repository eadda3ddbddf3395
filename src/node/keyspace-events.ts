// The `notify-keyspace-events` classes (notify.c): parsing, Redis's canonical spelling, and the channel names.

/** An event class, named by the character that enables it. */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

const BITS: Record<string, number> = {
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 12,
  n: 1 << 13,
  K: 1 << 0,
  E: 1 << 1,
};
/** `A`: every class except key-miss and new-key events (NOTIFY_ALL). */
const ALL = BITS.g! | BITS.$! | BITS.l! | BITS.s! | BITS.h! | BITS.z! | BITS.x! | BITS.e! | BITS.t! | BITS.d!;
/** Canonical order of the class characters when `A` does not cover them (keyspaceEventsFlagsToString). */
const ORDER = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'];

/** Parses a class string like `KEA` into flags, or null for an unknown character. */
export function parseKeyspaceEvents(classes: string): number | null {
  let flags = 0;
  for (const ch of classes) {
    if (ch === 'A') flags |= ALL;
    else if (BITS[ch] !== undefined) flags |= BITS[ch];
    else return null;
  }
  return flags;
}

/** Spells flags the way CONFIG GET reports them. */
export function formatKeyspaceEvents(flags: number): string {
  let out = '';
  if ((flags & ALL) === ALL) out += 'A';
  else for (const ch of ORDER) if (flags & BITS[ch]!) out += ch;
  if (flags & BITS.K!) out += 'K';
  if (flags & BITS.E!) out += 'E';
  if (flags & BITS.m!) out += 'm';
  return out;
}

/** Whether flags enable a class of events at all. */
export function enablesClass(flags: number, cls: EventClass): boolean {
  return (flags & BITS[cls]!) !== 0;
}

/** Whether `__keyspace@…` (K) and `__keyevent@…` (E) notifications are on. */
export function notificationTargets(flags: number): { keyspace: boolean; keyevent: boolean } {
  return { keyspace: (flags & BITS.K!) !== 0, keyevent: (flags & BITS.E!) !== 0 };
}
