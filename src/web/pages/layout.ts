/**
 * The frame of every dashboard page (docs/dashboard.md#pages): a skip link, the tenant's
 * navigation for the signed-in person's role, the sign-out form with its CSRF token, and
 * the page. Every asset comes from /assets (served by tally: no CDN). Pure.
 */
import type { ApiRole } from '../../../schemas/records.js';
import { roleAllows } from '../../access/api-keys.js';
import { type Html, html } from '../html.js';

export interface Viewer {
  readonly tenant: string;
  readonly personId: string;
  readonly role: ApiRole;
  /** The session's CSRF token, put in every form. */
  readonly csrf: string;
}

export type Section = 'agents' | 'sync' | 'privacy' | 'people';

const NAV: readonly { section: Section; label: string; role: ApiRole }[] = [
  { section: 'agents', label: 'Agents', role: 'viewer' },
  { section: 'sync', label: 'Sync', role: 'viewer' },
  { section: 'privacy', label: 'Privacy', role: 'privacy' },
  { section: 'people', label: 'People', role: 'admin' },
];

export function page(options: { title: string; viewer?: Viewer | undefined; section?: Section; scripts?: readonly string[]; styles?: readonly string[]; body: Html }): Html {
  const { viewer, section } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · tally</title>
<link rel="stylesheet" href="/assets/dashboard.css">
${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">\n`)}
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>\n`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">tally</span>
  ${
    viewer
      ? html`<nav aria-label="Sections"><ul>${NAV.filter((item) => roleAllows(viewer.role, item.role)).map(
          (item) => html`<li><a href="/app/${viewer.tenant}/${item.section}"${item.section === section ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
        )}</ul></nav>
  <form class="sign-out" method="post" action="/app/${viewer.tenant}/sign-out">
    <input type="hidden" name="_csrf" value="${viewer.csrf}">
    <span class="who">${viewer.tenant} · ${viewer.role}</span>
    <button type="submit">Sign out</button>
  </form>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>
`;
}

/** An error page: the status and what to do, never the data that was asked for. */
export function errorPage(status: number, message: string, viewer?: Viewer): Html {
  const titles: Record<number, string> = { 400: 'Not a valid request', 401: 'Sign in needed', 403: 'Not allowed', 404: 'Not found', 429: 'Too many tries', 500: 'Something failed' };
  return page({ title: titles[status] ?? 'Error', viewer, body: html`<p class="notice" role="alert">${message}</p>${viewer ? html`<p><a href="/app/${viewer.tenant}/agents">Back to the agents</a></p>` : ''}` });
}
