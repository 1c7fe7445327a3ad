/**
 * The groups and brands streams: each record's id and name, the name sealed under the
 * tenant's dimension-name subkey (docs/metrics.md#dimensions). Neither has an
 * incremental export, so every run reads the whole list (src/zendesk/pagers.ts listPages).
 */
import { type DimensionKind, type StoredDimension, storedIds } from '../../../schemas/records.js';
import { type ZendeskDimension, ZendeskDimensionSchema } from '../../../schemas/zendesk.js';
import { listPages } from '../../zendesk/pagers.js';
import type { StreamSpec } from './stream-spec.js';

function dimensionStream(name: 'groups' | 'brands', kind: DimensionKind): StreamSpec<ZendeskDimension> {
  return {
    name,
    dependsOn: [],
    schema: () => ZendeskDimensionSchema,
    pages: (context, position) => listPages(context.client, name, position),
    async store(context, valid) {
      const { tenant, keyring, database } = context;
      // Every run reads the whole list: a name is sealed and written again only when it changed.
      const known = new Map((await database.dimensions.list(tenant._id)).filter((stored) => stored.kind === kind).map((stored) => [stored.zendeskId, stored]));
      const records: StoredDimension[] = [];
      for (const record of valid) {
        const stored = known.get(record.id);
        if (stored && (await keyring.openDimensionName(tenant._id, kind, record.id, stored.name)) === record.name) continue;
        records.push({
          _id: storedIds.dimension(tenant._id, kind, record.id),
          tenantId: tenant._id,
          kind,
          zendeskId: record.id,
          name: await keyring.sealDimensionName(tenant._id, kind, record.id, record.name),
          updatedAt: record.updated_at === undefined ? context.now() : new Date(record.updated_at),
        });
      }
      const written = await database.dimensions.upsertMany(records);
      return { stored: written.written };
    },
  };
}

export const groupsStream = dimensionStream('groups', 'group');
export const brandsStream = dimensionStream('brands', 'brand');
