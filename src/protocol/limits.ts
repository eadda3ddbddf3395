// Protocol limits, with the values Redis 7.0 uses (server.h and config.c).

/** Longest inline request or count line Redis buffers before giving up (PROTO_INLINE_MAX_SIZE). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Default `proto-max-bulk-len`: the largest bulk argument a client may send. */
export const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** Largest multibulk count a client that still has to AUTH may send (processMultibulkBuffer). */
export const UNAUTHENTICATED_MAX_MULTIBULK = 10;
/** Largest bulk a client that still has to AUTH may send (processMultibulkBuffer). */
export const UNAUTHENTICATED_MAX_BULK = 16384;
/** Largest multibulk count accepted at all (INT_MAX in processMultibulkBuffer). */
export const MAX_MULTIBULK = 2147483647;
