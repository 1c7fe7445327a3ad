import { z } from 'zod';
import type { Stream, StoredQuarantine } from '../../schemas/records.js';

/** At most this many (path, code) pairs are kept per quarantined record. */
export const MAX_QUARANTINE_ERRORS = 20;

/** Keyed hash (hex) of a record id that is not a Zendesk id, so that customer text never becomes a key (src/crypto/tenant-keyring.ts). */
export type RecordIdHash = (raw: string) => string;

/**
 * Splits a page into valid records and quarantine entries. A quarantine entry
 * keeps no text of the record, which may hold customer data (README "Sync and
 * metrics"): the record's id when it is a Zendesk id (a positive safe integer),
 * else `hash-` and the keyed hash of it (`unknown` when there is no id or no
 * hasher), and the codes and paths of what was wrong, where every path segment
 * is a field name the schema declares or an array index: any other key (a custom
 * field id, a key of an object Zendesk sent) becomes `*`. Pure.
 */
export function validateRecords<T>(
  records: readonly unknown[],
  schema: z.ZodType<T>,
  context: { tenantId: string; stream: Stream; at: Date; hashId?: RecordIdHash },
): { valid: T[]; quarantined: StoredQuarantine[] } {
  const valid: T[] = [];
  const quarantined: StoredQuarantine[] = [];
  const names = fieldNamesOf(schema);
  for (const record of records) {
    const result = schema.safeParse(record);
    if (result.success) {
      valid.push(result.data);
      continue;
    }
    const recordId = quarantineRecordId((record as { id?: unknown } | null)?.id, context.hashId);
    const errors = new Map<string, { path: string; code: string }>();
    for (const issue of result.error.issues) {
      const path = issue.path.map((segment) => (typeof segment === 'number' || names.has(String(segment)) ? String(segment) : '*')).join('.') || '(record)';
      errors.set(`${path} ${issue.code}`, { path, code: issue.code });
      if (errors.size >= MAX_QUARANTINE_ERRORS) break;
    }
    quarantined.push({
      _id: `${context.tenantId}:${context.stream}:${recordId}`,
      tenantId: context.tenantId,
      stream: context.stream,
      recordId,
      errors: [...errors.values()],
      at: context.at,
    });
  }
  return { valid, quarantined };
}

/** A Zendesk id as it is; anything else only as a keyed hash. */
export function quarantineRecordId(rawId: unknown, hashId: RecordIdHash | undefined): string {
  if (typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0) return String(rawId);
  if (rawId === undefined || rawId === null || hashId === undefined) return 'unknown';
  return `hash-${hashId(typeof rawId === 'string' ? rawId : JSON.stringify(rawId))}`;
}

const namesBySchema = new WeakMap<z.ZodType, ReadonlySet<string>>();

/** Every object key declared anywhere in the schema. */
function fieldNamesOf(schema: z.ZodType): ReadonlySet<string> {
  const cached = namesBySchema.get(schema);
  if (cached) return cached;
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(node.shape)) {
        names.add(key);
        visit(child);
      }
    } else if (node instanceof z.ZodArray) visit(node.element);
    else if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) visit(node.unwrap());
    else if (node instanceof z.ZodUnion) for (const option of node.options) visit(option);
    else if (node instanceof z.ZodRecord) visit(node.valueType);
  };
  visit(schema);
  namesBySchema.set(schema, names);
  return names;
}
