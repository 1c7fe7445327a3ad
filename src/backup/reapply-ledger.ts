/**
 * Doing again, on a restored database, every purge and offboarding that completed after
 * its backup was taken (docs/backup.md#purge-ledger): the suppression, the deletion, the
 * shredding and the receipt, so a restore never brings back what was erased since.
 * Every step is idempotent: an entry already in the backup changes nothing.
 */
import type { LedgerEntry } from '../../schemas/backup.js';
import { storedIds } from '../../schemas/records.js';
import type { RegionStores } from '../store/ports.js';

export type ReapplyStores = Pick<RegionStores, 'suppressions' | 'agentData' | 'keys' | 'purges' | 'tenantData'>;

export async function reapplyLedgerEntry(stores: ReapplyStores, entry: LedgerEntry): Promise<void> {
  if (entry.kind === 'purge') {
    const { suppression, receipt } = entry;
    await stores.suppressions.add({
      _id: suppression._id,
      tenantId: entry.tenantId,
      requestId: entry.requestId,
      ...(suppression.zendeskUserId === undefined ? {} : { zendeskUserId: suppression.zendeskUserId }),
      ...(suppression.emailIndex === undefined ? {} : { emailIndex: suppression.emailIndex }),
      createdAt: new Date(suppression.createdAt),
    });
    if (suppression.zendeskUserId !== undefined) {
      await stores.agentData.erase(entry.tenantId, suppression.zendeskUserId);
      await stores.keys.delete(storedIds.agentKey(entry.tenantId, suppression.zendeskUserId));
    }
    const done = {
      state: 'done' as const,
      found: receipt.found,
      counts: receipt.counts,
      ...(receipt.suppressionHash === undefined ? {} : { suppressionHash: receipt.suppressionHash }),
      ...(receipt.verification === undefined ? {} : { verification: receipt.verification }),
      completedAt: new Date(entry.completedAt),
      updatedAt: new Date(entry.completedAt),
    };
    if (await stores.purges.find(entry.requestId)) {
      // The backup caught it part way: the receipt replaces the request, target and reason go.
      await stores.purges.update(entry.requestId, done, { unsetTarget: true });
    } else {
      await stores.purges.insert({
        _id: entry.requestId,
        tenantId: entry.tenantId,
        region: entry.region,
        requestedAt: new Date(receipt.requestedAt),
        requestedBy: receipt.requestedBy,
        ...done,
      });
    }
    return;
  }
  for (const collection of stores.tenantData.collections) await stores.tenantData.deleteAll(entry.tenantId, collection);
  await stores.keys.delete(storedIds.tenantKey(entry.tenantId));
  await stores.purges.saveOffboarding({
    _id: entry.offboardingId,
    tenantId: entry.tenantId,
    region: entry.region,
    state: 'done',
    requestedBy: entry.requestedBy,
    startedAt: new Date(entry.startedAt),
    completedAt: new Date(entry.completedAt),
    counts: entry.counts,
    tenantKeyDeleted: true,
  });
}
