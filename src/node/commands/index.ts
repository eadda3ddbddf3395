// Every command family; the command table is built from this list.

import { stringsCommands } from './strings.js';
import { bitsCommands } from './bits.js';
import { keysCommands } from './keys.js';
import { connectionCommands } from './connection.js';
import { serverCommands } from './server.js';
import { clientCommands } from './client.js';
import { configCommands } from './config-commands.js';
import { debugCommands } from './debug.js';
import { commandCommands } from './command-info.js';
import { transactionsCommands } from './transactions.js';
import { pubsubCommands } from './pubsub.js';
import { listsCommands } from './lists.js';
import { hashesCommands } from './hashes.js';
import { setsCommands } from './sets.js';
import { sortedSetsCommands } from './sorted-sets.js';
import { infoCommands } from './info-command.js';
import { objectCommands } from './object.js';
import { dumpRestoreCommands } from './dump-restore.js';
import { functionsCommands } from './functions.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { sortCommands } from './sort.js';
import { migrateCommands } from './migrate.js';
import { replicationCommands } from './replication.js';
import { clusterCommands } from './cluster.js';
import type { CommandFamily } from '../command-table.js';

/** All families, in registration order. */
export const ALL_COMMAND_FAMILIES: readonly CommandFamily[] = [
  stringsCommands,
  bitsCommands,
  keysCommands,
  connectionCommands,
  serverCommands,
  clientCommands,
  configCommands,
  debugCommands,
  commandCommands,
  transactionsCommands,
  pubsubCommands,
  listsCommands,
  hashesCommands,
  setsCommands,
  sortedSetsCommands,
  infoCommands,
  hyperloglogCommands,
  sortCommands,
  objectCommands,
  dumpRestoreCommands,
  functionsCommands,
  replicationCommands,
  migrateCommands,
  clusterCommands,
];
