import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { KmsKeyRef } from '../../schemas/config.js';
import { GcpKmsKeyWrapper } from './gcp-kms-key-wrapper.js';
import type { KeyWrapper } from './key-wrapper.js';
import { LocalKeyWrapper } from './local-key-wrapper.js';

/** The region's key-encryption key as configured: Cloud KMS, or a local file in development. */
export function createKeyWrapper(ref: KmsKeyRef, kmsClient: () => KeyManagementServiceClient): KeyWrapper {
  return ref.kind === 'gcp' ? new GcpKmsKeyWrapper(kmsClient(), ref.name) : new LocalKeyWrapper(ref.file);
}
