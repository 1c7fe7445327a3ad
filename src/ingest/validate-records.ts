import type { z } from 'zod';
import type { Stream, StoredQuarantine } from '../../schemas/records.js';

/**
 * Splits a page into valid records and quarantine entries. A quarantine entry
 * keeps the record's id and the paths and codes of what was wrong: never the
 * record itself, which may hold customer data. Pure.
 */
export function validateRecords<T>(
  records: readonly unknown[],
  schema: z.ZodType<T>,
  context: { tenantId: string; stream: Stream; at: Date },
): { valid: T[]; quarantined: StoredQuarantine[] } {
  const valid: T[] = [];
  const quarantined: StoredQuarantine[] = [];
  for (const record of records) {
    const result = schema.safeParse(record);
    if (result.success) {
      valid.push(result.data);
      continue;
    }
    const rawId = (record as { id?: unknown } | null)?.id;
    const recordId = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : 'unknown';
    quarantined.push({
      _id: `${context.tenantId}:${context.stream}:${recordId}`,
      tenantId: context.tenantId,
      stream: context.stream,
      recordId,
      errors: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(record)', code: issue.code })),
      at: context.at,
    });
  }
  return { valid, quarantined };
}
