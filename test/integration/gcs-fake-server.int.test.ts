// @google-cloud/storage against the local fake-gcs-server, through apiEndpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '@google-cloud/storage';
import { createGcsStorage } from '../../src/storage/create-gcs-storage.js';
import { localConfig, requireService, uniqueName } from '../helpers/local-services.js';

const endpoint = localConfig().gcsEndpoint;
let bucket: Bucket;

beforeAll(async () => {
  await requireService('fake-gcs-server', endpoint ?? '');
  const storage = createGcsStorage(endpoint);
  [bucket] = await storage.createBucket(uniqueName('tally-test').replaceAll('_', '-'));
});

afterAll(async () => {
  await bucket?.deleteFiles({ force: true });
  await bucket?.delete();
});

describe('Cloud Storage on fake-gcs-server', () => {
  it('uploads and downloads a small object (multipart upload)', async () => {
    const file = bucket.file('exports/agent-42.json');
    await file.save('{"solves":3}', { contentType: 'application/json', resumable: false });
    const [contents] = await file.download();
    expect(contents.toString()).toBe('{"solves":3}');
  });

  it('uploads and downloads a larger object through a resumable upload, checksums verified', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const file = bucket.file('backups/2026-11-24.bin');
    await file.save(payload, { resumable: true, validation: 'crc32c' });
    const [metadata] = await file.getMetadata();
    expect(Number(metadata.size)).toBe(payload.length);
    const [contents] = await file.download({ validation: 'crc32c' });
    expect(contents.equals(payload)).toBe(true);
  });

  it('lists objects by prefix', async () => {
    await bucket.file('exports/agent-43.json').save('{}', { resumable: false });
    const [files] = await bucket.getFiles({ prefix: 'exports/' });
    expect(files.map((file) => file.name).sort()).toEqual(['exports/agent-42.json', 'exports/agent-43.json']);
  });
});
