// The dashboard's people (src/access/people.ts) on the memory stores with a real keyring:
// setup links (single use, 24 h), enrolment only with a valid code, sign-in with all three
// factors and no hint of which failed, lockout after 5 failures, recovery codes good once,
// and disable, reset and role changes ending sessions; the audit log names ids only.
import { describe, expect, it } from 'vitest';
import { addPerson, completeSetup, disablePerson, listPeople, type PeopleDeps, resetPerson, sessionPerson, setPersonRole, signIn, startSetup } from '../../../src/access/people.js';
import { totpCodeAt } from '../../../src/access/totp.js';
import { memoryRegion } from '../store/memory-region.js';

const PASSWORD = 'copper lantern orbit 42';
const EMAIL = 'Manager.ZZCANARY@acme.example';

async function world() {
  let now = new Date('2026-03-10T12:00:00Z');
  const clock = () => now;
  const region = memoryRegion(clock);
  await region.addTenant('acme');
  await region.addTenant('globex');
  const deps: PeopleDeps = { router: region.regions, keyring: () => region.keyring, now: clock, actor: 'cli:admin', publicUrl: 'https://tally.example.test' };
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { region, deps, advance, clock };
}

const tokenOf = (link: string) => link.slice(link.indexOf('#') + 1);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'none', field: undefined, message: '' }),
    (error: { code?: string; field?: string; message: string }) => error,
  );

/** Invites and sets up a person; returns the secret and recovery codes. */
async function enrolled(w: Awaited<ReturnType<typeof world>>, role = 'viewer') {
  const invited = await addPerson(w.deps, { tenant: 'acme', email: EMAIL, role });
  const token = tokenOf(invited.link);
  const start = await startSetup(w.deps, 'acme', token);
  const done = await completeSetup(w.deps, 'acme', { token, password: PASSWORD, confirm: PASSWORD, code: totpCodeAt(start.secret, w.clock()) });
  w.advance(31_000);
  return { id: invited.person.id, secret: start.secret, recoveryCodes: done.recoveryCodes, token };
}

