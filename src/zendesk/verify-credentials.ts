import { InputError } from '../shared/errors.js';
import { readCappedBody } from './read-capped-body.js';

const VERIFY_TIMEOUT_MS = 15_000;
/** users/me is one user: a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One read request (GET /api/v2/users/me) to check a Zendesk email and API token,
 * and that the user is an admin, which the incremental exports require. A redirect
 * is refused, never followed, and the body is read up to a cap, as by the client
 * (src/zendesk/zendesk-client.ts).
 */
export async function verifyZendeskCredentials(rootUrl: string, email: string, token: string): Promise<{ userId: number }> {
  const shown = shownRoot(rootUrl);
  let response: Response;
  const dropped = new AbortController();
  try {
    response = await fetch(`${rootUrl}/api/v2/users/me.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(VERIFY_TIMEOUT_MS), dropped.signal]),
    });
  } catch (error) {
    throw new InputError('zendesk-url', `could not reach Zendesk at ${shown} (${(error as Error).name}); check --zendesk-url, or pass --no-verify`);
  }
  if (response.status >= 300 && response.status < 400) {
    dropped.abort();
    throw new InputError(
      'zendesk-url',
      `Zendesk answered ${response.status} (a redirect) at ${shown}/api/v2/users/me; tally never follows redirects: give the account's own root as --zendesk-url, e.g. https://acme.zendesk.com`,
    );
  }
  if (response.status === 401) {
    throw new InputError('zendesk-token', 'Zendesk refused the email and token (401): check --zendesk-email and --zendesk-token');
  }
  if (response.status !== 200) {
    throw new InputError('zendesk-url', `Zendesk answered ${response.status} at ${shown}/api/v2/users/me: check --zendesk-url`);
  }
  const read = await readCappedBody(response, MAX_BODY_BYTES).catch(() => null);
  if (read !== null && !read.ok) {
    dropped.abort();
    throw new InputError('zendesk-url', `${shown} sent more than ${MAX_BODY_BYTES} bytes for one user, which Zendesk never does: check --zendesk-url`);
  }
  const body = (read === null ? null : parseJson(read.text)) as { user?: { id?: unknown; role?: unknown } } | null;
  if (typeof body?.user?.id !== 'number') {
    throw new InputError('zendesk-url', `${shown} does not answer like Zendesk: check --zendesk-url`);
  }
  if (body.user.role !== 'admin') {
    throw new InputError('zendesk-email', 'the Zendesk user must be an admin (incremental exports require it): use an admin\'s email and token');
  }
  return { userId: body.user.id };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The root as messages show it: scheme, host and path only (no user, password or query), at most 100 characters. */
function shownRoot(rootUrl: string): string {
  try {
    const url = new URL(rootUrl);
    const text = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    return text.length <= 100 ? text : `${text.slice(0, 99)}…`;
  } catch {
    return 'the given URL';
  }
}
