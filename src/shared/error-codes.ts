/**
 * The one registry of every error code tally raises (docs/errors.md): each code's
 * kind says what a caller does about it, and the kind maps, in one table, to the
 * CLI's exit code and to an HTTP status. AppError's `code` is typed by this list,
 * so a code that is not listed here does not compile. Pure.
 */

/** What a caller does about an error, whatever surface it reaches. */
export type ErrorKind = 'bad_input' | 'unauthenticated' | 'not_found' | 'forbidden' | 'conflict' | 'too_many' | 'too_large' | 'unsupported' | 'retry_later' | 'fatal';

export interface KindOutcome {
  /** Exit code of a `tally` command that fails with it (today every AppError exits 2). */
  readonly exit: number;
  /** HTTP status the API answers with it. */
  readonly http: number;
}

export const ERROR_KINDS: Readonly<Record<ErrorKind, KindOutcome>> = {
  bad_input: { exit: 2, http: 400 },
  unauthenticated: { exit: 2, http: 401 },
  not_found: { exit: 2, http: 404 },
  forbidden: { exit: 2, http: 403 },
  conflict: { exit: 2, http: 409 },
  too_many: { exit: 2, http: 429 },
  too_large: { exit: 2, http: 413 },
  unsupported: { exit: 2, http: 415 },
  retry_later: { exit: 2, http: 503 },
  fatal: { exit: 2, http: 500 },
};

/**
 * Exit codes of commands that finish but report an outcome other than success
 * (docs/errors.md, Kinds). A command failing with an error exits with its kind's code.
 */
export const OUTCOME_EXIT_CODES = {
  /** `tally sync`: Zendesk refused a tenant's credentials. */
  syncAuthFailed: 3,
  /** `tally purge --wait`, `tally tenants remove`: the verification found data left. */
  privacyUnverified: 4,
  /** `tally audit verify`: the audit log does not verify. */
  auditUnverified: 5,
} as const;

export interface ErrorSpec {
  readonly kind: ErrorKind;
  /** What the caller (a person at the CLI, a job, an API client) does about it. */
  readonly action: string;
}

