/**
 * A small Cloud KMS double speaking the REST surface that `@google-cloud/kms` uses
 * with `fallback: 'rest'`: encrypt, decrypt, and the key-management calls tests need
 * for rotation (create key, create version, set primary, get key).
 *
 * Like the real service it checks and returns CRC32C integrity fields, binds
 * ciphertexts to their key and AAD, records the key version in `name`, and answers
 * errors in Google's JSON shape `{error: {code, message, status}}`.
 *
 * Key material is random per version and persisted to a state file (mode 0600) so
 * data sealed in one run can be opened in the next.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { crc32c } from '../../../src/crypto/crc32c.js';

const KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/:]+$/;
const KEY_RING_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+$/;
const VERSION_SUFFIX = /\/cryptoKeyVersions\/(\d+)$/;
const CIPHERTEXT_FORMAT = 1;
const HEADER_BYTES = 1 + 4 + 12;
const TAG_BYTES = 16;
const MAX_PLAINTEXT_BYTES = 64 * 1024;
const PROTECTION_LEVEL_SOFTWARE = 1;

interface KeyState {
  primary: number;
  versions: Record<string, string>; // version number → base64 AES-256 key
}
interface DoubleState {
  keys: Record<string, KeyState>;
}

export interface KmsDoubleOptions {
  /** Key names (`projects/…/cryptoKeys/…`) that exist from the start. */
  keys: readonly string[];
  /** Where key material is kept between runs; omit for memory only. */
  statePath?: string;
}

