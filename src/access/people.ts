/**
 * The dashboard's people (docs/dashboard.md#people): invited by an admin on the CLI with a
 * one-time setup link, set up with a password and TOTP, signed in with email, password and
 * a code. The same use cases serve `tally users` and `tally serve`'s pages. Every setup,
 * sign-in, failure, lockout, role change, disable and reset is appended to the tenant's
 * audit log by person id: never an email, password, code or token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { API_ROLES, type ApiRole, type StoredPerson, TenantIdSchema } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { normaliseEmail } from '../crypto/tenant-subkeys.js';
import { AppError, InputError } from '../shared/errors.js';
import type { Regions, RegionStores } from '../store/ports.js';
import { checkPasswordPolicy, hashPassword, spendPasswordTime, verifyPassword } from './passwords.js';
import { acceptedTotpStep, newRecoveryCodes, newTotpSecret, secretHash, totpUri } from './totp.js';

export const SETUP_LINK_MS = 24 * 3_600_000;
export const PERSON_LOCKOUT = { failures: 5, lockMs: 15 * 60_000 } as const;

export interface PeopleDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly now: () => Date;
  /** Who the audit log names (the CLI's actor, or `person:<id>` on the dashboard). */
  readonly actor: string;
  /** Where setup links point (TALLY_PUBLIC_URL). */
  readonly publicUrl: string;
}

/** What lists and pages show of a person; the email only where it was opened for an admin. */
export interface PersonView {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly role: ApiRole;
  readonly state: StoredPerson['state'];
  readonly lockedUntil: Date | null;
  readonly recoveryCodesLeft: number;
  readonly createdAt: Date;
}

interface TenantScope {
  readonly tenantId: string;
  readonly database: RegionStores;
  readonly keyring: TenantKeyring;
}

async function tenantScope(deps: PeopleDeps, tenant: string | undefined): Promise<TenantScope> {
  if (tenant === undefined || !TenantIdSchema.safeParse(tenant).success) throw new InputError('--tenant', '--tenant is required: the id of a tenant (see tally tenants list)');
  const region = await deps.router.regionOf(tenant);
  const database = region === null ? null : deps.router.region(region);
  if (region === null || !database || !(await database.tenants.find(tenant))) throw new InputError('--tenant', `--tenant ${tenant} is not a tenant: see tally tenants list`);
  return { tenantId: tenant, database, keyring: deps.keyring(region) };
}

function checkEmail(email: string | undefined): string {
  const value = (email ?? '').trim();
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(value)) throw new InputError('--email', '--email must be an email address, e.g. manager@example.com');
  return normaliseEmail(value);
}

function checkRole(role: string | undefined): ApiRole {
  if (!(API_ROLES as readonly string[]).includes(role ?? '')) throw new InputError('--role', `--role must be one of ${API_ROLES.join(', ')}`);
  return role as ApiRole;
}

function checkPersonId(id: string | undefined): string {
  if (id === undefined || !/^[0-9a-f]{16}$/.test(id)) throw new InputError('--id', '--id must be a person id: 16 hex digits, as tally users list shows');
  return id;
}

async function audit(deps: PeopleDeps, scope: TenantScope, action: string, details: Record<string, string | number>): Promise<void> {
  await scope.database.audit.append({ tenantId: scope.tenantId, actor: deps.actor, action, details }, deps.now());
}