export const ERROR_CODES = {
  // Input and configuration
  CONFIG_INVALID: { kind: 'bad_input', action: 'fix the environment variable the message names, then start again' },
  INPUT_INVALID: { kind: 'bad_input', action: 'fix the flag or field the message names' },
  // Tenants and regions
  TENANT_UNKNOWN: { kind: 'not_found', action: 'check the tenant id (tally tenants list)' },
  TENANT_EXISTS: { kind: 'conflict', action: 'choose another --id; a tenant’s region never changes' },
  TENANT_CLAIM_LOST: { kind: 'retry_later', action: 'run tenants add again' },
  TENANT_REGION_MISMATCH: { kind: 'fatal', action: 'check the region’s MongoDB URI and where the tenant record came from' },
  TENANT_LOCK_BUSY: { kind: 'retry_later', action: 'another process holds the tenant; try again once it is done' },
  REGION_UNKNOWN: { kind: 'bad_input', action: 'use a region listed in TALLY_REGIONS' },
  // Stores and queues
  STORE_FAILED: { kind: 'retry_later', action: 'a database call failed; try again' },
  STORE_UNAVAILABLE: { kind: 'retry_later', action: 'check the region’s MongoDB URI and that the database runs' },
  REDIS_UNAVAILABLE: { kind: 'retry_later', action: 'check REDIS_URL and that Redis runs, then run the command again' },
  CHECKPOINT_FENCED: { kind: 'conflict', action: 'none: a newer sync of the stream owns its checkpoint; this one stops' },
  SYNC_ABORTED: { kind: 'retry_later', action: 'none: the sync stopped (shutdown or lease loss) after its last checkpoint; its job resumes from there' },
  LEASE_LOST: { kind: 'conflict', action: 'none: another worker took over the stream’s sync' },
  METRICS_PORT_UNAVAILABLE: { kind: 'bad_input', action: 'set TALLY_METRICS_PORT to a free port (or 0) for each worker on one host' },
  JOB_DATA_INVALID: { kind: 'fatal', action: 'a job carries data its schema refuses: a bug; the job fails without retries' },
  INTERNAL: { kind: 'fatal', action: 'an unexpected error (a bug): see the worker’s log' },
  // Audit log
  AUDIT_CONTENDED: { kind: 'retry_later', action: 'too many concurrent appends: try again' },
  AUDIT_UNKEYED: { kind: 'fatal', action: 'open the region’s database through RegionRouter.connect (a bug)' },
  AUDIT_HEAD_INVALID: { kind: 'fatal', action: 'the audit head object is not a head: inspect the bucket (tally audit verify)' },
  AUDIT_BUCKET_MISSING: { kind: 'bad_input', action: 'create the bucket, or set the region’s bucket variable the message names' },
  AUDIT_HEAD_UNAVAILABLE: { kind: 'retry_later', action: 'check Cloud Storage and the region’s bucket variable, then try again' },
  // Keys and sealed values
  KMS_UNAVAILABLE: { kind: 'retry_later', action: 'Cloud KMS did not answer: try again' },
  KMS_KEY_NOT_FOUND: { kind: 'fatal', action: 'check the region’s KMS key name and that the key exists' },
  KMS_DECRYPT_FAILED: { kind: 'fatal', action: 'the KMS key cannot unwrap this data key: check the key and its version' },
  KMS_INTEGRITY: { kind: 'retry_later', action: 'a KMS answer failed its CRC32C check: try again' },
  KMS_REQUEST_INVALID: { kind: 'fatal', action: 'Cloud KMS refused the request: check the key name and permissions' },
  CRYPTO_KEY_EXISTS: { kind: 'conflict', action: 'the tenant already has a key: nothing to create' },
  CRYPTO_TAMPERED: { kind: 'fatal', action: 'a sealed value was altered or misplaced: investigate, never retry' },
  CRYPTO_FORMAT: { kind: 'fatal', action: 'a sealed value is not in a format this version reads: upgrade, or investigate' },
  CRYPTO_WRONG_TENANT: { kind: 'forbidden', action: 'a sealed value of another tenant was presented: investigate' },
  CRYPTO_KEY_MISSING: { kind: 'not_found', action: 'the tenant’s key is gone (shredded or never created): its data cannot be read' },
  CRYPTO_LOCAL_KEY: { kind: 'bad_input', action: 'fix the local development key file the message names' },
  // Zendesk
  ZD_AUTH: { kind: 'forbidden', action: 'replace the tenant’s Zendesk credentials (tally tenants credentials)' },
  ZD_FORBIDDEN: { kind: 'forbidden', action: 'the plan or the user’s role lacks the stream: it is marked unavailable' },
  ZD_RATE_LIMITED: { kind: 'retry_later', action: 'none: the sync waits out Retry-After' },
  ZD_SERVER: { kind: 'retry_later', action: 'Zendesk failed: the sync retries with backoff' },
  ZD_TIMEOUT: { kind: 'retry_later', action: 'the request timed out: the sync retries' },
  ZD_NETWORK: { kind: 'retry_later', action: 'a network error: the sync retries' },
  ZD_MALFORMED: { kind: 'retry_later', action: 'Zendesk sent a malformed body: the sync retries' },
  ZD_END_TIME_INVALID: { kind: 'retry_later', action: 'a page’s end_time is out of range: the checkpoint stays and the sync retries' },
  ZD_REDIRECT: { kind: 'fatal', action: 'Zendesk answered a redirect, never followed: check the tenant’s Zendesk URL' },
  ZD_TOO_LARGE: { kind: 'fatal', action: 'a body over TALLY_ZENDESK_MAX_BODY_MB: raise it if the account needs it' },
  ZD_BAD_REQUEST: { kind: 'bad_input', action: 'Zendesk refused the request: check the tenant’s Zendesk URL' },
  ZD_BUDGET_WAIT: { kind: 'retry_later', action: 'the account’s request budget is empty: try again after the wait' },
  // Privacy operations
  PURGE_UNKNOWN: { kind: 'not_found', action: 'check the purge request id (tally purge --list)' },
  PURGE_INCOMPLETE: { kind: 'retry_later', action: 'the purge job retries; see tally purge --list' },
  PURGE_JOB_MISSING: { kind: 'retry_later', action: 'a running worker’s purge reconciler enqueues it again' },
  PURGE_JOB_INVALID: { kind: 'fatal', action: 'a purge job carries data its schema refuses: a bug; it fails without retries' },
  RETENTION_JOB_INVALID: { kind: 'fatal', action: 'a retention job carries another region or bad data: a bug; it fails without retries' },
  OFFBOARD_INCOMPLETE: { kind: 'retry_later', action: 'run the offboarding command again to finish it' },
  OFFBOARD_JOBS_FAILED: { kind: 'retry_later', action: 'run the offboarding command again to finish it' },
  // Backups and the purge ledger (docs/backup.md)
  BACKUP_UNKNOWN: { kind: 'not_found', action: 'check the id with tally backup list --region R' },
  BACKUP_INCOMPLETE: { kind: 'conflict', action: 'restore a backup tally backup list shows as complete' },
  BACKUP_TAMPERED: { kind: 'bad_input', action: 'restore another backup; keep this one for investigation' },
  BACKUP_TRUNCATED: { kind: 'bad_input', action: 'restore another backup; keep this one for investigation' },
  BACKUP_CHUNK_MISSING: { kind: 'bad_input', action: 'restore another backup; keep this one for investigation' },
  BACKUP_MANIFEST_MISMATCH: { kind: 'bad_input', action: 'restore another backup; keep this one for investigation' },
  BACKUP_REGION_MISMATCH: { kind: 'bad_input', action: 'restore with --region set to the backup’s own region' },
  BACKUP_TARGET_NOT_EMPTY: { kind: 'conflict', action: 'give --into a new, empty database' },
  BACKUP_BUCKET_MISSING: { kind: 'bad_input', action: 'create the bucket in the region, or set TALLY_<REGION>_BUCKET' },
  BACKUP_BUCKET_UNAVAILABLE: { kind: 'retry_later', action: 'check Cloud Storage and TALLY_<REGION>_BUCKET, then run it again' },
  BACKUP_INTERRUPTED: { kind: 'retry_later', action: 'the backup stays incomplete and is never restored; the job’s retry or the next run makes a new one' },
  BACKUP_JOB_INVALID: { kind: 'fatal', action: 'a backup job carries another region or bad data: a bug; it fails without retries' },
  LEDGER_UNAVAILABLE: { kind: 'retry_later', action: 'the purge job retries; run tally tenants remove again for an offboarding' },
  LEDGER_TAMPERED: { kind: 'bad_input', action: 'restore the entry from the bucket’s object versions before restoring a backup' },
  LEDGER_UNCONFIGURED: { kind: 'fatal', action: 'open the region through RegionRouter.connect' },
  // The HTTP API (docs/api.md)
  API_KEY_REQUIRED: { kind: 'unauthenticated', action: 'send Authorization: Bearer <key> with a key from tally api-keys create' },
  API_KEY_INVALID: { kind: 'unauthenticated', action: 'use a key that tally api-keys list shows as neither revoked nor expired' },
  API_ROLE_TOO_LOW: { kind: 'forbidden', action: 'use a key with the role the route needs (viewer ⊂ privacy ⊂ admin)' },
  API_NOT_FOUND: { kind: 'not_found', action: 'check the path: the tenant, route or record does not exist for this key' },
  API_LOCKED_OUT: { kind: 'too_many', action: 'wait for Retry-After: too many failed authentications came from this address' },
  API_RATE_LIMITED: { kind: 'too_many', action: 'wait for Retry-After: the key made more requests than its limit per minute' },
  API_BODY_TOO_LARGE: { kind: 'too_large', action: 'send a body of at most 16 KiB' },
  API_MEDIA_TYPE: { kind: 'unsupported', action: 'send the body as application/json' },
  PERSON_EXISTS: { kind: 'conflict', action: 'this email already has a person in the tenant: see tally users list, or tally users reset' },
  SIGN_IN_FAILED: { kind: 'unauthenticated', action: 'check the email, password and code (or use a recovery code); 5 failures lock the person for 15 minutes' },
  SIGN_IN_LOCKED: { kind: 'too_many', action: 'wait 15 minutes, or ask an admin for tally users reset' },
  SETUP_LINK_INVALID: { kind: 'not_found', action: 'the setup link is expired, used or wrong: ask an admin for a new one (tally users reset)' },
  SESSION_REQUIRED: { kind: 'unauthenticated', action: 'sign in again: the session ended (signed out, idle 30 minutes, 12 hours old, or the person was disabled)' },
  CSRF_INVALID: { kind: 'forbidden', action: 'reload the page and send the form again: it lacked a valid CSRF token' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code].kind;
}

/** The exit code of a `tally` command that fails with this code. */
export function exitCodeOf(code: ErrorCode): number {
  return ERROR_KINDS[errorKind(code)].exit;
}

/** The HTTP status the API answers with this code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_KINDS[errorKind(code)].http;
}