export interface KmsDouble {
  readonly server: Server;
  /** Requests served, newest last (method, path, status); tests read it. */
  readonly requestLog: { method: string; path: string; status: number }[];
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

class GoogleApiError extends Error {
  constructor(
    readonly httpCode: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new GoogleApiError(400, 'INVALID_ARGUMENT', message);

export function createKmsDouble(options: KmsDoubleOptions): KmsDouble {
  const state = loadState(options.statePath);
  for (const name of options.keys) {
    if (!KEY_NAME.test(name)) throw new Error(`not a CryptoKey name: ${name}`);
    ensureKey(state, name);
  }
  persist(state, options.statePath);

  const requestLog: KmsDouble['requestLog'] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError =
        error instanceof GoogleApiError ? error : new GoogleApiError(500, 'INTERNAL', 'Internal error.');
      send(res, apiError.httpCode, {
        error: { code: apiError.httpCode, message: apiError.message, status: apiError.status },
      });
    });
  });

  function send(res: ServerResponse, code: number, body: unknown): void {
    requestLog.push({ method: res.req.method ?? '', path: (res.req.url ?? '').split('?')[0] ?? '', status: code });
    res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kms.local');
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith('/v1/')) throw new GoogleApiError(404, 'NOT_FOUND', `No route for ${path}.`);
    const resource = path.slice('/v1/'.length);
    const body = req.method === 'POST' || req.method === 'PATCH' ? await readJson(req) : {};

    const [name, verb] = splitVerb(resource);
    if (req.method === 'POST' && verb === 'encrypt') return send(res, 200, encrypt(name, body));
    if (req.method === 'POST' && verb === 'decrypt') return send(res, 200, decrypt(name, body));
    if (req.method === 'POST' && verb === 'updatePrimaryVersion') return send(res, 200, updatePrimary(name, body));
    if (req.method === 'POST' && verb === undefined && name.endsWith('/cryptoKeyVersions')) {
      return send(res, 200, createVersion(name.slice(0, -'/cryptoKeyVersions'.length)));
    }
    if (req.method === 'POST' && verb === undefined && name.endsWith('/cryptoKeys')) {
      return send(res, 200, createKey(name.slice(0, -'/cryptoKeys'.length), url.searchParams.get('cryptoKeyId')));
    }
    if (req.method === 'GET' && verb === undefined && KEY_NAME.test(name)) {
      return send(res, 200, describeKey(name, requireKey(name)));
    }
    throw new GoogleApiError(404, 'NOT_FOUND', `No route for ${req.method ?? ''} ${path}.`);
  }

  function requireKey(name: string): KeyState {
    const key = state.keys[name];
    if (!key) throw new GoogleApiError(404, 'NOT_FOUND', `CryptoKey ${name} not found.`);
    return key;
  }

  function encrypt(target: string, body: Record<string, unknown>) {
    const versionMatch = VERSION_SUFFIX.exec(target);
    const keyName = versionMatch ? target.slice(0, versionMatch.index) : target;
    const key = requireKey(keyName);
    const version = versionMatch ? Number(versionMatch[1]) : key.primary;
    const material = key.versions[String(version)];
    if (!material) throw new GoogleApiError(404, 'NOT_FOUND', `CryptoKeyVersion ${target} not found.`);

    const plaintext = bytesField(body, 'plaintext', true);
    if (plaintext.length > MAX_PLAINTEXT_BYTES) throw invalid('The plaintext exceeds 65536 bytes.');
    const aad = bytesField(body, 'additionalAuthenticatedData', false);
    const verifiedPlaintext = checkCrc(body, 'plaintextCrc32c', plaintext, 'plaintext');
    const verifiedAad = checkCrc(body, 'additionalAuthenticatedDataCrc32c', aad, 'additional_authenticated_data');

    const nonce = randomBytes(12);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(CIPHERTEXT_FORMAT, 0);
    header.writeUInt32BE(version, 1);
    nonce.copy(header, 5);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(material, 'base64'), nonce);
    cipher.setAAD(Buffer.concat([Buffer.from(keyName), Buffer.from([0]), header, aad]));
    const ciphertext = Buffer.concat([header, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      name: `${keyName}/cryptoKeyVersions/${version}`,
      ciphertext: ciphertext.toString('base64'),
      ciphertextCrc32c: String(crc32c(ciphertext)),
      verifiedPlaintextCrc32c: verifiedPlaintext,
      verifiedAdditionalAuthenticatedDataCrc32c: verifiedAad,
      protectionLevel: PROTECTION_LEVEL_SOFTWARE,
    };
  }

  function decrypt(keyName: string, body: Record<string, unknown>) {
    if (!KEY_NAME.test(keyName)) throw invalid(`Decrypt takes a CryptoKey name, not ${keyName}.`);
    const key = requireKey(keyName);
    const ciphertext = bytesField(body, 'ciphertext', true);
    const aad = bytesField(body, 'additionalAuthenticatedData', false);
    checkCrc(body, 'ciphertextCrc32c', ciphertext, 'ciphertext');
    checkCrc(body, 'additionalAuthenticatedDataCrc32c', aad, 'additional_authenticated_data');

    const failed = invalid('Decryption failed: the ciphertext is invalid.');
    if (ciphertext.length < HEADER_BYTES + TAG_BYTES || ciphertext.readUInt8(0) !== CIPHERTEXT_FORMAT) throw failed;
    const version = ciphertext.readUInt32BE(1);
    const material = key.versions[String(version)];
    if (!material) throw failed;
    const header = ciphertext.subarray(0, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(material, 'base64'), header.subarray(5));
    decipher.setAAD(Buffer.concat([Buffer.from(keyName), Buffer.from([0]), header, aad]));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(ciphertext.subarray(HEADER_BYTES, ciphertext.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw failed;
    }
    return {
      plaintext: plaintext.toString('base64'),
      plaintextCrc32c: String(crc32c(plaintext)),
      usedPrimary: version === key.primary,
      protectionLevel: PROTECTION_LEVEL_SOFTWARE,
    };
  }

  function createKey(keyRing: string, keyId: string | null) {
    if (!KEY_RING_NAME.test(keyRing)) throw invalid(`Not a KeyRing name: ${keyRing}.`);
    if (!keyId || !/^[a-zA-Z0-9_-]{1,63}$/.test(keyId)) throw invalid('crypto_key_id is missing or malformed.');
    const name = `${keyRing}/cryptoKeys/${keyId}`;
    if (state.keys[name]) throw new GoogleApiError(409, 'ALREADY_EXISTS', `CryptoKey ${name} already exists.`);
    const key = ensureKey(state, name);
    persist(state, options.statePath);
    return describeKey(name, key);
  }

  function createVersion(keyName: string) {
    const key = requireKey(keyName);
    const next = Math.max(...Object.keys(key.versions).map(Number)) + 1;
    key.versions[String(next)] = randomBytes(32).toString('base64');
    persist(state, options.statePath);
    return { name: `${keyName}/cryptoKeyVersions/${next}`, state: 'ENABLED' };
  }

  function updatePrimary(keyName: string, body: Record<string, unknown>) {
    const key = requireKey(keyName);
    const requested = body['cryptoKeyVersionId'];
    const id = typeof requested === 'string' || typeof requested === 'number' ? String(requested) : '';
    if (!key.versions[id]) throw invalid(`CryptoKeyVersion ${keyName}/cryptoKeyVersions/${id} does not exist.`);
    key.primary = Number(id);
    persist(state, options.statePath);
    return describeKey(keyName, key);
  }

  return {
    server,
    requestLog,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function describeKey(name: string, key: KeyState) {
  return {
    name,
    purpose: 'ENCRYPT_DECRYPT',
    primary: { name: `${name}/cryptoKeyVersions/${key.primary}`, state: 'ENABLED' },
  };
}

function ensureKey(state: DoubleState, name: string): KeyState {
  state.keys[name] ??= { primary: 1, versions: { '1': randomBytes(32).toString('base64') } };
  return state.keys[name];
}

function splitVerb(resource: string): [string, string | undefined] {
  const colon = resource.lastIndexOf(':');
  return colon > resource.lastIndexOf('/') ? [resource.slice(0, colon), resource.slice(colon + 1)] : [resource, undefined];
}

function bytesField(body: Record<string, unknown>, field: string, required: boolean): Buffer {
  const value = body[field];
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(`${field} is required.`);
    return Buffer.alloc(0);
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(`${field} is not base64.`);
  return Buffer.from(value, 'base64');
}

/** True when the request carried the checksum and it matched; a mismatch is an error, as in KMS. */
function checkCrc(body: Record<string, unknown>, field: string, data: Buffer, protoField: string): boolean {
  const sent = body[field];
  if (sent === undefined || sent === null) return false;
  if (Number(sent) !== crc32c(data)) {
    throw invalid(`The checksum in field ${protoField}_crc32c did not match the data in field ${protoField}.`);
  }
  return true;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    // The REST client sends an empty resource as the JSON string "" (e.g. createCryptoKeyVersion).
    if (parsed === '') return {};
  } catch {
    // answered below like any other malformed body
  }
  throw invalid('Invalid JSON payload received.');
}

function loadState(path: string | undefined): DoubleState {
  if (!path) return { keys: {} };
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DoubleState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { keys: {} };
    throw error;
  }
}

function persist(state: DoubleState, path: string | undefined): void {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