describe('inviting and setting up a person', () => {
  it('prints a link with the token in the fragment, stores the email sealed, and audits ids only', async () => {
    const w = await world();
    const invited = await addPerson(w.deps, { tenant: 'acme', email: EMAIL, role: 'privacy' });
    expect(invited.link).toMatch(/^https:\/\/tally\.example\.test\/app\/acme\/setup#[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(invited.expiresAt.getTime() - w.clock().getTime()).toBe(24 * 3_600_000);
    expect(invited.person).toMatchObject({ email: EMAIL.toLowerCase(), role: 'privacy', state: 'invited' });
    const stored = await w.region.stores.people.find('acme', invited.person.id);
    expect(JSON.stringify(stored)).not.toMatch(/zzcanary/i);
    expect(stored?.setupToken).not.toBe(tokenOf(invited.link).split('.')[1]);
    const second = await failure(addPerson(w.deps, { tenant: 'acme', email: ` ${EMAIL.toUpperCase()} `, role: 'viewer' }));
    expect(second.code).toBe('PERSON_EXISTS');
    const audit = [];
    for await (const entry of w.region.stores.audit.entries('acme')) audit.push(entry);
    expect(audit.map((entry) => entry.action)).toContain('person.invited');
    expect(JSON.stringify(audit)).not.toMatch(/zzcanary|@acme/i);
  });

  it('refuses bad input naming the flag', async () => {
    const w = await world();
    expect((await failure(addPerson(w.deps, { tenant: 'acme', email: 'not-an-email', role: 'viewer' }))).field).toBe('--email');
    expect((await failure(addPerson(w.deps, { tenant: 'acme', email: EMAIL, role: 'boss' }))).field).toBe('--role');
    expect((await failure(addPerson(w.deps, { tenant: 'nosuch', email: EMAIL, role: 'viewer' }))).field).toBe('--tenant');
  });

  it('shows the same secret on every visit, and enrols only with a valid code and an allowed password', async () => {
    const w = await world();
    const invited = await addPerson(w.deps, { tenant: 'acme', email: EMAIL, role: 'viewer' });
    const token = tokenOf(invited.link);
    const first = await startSetup(w.deps, 'acme', token);
    expect((await startSetup(w.deps, 'acme', token)).secret).toBe(first.secret);
    expect(first.email).toBe(EMAIL.toLowerCase());
    const code = totpCodeAt(first.secret, w.clock());
    expect((await failure(completeSetup(w.deps, 'acme', { token, password: 'short', confirm: 'short', code }))).field).toBe('password');
    expect((await failure(completeSetup(w.deps, 'acme', { token, password: '1qaz2wsx3edc', confirm: '1qaz2wsx3edc', code }))).field).toBe('password');
    expect((await failure(completeSetup(w.deps, 'acme', { token, password: PASSWORD, confirm: `${PASSWORD}!`, code }))).field).toBe('confirm');
    expect((await failure(completeSetup(w.deps, 'acme', { token, password: PASSWORD, confirm: PASSWORD, code: code === '000000' ? '111111' : '000000' }))).field).toBe('code');
    const done = await completeSetup(w.deps, 'acme', { token, password: PASSWORD, confirm: PASSWORD, code });
    expect(done.recoveryCodes).toHaveLength(10);
    // The link is spent: a second use, or a visit, is refused the same way.
    expect((await failure(completeSetup(w.deps, 'acme', { token, password: PASSWORD, confirm: PASSWORD, code }))).code).toBe('SETUP_LINK_INVALID');
    expect((await failure(startSetup(w.deps, 'acme', token))).code).toBe('SETUP_LINK_INVALID');
    const stored = await w.region.stores.people.find('acme', invited.person.id);
    expect(stored?.state).toBe('active');
    expect(JSON.stringify(stored)).not.toContain(first.secret);
    for (const code of done.recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('refuses an expired link, a link of another tenant, and a forged token', async () => {
    const w = await world();
    const invited = await addPerson(w.deps, { tenant: 'acme', email: EMAIL, role: 'viewer' });
    const token = tokenOf(invited.link);
    expect((await failure(startSetup(w.deps, 'globex', token))).code).toBe('SETUP_LINK_INVALID');
    expect((await failure(startSetup(w.deps, 'acme', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`))).code).toBe('SETUP_LINK_INVALID');
    expect((await failure(startSetup(w.deps, 'acme', 'nonsense'))).code).toBe('SETUP_LINK_INVALID');
    w.advance(24 * 3_600_000);
    expect((await failure(startSetup(w.deps, 'acme', token))).code).toBe('SETUP_LINK_INVALID');
  });
});

describe('signing in', () => {
  it('needs email, password and a fresh code, and says the same whichever is wrong', async () => {
    const w = await world();
    const person = await enrolled(w);
    const code = () => totpCodeAt(person.secret, w.clock());
    const wrong = [
      { email: 'other@acme.example', password: PASSWORD, code: code() },
      { email: EMAIL, password: `${PASSWORD}x`, code: code() },
      { email: EMAIL, password: PASSWORD, code: code() === '123456' ? '654321' : '123456' },
    ];
    const messages = new Set<string>();
    for (const input of wrong) {
      const error = await failure(signIn(w.deps, 'acme', input));
      expect(error.code).toBe('SIGN_IN_FAILED');
      messages.add(error.message);
    }
    expect(messages.size).toBe(1);
    const signedIn = await signIn(w.deps, 'acme', { email: EMAIL.toLowerCase(), password: PASSWORD, code: code() });
    expect(signedIn._id).toBe(person.id);
    // The same code again (a replay) is refused.
    expect((await failure(signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: code() }))).code).toBe('SIGN_IN_FAILED');
    // Another tenant has no such person.
    expect((await failure(signIn(w.deps, 'globex', { email: EMAIL, password: PASSWORD, code: code() }))).code).toBe('SIGN_IN_FAILED');
  });

  it('locks the person for 15 minutes after 5 failures in a row, right code or not', async () => {
    const w = await world();
    const person = await enrolled(w);
    for (let i = 0; i < 5; i++) expect((await failure(signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: '000000' }))).code).toBe('SIGN_IN_FAILED');
    w.advance(30_000);
    expect((await failure(signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: totpCodeAt(person.secret, w.clock()) }))).code).toBe('SIGN_IN_LOCKED');
    w.advance(15 * 60_000);
    expect((await signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: totpCodeAt(person.secret, w.clock()) }))._id).toBe(person.id);
    const audit = [];
    for await (const entry of w.region.stores.audit.entries('acme')) audit.push(entry.action);
    expect(audit).toEqual(expect.arrayContaining(['person.sign_in_failed', 'person.locked', 'person.sign_in_refused_locked', 'person.signed_in']));
  });

  it('takes each recovery code once', async () => {
    const w = await world();
    const person = await enrolled(w);
    const code = person.recoveryCodes[3] as string;
    expect((await signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: code.toUpperCase() }))._id).toBe(person.id);
    expect((await failure(signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code }))).code).toBe('SIGN_IN_FAILED');
    expect((await listPeople(w.deps, 'acme'))[0]?.recoveryCodesLeft).toBe(9);
  });
});

describe('ending sessions', () => {
  it('a disable, a reset or a role change gives the person a new epoch, so every session ends', async () => {
    const w = await world();
    const person = await enrolled(w, 'admin');
    const signedIn = await signIn(w.deps, 'acme', { email: EMAIL, password: PASSWORD, code: totpCodeAt(person.secret, w.clock()) });
    expect(await sessionPerson(w.region.regions, 'acme', person.id, signedIn.epoch)).not.toBeNull();
    expect(await sessionPerson(w.region.regions, 'globex', person.id, signedIn.epoch)).toBeNull();
    const changed = await setPersonRole(w.deps, 'acme', person.id, 'viewer');
    expect(changed.role).toBe('viewer');
    expect(await sessionPerson(w.region.regions, 'acme', person.id, signedIn.epoch)).toBeNull();
    const reset = await resetPerson(w.deps, 'acme', person.id);
    expect(reset.person.state).toBe('invited');
    expect((await failure(startSetup(w.deps, 'acme', person.token))).code).toBe('SETUP_LINK_INVALID');
    expect((await startSetup(w.deps, 'acme', tokenOf(reset.link))).secret).not.toBe(person.secret);
    const disabled = await disablePerson(w.deps, 'acme', person.id);
    expect(disabled.state).toBe('disabled');
    expect((await failure(startSetup(w.deps, 'acme', tokenOf(reset.link)))).code).toBe('SETUP_LINK_INVALID');
    expect((await failure(disablePerson(w.deps, 'acme', 'ffffffffffffffff'))).field).toBe('--id');
  });
});
