// The dashboard in a real headless Chromium (playwright-core driving Debian's chromium)
// against a real `tally serve` on the simulator's data, synced into FerretDB
// (docs/dashboard.md): the whole journey from setup link to sign-out, the agents table
// against the API's JSON, the agent's charts, roles, a purge filed from the Privacy page,
// lockout, recovery codes, setup links expired or reused, CSRF, cookie flags, an axe-core
// scan, and screenshots of every page at 1280×800 and 390×844 (.data/test-artifacts).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { totpCodeAt } from '../../src/access/totp.js';
import { syncTenant } from '../../src/ingest/sync-tenant.js';
import type { MetricsComparison } from '../../src/metrics/metrics-report.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { AGENT_COLUMNS, columnValue } from '../../src/web/pages/agents.js';
import { type HeadlessBrowser, launchChromium } from '../helpers/browser.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { runTally } from '../helpers/tally-cli.js';
import { tallyArgs } from '../helpers/tally-command.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const TENANT = `dash-${randomUUID().slice(0, 6)}`;
const PASSWORD = 'copper lantern orbit 42';
const ARTIFACTS = join('.data', 'test-artifacts', 'screenshots');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let server: { child: ChildProcess; url: string; output: () => string };
let browser: HeadlessBrowser;
let viewerKey = '';
const prefix = `dash-${randomUUID().slice(0, 8)}`;
const people = new Map<string, { email: string; secret: string; recoveryCodes: string[] }>();

