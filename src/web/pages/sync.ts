/** The Sync page (docs/dashboard.md#sync): the tenant's streams as `tally status` and the API's /status show them. Pure. */
import type { StreamRow } from '../../../jobs/operations-view.js';
import { type Html, html } from '../html.js';
import { page, type Viewer } from './layout.js';

const ago = (seconds: number | null): string => {
  if (seconds === null) return 'never';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86_400)} days`;
};

export function syncPage(input: { viewer: Viewer; streams: readonly StreamRow[]; now: Date }): Html {
  const { viewer, streams } = input;
  const authFailed = streams.some((row) => row.tenantStatus === 'auth_failed');
  return page({
    title: 'Sync',
    viewer,
    section: 'sync',
    body: html`
${authFailed ? html`<p class="error" role="alert" id="auth-failed">Stopped: Zendesk refused this tenant's credentials (401). An admin sets new ones with <code>tally tenants credentials</code>; syncs resume after.</p>` : ''}
${
  streams.length === 0
    ? html`<p class="notice" role="status">No stream has run for this tenant yet.</p>`
    : html`<div class="table-scroll" role="region" aria-label="Streams" tabindex="0"><table class="metrics text" id="streams-table">
<thead><tr><th scope="col">Stream</th><th scope="col">State</th><th scope="col">Lag</th><th scope="col">Last success</th><th scope="col">Last error</th><th scope="col">429s in the last hour</th></tr></thead>
<tbody>${streams.map(
        (row) => html`<tr data-stream="${row.stream}"><th scope="row">${row.stream}</th>
<td>${row.tenantStatus === 'auth_failed' ? html`<strong class="bad">auth_failed</strong>` : row.unavailable ? 'status unavailable' : row.tenantStatus}</td>
<td data-col="lag">${ago(row.lagSeconds)}</td>
<td data-col="lastSuccess">${row.lastSuccessAt === null ? 'never' : new Date(row.lastSuccessAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'}</td>
<td data-col="lastError">${row.lastErrorCode ?? '–'}</td>
<td data-col="rateLimited">${row.rateLimitedLastHour}</td></tr>`,
      )}</tbody></table></div>`
}`,
  });
}
