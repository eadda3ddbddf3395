// Redis Cluster's constants (cluster.h, cluster.c of Redis 7.0.15), in one place.

/** Number of hash slots. */
export const SLOT_COUNT = 16384;
/** Bytes in a slot bitmap. */
export const SLOT_BITMAP_BYTES = SLOT_COUNT / 8;
/** Length of a node name (40 hex characters). */
export const NODE_NAME_LENGTH = 40;
/** The bus port is the data port plus this, unless `cluster-port` is set. */
export const BUS_PORT_OFFSET = 10000;
/** clusterCron runs every this many ms. */
export const CLUSTER_CRON_PERIOD_MS = 100;
/** A FORGET keeps the node out of gossip for this many seconds (CLUSTER_BLACKLIST_TTL). */
export const BLACKLIST_TTL_SECONDS = 60;
/** Failure reports are valid for node_timeout times this (CLUSTER_FAIL_REPORT_VALIDITY_MULT). */
export const FAIL_REPORT_VALIDITY_MULT = 2;
/** A master's FAIL flag is cleared after node_timeout times this (CLUSTER_FAIL_UNDO_TIME_MULT). */
export const FAIL_UNDO_TIME_MULT = 2;
/** A master whose state is fail waits this long before its first state change (CLUSTER_WRITABLE_DELAY). */
export const WRITABLE_DELAY_MS = 2000;
/** Manual failover timeout (CLUSTER_MF_TIMEOUT). */
export const MANUAL_FAILOVER_TIMEOUT_MS = 5000;
/** The master pauses writes for mf timeout times this (CLUSTER_MF_PAUSE_MULT). */
export const MANUAL_FAILOVER_PAUSE_MULT = 2;
/** An orphaned master must stay orphaned this long before a replica migrates (CLUSTER_SLAVE_MIGRATION_DELAY). */
export const REPLICA_MIGRATION_DELAY_MS = 5000;

/** Node flags, with Redis's bit values: they travel on the bus as they are (CLUSTER_NODE_*). */
export const NodeFlag = {
  MASTER: 1,
  SLAVE: 2,
  PFAIL: 4,
  FAIL: 8,
  MYSELF: 16,
  HANDSHAKE: 32,
  NOADDR: 64,
  MEET: 128,
  MIGRATE_TO: 256,
  NOFAILOVER: 512,
} as const;
