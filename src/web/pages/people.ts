/**
 * The People page (docs/dashboard.md#people-page), for admins: the tenant's people, an
 * invitation form whose setup link is shown once, and per person a role change and a
 * disable (each a CSRF-protected form; both end that person's sessions). Pure.
 */
import { API_ROLES } from '../../../schemas/records.js';
import type { PersonView } from '../../access/people.js';
import { type Html, html } from '../html.js';
import { page, type Viewer } from './layout.js';

export function peoplePage(input: { viewer: Viewer; people: readonly PersonView[]; now: Date; invited?: { email: string; link: string; expiresAt: Date }; error?: string; notice?: string }): Html {
  const { viewer } = input;
  return page({
    title: 'People',
    viewer,
    section: 'people',
    body: html`
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
${
  input.invited
    ? html`<div class="notice" role="status" id="invited"><p>Invited <strong>${input.invited.email}</strong>. Send them this setup link, and only them: it works once, until ${input.invited.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC, and is shown only now.</p>
<p><code id="setup-link" class="secret">${input.invited.link}</code></p></div>`
    : ''
}
<section aria-labelledby="invite"><h2 id="invite">Invite a person</h2>
${input.error ? html`<p class="error" role="alert" id="invite-error">${input.error}</p>` : ''}
<form method="post" action="/app/${viewer.tenant}/people/invite" class="card narrow">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="invite-email">Email</label>
  <input id="invite-email" name="email" type="email" required autocomplete="off">
  <label for="invite-role">Role</label>
  <select id="invite-role" name="role">${API_ROLES.map((role) => html`<option value="${role}">${role}</option>`)}</select>
  <button type="submit">Invite</button>
</form></section>
<section aria-labelledby="everyone"><h2 id="everyone">Everyone</h2>
<div class="table-scroll" role="region" aria-labelledby="everyone" tabindex="0"><table class="metrics text" id="people-table">
<thead><tr><th scope="col">Email</th><th scope="col">Id</th><th scope="col">State</th><th scope="col">Role</th><th scope="col">Recovery codes left</th><th scope="col">Disable</th></tr></thead>
<tbody>${input.people.map(
      (person) => html`<tr data-person="${person.id}"><th scope="row">${person.email}</th><td><code>${person.id}</code></td>
<td data-col="state">${person.state}${person.lockedUntil && person.lockedUntil.getTime() > input.now.getTime() ? ' (locked)' : ''}</td>
<td><form method="post" action="/app/${viewer.tenant}/people/${person.id}/role" class="inline">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label class="visually-hidden" for="role-${person.id}">Role of ${person.email}</label>
  <select id="role-${person.id}" name="role">${API_ROLES.map((role) => html`<option value="${role}"${role === person.role ? html` selected` : ''}>${role}</option>`)}</select>
  <button type="submit">Change</button>
</form></td>
<td>${person.recoveryCodesLeft}</td>
<td>${
        person.state === 'disabled' || person.id === viewer.personId
          ? '–'
          : html`<form method="post" action="/app/${viewer.tenant}/people/${person.id}/disable" class="inline">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <button type="submit" aria-label="Disable ${person.email}">Disable</button>
</form>`
      }</td></tr>`,
    )}</tbody></table></div></section>`,
  });
}
