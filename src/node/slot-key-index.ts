// The keys of a database grouped by hash slot (slots_to_keys in Redis 7.0's db.c/cluster.c), kept in cluster mode so
// CLUSTER COUNTKEYSINSLOT/GETKEYSINSLOT and "delete the keys of the slots I lost" need no scan.

import { SLOT_COUNT } from '../cluster/constants.js';
import { keyHashSlot } from '../cluster/key-slot.js';

/** Slot → keys, every key in the dictionary, expired or not (as Redis counts them). */
export class SlotKeyIndex {
  private readonly bySlot: (Set<string> | undefined)[] = new Array<Set<string> | undefined>(SLOT_COUNT);

  /** Records a key added to the database (slotToKeyAddEntry). */
  add(key: string): void {
    const slot = keyHashSlot(key);
    let keys = this.bySlot[slot];
    if (keys === undefined) this.bySlot[slot] = keys = new Set();
    keys.add(key);
  }

  /** Forgets a key removed from the database (slotToKeyDelEntry). */
  remove(key: string): void {
    const slot = keyHashSlot(key);
    const keys = this.bySlot[slot];
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) this.bySlot[slot] = undefined;
  }

  /** How many keys the slot holds (countKeysInSlot). */
  count(slot: number): number {
    return this.bySlot[slot]?.size ?? 0;
  }

  /** Up to `count` keys of a slot, newest first, as Redis walks its per-slot list from the head. */
  keys(slot: number, count: number): string[] {
    const keys = this.bySlot[slot];
    if (keys === undefined || count <= 0) return [];
    const all = [...keys];
    const out: string[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < count; i--) out.push(all[i]!);
    return out;
  }

  /** Empties the index (slotToKeyFlush). */
  clear(): void {
    this.bySlot.fill(undefined);
  }

  /** Rebuilds the index from a database's keys, in their insertion order. */
  rebuild(keys: Iterable<string>): void {
    this.clear();
    for (const key of keys) this.add(key);
  }
}