/** A new setup token: the person id (public) and 32 random bytes; only the bytes' hash is stored. */
function newSetupToken(personId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${personId}.${secret}`, hash: secretHash(secret) };
}

/**
 * The link a new person opens. The token is in the fragment, which browsers never send:
 * it reaches no server log, proxy or Referer; the setup page posts it in a form body.
 */
export const setupLink = (deps: Pick<PeopleDeps, 'publicUrl'>, tenantId: string, token: string): string => `${deps.publicUrl}/app/${tenantId}/setup#${token}`;

async function viewOf(scope: TenantScope, person: StoredPerson): Promise<PersonView> {
  return {
    id: person._id,
    tenantId: person.tenantId,
    email: await scope.keyring.openPersonField(scope.tenantId, person._id, 'email', person.email),
    role: person.role,
    state: person.state,
    lockedUntil: person.lockedUntil,
    recoveryCodesLeft: person.recoveryCodes.length,
    createdAt: person.createdAt,
  };
}

export interface AddPersonInput {
  readonly tenant?: string | undefined;
  readonly email?: string | undefined;
  readonly role?: string | undefined;
}

/** `tally users add`: the person, invited, and their setup link (valid 24 h, single use), shown once. */
export async function addPerson(deps: PeopleDeps, input: AddPersonInput): Promise<{ person: PersonView; link: string; expiresAt: Date }> {
  const scope = await tenantScope(deps, input.tenant);
  const email = checkEmail(input.email);
  const role = checkRole(input.role);
  const emailIndex = await scope.keyring.personEmailIndex(scope.tenantId, email);
  if (await scope.database.people.findByEmailIndex(scope.tenantId, emailIndex)) {
    throw new AppError('PERSON_EXISTS', 'this email already has a person in the tenant: see tally users list, or tally users reset --id ID for a new setup link');
  }
  const id = randomBytes(8).toString('hex');
  const now = deps.now();
  const setup = newSetupToken(id);
  const expiresAt = new Date(now.getTime() + SETUP_LINK_MS);
  const person: StoredPerson = {
    _id: id,
    tenantId: scope.tenantId,
    emailIndex,
    email: await scope.keyring.sealPersonField(scope.tenantId, id, 'email', email),
    role,
    state: 'invited',
    passwordHash: null,
    totp: null,
    totpStep: 0,
    recoveryCodes: [],
    setupToken: setup.hash,
    setupExpiresAt: expiresAt,
    failures: 0,
    lockedUntil: null,
    epoch: 0,
    createdAt: now,
    updatedAt: now,
  };
  await scope.database.people.insert(person);
  await audit(deps, scope, 'person.invited', { person: id, role });
  return { person: await viewOf(scope, person), link: setupLink(deps, scope.tenantId, setup.token), expiresAt };
}

/** `tally users list`: every person of the tenant with their email (opened for the admin, so the read is audited). */
export async function listPeople(deps: PeopleDeps, tenant: string | undefined): Promise<PersonView[]> {
  const scope = await tenantScope(deps, tenant);
  const people = await scope.database.people.list(scope.tenantId);
  const views = await Promise.all(people.map((person) => viewOf(scope, person)));
  await audit(deps, scope, 'person.listed', { people: views.length });
  return views;
}

async function existing(scope: TenantScope, id: string | undefined): Promise<StoredPerson> {
  const personId = checkPersonId(id);
  const person = await scope.database.people.find(scope.tenantId, personId);
  if (!person) throw new InputError('--id', `--id ${personId} is not a person of tenant ${scope.tenantId}: see tally users list`);
  return person;
}

/** Writes a change that ends the person's sessions at once (a new epoch), retrying if a sign-in raced it. */
async function changeEndingSessions(deps: PeopleDeps, scope: TenantScope, id: string | undefined, change: (person: StoredPerson) => Partial<StoredPerson>): Promise<StoredPerson> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const person = await existing(scope, id);
    const changes = { ...change(person), epoch: person.epoch + 1, updatedAt: deps.now() };
    if (await scope.database.people.update(scope.tenantId, person._id, { epoch: person.epoch }, changes)) return { ...person, ...changes };
  }
  throw new AppError('STORE_FAILED', 'the person changed five times while this change was written: try again', { retryable: true });
}

/** `tally users disable`: the person can no longer sign in, and every session of theirs ends now. */
export async function disablePerson(deps: PeopleDeps, tenant: string | undefined, id: string | undefined): Promise<PersonView> {
  const scope = await tenantScope(deps, tenant);
  const person = await changeEndingSessions(deps, scope, id, () => ({ state: 'disabled', setupToken: null, setupExpiresAt: null }));
  await audit(deps, scope, 'person.disabled', { person: person._id });
  return viewOf(scope, person);
}

/**
 * `tally users reset`: a lost phone or password. The password, TOTP secret and recovery
 * codes are dropped, sessions end, and a new setup link (24 h) is the only way back in.
 */
export async function resetPerson(deps: PeopleDeps, tenant: string | undefined, id: string | undefined): Promise<{ person: PersonView; link: string; expiresAt: Date }> {
  const scope = await tenantScope(deps, tenant);
  const personId = checkPersonId(id);
  const setup = newSetupToken(personId);
  const expiresAt = new Date(deps.now().getTime() + SETUP_LINK_MS);
  const person = await changeEndingSessions(deps, scope, personId, () => ({
    state: 'invited',
    passwordHash: null,
    totp: null,
    recoveryCodes: [],
    setupToken: setup.hash,
    setupExpiresAt: expiresAt,
    failures: 0,
    lockedUntil: null,
  }));
  await audit(deps, scope, 'person.reset', { person: person._id });
  return { person: await viewOf(scope, person), link: setupLink(deps, scope.tenantId, setup.token), expiresAt };
}

