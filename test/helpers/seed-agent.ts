import { type StoredAgent, type StoredFact, type StoredTenant, storedIds } from '../../schemas/records.js';
import type { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { localDay } from '../../src/metrics/stored-daily.js';
import { recomputeBuckets } from '../../src/metrics/recompute-buckets.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';

/** A tenant record for seeded tests (no Zendesk behind it). */
export async function seedTenant(database: RegionDatabase, keyring: TenantKeyring, id: string, now = new Date()): Promise<StoredTenant> {
  await keyring.createTenantKey(id);
  const tenant: StoredTenant = {
    _id: id,
    region: database.region,
    zendeskUrl: 'https://seeded.zendesk.example',
    credentials: { email: await keyring.sealCredential(id, 'email', 'admin@seeded.example'), token: await keyring.sealCredential(id, 'token', 'seeded-token') },
    timeZone: 'Europe/Berlin',
    syncStart: '2026-01-01',
    retention: { factDays: 400, bucketDays: 760 },
    timeTrackingFields: { total: null, last: null, source: null },
    status: 'active',
    unavailableStreams: [],
    createdAt: now,
    updatedAt: now,
  };
  await database.tenants.insert(tenant);
  return tenant;
}

/** The stored record of an active agent with this name and email, sealed under the tenant's keys. */
export async function sealedAgent(
  keyring: TenantKeyring,
  tenantId: string,
  agentId: number,
  name: string,
  email: string,
  updatedAt = new Date('2026-01-01T00:00:00Z'),
): Promise<StoredAgent> {
  const sealedName = await keyring.sealAgentField(tenantId, agentId, 'name', name);
  const sealedEmail = await keyring.sealAgentField(tenantId, agentId, 'email', email);
  return {
    _id: storedIds.agent(tenantId, agentId),
    tenantId,
    zendeskUserId: agentId,
    name: sealedName.blob,
    email: sealedEmail.blob,
    emailIndex: await keyring.emailIndex(tenantId, email),
    role: 'agent',
    active: true,
    suspended: false,
    updatedAt,
    keyId: sealedName.keyId,
  };
}

/**
 * An agent with a sealed name and email, `facts` facts spread over days (one in
 * ten a rating, unless `ratingEvery` says otherwise), their daily buckets, and `tickets` tickets naming them.
 */
export async function seedAgent(
  database: RegionDatabase,
  keyring: TenantKeyring,
  tenant: StoredTenant,
  agentId: number,
  options: { facts: number; tickets?: number; start?: Date; spacingMs?: number; ratingEvery?: number },
): Promise<{ email: string; name: string }> {
  const name = `Agent ${agentId}`;
  const email = `agent-${agentId}@support.example`;
  await database.agents.upsertMany([await sealedAgent(keyring, tenant._id, agentId, name, email)]);
  const start = (options.start ?? new Date('2026-06-01T08:00:00Z')).getTime();
  const facts: StoredFact[] = [];
  for (let i = 0; i < options.facts; i++) {
    const at = new Date(start + i * (options.spacingMs ?? 997_000));
    const ticketId = agentId * 1000 + (i % 500);
    const every = options.ratingEvery ?? 10;
    const rating = i % every === every - 1;
    facts.push({
      _id: `${tenant._id}:${rating ? 'rating' : 'public_reply'}:${agentId}${i}:0`,
      tenantId: tenant._id,
      kind: rating ? 'rating' : 'public_reply',
      ticketId,
      agentId,
      at,
      day: localDay(at, tenant.timeZone),
      ...(rating ? { value: 1, detail: `${at.toISOString()}|${String(i).padStart(20, '0')}` } : {}),
    });
  }
  for (let i = 0; i < facts.length; i += 5_000) await database.facts.insertMany(facts.slice(i, i + 5_000));
  const days = [...new Set(facts.map((fact) => fact.day))];
  await recomputeBuckets({ facts: database.facts, daily: database.daily, now: () => new Date() }, { id: tenant._id, timeZone: tenant.timeZone }, days.map((day) => ({ agentId, day })));
  const ticketCount = options.tickets ?? 3;
  await database.tickets.upsertMany(
    Array.from({ length: ticketCount }, (_, i) => ({
      _id: storedIds.ticket(tenant._id, agentId * 1000 + i),
      tenantId: tenant._id,
      ticketId: agentId * 1000 + i,
      assigneeId: i % 3 === 0 ? agentId : null,
      groupId: null,
      status: 'open' as const,
      lastSolverId: i % 3 === 1 ? agentId : null,
      assignments: [{ at: new Date(start), agentId }],
      lastEventAt: null,
      lastEventId: null,
      updatedAt: new Date(start),
    })),
  );
  return { email, name };
}
