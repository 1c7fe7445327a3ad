/** Runs the Cloud KMS double until SIGTERM: `main.ts --port 9011 [--host H] [--state FILE] [--key NAME]…`. */
import { parseArgs } from 'node:util';
import { createKmsDouble } from './kms-double.js';

export const DEFAULT_KMS_DOUBLE_KEYS = [
  'projects/tally-local/locations/us/keyRings/tally/cryptoKeys/tenant-keys',
  'projects/tally-local/locations/europe-west3/keyRings/tally/cryptoKeys/tenant-keys',
];

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9011' },
    state: { type: 'string' },
    key: { type: 'string', multiple: true },
  },
});

const double = createKmsDouble({
  keys: values.key ?? DEFAULT_KMS_DOUBLE_KEYS,
  ...(values.state ? { statePath: values.state } : {}),
});
const port = await double.listen(Number(values.port), values.host);
process.stderr.write(`kms-double listening on http://${values.host}:${port}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void double.close().then(() => process.exit(0)));
}
