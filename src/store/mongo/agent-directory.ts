/**
 * The `agent_directory` collection (docs/architecture.md#collections): one document per
 * tenant whose `version` changes after every write or delete of the tenant's agents
 * (AgentStore.directoryVersion in src/store/ports.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { type StoredAgentDirectory, StoredAgentDirectorySchema } from '../../../schemas/records.js';
import { storeCall } from './store-call.js';

export async function bumpAgentDirectory(db: Db, tenantId: string): Promise<void> {
  const { _id, ...fields } = StoredAgentDirectorySchema.parse({ _id: tenantId, tenantId, version: randomUUID(), updatedAt: new Date() });
  await storeCall('record a change of the agents', () => db.collection<StoredAgentDirectory>('agent_directory').updateOne({ _id }, { $set: fields }, { upsert: true }));
}

export async function agentDirectoryVersion(db: Db, tenantId: string): Promise<string> {
  const found = await storeCall('read the agents\' version', () => db.collection<StoredAgentDirectory>('agent_directory').findOne({ _id: tenantId }, { projection: { version: 1 } }));
  return found?.version ?? '';
}
