import type { Config } from '../config/load-config.js';

/** The config as an operator may see it: connection strings lose their credentials. */
export function describeConfig(config: Config): unknown {
  return {
    ...config,
    redisUrl: withoutCredentials(config.redisUrl),
    regions: Object.fromEntries(
      Object.entries(config.regions).map(([id, region]) => [
        id,
        { ...region, mongodbUri: withoutCredentials(region.mongodbUri) },
      ]),
    ),
  };
}

function withoutCredentials(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1***@');
}
