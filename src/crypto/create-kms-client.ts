import { KeyManagementServiceClient } from '@google-cloud/kms';
import { googleAuthLibrary } from 'google-gax';

/**
 * The real Cloud KMS client. With an emulator endpoint it speaks REST over plain
 * http and skips Google auth entirely (no metadata-server probe); without one it is
 * the default client with application default credentials. Because an endpoint
 * turns authentication off, loadConfig refuses TALLY_KMS_ENDPOINT when
 * NODE_ENV=production (README, Configuration).
 */
export function createKmsClient(endpoint: string | undefined): KeyManagementServiceClient {
  if (endpoint === undefined) return new KeyManagementServiceClient();
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(':', '');
  return new KeyManagementServiceClient({
    apiEndpoint: url.hostname,
    port: Number(url.port || (protocol === 'https' ? 443 : 80)),
    protocol,
    fallback: 'rest',
    auth: new googleAuthLibrary.GoogleAuth({ authClient: new googleAuthLibrary.PassThroughClient() }),
  });
}
