/**
 * Cost of sealing and opening agent PII: a name or email sealed under the agent's
 * data key (cached, as during a sync), and opened again, through TenantKeyring.
 * Usage: scripts/run tsx bench/crypto-seal.ts [--runs 5] [--ops 50000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StoredKey } from '../schemas/records.js';
import { LocalKeyWrapper } from '../src/crypto/local-key-wrapper.js';
import { TenantKeyring } from '../src/crypto/tenant-keyring.js';
import type { KeyStore } from '../src/store/ports.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, ops: { type: 'string', default: '50000' } } });
const runs = Number(values.runs);
const ops = Number(values.ops);

// Keys live in memory here so that only the cryptography is measured.
const stored = new Map<string, StoredKey>();
const keyStore: KeyStore = {
  find: (id) => Promise.resolve(stored.get(id) ?? null),
  insert: (key) => Promise.resolve(stored.has(key._id) ? 'exists' : (stored.set(key._id, key), 'inserted')),
  findMany: (tenantId, ids) => Promise.resolve(ids.flatMap((id) => (stored.get(id)?.tenantId === tenantId ? [stored.get(id) as StoredKey] : []))),
  insertMany: (keys) => Promise.resolve(keys.flatMap((key) => (stored.has(key._id) ? [key._id] : (stored.set(key._id, key), [])))),
  replaceWrapped: () => Promise.resolve(),
  delete: (id) => Promise.resolve(stored.delete(id)),
  tenantKeys: async function* () {},
};
const keyring = new TenantKeyring(keyStore, new LocalKeyWrapper(join(mkdtempSync(join(tmpdir(), 'tally-bench-')), 'kek')));
await keyring.createTenantKey('bench');
const AGENTS = 200;
for (let agent = 1; agent <= AGENTS; agent++) await keyring.sealAgentField('bench', agent, 'name', 'warm-up');

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const sealRates: number[] = [];
const openRates: number[] = [];
const indexRates: number[] = [];
for (let run = 0; run < runs; run++) {
  const blobs: Buffer[] = [];
  let started = performance.now();
  for (let i = 0; i < ops; i++) {
    blobs.push((await keyring.sealAgentField('bench', (i % AGENTS) + 1, 'email', `agent.${i}@support.example`)).blob);
  }
  sealRates.push(ops / ((performance.now() - started) / 1000));
  started = performance.now();
  for (let i = 0; i < ops; i++) await keyring.openAgentField('bench', (i % AGENTS) + 1, 'email', blobs[i] as Buffer);
  openRates.push(ops / ((performance.now() - started) / 1000));
  started = performance.now();
  for (let i = 0; i < ops; i++) await keyring.emailIndex('bench', `agent.${i}@support.example`);
  indexRates.push(ops / ((performance.now() - started) / 1000));
  console.log(`run ${run + 1}: seal ${Math.round(sealRates[run] ?? 0)}/s, open ${Math.round(openRates[run] ?? 0)}/s, blind index ${Math.round(indexRates[run] ?? 0)}/s`);
}
const summary = (list: number[]) => ({ median: Math.round(median(list)), min: Math.round(Math.min(...list)), max: Math.round(Math.max(...list)) });
console.log(JSON.stringify({ benchmark: 'agent PII sealing (ops/s, cached keys)', runs, ops, seal: summary(sealRates), open: summary(openRates), blindIndex: summary(indexRates) }));
