import { describe, expect, it } from 'vitest';
import type { StoredPurge } from '../../../schemas/records.js';
import { isBefore, purgeReceipt, purgeSuppression, suppressionHash } from '../../../src/privacy/plan-purge.js';

const REQUESTED = new Date('2026-11-20T10:00:00.000Z');
const request = { _id: '6f1c1b1e-9d43-4c36-8f3e-0b8f1f6a2b10', tenantId: 'acme', requestedAt: REQUESTED };
const INDEX = 'a'.repeat(64);

describe('purgeSuppression', () => {
  it('is the same entry however often a retried purge builds it', () => {
    expect(purgeSuppression(request, { zendeskUserId: 42, emailIndex: INDEX })).toEqual(purgeSuppression(request, { zendeskUserId: 42, emailIndex: INDEX }));
    expect(purgeSuppression(request, { zendeskUserId: 42 }).createdAt).toBe(REQUESTED);
  });

  it('leaves out what the target does not have', () => {
    expect(purgeSuppression(request, { emailIndex: INDEX })).toEqual({ _id: `acme:${request._id}`, tenantId: 'acme', requestId: request._id, emailIndex: INDEX, createdAt: REQUESTED });
  });
});

describe('suppressionHash', () => {
  it('changes with any field of the entry', () => {
    const base = purgeSuppression(request, { zendeskUserId: 42, emailIndex: INDEX });
    const hash = suppressionHash(base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(suppressionHash({ ...base, zendeskUserId: 43 })).not.toBe(hash);
    expect(suppressionHash({ ...base, emailIndex: 'b'.repeat(64) })).not.toBe(hash);
    expect(suppressionHash({ ...base, createdAt: new Date(REQUESTED.getTime() + 1) })).not.toBe(hash);
  });
});

describe('purgeReceipt', () => {
  it('carries no target, reason or requester', () => {
    const stored: StoredPurge = {
      ...request,
      region: 'eu',
      state: 'done',
      requestedBy: 'cli:alice',
      // Stored sealed; a receipt never carries it in any form.
      reason: Buffer.from('ticket 123 from jane@example.com'),
      target: { zendeskUserId: 42, emailIndex: INDEX },
      found: true,
      counts: { facts: 3 },
      suppressionHash: 'c'.repeat(64),
      verification: { ok: true, remaining: { facts: 0 } },
      completedAt: new Date('2026-11-20T10:01:00.000Z'),
      updatedAt: REQUESTED,
    };
    const text = JSON.stringify(purgeReceipt(stored));
    for (const secret of ['42', INDEX, 'jane', 'alice']) expect(text).not.toContain(secret);
    expect(purgeReceipt(stored)).not.toHaveProperty('reason');
    expect(purgeReceipt(stored)).toMatchObject({ requestId: request._id, tenant: 'acme', region: 'eu', counts: { facts: 3 }, completedAt: '2026-11-20T10:01:00.000Z' });
  });
});

describe('isBefore', () => {
  it('orders the purge states', () => {
    expect(isBefore('suppressed', 'counted')).toBe(true);
    expect(isBefore('done', 'verified')).toBe(false);
  });
});
