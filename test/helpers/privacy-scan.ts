import { BSON } from 'mongodb';
import type { TwoRegions } from './two-regions.js';

/** Byte patterns that give an agent away inside any BSON document: its id as text, double or int64, and its blind index. */
function needlesOf(agentId: number, emailIndex: string | undefined): Buffer[] {
  const double = Buffer.alloc(8);
  double.writeDoubleLE(agentId);
  const int64 = Buffer.alloc(8);
  int64.writeBigInt64LE(BigInt(agentId));
  const int32 = agentId <= 0x7fffffff ? [Buffer.from(new Int32Array([agentId]).buffer)] : [];
  return [Buffer.from(String(agentId)), double, int64, ...int32, ...(emailIndex ? [Buffer.from(emailIndex)] : [])];
}

/**
 * Every document in every collection of both regions that carries the agent's id
 * or blind index anywhere (values, strings, sealed blobs' key ids), as
 * `region.collection:_id`; only the tenant's documents when `tenantId` is given
 * (other tenants of the same Zendesk account store the same user).
 */
export async function tracesOf(
  regions: TwoRegions,
  agentId: number,
  emailIndex: string | undefined,
  options: { tenantId?: string; except?: readonly string[] } = {},
): Promise<string[]> {
  const except = options.except ?? ['suppressions'];
  const needles = needlesOf(agentId, emailIndex);
  const found: string[] = [];
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (except.includes(name)) continue;
      for await (const doc of db.collection(name).find({})) {
        if (options.tenantId !== undefined && doc['tenantId'] !== options.tenantId && String(doc['_id']) !== options.tenantId) continue;
        const bytes = Buffer.from(BSON.serialize(doc));
        if (needles.some((needle) => bytes.includes(needle))) found.push(`${region}.${name}:${String(doc['_id'])}`);
      }
    }
  }
  return found;
}
