/**
 * The in-memory stand-in for a region's database: one table of documents per
 * collection, keyed by `_id` in insertion order. Documents go in and out as copies,
 * so callers can no more change stored data through a reference than through MongoDB.
 */
import { isDeepStrictEqual } from 'node:util';
import type { WriteCounts } from '../ports.js';

export type Doc = { _id: string } & Record<string, unknown>;

export class MemoryTables {
  private readonly tables = new Map<string, Map<string, Doc>>();

  table<T extends { _id: string }>(name: string): Map<string, T> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map<string, Doc>()));
    return table as unknown as Map<string, T>;
  }
}

/** A deep copy that keeps Dates and binary values (as Buffers, like the Mongo driver with promoteBuffers). */
export function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return Buffer.from(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => copy(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined).map(([key, field]) => [key, copy(field)])) as T;
  }
  return value;
}

/** A copy of what a lookup found, or null: what a store's `find` returns. */
export function copyOrNull<T>(found: T | undefined): T | null {
  return found === undefined ? null : copy(found);
}

export function sameDocument(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(copy(a), copy(b));
}

/**
 * Upserts by `_id` as store/mongo/upsert-by-id.ts does: a new document counts as
 * written, an existing one only when its fields change.
 */
export function upsertInto<T extends { _id: string }>(table: Map<string, T>, documents: readonly T[]): WriteCounts {
  let written = 0;
  for (const document of documents) {
    const existing = table.get(document._id);
    const next = copy({ ...existing, ...document });
    if (existing && sameDocument(existing, next)) continue;
    table.set(document._id, next);
    written++;
  }
  return { written, duplicates: 0 };
}

export function filterOf<T>(table: Map<string, T>, match: (document: T) => boolean): T[] {
  return [...table.values()].filter(match).map((document) => copy(document));
}

export function deleteWhere<T>(table: Map<string, T>, match: (document: T) => boolean): number {
  let deleted = 0;
  for (const [id, document] of table) {
    if (!match(document)) continue;
    table.delete(id);
    deleted++;
  }
  return deleted;
}

export function distinctDays(documents: Iterable<{ day?: unknown }>): string[] {
  return [...new Set([...documents].map((document) => document.day).filter((day): day is string => typeof day === 'string'))].sort();
}
