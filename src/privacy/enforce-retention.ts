/**
 * One retention run over every tenant of a region: deletes expired facts and
 * buckets and appends the counts to each tenant's audit log. Buckets are not
 * recomputed after their facts expire: a day's totals outlive its facts.
 */
import type { AuditStore, RetentionStore, TenantStore } from '../store/ports.js';
import { planRetention } from './plan-retention.js';

export interface RetentionDeps {
  readonly tenants: Pick<TenantStore, 'list'>;
  readonly retention: RetentionStore;
  readonly audit: Pick<AuditStore, 'append'>;
  readonly now: () => Date;
  readonly actor: string;
}

export interface TenantRetentionResult {
  tenant: string;
  facts: number;
  daily: number;
  factsBefore: string;
  bucketsBeforeDay: string;
}

export async function enforceRetention(deps: RetentionDeps): Promise<TenantRetentionResult[]> {
  const results: TenantRetentionResult[] = [];
  const now = deps.now();
  for (const tenant of await deps.tenants.list()) {
    const plan = planRetention(now, tenant, {
      factDays: await deps.retention.factDays(tenant._id),
      bucketDays: await deps.retention.bucketDays(tenant._id),
    });
    let facts = 0;
    for (const day of plan.wholeFactDays) facts += await deps.retention.deleteFactsOnDay(tenant._id, day);
    if (plan.partialFactDay !== null) facts += await deps.retention.deleteFactsOnDay(tenant._id, plan.partialFactDay, plan.factsBefore);
    let daily = 0;
    for (const day of plan.bucketDays) daily += await deps.retention.deleteBucketsOnDay(tenant._id, day);
    const result = { tenant: tenant._id, facts, daily, factsBefore: plan.factsBefore.toISOString(), bucketsBeforeDay: plan.bucketsBeforeDay };
    await deps.audit.append(
      { tenantId: tenant._id, actor: deps.actor, action: 'retention.run', details: { facts, daily, factsBefore: result.factsBefore, bucketsBeforeDay: result.bucketsBeforeDay } },
      now,
    );
    results.push(result);
  }
  return results;
}
