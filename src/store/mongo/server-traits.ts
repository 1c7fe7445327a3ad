/**
 * What the region's server does with a query, where that decides how a store asks.
 * Real MongoDB answers `{_id: {$in: ids}}` from its index in one round trip.
 * FerretDB v1 (the local stand-in) pushes only equality filters down to its backend
 * and checks `$in` itself against every document the equalities leave (a whole
 * tenant's tickets, say), so there a lookup per key, each served by an index, costs
 * time in proportion to the keys instead of to the collection. And it uses its _id
 * index only for a filter of `_id` alone: `{_id, tenantId}` reads the whole collection
 * (measured on rollups: 22 ms against 1.4 ms), so lookups by id check the tenant after.
 */
import type { Db } from 'mongodb';
import { storeCall } from './store-call.js';

export interface ServerTraits {
  /** `$in` is answered from an index; false means look keys up one at a time. */
  readonly indexedIn: boolean;
}

export const MONGODB_TRAITS: ServerTraits = { indexedIn: true };

export async function detectServerTraits(db: Db): Promise<ServerTraits> {
  const info = await storeCall('read the server build info', () => db.admin().command({ buildInfo: 1 }));
  return 'ferretdbVersion' in info ? { indexedIn: false } : MONGODB_TRAITS;
}
