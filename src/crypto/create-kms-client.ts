import { createRequire } from 'node:module';
import type * as Kms from '@google-cloud/kms';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type * as Gax from 'google-gax';

/** The Cloud KMS library (and its gRPC stack) loads only when a client is made: a region on a local key never pays for it (~0.2 s of every command's start). */
const require = createRequire(import.meta.url);

/**
 * The real Cloud KMS client. With an emulator endpoint it speaks REST over plain
 * http and skips Google auth entirely (no metadata-server probe); without one it is
 * the default client with application default credentials. Because an endpoint
 * turns authentication off, loadConfig refuses TALLY_KMS_ENDPOINT when
 * NODE_ENV=production (README, Configuration).
 */
export function createKmsClient(endpoint: string | undefined): KeyManagementServiceClient {
  const kms = require('@google-cloud/kms') as typeof Kms;
  if (endpoint === undefined) return new kms.KeyManagementServiceClient();
  const { googleAuthLibrary } = require('google-gax') as typeof Gax;
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(':', '');
  return new kms.KeyManagementServiceClient({
    apiEndpoint: url.hostname,
    port: Number(url.port || (protocol === 'https' ? 443 : 80)),
    protocol,
    fallback: 'rest',
    auth: new googleAuthLibrary.GoogleAuth({ authClient: new googleAuthLibrary.PassThroughClient() }),
  });
}
