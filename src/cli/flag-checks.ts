/**
 * Shape checks for the flags many commands share, run by the CLI root before any
 * command's action (src/cli/main.ts): a malformed value is refused with what is
 * wrong and the fix, before a database or Zendesk is touched, and is never echoed
 * when it is long or personal. Pure: the caller passes the flags given and today.
 * The use cases keep their own checks (a missing flag, an unknown tenant, ...).
 */
import { z } from 'zod';
import { RetentionSchema, TenantIdSchema } from '../../schemas/records.js';
import { InputError } from '../shared/errors.js';

export interface GivenFlag {
  /** The long flag, e.g. --tenant. */
  readonly flag: string;
  readonly value: string;
}

/** The longest fact retention a tenant can have: facts older than that are deleted whatever its setting. */
const MAX_FACT_DAYS = RetentionSchema.shape.factDays.maxValue ?? 3650;
const DAY_MS = 86_400_000;

/** Flags whose values the use cases echo in their messages, and the longest such value can be. */
const ECHOED_MAX_LENGTH: Readonly<Record<string, number>> = {
  '--from': 10,
  '--to': 10,
  '--region': 16,
  '--time-zone': 64,
};

const ECHOED_FIX: Readonly<Record<string, string>> = {
  '--from': 'give a day YYYY-MM-DD, e.g. 2026-11-01',
  '--to': 'give a day YYYY-MM-DD, e.g. 2026-11-07',
  '--region': 'give one of the regions in TALLY_REGIONS, e.g. eu',
  '--time-zone': 'give an IANA time zone such as Europe/Berlin',
};

/** Throws an InputError for the first malformed flag; `command` is e.g. "tenants add". */
export function checkFlags(command: string, flags: readonly GivenFlag[], now: Date): void {
  for (const { flag, value } of flags) {
    if (flag === '--tenant' || flag === '--id') checkTenantId(flag, value, command === 'tenants add');
    else if (flag === '--agent') checkZendeskUserId(flag, value);
    else if (flag === '--zendesk-email') checkEmail(flag, value);
    else if (flag === '--sync-start') checkSyncStart(flag, value, now);
    const max = ECHOED_MAX_LENGTH[flag];
    if (max !== undefined && value.length > max) {
      throw new InputError(flag, `${flag} is too long (got ${value.length} characters, at most ${max}): ${ECHOED_FIX[flag] ?? 'check it'}`);
    }
  }
}

function checkTenantId(flag: string, value: string, adding: boolean): void {
  const parsed = TenantIdSchema.safeParse(value);
  if (parsed.success) return;
  const rule = parsed.error.issues[0]?.message ?? 'a tenant id is 2 to 63 lower-case letters, digits or dashes';
  const fix = adding ? 'choose an id of that form, e.g. acme-eu' : 'give the id as tally tenants list shows it';
  throw new InputError(flag, `${flag} ${rule} (got ${tenantIdProblems(value).join(', ')}): ${fix}`);
}

/** What is wrong with a tenant id, in words: never the value itself. */
export function tenantIdProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length < 2 || value.length > 63) problems.push(`${value.length} character${value.length === 1 ? '' : 's'}`);
  if (/[A-Z]/.test(value)) problems.push('an upper-case letter');
  if (/\s/.test(value)) problems.push('a space');
  if (/^-/.test(value)) problems.push('a leading dash');
  if (/[^a-zA-Z0-9\s-]/.test(value)) problems.push("a character other than a-z, 0-9 and '-'");
  return problems.length > 0 ? problems : ['a malformed id'];
}

function checkZendeskUserId(flag: string, value: string): void {
  if (/^[1-9]\d*$/.test(value) && Number.isSafeInteger(Number(value))) return;
  const problem = /^\d+$/.test(value)
    ? value.length > 20
      ? `${value.length} digits`
      : /^0/.test(value)
        ? 'a leading zero'
        : 'a number above that'
    : value.length > 20
      ? `${value.length} characters`
      : 'a character other than 0-9';
  throw new InputError(flag, `${flag} must be a Zendesk user id, a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (got ${problem}): give the agent's id from Zendesk`);
}

function checkEmail(flag: string, value: string): void {
  // The address is never echoed: it is personal data.
  if (z.email().safeParse(value).success) return;
  throw new InputError(flag, `${flag} is not an email address: give the email of a Zendesk admin, e.g. admin@acme.example`);
}

function checkSyncStart(flag: string, value: string, now: Date): void {
  // A malformed date is the tenant schema's to name (schemas/tenant-input.ts).
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return;
  const earliest = new Date(now.getTime() - MAX_FACT_DAYS * DAY_MS).toISOString().slice(0, 10);
  if (value < earliest) {
    throw new InputError(
      flag,
      `${flag} ${value} is more than ${MAX_FACT_DAYS} days ago, beyond the longest fact retention (facts older than that are never kept): give a date from ${earliest} on`,
    );
  }
}
