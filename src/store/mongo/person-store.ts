/**
 * The `people` collection (docs/dashboard.md#people): the dashboard's people of each
 * tenant, in the tenant's region. Writes that race (one TOTP code or one setup link
 * used twice at once) are compare-and-set updates, so only one of them wins.
 */
import { WHOLE_RESULT } from './whole-result.js';
import type { Collection } from 'mongodb';
import { type StoredPerson, StoredPersonSchema } from '../../../schemas/records.js';
import { StoreError } from '../../shared/errors.js';
import type { PersonStore } from '../ports.js';
import { storeCall } from './store-call.js';

export class MongoPersonStore implements PersonStore {
  constructor(private readonly collection: Collection<StoredPerson>) {}

  async insert(person: StoredPerson): Promise<void> {
    const document = StoredPersonSchema.parse(person);
    // One person per email and tenant: an admin command, so a check before the insert is enough.
    if (await this.findByEmailIndex(document.tenantId, document.emailIndex)) throw new StoreError('PERSON_EXISTS', 'this email already has a person in the tenant');
    await storeCall('store a person', () => this.collection.insertOne(document));
  }

  async find(tenantId: string, personId: string): Promise<StoredPerson | null> {
    // By _id alone, the one filter FerretDB answers from its _id index; the tenant is checked here.
    const person = await storeCall('read a person', () => this.collection.findOne({ _id: personId }));
    return person?.tenantId === tenantId ? person : null;
  }

  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredPerson | null> {
    return storeCall('read a person', () => this.collection.findOne({ tenantId, emailIndex }));
  }

  async list(tenantId: string): Promise<StoredPerson[]> {
    const people = await storeCall('list people', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
    return people.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id));
  }

  async update(tenantId: string, personId: string, expect: Partial<StoredPerson>, changes: Partial<StoredPerson>): Promise<boolean> {
    StoredPersonSchema.partial().parse(changes);
    const result = await storeCall('update a person', () => this.collection.updateOne({ _id: personId, tenantId, ...expect }, { $set: changes }));
    return result.matchedCount === 1;
  }

  async countFailure(tenantId: string, personId: string, at: Date): Promise<number> {
    const updated = await storeCall('count a failed sign-in', () =>
      this.collection.findOneAndUpdate({ _id: personId, tenantId }, { $inc: { failures: 1 }, $set: { updatedAt: at } }, { returnDocument: 'after' }),
    );
    return updated?.failures ?? 0;
  }
}
