import { describe, expect, it } from 'vitest';
import { describeConfig, withoutCredentials } from '../../../src/cli/describe-config.js';
import { loadConfig } from '../../../src/config/load-config.js';

describe('describeConfig', () => {
  it('hides the credentials in connection strings and keeps the rest', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://default:redis-pass@cache.internal:6380',
      TALLY_US_MONGODB_URI: 'mongodb+srv://tally:mongo-pass@us.example.net/tally?retryWrites=true',
    });
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).not.toContain('redis-pass');
    expect(shown).not.toContain('mongo-pass');
    expect(shown).toContain('rediss://***@cache.internal:6380');
    expect(shown).toContain('mongodb+srv://***@us.example.net/tally?retryWrites=true');
  });

  it("masks the dashboard's session secret", () => {
    const shown = JSON.stringify(describeConfig(loadConfig({ TALLY_SESSION_SECRET: 'session-secret-'.repeat(3) })));
    expect(shown).not.toContain('session-secret-');
    expect(shown).toContain('"sessionSecret":"***"');
  });
});

describe('describeConfig masks every credential a URI can carry (issue 15, item 14)', () => {
  const shownFor = (env: Record<string, string>) => JSON.stringify(describeConfig(loadConfig(env)));

  it('masks password=, pass=, secret=, token= and key= style query parameters, whatever their case or encoding', () => {
    const shown = shownFor({
      REDIS_URL: 'redis://127.0.0.1:6379/0?password=qp-redis-pass&db=0',
      TALLY_US_MONGODB_URI:
        'mongodb://127.0.0.1:27017/tally_us?directConnection=true&Password=qp-mongo-pass&pass=qp-pass&Secret=qp-secret&api_token=qp-token&sslKey=qp-key&pass%77ord=qp-encoded',
      TALLY_EU_MONGODB_URI:
        'mongodb://127.0.0.1:27017/tally_eu?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:qp-aws-session&tlsCertificateKeyFilePassword=qp-tls-pass',
    });
    for (const secret of ['qp-redis-pass', 'qp-mongo-pass', 'qp-pass', 'qp-secret', 'qp-token', 'qp-key', 'qp-encoded', 'qp-aws-session', 'qp-tls-pass']) {
      expect(shown).not.toContain(secret);
    }
    // What is not a credential stays readable.
    expect(shown).toContain('redis://127.0.0.1:6379/0?password=***&db=0');
    expect(shown).toContain('directConnection=true');
    expect(shown).toContain('authMechanism=MONGODB-AWS');
  });

  it('masks a user without a password, a password with an @ in it, and several hosts', () => {
    const shown = shownFor({
      REDIS_URL: 'redis://:only-a-password@127.0.0.1:6379',
      TALLY_US_MONGODB_URI: 'mongodb://tally:p@ss@word@db1.example.net:27017,db2.example.net:27017/tally_us?replicaSet=rs0',
    });
    expect(shown).not.toContain('only-a-password');
    expect(shown).not.toContain('ss@word');
    expect(shown).not.toContain('tally:p');
    expect(shown).toContain('mongodb://***@db1.example.net:27017,db2.example.net:27017/tally_us?replicaSet=rs0');
  });

  it('masks credentials in the emulator endpoints too', () => {
    const shown = shownFor({ TALLY_KMS_ENDPOINT: 'http://kms-user:kms-pass@127.0.0.1:9011', TALLY_GCS_ENDPOINT: 'http://127.0.0.1:4443/?access_token=gcs-token' });
    expect(shown).not.toContain('kms-pass');
    expect(shown).not.toContain('kms-user');
    expect(shown).not.toContain('gcs-token');
  });
});

describe('withoutCredentials', () => {
  it('masks a password holding an unencoded / or @ whole', () => {
    expect(withoutCredentials('mongodb://u:pa/ss@word@h1:27017,h2/db?w=1')).toBe('mongodb://***@h1:27017,h2/db?w=1');
  });

  it.each([
    ['mongodb://u:pa#ss@h1:27017/db', 'mongodb://***@h1:27017/db'],
    ['mongodb://u:pa?ss@h1,h2/db?w=1', 'mongodb://***@h1,h2/db?w=1'],
    ['redis://:p@ss#w?rd@[::1]:6379/0', 'redis://***@[::1]:6379/0'],
  ])('masks a password holding an unencoded # or ? whole: %s', (uri, masked) => {
    expect(withoutCredentials(uri)).toBe(masked);
    expect(withoutCredentials(uri)).not.toMatch(/pa|ss|rd/);
  });

  it('leaves a URI without credentials as it is, and drops a fragment', () => {
    expect(withoutCredentials('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    expect(withoutCredentials('http://127.0.0.1:9011/#token=abc')).toBe('http://127.0.0.1:9011/');
  });
});
