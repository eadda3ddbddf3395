// Loads every collection type's persistence and digest codecs (each module registers itself when imported).
// node.ts imports this once, so RDB files, DUMP payloads and DEBUG DIGEST know every type.
import './set-codecs.js';
import './hash-codecs.js';
import './list-codecs.js';
import './zset-codecs.js';
