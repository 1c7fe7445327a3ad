/**
 * Which MongoDB database a connection string names: its servers and database
 * name, without credentials or options. Two regions must never share one
 * (README, Tenants, regions and encryption: each region is its own database). Pure.
 */

export interface MongoDatabaseIdentity {
  /** Lower-cased `host:port` (or `srv:host` for mongodb+srv), loopback spellings as one. */
  readonly hosts: readonly string[];
  /** The database name as the driver uses it (`test` when the path has none), lower-cased: MongoDB refuses names differing only in case. */
  readonly database: string;
}

const DEFAULT_PORT = '27017';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The identity of a `mongodb://` or `mongodb+srv://` URI, or undefined when it cannot be read. */
export function mongoDatabaseIdentity(uri: string): MongoDatabaseIdentity | undefined {
  const match = /^(mongodb(?:\+srv)?):\/\/([^/?]*)(?:\/([^?]*))?(?:\?.*)?$/.exec(uri);
  if (!match) return undefined;
  const [, scheme, authority = '', path = ''] = match;
  const hostList = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostList === '') return undefined;
  const srv = scheme === 'mongodb+srv';
  const hosts = hostList.split(',').map((raw) => {
    const host = raw.trim().toLowerCase();
    if (srv) return `srv:${host}`;
    const portAt = host.startsWith('[') ? host.indexOf(']:') + 1 : host.lastIndexOf(':');
    const [name, port] = portAt > 0 ? [host.slice(0, portAt), host.slice(portAt + 1)] : [host, DEFAULT_PORT];
    return `${LOOPBACK.has(name) ? 'loopback' : name}:${port}`;
  });
  let database: string;
  try {
    database = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return { hosts: [...new Set(hosts)].sort(), database: (database === '' ? 'test' : database).toLowerCase() };
}

/** Same database name on servers that overlap (one shared member means one replica set). */
export function sameMongoDatabase(a: MongoDatabaseIdentity, b: MongoDatabaseIdentity): boolean {
  return a.database === b.database && a.hosts.some((host) => b.hosts.includes(host));
}
