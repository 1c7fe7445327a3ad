/** The sign-in, setup and recovery-code pages (docs/dashboard.md#sign-in). Pure. */
import { MIN_PASSWORD_LENGTH } from '../../access/passwords.js';
import { type Html, html } from '../html.js';
import { page } from './layout.js';

export function signInPage(options: { tenant: string; csrf: string; failed?: string | undefined; notice?: string | undefined }): Html {
  return page({
    title: 'Sign in',
    body: html`
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.failed ? html`<p class="error" role="alert" id="sign-in-error">${options.failed}</p>` : ''}
<form method="post" action="/app/${options.tenant}/sign-in" class="card narrow"${options.failed ? html` aria-describedby="sign-in-error"` : ''}>
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <p>Tenant <strong>${options.tenant}</strong></p>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <label for="code">Code from your authenticator app, or a recovery code</label>
  <input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code" required pattern="[0-9]{6}|[a-z0-9]{5}-[a-z0-9]{5}">
  <button type="submit">Sign in</button>
</form>`,
  });
}

/**
 * The setup page. Its link carries the token in the fragment (never sent to a server):
 * setup.js reads it, asks /setup/start for the enrolment, shows the QR code and secret,
 * and puts the token in the form.
 */
export function setupPage(options: { tenant: string; csrf: string; error?: string | undefined }): Html {
  return page({
    title: 'Set up your sign-in',
    scripts: ['/assets/setup.js'],
    body: html`
<noscript><p class="error">This page needs JavaScript to read your setup link.</p></noscript>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<p class="error" role="alert" id="setup-error" hidden></p>
<form method="post" action="/app/${options.tenant}/setup" class="card narrow" id="setup-form" data-start="/app/${options.tenant}/setup/start" hidden>
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <input type="hidden" name="token" id="token">
  <p>Setting up <strong id="setup-email"></strong> for tenant <strong>${options.tenant}</strong>.</p>
  <h2>1. Choose a password</h2>
  <label for="password">Password (at least ${MIN_PASSWORD_LENGTH} characters; not a common one)</label>
  <input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
  <label for="confirm">The same password again</label>
  <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
  <h2>2. Add tally to your authenticator app</h2>
  <div id="qr" class="qr"></div>
  <p>Or type this secret: <code id="secret" class="secret"></code></p>
  <label for="code">The 6-digit code your app shows now</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
  <button type="submit">Finish setup</button>
</form>`,
  });
}

export function recoveryCodesPage(options: { tenant: string; codes: readonly string[] }): Html {
  return page({
    title: 'Your recovery codes',
    body: html`
<p class="notice" role="status">Setup is complete. Keep these ten codes somewhere safe: each signs you in once without your phone. They are shown only now.</p>
<ol class="codes" aria-label="Recovery codes">${options.codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<p><a href="/app/${options.tenant}/sign-in">Sign in</a></p>`,
  });
}
