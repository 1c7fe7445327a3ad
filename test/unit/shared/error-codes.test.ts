// The one error registry (src/shared/error-codes.ts): its list is pinned here, docs/errors.md
// documents exactly those codes, and every code the sources raise is in it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_ERROR_CODES, ERROR_CODES, ERROR_KINDS, type ErrorCode, exitCodeOf, httpStatusOf, isErrorCode } from '../../../src/shared/error-codes.js';

const ROOT = join(import.meta.dirname, '../../..');

const PINNED = [
  'CONFIG_INVALID', 'INPUT_INVALID',
  'TENANT_UNKNOWN', 'TENANT_EXISTS', 'TENANT_CLAIM_LOST', 'TENANT_REGION_MISMATCH', 'TENANT_LOCK_BUSY', 'REGION_UNKNOWN',
  'STORE_FAILED', 'STORE_UNAVAILABLE', 'REDIS_UNAVAILABLE', 'CHECKPOINT_FENCED', 'SYNC_ABORTED', 'LEASE_LOST', 'METRICS_PORT_UNAVAILABLE', 'JOB_DATA_INVALID', 'INTERNAL',
  'AUDIT_CONTENDED', 'AUDIT_UNKEYED', 'AUDIT_HEAD_INVALID', 'AUDIT_BUCKET_MISSING', 'AUDIT_HEAD_UNAVAILABLE',
  'KMS_UNAVAILABLE', 'KMS_KEY_NOT_FOUND', 'KMS_DECRYPT_FAILED', 'KMS_INTEGRITY', 'KMS_REQUEST_INVALID',
  'CRYPTO_KEY_EXISTS', 'CRYPTO_TAMPERED', 'CRYPTO_FORMAT', 'CRYPTO_WRONG_TENANT', 'CRYPTO_KEY_MISSING', 'CRYPTO_LOCAL_KEY',
  'ZD_AUTH', 'ZD_FORBIDDEN', 'ZD_RATE_LIMITED', 'ZD_SERVER', 'ZD_TIMEOUT', 'ZD_NETWORK', 'ZD_MALFORMED', 'ZD_END_TIME_INVALID', 'ZD_REDIRECT', 'ZD_TOO_LARGE', 'ZD_BAD_REQUEST', 'ZD_BUDGET_WAIT',
  'PURGE_UNKNOWN', 'PURGE_INCOMPLETE', 'PURGE_JOB_MISSING', 'PURGE_JOB_INVALID', 'RETENTION_JOB_INVALID', 'OFFBOARD_INCOMPLETE', 'OFFBOARD_JOBS_FAILED',
  'BACKUP_UNKNOWN', 'BACKUP_INCOMPLETE', 'BACKUP_TAMPERED', 'BACKUP_TRUNCATED', 'BACKUP_CHUNK_MISSING', 'BACKUP_MANIFEST_MISMATCH', 'BACKUP_REGION_MISMATCH', 'BACKUP_TARGET_NOT_EMPTY', 'BACKUP_BUCKET_MISSING', 'BACKUP_BUCKET_UNAVAILABLE', 'BACKUP_INTERRUPTED', 'BACKUP_JOB_INVALID', 'LEDGER_UNAVAILABLE', 'LEDGER_TAMPERED', 'LEDGER_UNCONFIGURED',
  'API_KEY_REQUIRED', 'API_KEY_INVALID', 'API_ROLE_TOO_LOW', 'API_NOT_FOUND', 'API_LOCKED_OUT', 'API_RATE_LIMITED', 'API_BODY_TOO_LARGE', 'API_MEDIA_TYPE',
  'PERSON_EXISTS', 'SIGN_IN_FAILED', 'SIGN_IN_LOCKED', 'SETUP_LINK_INVALID', 'SESSION_REQUIRED', 'CSRF_INVALID',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Code strings passed to error constructors, to `super`, assigned to `code`, or leading an UnrecoverableError's message. */
export function raisedCodes(text: string): Set<string> {
  const codes = new Set<string>();
  const literal = /'([A-Z][A-Z0-9_]+)'/g;
  const firstArguments = [/new \w*Error\(\s*([^,)]*)[,)]/g, /super\(\s*([^,)]*)[,)]/g];
  for (const pattern of firstArguments) {
    for (const match of text.matchAll(pattern)) for (const code of (match[1] ?? '').matchAll(literal)) codes.add(code[1] as string);
  }
  for (const match of text.matchAll(/\bcode\s*=\s*'([A-Z][A-Z0-9_]+)'/g)) codes.add(match[1] as string);
  for (const match of text.matchAll(/UnrecoverableError\(\s*['`]([A-Z][A-Z0-9_]+):/g)) codes.add(match[1] as string);
  return codes;
}

function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').split('\n')) {
    const match = /^\| `([A-Z][A-Z0-9_]+)` \|(.*)\|$/.exec(line);
    if (match) rows.set(match[1] as string, (match[2] as string).split('|').map((cell) => cell.trim()));
  }
  return rows;
}

describe('the error registry', () => {
  it('lists exactly the pinned codes, each once', () => {
    expect([...ALL_ERROR_CODES].sort()).toEqual([...PINNED].sort());
    expect(new Set(PINNED).size).toBe(PINNED.length);
  });

  it('gives every code a kind with an exit code and an HTTP status, and an action', () => {
    for (const code of ALL_ERROR_CODES) {
      expect(Object.keys(ERROR_KINDS)).toContain(ERROR_CODES[code].kind);
      expect(ERROR_CODES[code].action.length).toBeGreaterThan(10);
    }
  });

  it('keeps exit 2 for every failing command and maps kinds to HTTP statuses', () => {
    for (const code of ALL_ERROR_CODES) expect(exitCodeOf(code)).toBe(2);
    const statuses: Record<string, number> = { INPUT_INVALID: 400, TENANT_UNKNOWN: 404, ZD_AUTH: 403, TENANT_EXISTS: 409, CRYPTO_KEY_EXISTS: 409, STORE_UNAVAILABLE: 503, CRYPTO_TAMPERED: 500 };
    for (const [code, status] of Object.entries(statuses)) expect(httpStatusOf(code as ErrorCode), code).toBe(status);
  });

  it('tells a listed code from an unknown one', () => {
    expect(isErrorCode('ZD_AUTH')).toBe(true);
    expect(isErrorCode('NOT_A_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('is documented in docs/errors.md: each code once, nothing else, with its kind, exit code and status', () => {
    const rows = documentedRows();
    expect([...rows.keys()].sort()).toEqual([...ALL_ERROR_CODES].sort());
    for (const code of ALL_ERROR_CODES) {
      const [kind, meaning, action, exit, http] = rows.get(code) ?? [];
      expect(kind, code).toBe(ERROR_CODES[code].kind);
      expect(meaning?.length ?? 0, code).toBeGreaterThan(10);
      expect(action, code).toBe(ERROR_CODES[code].action);
      expect(Number(exit), code).toBe(exitCodeOf(code));
      expect(Number(http), code).toBe(httpStatusOf(code));
    }
  });

  it('holds every code the sources in src/ and jobs/ raise', () => {
    const raised = new Set<string>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('jobs')]) for (const code of raisedCodes(readFileSync(file, 'utf8'))) raised.add(code);
    // The scan finds codes of every form: constructor argument, ternary, `code =`, UnrecoverableError prefix.
    for (const known of ['STORE_FAILED', 'ZD_TIMEOUT', 'ZD_NETWORK', 'OFFBOARD_INCOMPLETE', 'TENANT_LOCK_BUSY', 'LEASE_LOST', 'PURGE_JOB_INVALID', 'JOB_DATA_INVALID', 'CRYPTO_KEY_EXISTS']) {
      expect(raised, known).toContain(known);
    }
    expect([...raised].filter((code) => !isErrorCode(code))).toEqual([]);
  });

  it('finds codes in the forms the sources raise them', () => {
    const sample = "new StoreError(\n  'A_CODE', 'x');\nnew ZendeskError(t ? 'B_CODE' : 'C_CODE', `m`);\nsuper('D_CODE', m);\nreadonly code = 'E_CODE';\nnew UnrecoverableError(`F_CODE: bad`);\nnew Error('not a code');";
    expect([...raisedCodes(sample)].sort()).toEqual(['A_CODE', 'B_CODE', 'C_CODE', 'D_CODE', 'E_CODE', 'F_CODE']);
  });
});
