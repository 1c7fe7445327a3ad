/**
 * Find options for a read whose whole result is wanted at once (`toArray`): the server
 * sends it in its first batch (MongoDB caps a batch at 16 MB) instead of 101 documents
 * and then getMores. FerretDB v1 keeps a PostgreSQL connection for every cursor left
 * open between batches; one batch gives it back at once (its pool is small:
 * docs/architecture.md#local-stand-ins).
 */
export const WHOLE_RESULT = { batchSize: 1_000_000 } as const;
