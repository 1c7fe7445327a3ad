/** Every store contract suite (src/store/ports.ts), run against the memory fakes and FerretDB. */
import type { MakeStores } from './fixtures.js';
import { describeAgentDataStore } from './agent-data-store.contract.js';
import { describeAgentStore } from './agent-store.contract.js';
import { describeCursorStore } from './cursor-store.contract.js';
import { describeDailyStore } from './daily-store.contract.js';
import { describeFactStore } from './fact-store.contract.js';
import { describeKeyStore } from './key-store.contract.js';
import { describePurgeStore } from './purge-store.contract.js';
import { describeQuarantineStore } from './quarantine-store.contract.js';
import { describeRetentionStore } from './retention-store.contract.js';
import { describeRollups } from './rollups.contract.js';
import { describeStaleBucketStore } from './stale-bucket-store.contract.js';
import { describeSuppressionStore } from './suppression-store.contract.js';
import { describeTenantDataStore } from './tenant-data-store.contract.js';
import { describeTenantStore } from './tenant-store.contract.js';
import { describeTicketStore } from './ticket-store.contract.js';

export type { MakeStores } from './fixtures.js';

export function describeRegionStores(make: MakeStores): void {
  describeTenantStore(make);
  describeAgentStore(make);
  describeTicketStore(make);
  describeFactStore(make);
  describeKeyStore(make);
  describeCursorStore(make);
  describeQuarantineStore(make);
  describeDailyStore(make);
  describeStaleBucketStore(make);
  describeSuppressionStore(make);
  describePurgeStore(make);
  describeAgentDataStore(make);
  describeTenantDataStore(make);
  describeRetentionStore(make);
  describeRollups(make);
}
