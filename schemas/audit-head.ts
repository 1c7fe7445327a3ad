/**
 * The head of a tenant's keyed audit chain, kept as one object per tenant in the
 * region's Cloud Storage bucket (README "Privacy operations", audit log): the seq and
 * MAC of the last entry it has seen. Ids and a MAC only, never PII.
 */
import { z } from 'zod';
import { TenantIdSchema } from './records.js';

export const AUDIT_HEAD_FORMAT = 'tally-audit-head/1';

export const AuditHeadSchema = z.strictObject({
  format: z.literal(AUDIT_HEAD_FORMAT),
  tenantId: TenantIdSchema,
  seq: z.number().int().positive(),
  /** The entry's `hash`: its HMAC under the tenant's audit-chain subkey. */
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditHead = z.infer<typeof AuditHeadSchema>;
