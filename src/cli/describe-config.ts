import type { Config } from '../config/load-config.js';

/** The config as an operator may see it: every URI loses the credentials it can carry (README, Configuration). */
export function describeConfig(config: Config): unknown {
  return {
    ...config,
    redisUrl: withoutCredentials(config.redisUrl),
    kmsEndpoint: config.kmsEndpoint === undefined ? undefined : withoutCredentials(config.kmsEndpoint),
    gcsEndpoint: config.gcsEndpoint === undefined ? undefined : withoutCredentials(config.gcsEndpoint),
    regions: Object.fromEntries(
      Object.entries(config.regions).map(([id, region]) => [
        id,
        { ...region, mongodbUri: withoutCredentials(region.mongodbUri) },
      ]),
    ),
  };
}

/**
 * Query parameters that can hold a secret, matched on the decoded, lower-cased name:
 * password=, pass=, pwd=, secret=, token= (api_token=, access_token=), key= (sslKey=,
 * apiKey=), credentials, signatures, and MongoDB's authMechanismProperties (which
 * carries AWS_SESSION_TOKEN). Masking a harmless one costs nothing; missing one leaks.
 */
const SECRET_PARAMETER = /pass|pwd|secret|token|key|cred|sig|auth(?!mechanism$|source$)/;

/**
 * Masks the userinfo (everything before the last @ ahead of the query, so a password
 * holding an @ or a / goes too) and the value of every secret-bearing query parameter; drops
 * a fragment. Works on text, since a MongoDB URI with several hosts is no WHATWG URL.
 */
export function withoutCredentials(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0] ?? '';
  const rest = uri.slice(scheme.length).split('#')[0] ?? '';
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? null : rest.slice(queryAt + 1);
  // The last @ before the query: a password with an unencoded / or @ is masked whole.
  const at = beforeQuery.lastIndexOf('@');
  const hostsAndPath = at === -1 ? beforeQuery : `***@${beforeQuery.slice(at + 1)}`;
  const maskedQuery = query === null ? '' : `?${query.split('&').map(maskParameter).join('&')}`;
  return `${scheme}${hostsAndPath}${maskedQuery}`;
}

function maskParameter(pair: string): string {
  const equals = pair.indexOf('=');
  const name = equals === -1 ? pair : pair.slice(0, equals);
  return SECRET_PARAMETER.test(decodedName(name).toLowerCase()) ? `${name}=***` : pair;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    // An undecodable name is shown masked rather than guessed at.
    return 'key';
  }
}
