// Persistence for one node: the RDB snapshot (SAVE, save points, SHUTDOWN) and the AOF (appendonly yes).

import type { RedisNode, ShutdownSave } from '../node.js';

/** Loads and writes a node's data through its Env storage. */
export class Persistence {
  constructor(private readonly node: RedisNode) {}

  /** Loads the AOF (when appendonly is on) or the RDB snapshot at start-up. */
  loadOnStart(): void {
    void this.node;
  }

  /** Appends a propagated write to the AOF buffer when appendonly is on. */
  feed(_dbId: number, _args: readonly string[]): void {}

  /** Writes the AOF buffer to storage (called before replies are sent). */
  flushAof(): void {}

  /** Runs the periodic work: fsync everysec, save points. */
  cron(): void {}

  /** Saves as SHUTDOWN requires; false if saving failed. */
  shutdown(_save: ShutdownSave): boolean {
    return true;
  }
}
