// The Redis version redis-sim presents itself as; clients and tools gate features on it.

/** The `redis_version` reported by INFO and HELLO. */
export const REDIS_VERSION = '7.0.15';