/** A role change (CLI or People page); the person's sessions end so the new role applies at once. */
export async function setPersonRole(deps: PeopleDeps, tenant: string | undefined, id: string | undefined, role: string | undefined): Promise<PersonView> {
  const scope = await tenantScope(deps, tenant);
  const newRole = checkRole(role);
  let from: ApiRole = newRole;
  const person = await changeEndingSessions(deps, scope, id, (current) => {
    from = current.role;
    return { role: newRole };
  });
  await audit(deps, scope, 'person.role_changed', { person: person._id, from, to: newRole });
  return viewOf(scope, person);
}

const setupLinkInvalid = () => new AppError('SETUP_LINK_INVALID', 'the setup link is expired, used or wrong: ask an admin for a new one (tally users reset)');

/** The invited person a setup token names, while the token is valid; anything else is SETUP_LINK_INVALID, with no hint why. */
async function personOfToken(deps: PeopleDeps, scope: TenantScope, token: string | undefined): Promise<StoredPerson> {
  const match = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) throw setupLinkInvalid();
  const person = await scope.database.people.find(scope.tenantId, match[1] as string);
  const given = Buffer.from(secretHash(match[2] as string), 'hex');
  const expected = Buffer.from(person?.setupToken ?? '', 'hex');
  if (!person || person.state !== 'invited' || expected.length !== given.length || !timingSafeEqual(expected, given)) throw setupLinkInvalid();
  if (person.setupExpiresAt === null || person.setupExpiresAt.getTime() <= deps.now().getTime()) throw setupLinkInvalid();
  return person;
}

export interface SetupStart {
  readonly personId: string;
  readonly email: string;
  /** Base32, shown as text beside the QR code. */
  readonly secret: string;
  /** The `otpauth://` URI the QR code carries. */
  readonly uri: string;
}

/** The setup page's enrolment: the TOTP secret being enrolled, made on the first visit and the same on every visit until setup ends. */
export async function startSetup(deps: PeopleDeps, tenant: string, token: string | undefined): Promise<SetupStart> {
  const scope = await tenantScope(deps, tenant).catch(() => {
    throw setupLinkInvalid();
  });
  let person = await personOfToken(deps, scope, token);
  if (person.totp === null) {
    const sealed = await scope.keyring.sealPersonField(scope.tenantId, person._id, 'totp', newTotpSecret());
    // Two tabs opening the link at once: the first secret stored is the one both show.
    await scope.database.people.update(scope.tenantId, person._id, { setupToken: person.setupToken, totp: null }, { totp: sealed, updatedAt: deps.now() });
    person = await personOfToken(deps, scope, token);
  }
  const secret = await scope.keyring.openPersonField(scope.tenantId, person._id, 'totp', person.totp as Uint8Array);
  const email = await scope.keyring.openPersonField(scope.tenantId, person._id, 'email', person.email);
  return { personId: person._id, email, secret, uri: totpUri(secret, `tally:${email}`) };
}

export interface CompleteSetupInput {
  readonly token?: string | undefined;
  readonly password?: string | undefined;
  readonly confirm?: string | undefined;
  readonly code?: string | undefined;
}

/** Ends setup: the password set, TOTP enrolled (only with a valid code), the link spent. Returns the ten recovery codes, shown once. */
export async function completeSetup(deps: PeopleDeps, tenant: string, input: CompleteSetupInput): Promise<{ personId: string; recoveryCodes: string[] }> {
  const scope = await tenantScope(deps, tenant).catch(() => {
    throw setupLinkInvalid();
  });
  const person = await personOfToken(deps, scope, input.token);
  const password = input.password ?? '';
  checkPasswordPolicy(password);
  if (password !== input.confirm) throw new InputError('confirm', 'confirm does not match password: type the same password twice');
  if (person.totp === null) throw setupLinkInvalid();
  const secret = await scope.keyring.openPersonField(scope.tenantId, person._id, 'totp', person.totp);
  const now = deps.now();
  const step = acceptedTotpStep(secret, (input.code ?? '').trim(), now, 0);
  if (step === null) throw new InputError('code', 'code is not the 6-digit code your authenticator app shows now for this secret: scan the QR code (or type the secret) and enter the current code');
  const recoveryCodes = newRecoveryCodes();
  const written = await scope.database.people.update(
    scope.tenantId,
    person._id,
    { setupToken: person.setupToken, state: 'invited' },
    {
      state: 'active',
      passwordHash: await hashPassword(password),
      totpStep: step,
      recoveryCodes: recoveryCodes.map(secretHash),
      setupToken: null,
      setupExpiresAt: null,
      failures: 0,
      lockedUntil: null,
      updatedAt: now,
    },
  );
  // The same link sent twice at once: the second finds it spent.
  if (!written) throw setupLinkInvalid();
  await audit({ ...deps, actor: `person:${person._id}` }, scope, 'person.setup_completed', { person: person._id });
  return { personId: person._id, recoveryCodes };
}

