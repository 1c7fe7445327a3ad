import { InputError } from '../shared/errors.js';

const VERIFY_TIMEOUT_MS = 15_000;

/**
 * One read request (GET /api/v2/users/me) to check a Zendesk email and API token,
 * and that the user is an admin, which the incremental exports require.
 */
export async function verifyZendeskCredentials(rootUrl: string, email: string, token: string): Promise<{ userId: number }> {
  let response: Response;
  try {
    response = await fetch(`${rootUrl}/api/v2/users/me.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`, accept: 'application/json' },
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
  } catch (error) {
    throw new InputError('zendesk-url', `could not reach Zendesk at ${rootUrl} (${(error as Error).name}); check --zendesk-url, or pass --no-verify`);
  }
  if (response.status === 401) {
    throw new InputError('zendesk-token', 'Zendesk refused the email and token (401): check --zendesk-email and --zendesk-token');
  }
  if (response.status !== 200) {
    throw new InputError('zendesk-url', `Zendesk answered ${response.status} at ${rootUrl}/api/v2/users/me: check --zendesk-url`);
  }
  const body = (await response.json().catch(() => null)) as { user?: { id?: unknown; role?: unknown } } | null;
  if (typeof body?.user?.id !== 'number') {
    throw new InputError('zendesk-url', `${rootUrl} does not answer like Zendesk: check --zendesk-url`);
  }
  if (body.user.role !== 'admin') {
    throw new InputError('zendesk-email', 'the Zendesk user must be an admin (incremental exports require it): use an admin\'s email and token');
  }
  return { userId: body.user.id };
}
