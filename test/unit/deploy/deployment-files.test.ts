// docker-compose.yml and scripts/services must speak the config schema's language.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { knownConfigVariables } from '../../../schemas/config.js';
import { loadConfig } from '../../../src/config/load-config.js';

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string | number> }>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as ComposeFile;
const workerEnv = Object.fromEntries(
  Object.entries(compose.services['worker']?.environment ?? {}).map(([name, value]) => [name, String(value)]),
);

describe('docker-compose.yml', () => {
  it('sets only variables the config schema knows', () => {
    const regions = (workerEnv['TALLY_REGIONS'] ?? '').split(',');
    const known = new Set(knownConfigVariables(regions));
    expect(Object.keys(workerEnv).filter((name) => !known.has(name))).toEqual([]);
  });

  it('gives the worker a configuration that loads, with every region variable set explicitly', () => {
    const config = loadConfig(workerEnv);
    expect(config.regionIds).toEqual(['us', 'eu']);
    const required = knownConfigVariables(config.regionIds).filter((name) => /^TALLY_(US|EU)_/.test(name));
    expect(required.filter((name) => !(name in workerEnv))).toEqual([]);
  });

  it('runs Redis so that queued jobs are never evicted and survive a restart', () => {
    const redis = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: { redis: { command: string[] } } };
    expect(redis.services.redis.command.join(' ')).toContain('--maxmemory-policy noeviction --appendonly yes');
  });
});

describe('scripts/services env', () => {
  it('exports exactly the local defaults the config schema uses', () => {
    const exports = execFileSync('bash', ['scripts/services', 'env'], { encoding: 'utf8' });
    const env: Record<string, string> = {};
    for (const [, name, value] of exports.matchAll(/^export ([A-Z0-9_]+)='?([^'\n]*)'?$/gm)) {
      if (name !== undefined && value !== undefined) env[name] = value;
    }
    expect(Object.keys(env).length).toBeGreaterThan(5);
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
