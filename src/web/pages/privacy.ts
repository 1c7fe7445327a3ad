/**
 * The Privacy pages (docs/dashboard.md#privacy): file a purge (email or Zendesk user id, a
 * reason, then a confirmation step), the tenant's purge requests with their states and
 * receipts, an agent's export, and the audit log with the chain's verification. The
 * receipts and the log are the API's bodies; reasons are never shown. Pure.
 */
import type { StoredAudit } from '../../../schemas/records.js';
import type { ChainCheck } from '../../audit/audit-chain.js';
import type { PurgeReceipt } from '../../privacy/plan-purge.js';
import { type Html, html } from '../html.js';
import { page, type Viewer } from './layout.js';

export interface PurgeDraft {
  readonly email: string;
  readonly agentId: string;
  readonly reason: string;
}

const when = (iso: string | null) => (iso === null ? '–' : iso.replace('T', ' ').slice(0, 19) + ' UTC');

function purgeForm(viewer: Viewer, draft: PurgeDraft | undefined, error: string | undefined): Html {
  return html`<section aria-labelledby="file-purge"><h2 id="file-purge">File a purge</h2>
${error ? html`<p class="error" role="alert" id="purge-error">${error}</p>` : ''}
<form method="post" action="/app/${viewer.tenant}/privacy/purges/confirm" class="card narrow"${error ? html` aria-describedby="purge-error"` : ''}>
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <p>Give the agent's email <em>or</em> their Zendesk user id. The purge deletes every record of the agent, shreds their key, and keeps them out of later syncs.</p>
  <label for="purge-email">Email</label>
  <input id="purge-email" name="email" type="email" value="${draft?.email ?? ''}" autocomplete="off">
  <label for="purge-agent">Zendesk user id</label>
  <input id="purge-agent" name="agentId" type="text" inputmode="numeric" pattern="[1-9][0-9]{0,15}" value="${draft?.agentId ?? ''}" autocomplete="off">
  <label for="purge-reason">Reason (required; stored sealed, shown only while pending)</label>
  <input id="purge-reason" name="reason" type="text" maxlength="500" value="${draft?.reason ?? ''}" required>
  <button type="submit">Review the purge</button>
</form></section>`;
}

export function privacyPage(input: { viewer: Viewer; receipts: readonly PurgeReceipt[]; entries: readonly StoredAudit[]; chain: ChainCheck; draft?: PurgeDraft; error?: string; exportError?: string }): Html {
  const { viewer } = input;
  return page({
    title: 'Privacy',
    viewer,
    section: 'privacy',
    body: html`
${purgeForm(viewer, input.draft, input.error)}
<section aria-labelledby="requests"><h2 id="requests">Purge requests</h2>
${
  input.receipts.length === 0
    ? html`<p>No purge requests yet.</p>`
    : html`<div class="table-scroll" role="region" aria-labelledby="requests" tabindex="0"><table class="metrics text" id="purges-table">
<thead><tr><th scope="col">Request</th><th scope="col">State</th><th scope="col">Requested</th><th scope="col">Completed</th><th scope="col">Agent found</th><th scope="col">Receipt</th></tr></thead>
<tbody>${input.receipts.map(
        (receipt) => html`<tr data-request="${receipt.requestId}"><th scope="row"><code>${receipt.requestId}</code></th><td data-col="state">${receipt.state}</td><td>${when(receipt.requestedAt)}</td><td>${when(receipt.completedAt)}</td><td>${receipt.found === null ? '–' : receipt.found ? 'yes' : 'no'}</td>
<td><a href="/app/${viewer.tenant}/privacy/purges/${receipt.requestId}">View</a> · <a href="/app/${viewer.tenant}/privacy/purges/${receipt.requestId}/receipt.json" download>JSON</a></td></tr>`,
      )}</tbody></table></div>`
}
</section>
<section aria-labelledby="export"><h2 id="export">Export an agent</h2>
${input.exportError ? html`<p class="error" role="alert" id="export-error">${input.exportError}</p>` : ''}
<form method="post" action="/app/${viewer.tenant}/privacy/exports" class="card narrow">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <p>Everything tally stores about one agent (an access request), as a JSON download. The read is audited.</p>
  <label for="export-email">Email</label>
  <input id="export-email" name="email" type="email" autocomplete="off">
  <label for="export-agent">Zendesk user id</label>
  <input id="export-agent" name="agentId" type="text" inputmode="numeric" pattern="[1-9][0-9]{0,15}" autocomplete="off">
  <button type="submit">Download the export</button>
</form></section>
<section aria-labelledby="audit"><h2 id="audit">Audit log</h2>
<p class="${input.chain.ok ? 'notice' : 'error'}" role="status" id="chain-status">${
      input.chain.ok ? `The chain verifies: ${input.chain.entries} entries, none altered, removed or reordered.` : `The chain does NOT verify at entry ${input.chain.brokenAt ?? '?'}: ${input.chain.reason ?? 'an entry was altered, removed or reordered'}.`
    }</p>
<div class="table-scroll" role="region" aria-labelledby="audit" tabindex="0"><table class="metrics text" id="audit-table">
<thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Details</th></tr></thead>
<tbody>${[...input.entries].reverse().slice(0, 200).map(
      (entry) => html`<tr><th scope="row">${entry.seq}</th><td>${when(entry.at.toISOString())}</td><td>${entry.actor}</td><td>${entry.action}</td><td><code>${JSON.stringify(entry.details)}</code></td></tr>`,
    )}</tbody></table></div>
${input.entries.length > 200 ? html`<p>The latest 200 of ${input.entries.length} entries; <code>tally audit list</code> and the API's /audit give all.</p>` : ''}
</section>`,
  });
}

/** The confirmation step: what will be purged, and the button that files it. */
export function purgeConfirmPage(input: { viewer: Viewer; draft: PurgeDraft }): Html {
  const { viewer, draft } = input;
  return page({
    title: 'Confirm the purge',
    viewer,
    section: 'privacy',
    body: html`
<p class="error" role="alert">This cannot be undone. Every record of the agent ${draft.email ? html`with email <strong>${draft.email}</strong>` : html`with Zendesk user id <strong>${draft.agentId}</strong>`} is deleted, their key shredded, and later syncs skip them.</p>
<form method="post" action="/app/${viewer.tenant}/privacy/purges" class="card narrow">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="email" value="${draft.email}">
  <input type="hidden" name="agentId" value="${draft.agentId}">
  <input type="hidden" name="reason" value="${draft.reason}">
  <input type="hidden" name="confirmed" value="yes">
  <p>Reason: ${draft.reason}</p>
  <button type="submit">File the purge</button>
</form>
<p><a href="/app/${viewer.tenant}/privacy">Cancel</a></p>`,
  });
}

export function receiptPage(input: { viewer: Viewer; receipt: PurgeReceipt }): Html {
  const { viewer, receipt } = input;
  return page({
    title: `Purge ${receipt.requestId}`,
    viewer,
    section: 'privacy',
    body: html`
<p role="status" class="notice" id="receipt-state">State: <strong>${receipt.state}</strong>${receipt.state === 'done' ? ` · completed ${when(receipt.completedAt)}` : ' · the worker runs it; reload to follow it'}</p>
<pre class="card" id="receipt-json" tabindex="0">${JSON.stringify(receipt, null, 2)}</pre>
<p><a href="/app/${viewer.tenant}/privacy/purges/${receipt.requestId}/receipt.json" download>Download the receipt (JSON)</a> · <a href="/app/${viewer.tenant}/privacy">All requests</a></p>`,
  });
}