function startServer(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, tallyArgs('serve'), {
    env: { ...process.env, ...regions.env, TALLY_HTTP_PORT: '0', TALLY_QUEUE_PREFIX: prefix, TALLY_LOG_LEVEL: 'info', ...extraEnv },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tally serve did not start: ${output}`)), 30_000);
    child.stderr?.on('data', () => {
      const match = /listening on (https?:\/\/[^ ]+) /.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`tally serve exited ${String(code)}: ${output}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `tally users add`: the setup link it prints. */
async function invite(email: string, role: string): Promise<string> {
  const result = await runTally(['users', 'add', '--tenant', TENANT, '--email', email, '--role', role], { ...regions.env, TALLY_PUBLIC_URL: server.url });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toContain(email);
  return result.stdout.trim();
}

/** Opens the setup link, sets the password, enrols TOTP from the secret shown, and keeps the recovery codes shown. */
async function setUp(page: Page, email: string, link: string): Promise<void> {
  await page.goto(link);
  await page.locator('#setup-form').waitFor({ state: 'visible' });
  // The token left the address bar and the history as soon as the page read it.
  expect(page.url()).not.toContain('#');
  expect(await page.locator('#setup-email').textContent()).toBe(email);
  const secret = ((await page.locator('#secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.locator('#qr img').getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
  await accessible(page, 'setup');
  await page.fill('#password', PASSWORD);
  await page.fill('#confirm', PASSWORD);
  await page.fill('#code', totpCodeAt(secret, new Date()));
  await page.click('#setup-form button[type="submit"]');
  await page.locator('ol.codes').waitFor();
  const recoveryCodes = await page.locator('ol.codes code').allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  people.set(email, { email, secret, recoveryCodes });
}

/**
 * Signs in. The code is the next step's (accepted one step early), so it is never the
 * step the enrolment or an earlier sign-in of this minute used.
 */
async function signIn(page: Page, email: string, code?: string, stepsAhead = 1): Promise<void> {
  const person = people.get(email) as { secret: string };
  await page.goto(`${server.url}/app/${TENANT}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.fill('#code', code ?? totpCodeAt(person.secret, new Date(Date.now() + stepsAhead * 30_000)));
  await page.click('form[action$="/sign-in"] button[type="submit"]');
  await page.waitForLoadState('domcontentloaded');
}

/** A script expression run in the page (its DOM types are the browser's, not this program's). */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

async function apiJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${viewerKey}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size.name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function accessible(page: Page, name: string): Promise<void> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ content: readFileSync(axePath, 'utf8') });
  const violations = await page.evaluate(async () => {
    // In the page: axe-core's global, run on the whole document.
    const page = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length }));
  });
  expect(violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'), name).toEqual([]);
}

beforeAll(async () => {
  regions = await startTwoRegions();
  // The simulator's days end today, so the dashboard's presets cover them.
  simulator = createZendeskSimulator({ accounts: [{ account: 'acme', seed: 11, agents: 4, days: 10, ticketsPerDay: 12, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 }], now: () => Date.now() });
  await simulator.listen(0);
  const { context, redis } = await tenantForSimulator(regions, simulator, { id: TENANT, region: 'eu', timeZone: 'Europe/Berlin' });
  await syncTenant(await context());
  await redis.quit();
  viewerKey = (await createApiKey({ router: regions.router, now: () => new Date(), actor: 'test' }, { tenant: TENANT, role: 'viewer', label: 'dashboard test' })).token;
  server = await startServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server) await stopServer(server.child);
  await simulator?.close();
  await regions?.close();
});

describe('the dashboard in a real browser', { timeout: 120_000 }, () => {
  it('setup link → password → TOTP → sign in → agents equal the API → an agent chart → sign out', async () => {
    const email = 'viewer.zzcanary@acme.example';
    const link = await invite(email, 'viewer');
    expect(link).toMatch(new RegExp(`^${server.url}/app/${TENANT}/setup#[0-9a-f]{16}\\.`));
    const page = await browser.context.newPage();
    await setUp(page, email, link);
    await accessible(page, 'recovery-codes');
    await screenshot(page, 'recovery-codes');

    await page.goto(`${server.url}/app/${TENANT}/sign-in`);
    await accessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await signIn(page, email);
    expect(new URL(page.url()).pathname).toBe(`/app/${TENANT}/agents`);

    // The default range is the last 30 days; the table equals the API's comparison for it.
    const caption = (await page.locator('#range-caption').textContent()) ?? '';
    const [from, to] = /(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(caption)?.slice(1) as [string, string];
    const api = await apiJson<MetricsComparison>(`/v1/tenants/${TENANT}/metrics?from=${from}&to=${to}&compare=previous`);
    expect(api.agents.length).toBeGreaterThan(0);
    const rows = await inPage<{ agent: number; name: string; cells: Record<string, string | null> }[]>(
      page,
      `[...document.querySelectorAll('#agents-table tbody tr')].map((tr) => ({
        agent: Number(tr.getAttribute('data-agent')),
        name: tr.querySelector('th').textContent.trim(),
        cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.getAttribute('data-col'), td.getAttribute('data-value')])),
      }))`,
    );
    expect(rows.map((row) => row.agent).sort()).toEqual(api.agents.map((agent) => agent.agentId).sort());
    for (const agent of api.agents) {
      const row = rows.find((candidate) => candidate.agent === agent.agentId);
      expect(row?.name).toBe(agent.name);
      for (const column of AGENT_COLUMNS) {
        const value = columnValue(agent.current, column.key);
        expect(row?.cells[column.key], `${agent.agentId} ${column.key}`).toBe(value === null ? '' : String(value));
      }
    }
    // Sorted by solves, most first, by default; a header link sorts the other way.
    const solves = rows.map((row) => Number(row.cells['solves']));
    expect(solves).toEqual([...solves].sort((a, b) => b - a));
    await page.click('th a:has-text("Solved")');
    const ascending = await inPage<number[]>(page, `[...document.querySelectorAll('#agents-table td[data-col="solves"]')].map((td) => Number(td.getAttribute('data-value')))`);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await expect(page.locator('th[aria-sort="ascending"]').count()).resolves.toBe(1);
    await accessible(page, 'agents');
    await screenshot(page, 'agents');

    // The CSV download is the API's CSV of the comparison.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download CSV")')]);
    const csv = readFileSync(await download.path(), 'utf8');
    const apiCsv = await (await fetch(`${server.url}/v1/tenants/${TENANT}/metrics.csv?from=${from}&to=${to}&compare=previous`, { headers: { authorization: `Bearer ${viewerKey}` } })).text();
    expect(csv).toBe(apiCsv);

    // An agent's charts render with points, and hovering shows a day's value.
    const busiest = [...api.agents].sort((a, b) => (b.current?.solves ?? 0) - (a.current?.solves ?? 0))[0] as MetricsComparison['agents'][number];
    await page.click(`tr[data-agent="${busiest.agentId}"] th a`);
    await page.locator('body[data-charts-ready="true"]').waitFor();
    const plots = await inPage<{ canvas: boolean; points: number }[]>(page, `[...document.querySelectorAll('.plot')].map((div) => ({ canvas: div.querySelector('canvas') !== null, points: Number(div.getAttribute('data-points')) }))`);
    expect(plots).toHaveLength(6);
    for (const plot of plots) expect(plot).toMatchObject({ canvas: true });
    expect(plots[0]?.points).toBeGreaterThan(0);
    const solvesPlot = page.locator('[data-plot="solves"] .u-over');
    const box = (await solvesPlot.boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    const legend = await page.locator('[data-plot="solves"] .u-legend .u-value').allTextContents();
    expect(legend[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(legend[1]).toMatch(/^\d+$/);
    await accessible(page, 'agent');
    await screenshot(page, 'agent');

    await page.goto(`${server.url}/app/${TENANT}/sync`);
    await expect(page.locator('#streams-table tbody tr').count()).resolves.toBeGreaterThan(0);
    await accessible(page, 'sync');
    await screenshot(page, 'sync');

    await page.click('button:has-text("Sign out")');
    expect(new URL(page.url()).pathname).toBe(`/app/${TENANT}/sign-in`);
    await page.goto(`${server.url}/app/${TENANT}/agents`);
    expect(new URL(page.url()).pathname).toBe(`/app/${TENANT}/sign-in`);
    await page.close();
  });

  it('a viewer gets the 403 page for Privacy and People, with nothing of them in the HTML', async () => {
    const email = 'viewer.zzcanary@acme.example';
    const page = await browser.context.newPage();
    await signIn(page, email, (people.get(email) as { recoveryCodes: string[] }).recoveryCodes[0]);
    for (const section of ['privacy', 'people']) {
      const response = await page.goto(`${server.url}/app/${TENANT}/${section}`);
      expect(response?.status()).toBe(403);
      const body = await page.content();
      expect(body).toContain('needs the');
      expect(body).not.toMatch(/purges-table|audit-table|people-table|invite|setup-link|zzcanary@/i);
      // The navigation offers a viewer neither section.
      expect(await page.locator(`nav a[href$="/${section}"]`).count()).toBe(0);
    }
    await accessible(page, 'forbidden');
    await screenshot(page, 'forbidden');
    await page.close();
  });

  it('a privacy person files a purge with a confirmation, sees its receipt, and the agent leaves the agents table', async () => {
    const email = 'privacy.zzcanary@acme.example';
    const page = await browser.context.newPage();
    await setUp(page, email, await invite(email, 'privacy'));
    // Keyboard only: the email field has the focus, Tab moves on, Enter sends.
    await page.goto(`${server.url}/app/${TENANT}/sign-in`);
    // Chromium applies autofocus after the load event: keys typed before it go nowhere (a loaded CI machine once sent a sign-in back refused here).
    await page.waitForFunction("document.activeElement !== null && document.activeElement.id === 'email'");
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(totpCodeAt((people.get(email) as { secret: string }).secret, new Date(Date.now() + 30_000)));
    await Promise.all([page.waitForURL(/\/agents$/), page.keyboard.press('Enter')]);
    // The first Tab stop is the skip link, which moves the focus to the page's content.
    await page.keyboard.press('Tab');
    expect(await inPage<string>(page, 'document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await inPage<string>(page, 'document.activeElement.id')).toBe('main');
    // The navigation and the sort links are reached and followed from the keyboard.
    await page.focus('nav a[href$="/privacy"]');
    await Promise.all([page.waitForURL(/\/privacy$/), page.keyboard.press('Enter')]);
    await expect(page.locator('#chain-status').textContent()).resolves.toContain('The chain verifies');
    await accessible(page, 'privacy');
    await screenshot(page, 'privacy');

    const caption = (await (await page.goto(`${server.url}/app/${TENANT}/agents`))?.text()) ?? '';
    const victim = Number(/data-agent="(\d+)"/.exec(caption)?.[1]);
    expect(victim).toBeGreaterThan(0);

    await page.goto(`${server.url}/app/${TENANT}/privacy`);
    // Without a reason the form says so, and nothing is filed.
    await page.fill('#purge-agent', String(victim));
    await page.click('form[action$="/purges/confirm"] button[type="submit"]');
    await expect(page.locator('#purge-reason:invalid').count()).resolves.toBe(1);
    await page.fill('#purge-reason', 'erasure request ZZCANARY-REASON');
    await page.click('form[action$="/purges/confirm"] button[type="submit"]');
    await page.locator('text=This cannot be undone').waitFor();
    await accessible(page, 'purge-confirm');
    await screenshot(page, 'purge-confirm');
    await page.click('button:has-text("File the purge")');
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`/app/${TENANT}/privacy/purges/[0-9a-f-]{36}$`));
    const requestId = new URL(page.url()).pathname.split('/').at(-1) as string;

    // The worker's part: the purge queue served until the request is done.
    const { servePurgeQueueUntilDone } = await import('../../jobs/purge-job.js');
    await servePurgeQueueUntilDone(
      { redisUrl: regions.config.redisUrl, queueBase: prefix, timeoutMs: 60_000 },
      { router: regions.router, keyring: (region: string) => regions.keyring(region as 'us' | 'eu'), now: () => new Date(), actor: 'worker' },
      { _id: requestId, region: 'eu' },
    );
    await page.reload();
    await expect(page.locator('#receipt-state').textContent()).resolves.toContain('done');
    const receipt = JSON.parse((await page.locator('#receipt-json').textContent()) ?? '{}') as { requestId: string; state: string; found: boolean; verification: { ok: boolean } };
    expect(receipt).toMatchObject({ requestId, state: 'done', found: true, verification: { ok: true } });
    expect(await page.content()).not.toContain('ZZCANARY-REASON');
    await accessible(page, 'receipt');
    await screenshot(page, 'receipt');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download the receipt")')]);
    expect(JSON.parse(readFileSync(await download.path(), 'utf8'))).toEqual(receipt);

    const agents = await (await page.goto(`${server.url}/app/${TENANT}/agents`))?.text();
    expect(agents).not.toContain(`data-agent="${victim}"`);
    await page.close();
  });

  it('an admin invites, changes a role and disables; a disabled person is signed out at once', async () => {
    const adminEmail = 'admin.zzcanary@acme.example';
    const admin = await browser.context.newPage();
    await setUp(admin, adminEmail, await invite(adminEmail, 'admin'));
    await signIn(admin, adminEmail);
    await admin.goto(`${server.url}/app/${TENANT}/people`);
    await admin.fill('#invite-email', 'newcomer.zzcanary@acme.example');
    await admin.selectOption('#invite-role', 'viewer');
    await admin.click('form[action$="/people/invite"] button[type="submit"]');
    const link = ((await admin.locator('#setup-link').textContent()) ?? '').trim();
    expect(link).toMatch(/\/setup#[0-9a-f]{16}\./);
    await accessible(admin, 'people');
    await screenshot(admin, 'people');

    // The newcomer sets up and signs in in another browser; then the admin disables them.
    const other = await launchChromium();
    try {
      const newcomer = await other.context.newPage();
      await setUp(newcomer, 'newcomer.zzcanary@acme.example', link);
      await signIn(newcomer, 'newcomer.zzcanary@acme.example');
      expect(new URL(newcomer.url()).pathname).toBe(`/app/${TENANT}/agents`);
      const id = await admin.locator('tr:has-text("newcomer.zzcanary@acme.example")').getAttribute('data-person');
      await admin.reload();
      await admin.selectOption(`#role-${id}`, 'privacy');
      await admin.click(`tr[data-person="${id}"] form[action$="/role"] button`);
      await expect(admin.locator('.notice').first().textContent()).resolves.toContain('is now privacy');
      await newcomer.goto(`${server.url}/app/${TENANT}/agents`);
      expect(new URL(newcomer.url()).pathname).toBe(`/app/${TENANT}/sign-in`);
      await signIn(newcomer, 'newcomer.zzcanary@acme.example', people.get('newcomer.zzcanary@acme.example')?.recoveryCodes[0]);
      await newcomer.goto(`${server.url}/app/${TENANT}/privacy`);
      expect(new URL(newcomer.url()).pathname).toBe(`/app/${TENANT}/privacy`);
      await admin.click(`tr[data-person="${id}"] form[action$="/disable"] button`);
      await expect(admin.locator(`tr[data-person="${id}"] td[data-col="state"]`).textContent()).resolves.toContain('disabled');
      await newcomer.goto(`${server.url}/app/${TENANT}/agents`);
      expect(new URL(newcomer.url()).pathname).toBe(`/app/${TENANT}/sign-in`);
    } finally {
      await other.close();
    }
    await admin.close();
  });

  it('locks a person after 5 wrong codes; a recovery code works once; used and expired setup links are refused', async () => {
    const email = 'locked.zzcanary@acme.example';
    const link = await invite(email, 'viewer');
    const page = await browser.context.newPage();
    await setUp(page, email, link);
    // The used link, opened as a new page would: refused.
    await page.goto('about:blank');
    await page.goto(link);
    await page.locator('#setup-error:not([hidden])').waitFor();
    expect(await page.locator('#setup-error').textContent()).toContain('expired, used or wrong');

    const person = people.get(email) as { secret: string; recoveryCodes: string[] };
    const recovery = person.recoveryCodes[5] as string;
    await signIn(page, email, recovery);
    expect(new URL(page.url()).pathname).toBe(`/app/${TENANT}/agents`);
    await page.click('button:has-text("Sign out")');
    await signIn(page, email, recovery);
    expect(await page.locator('#sign-in-error').textContent()).toContain('Sign-in failed');

    const good = totpCodeAt(person.secret, new Date());
    const wrong = good === '000000' ? '111111' : '000000';
    // The recovery code's failure above was the first of five.
    for (let i = 0; i < 4; i++) await signIn(page, email, wrong);
    await screenshot(page, 'sign-in-failed');
    await signIn(page, email, undefined, 0);
    expect(new URL(page.url()).pathname).toBe(`/app/${TENANT}/sign-in`);
    expect(await page.locator('#sign-in-error').textContent()).toContain('Sign-in failed');
    const audit = await runTally(['audit', 'list', '--tenant', TENANT, '--format', 'json'], regions.env);
    expect(audit.stdout).toContain('person.locked');
    expect(audit.stdout).not.toMatch(/zzcanary|copper lantern/i);

    // An expired link: its expiry moved into the past in the database.
    const expiredLink = await invite('expired.zzcanary@acme.example', 'viewer');
    const personId = /#([0-9a-f]{16})\./.exec(expiredLink)?.[1] as string;
    await regions.router.region('eu').people.update(TENANT, personId, {}, { setupExpiresAt: new Date(Date.now() - 1000) });
    await page.goto('about:blank');
    await page.goto(expiredLink);
    await page.locator('#setup-error:not([hidden])').waitFor();
    await screenshot(page, 'setup-refused');
    await page.close();
  });

  it('refuses a form without its CSRF token, and sets HttpOnly, SameSite=Strict cookies', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    const response = await page.goto(`${server.url}/app/${TENANT}/sign-in`);
    const setCookie = (await response?.headerValue('set-cookie')) ?? '';
    expect(setCookie).toMatch(/^tally-session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookies = await browser.context.cookies(server.url);
    expect(cookies.find((cookie) => cookie.name === 'tally-session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The page's own session, but no token: refused.
    const forged = await page.request.post(`${server.url}/app/${TENANT}/sign-in`, { form: { email: 'x@acme.example', password: PASSWORD, code: '123456' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('CSRF');
    // A wrong token: refused too.
    const wrong = await page.request.post(`${server.url}/app/${TENANT}/sign-in`, { form: { _csrf: 'forged', email: 'x@acme.example', password: PASSWORD, code: '123456' } });
    expect(wrong.status()).toBe(403);
    await screenshot(page, 'csrf');
    await page.close();
  });

  it('under TLS the session cookie is __Host- and Secure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-dash-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tls = await startServer({ TALLY_HTTP_TLS_CERT: cert, TALLY_HTTP_TLS_KEY: key });
    try {
      const setCookie = await new Promise<string>((resolve, reject) => {
        const request = httpsRequest(`${tls.url}/app/${TENANT}/sign-in`, { ca: readFileSync(cert) }, (response) => {
          response.resume();
          resolve(String(response.headers['set-cookie'] ?? ''));
        });
        request.on('error', reject);
        request.end();
      });
      expect(setCookie).toMatch(/^__Host-tally-session=/);
      expect(setCookie).toMatch(/; Secure/i);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Domain=/i);
    } finally {
      await stopServer(tls.child);
    }
  });

  it("writes no email, password, code, secret or canary to the server's log", () => {
    const log = server.output();
    expect(log).not.toMatch(/zzcanary|copper lantern/i);
    for (const person of people.values()) {
      expect(log).not.toContain(person.secret);
      for (const code of person.recoveryCodes) expect(log).not.toContain(code);
    }
  });
});
