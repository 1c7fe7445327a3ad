import type { Config } from '../config/load-config.js';

/** The config as an operator may see it: every URI loses the credentials it can carry (README, Configuration). */
export function describeConfig(config: Config): unknown {
  return {
    ...config,
    redisUrl: withoutCredentials(config.redisUrl),
    kmsEndpoint: config.kmsEndpoint === undefined ? undefined : withoutCredentials(config.kmsEndpoint),
    gcsEndpoint: config.gcsEndpoint === undefined ? undefined : withoutCredentials(config.gcsEndpoint),
    http: { ...config.http, sessionSecret: config.http.sessionSecret === undefined ? undefined : '***' },
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
 * Masks the userinfo and the value of every secret-bearing query parameter; drops a
 * fragment. The userinfo ends at the last @ that a host list follows, so a password
 * holding an unencoded @, /, ? or # is masked whole. Works on text, since a MongoDB URI
 * with several hosts is no WHATWG URL.
 */
export function withoutCredentials(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0] ?? '';
  const afterScheme = uri.slice(scheme.length);
  const at = userinfoEnd(afterScheme);
  const rest = (at === -1 ? afterScheme : afterScheme.slice(at + 1)).split('#')[0] ?? '';
  const queryAt = rest.indexOf('?');
  const hostsAndPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? null : rest.slice(queryAt + 1);
  const maskedQuery = query === null ? '' : `?${query.split('&').map(maskParameter).join('&')}`;
  return `${scheme}${at === -1 ? '' : '***@'}${hostsAndPath}${maskedQuery}`;
}

/** Hosts (names, IPv4, [IPv6], ports) up to the path, the query, a fragment or the end. */
const HOST_LIST = /^[A-Za-z0-9.\-:[\],%]+(?=[/?#]|$)/;

/** Index of the @ that ends the userinfo, or -1: the last @ a host list follows, else the last @. */
function userinfoEnd(afterScheme: string): number {
  const last = afterScheme.lastIndexOf('@');
  for (let at = last; at !== -1; at = afterScheme.lastIndexOf('@', at - 1)) {
    if (HOST_LIST.test(afterScheme.slice(at + 1))) return at;
    if (at === 0) break;
  }
  return last;
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
