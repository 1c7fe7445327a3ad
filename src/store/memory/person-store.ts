/** The dashboard's people in memory (src/store/ports.ts PersonStore), for unit tests. */
import { type StoredPerson, StoredPersonSchema } from '../../../schemas/records.js';
import { StoreError } from '../../shared/errors.js';
import type { PersonStore } from '../ports.js';
import { copy, copyOrNull, filterOf, sameDocument } from './tables.js';

export class MemoryPersonStore implements PersonStore {
  constructor(private readonly table: Map<string, StoredPerson>) {}

  async insert(person: StoredPerson): Promise<void> {
    const document = StoredPersonSchema.parse(person);
    if (this.table.has(document._id) || filterOf(this.table, (p) => p.tenantId === document.tenantId && p.emailIndex === document.emailIndex).length > 0) {
      throw new StoreError('PERSON_EXISTS', 'this email already has a person in the tenant');
    }
    this.table.set(document._id, copy(document));
    return Promise.resolve();
  }

  async find(tenantId: string, personId: string): Promise<StoredPerson | null> {
    const person = this.table.get(personId);
    return Promise.resolve(person?.tenantId === tenantId ? copy(person) : null);
  }

  async findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredPerson | null> {
    return Promise.resolve(copyOrNull(filterOf(this.table, (p) => p.tenantId === tenantId && p.emailIndex === emailIndex)[0]));
  }

  async list(tenantId: string): Promise<StoredPerson[]> {
    return Promise.resolve(filterOf(this.table, (p) => p.tenantId === tenantId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id)));
  }

  async update(tenantId: string, personId: string, expect: Partial<StoredPerson>, changes: Partial<StoredPerson>): Promise<boolean> {
    StoredPersonSchema.partial().parse(changes);
    const person = this.table.get(personId);
    if (!person || person.tenantId !== tenantId) return Promise.resolve(false);
    for (const [field, value] of Object.entries(expect)) if (!sameDocument(person[field as keyof StoredPerson], value)) return Promise.resolve(false);
    this.table.set(personId, { ...person, ...copy(changes) });
    return Promise.resolve(true);
  }

  async countFailure(tenantId: string, personId: string, at: Date): Promise<number> {
    const person = this.table.get(personId);
    if (!person || person.tenantId !== tenantId) return Promise.resolve(0);
    this.table.set(personId, { ...person, failures: person.failures + 1, updatedAt: at });
    return Promise.resolve(person.failures + 1);
  }
}
