import { type LedgerEntry, LedgerEntrySchema } from '../../../schemas/backup.js';
import type { PurgeLedger } from '../../backup/backup-ports.js';
import { completedAtOfName, ledgerObjectName } from '../../backup/purge-ledger.js';

/** An in-memory ledger for unit tests of use cases. */
export class MemoryPurgeLedger implements PurgeLedger {
  readonly stored = new Map<string, LedgerEntry>();

  append(entry: LedgerEntry): Promise<void> {
    const parsed = LedgerEntrySchema.parse(entry);
    this.stored.set(ledgerObjectName(parsed), parsed);
    return Promise.resolve();
  }

  entries(): Promise<LedgerEntry[]> {
    return Promise.resolve([...this.stored.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry));
  }

  prune(before: Date): Promise<number> {
    let removed = 0;
    for (const name of [...this.stored.keys()]) {
      if (completedAtOfName(name) < before.getTime()) {
        this.stored.delete(name);
        removed++;
      }
    }
    return Promise.resolve(removed);
  }
}
