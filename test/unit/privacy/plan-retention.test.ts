import { describe, expect, it } from 'vitest';
import { planRetention } from '../../../src/privacy/plan-retention.js';

const NOW = new Date('2026-11-20T10:00:00.000Z');
const tenant = { timeZone: 'Europe/Berlin', retention: { factDays: 400, bucketDays: 760 } };

describe('planRetention', () => {
  it('deletes facts strictly before now minus the fact retention', () => {
    expect(planRetention(NOW, tenant, { factDays: [], bucketDays: [] }).factsBefore).toEqual(new Date(NOW.getTime() - 400 * 86_400_000));
  });

  it('deletes whole local days before the cutoff day and only part of the cutoff day', () => {
    // 400 days before 2026-11-20T10:00Z is 2025-10-16T10:00Z, 12:00 in Berlin.
    const plan = planRetention(NOW, tenant, { factDays: ['2025-10-14', '2025-10-15', '2025-10-16', '2025-10-17'], bucketDays: [] });
    expect(plan.wholeFactDays).toEqual(['2025-10-14', '2025-10-15']);
    expect(plan.partialFactDay).toBe('2025-10-16');
  });

  it('has no partial day when the cutoff day has no facts', () => {
    expect(planRetention(NOW, tenant, { factDays: ['2025-10-17'], bucketDays: [] }).partialFactDay).toBeNull();
  });

  it('keeps the bucket of the day that holds the bucket cutoff', () => {
    // 760 days before is 2024-10-21T10:00Z.
    const plan = planRetention(NOW, tenant, { factDays: [], bucketDays: ['2024-10-19', '2024-10-20', '2024-10-21', '2024-10-22'] });
    expect(plan.bucketsBeforeDay).toBe('2024-10-21');
    expect(plan.bucketDays).toEqual(['2024-10-19', '2024-10-20']);
  });

  it('counts days in the tenant’s zone: the cutoff day differs across the date line', () => {
    const late = new Date('2026-11-20T23:30:00.000Z');
    const tokyo = planRetention(late, { ...tenant, timeZone: 'Asia/Tokyo' }, { factDays: ['2025-10-17'], bucketDays: [] });
    const losAngeles = planRetention(late, { ...tenant, timeZone: 'America/Los_Angeles' }, { factDays: ['2025-10-16'], bucketDays: [] });
    expect(tokyo.partialFactDay).toBe('2025-10-17');
    expect(losAngeles.partialFactDay).toBe('2025-10-16');
  });
});
