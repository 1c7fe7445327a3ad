/**
 * Find options for a read whose whole result is wanted at once (`toArray`): the server
 * sends it in its first batch (MongoDB caps a batch at 16 MB) instead of 101 documents
 * and then getMores. FerretDB v1 keeps a PostgreSQL connection for every cursor left
 * open between batches; under many concurrent reads (ten tenants syncing in one
 * worker) those cursors took its whole pool, and every read then waited on them for
 * good (docs/architecture.md#local-stand-ins).
 */
export const WHOLE_RESULT = { batchSize: 1_000_000 } as const;
