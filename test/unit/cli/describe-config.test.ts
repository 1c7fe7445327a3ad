import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../../src/cli/describe-config.js';
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
});
