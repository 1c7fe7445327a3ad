/** In-memory implementations of the store ports (src/store/ports.ts), for fast unit tests of use cases. */
export * from './region-stores.js';
export * from './record-stores.js';
export * from './privacy-stores.js';
export { MemoryTables } from './tables.js';
