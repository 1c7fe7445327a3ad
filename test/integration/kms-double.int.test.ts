// The real @google-cloud/kms client against our Cloud KMS double, through GcpKmsKeyWrapper.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKmsClient } from '../../src/crypto/create-kms-client.js';
import { GcpKmsKeyWrapper } from '../../src/crypto/gcp-kms-key-wrapper.js';
import { CryptoError } from '../../src/shared/errors.js';
import { createKmsDouble, type KmsDouble } from '../support/kms-double/kms-double.js';
import { localConfig, requireService } from '../helpers/local-services.js';

const KEY = 'projects/tally-test/locations/us/keyRings/tally/cryptoKeys/tenant-keys';
const OTHER_KEY = 'projects/tally-test/locations/us/keyRings/tally/cryptoKeys/other';
const aad = Buffer.from('tenant:acme');
const tenantKey = Buffer.alloc(32, 0x5a);

let double: KmsDouble;
let endpoint: string;
const clients: ReturnType<typeof createKmsClient>[] = [];
const wrapperFor = (keyName: string, at = endpoint) => {
  const client = createKmsClient(at);
  clients.push(client);
  return new GcpKmsKeyWrapper(client, keyName);
};

beforeAll(async () => {
  double = createKmsDouble({ keys: [KEY, OTHER_KEY] });
  endpoint = `http://127.0.0.1:${await double.listen(0)}`;
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await double.close();
});

async function cryptoErrorOf(promise: Promise<unknown>): Promise<CryptoError> {
  const error = await promise.then(
    () => new Error('expected a CryptoError'),
    (caught: unknown) => caught,
  );
  if (error instanceof CryptoError) return error;
  throw error;
}

describe('GcpKmsKeyWrapper with the KMS double', () => {
  it('wraps and unwraps a key, recording the key version', async () => {
    const wrapper = wrapperFor(KEY);
    const wrapped = await wrapper.wrap(tenantKey, aad);
    expect(wrapped.keyVersion).toBe(`${KEY}/cryptoKeyVersions/1`);
    expect(Buffer.from(wrapped.ciphertext).includes(tenantKey)).toBe(false);
    expect(Buffer.from(await wrapper.unwrap(wrapped.ciphertext, aad))).toEqual(tenantKey);
  });

  it('sends CRC32C fields on every call and the double verifies them', async () => {
    const wrapper = wrapperFor(KEY);
    const before = double.requestLog.length;
    await wrapper.unwrap((await wrapper.wrap(tenantKey, aad)).ciphertext, aad);
    expect(double.requestLog.slice(before)).toEqual([
      { method: 'POST', path: `/v1/${KEY}:encrypt`, status: 200 },
      { method: 'POST', path: `/v1/${KEY}:decrypt`, status: 200 },
    ]);
  });

  it('rejects a tampered ciphertext with KMS_DECRYPT_FAILED', async () => {
    const wrapper = wrapperFor(KEY);
    const { ciphertext } = await wrapper.wrap(tenantKey, aad);
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 0x01;
    const error = await cryptoErrorOf(wrapper.unwrap(tampered, aad));
    expect(error.code).toBe('KMS_DECRYPT_FAILED');
    expect(error.message).toContain('the ciphertext was altered, or was sealed under another key or context');
  });

  it('rejects the right ciphertext with the wrong AAD', async () => {
    const wrapper = wrapperFor(KEY);
    const { ciphertext } = await wrapper.wrap(tenantKey, aad);
    expect((await cryptoErrorOf(wrapper.unwrap(ciphertext, Buffer.from('tenant:other')))).code).toBe(
      'KMS_DECRYPT_FAILED',
    );
  });

  it('rejects a ciphertext sealed under another key', async () => {
    const { ciphertext } = await wrapperFor(OTHER_KEY).wrap(tenantKey, aad);
    expect((await cryptoErrorOf(wrapperFor(KEY).unwrap(ciphertext, aad))).code).toBe('KMS_DECRYPT_FAILED');
  });

  it('rejects an unknown key name with KMS_KEY_NOT_FOUND, naming the key and the setting', async () => {
    const missing = 'projects/tally-test/locations/us/keyRings/tally/cryptoKeys/missing';
    const error = await cryptoErrorOf(wrapperFor(missing).wrap(tenantKey, aad));
    expect(error.code).toBe('KMS_KEY_NOT_FOUND');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(missing);
    expect(error.message).toContain('TALLY_<REGION>_KMS_KEY');
  });

  it('reports a KMS that does not answer as KMS_UNAVAILABLE, retryable', async () => {
    const closed = createKmsDouble({ keys: [KEY] });
    const port = await closed.listen(0);
    await closed.close();
    const error = await cryptoErrorOf(wrapperFor(KEY, `http://127.0.0.1:${port}`).wrap(tenantKey, aad));
    expect(error.code).toBe('KMS_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('works against the KMS double that scripts/services runs', async () => {
    const config = localConfig();
    await requireService('KMS double', config.kmsEndpoint ?? '');
    const key = config.regions['eu']?.kmsKey;
    if (key?.kind !== 'gcp') throw new Error('the local eu region should use a Cloud KMS key name');
    const wrapper = wrapperFor(key.name, config.kmsEndpoint);
    const wrapped = await wrapper.wrap(tenantKey, aad);
    expect(Buffer.from(await wrapper.unwrap(wrapped.ciphertext, aad))).toEqual(tenantKey);
  });
});