export interface SignInInput {
  readonly email?: string | undefined;
  readonly password?: string | undefined;
  /** The authenticator's 6 digits, or a recovery code. */
  readonly code?: string | undefined;
}

const signInFailed = () => new AppError('SIGN_IN_FAILED', 'the email, password or code is wrong');

/**
 * Checks the three together and says only that they failed, never which. The fifth
 * failure in a row locks the person for 15 minutes (SIGN_IN_LOCKED), whatever comes then.
 */
export async function signIn(deps: PeopleDeps, tenant: string, input: SignInInput): Promise<StoredPerson> {
  const scope = await tenantScope(deps, tenant).catch(() => {
    throw signInFailed();
  });
  const password = input.password ?? '';
  const code = (input.code ?? '').trim();
  const email = (input.email ?? '').trim();
  const person = email === '' ? null : await scope.database.people.findByEmailIndex(scope.tenantId, await scope.keyring.personEmailIndex(scope.tenantId, normaliseEmail(email)));
  const now = deps.now();
  if (!person || person.state !== 'active' || person.passwordHash === null || person.totp === null) {
    await spendPasswordTime(password);
    await audit(deps, scope, 'person.sign_in_failed', { person: person?._id ?? 'unknown' });
    throw signInFailed();
  }
  const personDeps = { ...deps, actor: `person:${person._id}` };
  if (person.lockedUntil !== null && person.lockedUntil.getTime() > now.getTime()) {
    await spendPasswordTime(password);
    await audit(personDeps, scope, 'person.sign_in_refused_locked', { person: person._id });
    throw new AppError('SIGN_IN_LOCKED', 'this person is locked for 15 minutes after 5 failed sign-ins');
  }
  const passwordGood = await verifyPassword(password, person.passwordHash);
  const secret = await scope.keyring.openPersonField(scope.tenantId, person._id, 'totp', person.totp);
  const step = passwordGood ? acceptedTotpStep(secret, code, now, person.totpStep) : null;
  const recovery = passwordGood && step === null ? secretHash(code) : null;
  const recoveryGood = recovery !== null && person.recoveryCodes.includes(recovery);

  if (passwordGood && (step !== null || recoveryGood)) {
    const changes: Partial<StoredPerson> = { failures: 0, lockedUntil: null, updatedAt: now, ...(step !== null ? { totpStep: step } : { recoveryCodes: person.recoveryCodes.filter((hash) => hash !== recovery) }) };
    // Compare and set on what was used: the same code or recovery code twice at once succeeds once.
    const expect = step !== null ? { totpStep: person.totpStep, epoch: person.epoch } : { recoveryCodes: person.recoveryCodes, epoch: person.epoch };
    if (await scope.database.people.update(scope.tenantId, person._id, expect, changes)) {
      await audit(personDeps, scope, 'person.signed_in', { person: person._id, with: step !== null ? 'totp' : 'recovery_code', ...(recoveryGood ? { recoveryCodesLeft: person.recoveryCodes.length - 1 } : {}) });
      return { ...person, ...changes };
    }
  }
  const failures = await scope.database.people.countFailure(scope.tenantId, person._id, now);
  await audit(personDeps, scope, 'person.sign_in_failed', { person: person._id });
  if (failures >= PERSON_LOCKOUT.failures) {
    await scope.database.people.update(scope.tenantId, person._id, {}, { failures: 0, lockedUntil: new Date(now.getTime() + PERSON_LOCKOUT.lockMs), updatedAt: now });
    await audit(personDeps, scope, 'person.locked', { person: person._id, minutes: PERSON_LOCKOUT.lockMs / 60_000 });
  }
  throw signInFailed();
}

/** The person a session names, while the session may go on: active, same tenant, same epoch. */
export async function sessionPerson(router: Regions, tenant: string, personId: string, epoch: number): Promise<StoredPerson | null> {
  const region = await router.regionOf(tenant);
  if (region === null) return null;
  const person = await router.region(region).people.find(tenant, personId);
  return person && person.state === 'active' && person.epoch === epoch ? person : null;
}

/** A sign-out, for the audit log. */
export async function recordSignOut(deps: PeopleDeps, tenant: string, personId: string, reason: 'signed_out' | 'expired'): Promise<void> {
  const scope = await tenantScope(deps, tenant);
  await audit({ ...deps, actor: `person:${personId}` }, scope, 'person.signed_out', { person: personId, reason });
}

